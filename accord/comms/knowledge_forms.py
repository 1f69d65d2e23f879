"""Forms for the knowledge pages. They parse input; the actions validate and write."""

import re
from typing import Any, cast

from django import forms

from accord.comms import knowledge_selectors as selectors
from accord.comms.models_knowledge import LearningOpportunity, Resource
from accord.org.forms import PersonChoiceField
from accord.org.models import Function, Person, PersonSkill
from accord.partnerships.models import Partnership
from accord.workspaces.models import Membership

PROFICIENCY_CHOICES = [
    (level, f"{level} – {label}") for level, label in selectors.PROFICIENCY_LABELS.items()
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def split_list(text: str) -> list[str]:
    """One item per line, or separated by commas or semicolons."""
    return [part.strip() for part in re.split(r"[\n,;]", text or "") if part.strip()]


# --- expertise ------------------------------------------------------------------------------


class SkillRowForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        required=False,
        label="Skill",
        widget=forms.TextInput(attrs={"list": "skill-names", "autocomplete": "off"}),
    )
    proficiency = forms.TypedChoiceField(
        choices=PROFICIENCY_CHOICES, coerce=int, initial=3, label="Proficiency"
    )


class SkillRowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def skills(self) -> dict[str, int]:
        """{name: level} of the rows kept (named and not marked for removal)."""
        found: dict[str, int] = {}
        seen: set[str] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            name = " ".join((data.get("name") or "").split())
            if not name or data.get("DELETE"):
                continue
            if name.lower() in seen:
                form.add_error("name", f"{name} is listed twice; keep one row.")
                continue
            seen.add(name.lower())
            found[name] = int(data.get("proficiency") or 3)
        return found


def skill_formset(
    data: Any = None, *, skills: list[PersonSkill] | None = None, extra: int = 3
) -> SkillRowFormSet:
    initial = [{"name": ps.skill.name, "proficiency": ps.proficiency} for ps in skills or []]
    formset_class = forms.formset_factory(
        SkillRowForm, formset=SkillRowFormSet, extra=extra, can_delete=True, max_num=60
    )
    formset = cast(SkillRowFormSet, formset_class(data, initial=initial, prefix="skills"))
    for form in formset.forms:
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove"
    return formset


class TopicsForm(forms.Form):
    topics = forms.CharField(
        required=False,
        label="Ask me about",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Topics you are happy to be asked about, one per line: “Quarter-end accruals”, "
        "“Retail buyer negotiations”. Up to 20.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def topic_list(self) -> list[str]:
        return split_list(self.cleaned_data["topics"].replace(",", "\n"))


class TopicAddForm(forms.Form):
    topic = forms.CharField(max_length=120, label="Add a topic")


# --- resources ------------------------------------------------------------------------------


class ResourceForm(forms.Form):
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        to_field_name="slug",
        empty_label="Choose a partnership",
        help_text="Whose library it belongs to.",
        error_messages={
            "required": "Choose the partnership whose library this belongs to.",
            "invalid_choice": "Choose a partnership you can add to.",
        },
    )
    kind = forms.ChoiceField(choices=Resource.Kind.choices, initial=Resource.Kind.LINK)
    title = forms.CharField(
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="What people will look for: “Discount approval playbook”.",
    )
    # A plain text field: the action explains what is wrong with a bad address.
    url = forms.CharField(
        max_length=500,
        required=False,
        label="Web address",
        widget=forms.TextInput(attrs={"inputmode": "url", "placeholder": "https://"}),
        help_text="http:// or https:// only. Needed for a link.",
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What it is for and when to use it. A note can stand on its own.",
    )
    tags = forms.CharField(
        max_length=500,
        required=False,
        help_text="Separated by commas: “pricing, month-end”. Stored in lowercase.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, membership: Membership, resource: Resource | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = selectors.resource_partnership_create_choices(membership=membership)
        pks = {p.pk for p in choices}
        if resource is not None:
            pks.add(resource.partnership_id)
        field: Any = self.fields["partnership"]
        field.queryset = Partnership.objects.filter(
            workspace=membership.workspace, pk__in=pks
        ).order_by("name")

    @classmethod
    def initial_for(cls, resource: Resource) -> dict[str, Any]:
        return {
            "partnership": resource.partnership.slug,
            "kind": resource.kind,
            "title": resource.title,
            "url": resource.url,
            "note": resource.note,
            "tags": ", ".join(resource.tags or []),
            "expected_version": resource.version,
        }

    def resource_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "partnership": data["partnership"],
            "kind": data["kind"],
            "title": data["title"],
            "url": data["url"],
            "note": data["note"],
            "tags": split_list(data["tags"]),
        }


# --- learning -------------------------------------------------------------------------------


class LearningForm(forms.Form):
    kind = forms.ChoiceField(
        choices=LearningOpportunity.Kind.choices,
        help_text="Shadowing: a day or two alongside someone. Rotation: weeks working in "
        "another function. Mentoring: regular one-to-ones. Talk: a session for many.",
    )
    title = forms.CharField(
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="What people will learn: “Shadow the Finance month-end close”.",
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What happens, what to prepare, who it suits.",
    )
    host = PersonChoiceField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        empty_label="Choose the host",
        error_messages={"required": "Choose the host.", "invalid_choice": "Choose a host."},
    )
    function = forms.ModelChoiceField(
        queryset=Function.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="Not tied to a function",
        help_text="The function people will learn about.",
    )
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="Workspace-wide",
        help_text="Opportunities of a members-only partnership are seen only by its members.",
        error_messages={"invalid_choice": "Choose a partnership you can see."},
    )
    starts_on = forms.DateField(required=False, widget=DateInput(), label="Starts")
    ends_on = forms.DateField(required=False, widget=DateInput(), label="Ends")
    capacity = forms.IntegerField(
        min_value=1,
        max_value=100,
        initial=1,
        label="Places",
        help_text="How many people can take part. Sign-ups close when every place is taken.",
        error_messages={
            "min_value": "Offer at least one place.",
            "max_value": "Offer at most 100 places.",
        },
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["host"].queryset = selectors.learning_host_choices(membership=membership)
        fields["function"].queryset = selectors.function_choices(workspace=membership.workspace)
        fields["partnership"].queryset = selectors.resource_partnership_choices(
            membership=membership
        )
        if not membership.can_admin:
            fields["host"].help_text = "You host what you offer; an admin can name someone else."

    @classmethod
    def initial_for(cls, opportunity: LearningOpportunity) -> dict[str, Any]:
        return {
            "kind": opportunity.kind,
            "title": opportunity.title,
            "description": opportunity.description,
            "host": opportunity.host.uuid,
            "function": opportunity.function.uuid if opportunity.function else None,
            "partnership": opportunity.partnership.slug if opportunity.partnership else None,
            "starts_on": opportunity.starts_on,
            "ends_on": opportunity.ends_on,
            "capacity": opportunity.capacity,
            "expected_version": opportunity.version,
        }

    def learning_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "kind",
                "title",
                "description",
                "host",
                "function",
                "partnership",
                "starts_on",
                "ends_on",
                "capacity",
            )
        }


class SignupForm(forms.Form):
    note = forms.CharField(
        max_length=300,
        required=False,
        label="Note to the host (optional)",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="What you hope to learn, or when suits you.",
    )

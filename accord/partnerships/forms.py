"""Forms for the partnership pages. They parse input; the actions validate and write."""

from typing import Any

from django import forms
from django.urls import reverse

from accord.org.models import Function
from accord.org.person_picker import PersonPickerField, person_picker_setup
from accord.partnerships.actions import CHARTER_SECTIONS
from accord.partnerships.models import Lifecycle, Partnership, PartnershipMember, Privacy
from accord.workspaces.models import Workspace


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _people_setup(form: forms.BaseForm, *names: str, workspace: Workspace) -> None:
    """The person fields pick among the workspace's people (a type-ahead in large ones)."""
    person_picker_setup(
        form,
        *names,
        workspace=workspace,
        search_url=reverse("partnership_person_pick", args=[workspace.slug]),
    )


class PartnershipForm(forms.Form):
    """Create a partnership, or change its settings (charter sections are edited inline)."""

    name = forms.CharField(
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="What people call it, e.g. “Quote-to-cash”.",
    )
    purpose = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why these functions work together, in a sentence or two.",
    )
    functions = forms.ModelMultipleChoiceField(
        queryset=Function.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="At least two: a partnership is cross-functional.",
    )
    sponsor = PersonPickerField(
        required=False,
        empty_label="No sponsor yet",
        label="Executive sponsor",
        help_text="The executive who backs it and removes blockers.",
    )
    lead = PersonPickerField(
        required=False,
        empty_label="No lead yet",
        help_text="Who runs it day to day.",
    )
    start_date = forms.DateField(required=False, widget=DateInput())
    end_date = forms.DateField(
        required=False, widget=DateInput(), help_text="Leave empty for an open-ended partnership."
    )
    privacy = forms.ChoiceField(
        choices=Privacy.choices,
        initial=Privacy.WORKSPACE,
        widget=forms.RadioSelect,
        label="Who can see it",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["functions"].queryset = Function.objects.filter(  # type: ignore[attr-defined]
            workspace=workspace
        ).order_by("name")
        _people_setup(self, "sponsor", "lead", workspace=workspace)

    @classmethod
    def initial_for(cls, partnership: Partnership) -> dict[str, Any]:
        return {
            "name": partnership.name,
            "purpose": partnership.purpose,
            "functions": [f.uuid for f in partnership.functions.all()],
            "sponsor": partnership.sponsor.uuid if partnership.sponsor else None,
            "lead": partnership.lead.uuid if partnership.lead else None,
            "start_date": partnership.start_date,
            "end_date": partnership.end_date,
            "privacy": partnership.privacy,
            "expected_version": partnership.version,
        }

    def partnership_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "name",
                "purpose",
                "functions",
                "sponsor",
                "lead",
                "start_date",
                "end_date",
                "privacy",
            )
        }


class CharterSectionForm(forms.Form):
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, section: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        self.fields["text"].label = CHARTER_SECTIONS[section]
        self.fields["text"].widget.attrs["id"] = f"id_charter_{section}"
        self.fields["text"].help_text = CHARTER_HELP[section]


CHARTER_HELP = {
    "problem": "The problem the partnership exists to solve, and for whom.",
    "scope_in": "What the partnership owns: processes, decisions, deliverables.",
    "scope_out": "What it deliberately does not take on, so nobody assumes it does.",
    "success_criteria": "How you will know it worked: outcomes, measures, dates.",
    "working_agreements": "How you work together: cadences, channels, decision rules, "
    "how disagreements are raised.",
}


class MemberForm(forms.Form):
    person = PersonPickerField(empty_label="Choose a person")
    function = forms.ModelChoiceField(
        queryset=Function.objects.none(),
        to_field_name="uuid",
        label="Represents",
        help_text="One of the partnership's functions.",
    )
    role = forms.ChoiceField(
        choices=PartnershipMember.Role.choices, initial=PartnershipMember.Role.CORE
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "member")
        super().__init__(*args, **kwargs)
        workspace = partnership.workspace
        # Anyone of the workspace parses; the action explains when they are already a member.
        _people_setup(self, "person", workspace=workspace)
        # Any function of the workspace parses; the action explains when it is not one of the
        # partnership's (a clearer message than "not a valid choice").
        self.fields["function"].queryset = Function.objects.filter(  # type: ignore[attr-defined]
            workspace=workspace
        ).order_by("name")
        self.function_choices = list(partnership.functions.all())


class MemberChangeForm(forms.Form):
    function = forms.ModelChoiceField(
        queryset=Function.objects.none(), to_field_name="uuid", required=False
    )
    role = forms.ChoiceField(choices=PartnershipMember.Role.choices, required=False)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["function"].queryset = Function.objects.filter(  # type: ignore[attr-defined]
            workspace=workspace
        )


class StatusForm(forms.Form):
    to = forms.ChoiceField(choices=Lifecycle.choices)
    note = forms.CharField(required=False, max_length=2000)

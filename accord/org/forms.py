"""Forms for the directory pages. They parse input; the actions validate and write."""

from typing import Any

from django import forms

from accord.org.importing import skills_parse, skills_text, timezone_canonical
from accord.org.models import Function, Person, Seniority
from accord.workspaces.models import Workspace


class PersonChoiceField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.email})"


class PersonForm(forms.Form):
    name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = forms.EmailField(
        max_length=254, help_text="Work email; it links the person to their login, if any."
    )
    title = forms.CharField(max_length=120, required=False, label="Job title")
    seniority = forms.TypedChoiceField(
        choices=Seniority.choices,
        coerce=int,
        initial=Seniority.IC,
        help_text="Used to compare voices across levels in partnership insights.",
    )
    function = forms.ModelChoiceField(
        queryset=Function.objects.none(),
        required=False,
        to_field_name="uuid",
        empty_label="No function",
    )
    manager = PersonChoiceField(
        queryset=Person.objects.none(),
        required=False,
        to_field_name="uuid",
        empty_label="No manager",
    )
    location = forms.CharField(max_length=120, required=False, help_text="City or office.")
    timezone = forms.CharField(
        max_length=64,
        required=False,
        label="Time zone",
        widget=forms.TextInput(attrs={"list": "timezone-names", "autocomplete": "off"}),
        help_text="An IANA name, e.g. Europe/Paris or America/New_York.",
    )
    skills = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text="One per line as “Skill: level”, level 1 (learning) to 5 (expert). "
        "Example: Negotiation: 4",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, workspace: Workspace, person: Person | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["function"].queryset = Function.objects.filter(  # type: ignore[attr-defined]
            workspace=workspace
        ).order_by("name")
        managers = (
            Person.objects.filter(workspace=workspace)
            .only("pk", "uuid", "name", "email")
            .order_by("name")
        )
        if person is not None and person.pk:
            managers = managers.exclude(pk=person.pk)
        self.fields["manager"].queryset = managers  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        return {
            "name": person.name,
            "email": person.email,
            "title": person.title,
            "seniority": person.seniority,
            "function": person.function.uuid if person.function else None,
            "manager": person.manager.uuid if person.manager else None,
            "location": person.location,
            "timezone": person.timezone,
            "skills": "\n".join(
                f"{ps.skill.name}: {ps.proficiency}" for ps in person.person_skills.all()
            ),
            "expected_version": person.version,
        }

    def clean_timezone(self) -> str:
        text = self.cleaned_data["timezone"].strip()
        if not text:
            return ""
        zone = timezone_canonical(text)
        if zone is None:
            raise forms.ValidationError(
                f"“{text}” is not a time zone; use a name like Europe/Paris or America/New_York."
            )
        return zone

    def clean_skills(self) -> dict[str, int]:
        skills, problems = skills_parse(self.cleaned_data["skills"])
        if problems:
            raise forms.ValidationError(problems)
        return skills

    def person_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "name",
                "email",
                "title",
                "seniority",
                "function",
                "manager",
                "location",
                "timezone",
            )
        }

    @staticmethod
    def skills_display(skills: dict[str, int]) -> str:
        return skills_text(skills)


class FunctionForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="As people say it: Sales, Finance, People…")
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What this function is responsible for, in a sentence or two.",
    )
    lead = PersonChoiceField(
        queryset=Person.objects.none(),
        required=False,
        to_field_name="uuid",
        empty_label="No lead yet",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = (  # type: ignore[attr-defined]
            Person.objects.filter(workspace=workspace)
            .only("pk", "uuid", "name", "email")
            .order_by("name")
        )

    @classmethod
    def initial_for(cls, function: Function) -> dict[str, Any]:
        return {
            "name": function.name,
            "description": function.description,
            "lead": function.lead.uuid if function.lead else None,
            "expected_version": function.version,
        }


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="People file",
        help_text="CSV (UTF-8) or Excel .xlsx, with a header row. Required columns: name, email.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument."
                "spreadsheetml.sheet"
            }
        ),
    )
    create_missing_functions = forms.BooleanField(
        required=False,
        label="Create functions that do not exist yet",
        help_text="Otherwise rows naming an unknown function are rejected.",
    )


class ImportApplyForm(forms.Form):
    digest = forms.CharField(max_length=64, widget=forms.HiddenInput)
    mode = forms.ChoiceField(choices=[("all", "all"), ("valid_only", "valid_only")])

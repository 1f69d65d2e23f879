"""Forms for the RACI pages. They parse input; raci_actions validates and writes."""

from typing import Any

from django import forms

from accord.goals.models import Goal
from accord.governance.models import Deliverable
from accord.governance.raci_selectors import partnership_goal_choices
from accord.partnerships.models import Partnership


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DeliverableForm(forms.Form):
    """Add or change a deliverable (a row of the matrix)."""

    name = forms.CharField(
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="A workstream or deliverable, e.g. “New pricing approval flow”.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    due_date = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Due",
        help_text="Its A is reminded when an active deliverable passes this date.",
    )
    status = forms.ChoiceField(choices=Deliverable.Status.choices, initial="active")
    mode = forms.ChoiceField(
        choices=Deliverable.Mode.choices,
        initial="raci",
        widget=forms.RadioSelect,
        label="Roles",
        help_text="RACI for work: Responsible, Accountable, Consulted, Informed. DACI for "
        "decisions: Driver, Approver, Contributors, Informed.",
    )
    goals = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Goals it delivers",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = partnership_goal_choices(  # type: ignore[attr-defined]
            partnership=partnership
        )

    @classmethod
    def initial_for(cls, deliverable: Deliverable) -> dict[str, Any]:
        return {
            "name": deliverable.name,
            "description": deliverable.description,
            "due_date": deliverable.due_date,
            "status": deliverable.status,
            "mode": deliverable.mode,
            "goals": [g.uuid for g in deliverable.goals.all()],
            "expected_version": deliverable.version,
        }

    def deliverable_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {n: data[n] for n in ("name", "description", "due_date", "status", "mode")}
        fields["goals"] = list(data["goals"])
        return fields


class RaciImportForm(forms.Form):
    file = forms.FileField(
        label="RACI file",
        help_text="CSV (UTF-8) or Excel .xlsx with the columns deliverable, person_email and "
        "letter, as in the export. Leave the letter empty to remove a role.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument."
                "spreadsheetml.sheet"
            }
        ),
    )

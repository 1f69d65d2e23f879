"""Forms for the conflict pages. They parse input; the actions validate and write."""

from typing import Any

from django import forms

from accord.goals.models import Goal
from accord.governance import conflict_selectors as selectors
from accord.governance.conflict_actions import ActionItemDraft
from accord.governance.models import Conflict, ConflictOption, Decision
from accord.org.forms import PersonChoiceField
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.workspaces.models import Membership, Workspace

ACTION_ROWS = 3


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _people(workspace: Workspace) -> Any:
    return (
        Person.objects.filter(workspace=workspace)
        .only("pk", "uuid", "name", "email", "workspace_id")
        .order_by("name")
    )


def _functions(workspace: Workspace) -> Any:
    return Function.objects.filter(workspace=workspace).order_by("name")


class PeopleChoiceField(forms.ModelMultipleChoiceField[Person]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.email})"


class ConflictForm(forms.Form):
    """Raise a conflict, or change what it is about."""

    title = forms.CharField(
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="What the disagreement is about, e.g. “Discounting vs margin on Q3 deals”.",
    )
    type = forms.ChoiceField(choices=Conflict.Type.choices, initial=Conflict.Type.GOALS)
    severity = forms.ChoiceField(
        choices=Conflict.Severity.choices, initial=Conflict.Severity.MEDIUM
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What happened and what is at stake, in neutral words.",
    )
    party_functions = forms.ModelMultipleChoiceField(
        queryset=Function.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Functions involved",
    )
    party_people = PeopleChoiceField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        label="People involved",
        help_text="At least two parties in all, people or functions.",
    )
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="No partnership",
        help_text="Its lead can see it even when private; its sponsor hears escalations.",
    )
    facilitator = PersonChoiceField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="Not yet",
        help_text="Someone neutral who runs the dialogue. Needed before the dialogue starts.",
    )
    goals = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(), to_field_name="uuid", required=False, label="Related goals"
    )
    decisions = forms.ModelMultipleChoiceField(
        queryset=Decision.objects.none(),
        to_field_name="uuid",
        required=False,
        label="Related decisions",
    )
    private = forms.BooleanField(
        required=False,
        label="Private",
        help_text="Only the parties, the facilitator, the partnership lead and admins see it.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workspace = membership.workspace
        fields: Any = self.fields
        fields["party_functions"].queryset = _functions(workspace)
        fields["party_people"].queryset = _people(workspace)
        fields["facilitator"].queryset = _people(workspace)
        fields["partnership"].queryset = selectors.conflict_partnership_choices(
            membership=membership
        ).order_by("name")
        fields["goals"].queryset = selectors.conflict_goal_choices(membership=membership)
        fields["decisions"].queryset = selectors.conflict_decision_choices(membership=membership)

    @classmethod
    def initial_for(cls, conflict: Conflict) -> dict[str, Any]:
        return {
            "title": conflict.title,
            "type": conflict.type,
            "severity": conflict.severity,
            "description": conflict.description,
            "party_functions": [f.uuid for f in conflict.party_functions.all()],
            "party_people": [p.uuid for p in conflict.party_people.all()],
            "partnership": conflict.partnership.uuid if conflict.partnership else None,
            "facilitator": conflict.facilitator.uuid if conflict.facilitator else None,
            "goals": [g.uuid for g in conflict.goals.all()],
            "decisions": [d.uuid for d in conflict.decisions.all()],
            "private": conflict.private,
            "expected_version": conflict.version,
        }

    def conflict_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "title",
                "type",
                "severity",
                "description",
                "party_functions",
                "party_people",
                "partnership",
                "facilitator",
                "goals",
                "decisions",
                "private",
            )
        }


class MoveForm(forms.Form):
    """One move along the workflow; which fields matter depends on the target stage."""

    to = forms.ChoiceField(choices=Conflict.Stage.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    facilitator = PersonChoiceField(
        queryset=Person.objects.none(), to_field_name="uuid", required=False, empty_label="Choose"
    )
    agreement = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What each party agreed to do.",
    )
    chosen_option = forms.ModelChoiceField(
        queryset=ConflictOption.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="None in particular",
        label="Option chosen",
    )
    follow_up_date = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Follow-up check",
        help_text="When to check that the agreement holds (default: in 30 days).",
    )
    escalation_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why escalate",
        help_text="Why the parties could not settle it, and what the sponsor should decide.",
    )
    escalated_to = PersonChoiceField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="The partnership's sponsor",
        label="Escalate to",
    )
    holds = forms.TypedChoiceField(
        choices=[("yes", "Yes, it holds"), ("no", "No, it does not hold")],
        coerce=lambda value: value == "yes",
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        label="Does the agreement hold?",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, conflict: Conflict, to: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{to}_%s")
        super().__init__(*args, **kwargs)
        self.target = to
        workspace = conflict.workspace
        fields: Any = self.fields
        fields["facilitator"].queryset = _people(workspace)
        fields["escalated_to"].queryset = _people(workspace)
        fields["chosen_option"].queryset = ConflictOption.objects.filter(conflict=conflict)
        fields["note"].label = "Follow-up note" if to == Conflict.Stage.CLOSED else "Note"
        if to == Conflict.Stage.IN_DIALOGUE:
            fields["facilitator"].initial = (
                conflict.facilitator.uuid if conflict.facilitator else None
            )
        for number in range(1, ACTION_ROWS + 1):
            self.fields[f"action_title_{number}"] = forms.CharField(
                required=False, max_length=300, label=f"Action {number}"
            )
            self.fields[f"action_owner_{number}"] = PersonChoiceField(
                queryset=_people(workspace),
                to_field_name="uuid",
                required=False,
                empty_label="No owner yet",
                label=f"Owner of action {number}",
            )
            self.fields[f"action_due_{number}"] = forms.DateField(
                required=False, widget=DateInput(), label=f"Due date of action {number}"
            )

    def action_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"action_title_{n}"], self[f"action_owner_{n}"], self[f"action_due_{n}"])
            for n in range(1, ACTION_ROWS + 1)
        ]

    def action_drafts(self) -> list[ActionItemDraft]:
        data = self.cleaned_data
        return [
            ActionItemDraft(
                title=data[f"action_title_{n}"],
                owner=data[f"action_owner_{n}"],
                due_date=data[f"action_due_{n}"],
            )
            for n in range(1, ACTION_ROWS + 1)
            if data.get(f"action_title_{n}", "").strip()
        ]

    def move_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "to": self.target,
            "note": data["note"],
            "facilitator": data["facilitator"],
            "agreement": data["agreement"],
            "chosen_option": data["chosen_option"],
            "follow_up_date": data["follow_up_date"],
            "escalation_reason": data["escalation_reason"],
            "escalated_to": data["escalated_to"],
            "holds": data["holds"],
            "action_items": self.action_drafts(),
            "expected_version": data["expected_version"],
        }


class PerspectiveForm(forms.Form):
    person = PersonChoiceField(
        queryset=Person.objects.none(), to_field_name="uuid", required=False, empty_label="—"
    )
    function = forms.ModelChoiceField(
        queryset=Function.objects.none(), to_field_name="uuid", required=False, empty_label="—"
    )
    perspective = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="How this party sees the conflict, in their words.",
    )
    interests = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="What they need underneath their position.",
    )

    def __init__(self, *args: Any, conflict: Conflict, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "perspective")
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["person"].queryset = _people(conflict.workspace)
        fields["function"].queryset = _functions(conflict.workspace)


class OptionForm(forms.Form):
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Option",
        help_text="A way forward that serves both sides' interests.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "option")
        super().__init__(*args, **kwargs)


class FromGoalsForm(forms.Form):
    goal_a = forms.UUIDField()
    goal_b = forms.UUIDField()
    kind = forms.CharField(max_length=40)

"""Forms for the action pages. They parse input; the actions validate and write."""

from typing import Any

from django import forms

from accord.goals.models import Goal
from accord.governance import action_selectors as selectors
from accord.governance.models import ActionItem, Conflict, Decision
from accord.org.forms import PersonChoiceField
from accord.org.models import Person
from accord.partnerships.models import Partnership
from accord.workspaces.models import Membership

FORM_FIELDS = (
    "title",
    "description",
    "owner",
    "due_date",
    "status",
    "partnership",
    "goal",
    "decision",
    "conflict",
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TitledChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


def _unknown(noun: str) -> dict[str, str]:
    return {"invalid_choice": f"Choose a {noun} you can see in this workspace."}


class ActionForm(forms.Form):
    """Add an action, or edit one."""

    title = forms.CharField(
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="What needs doing, starting with a verb: “Send the revised discount policy”.",
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Context, the definition of done, links.",
    )
    owner = PersonChoiceField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        empty_label="Choose the owner",
        help_text="Exactly one person owns an action.",
        error_messages={"required": "Choose the one person who owns this action."},
    )
    due_date = forms.DateField(required=False, widget=DateInput(), label="Due")
    status = forms.ChoiceField(choices=ActionItem.Status.choices, initial=ActionItem.Status.OPEN)
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="Workspace-wide (no partnership)",
        help_text="Linking a goal, decision or conflict of a partnership places it there.",
        error_messages=_unknown("partnership"),
    )
    goal = TitledChoiceField(
        queryset=Goal.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="No goal",
        error_messages=_unknown("goal"),
    )
    decision = TitledChoiceField(
        queryset=Decision.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="No decision",
        error_messages=_unknown("decision"),
    )
    conflict = TitledChoiceField(
        queryset=Conflict.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="No conflict",
        error_messages=_unknown("conflict"),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        membership: Membership,
        action: ActionItem | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["owner"].queryset = selectors.action_owner_choices(workspace=membership.workspace)
        fields["partnership"].queryset = selectors.action_partnership_create_choices(
            membership=membership, include=action.partnership_id if action else None
        )
        fields["goal"].queryset = selectors.action_goal_choices(membership=membership).order_by(
            "title", "pk"
        )
        fields["decision"].queryset = selectors.action_decision_choices(membership=membership)
        fields["conflict"].queryset = selectors.action_conflict_choices(membership=membership)

    @classmethod
    def initial_for(cls, action: ActionItem) -> dict[str, Any]:
        return {
            "title": action.title,
            "description": action.description,
            "owner": action.owner.uuid if action.owner else None,
            "due_date": action.due_date,
            "status": action.status,
            "partnership": action.partnership.slug if action.partnership else None,
            "goal": action.goal.uuid if action.goal else None,
            "decision": action.decision.uuid if action.decision else None,
            "conflict": action.conflict.uuid if action.conflict else None,
            "expected_version": action.version,
        }

    def action_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FORM_FIELDS}


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write a comment before posting it."},
    )

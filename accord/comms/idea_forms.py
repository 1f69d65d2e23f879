"""Forms for the idea pages. They parse input; the actions validate and write."""

from typing import Any

from django import forms

from accord.comms import idea_selectors as selectors
from accord.comms.models import Idea
from accord.goals.models import Goal
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.workspaces.models import Membership


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class IdeaForm(forms.Form):
    """Propose an idea, or edit one (the partnership is fixed once proposed)."""

    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        to_field_name="slug",
        empty_label="Choose a partnership",
        help_text="Ideas are proposed in a partnership you belong to.",
        error_messages={
            "required": "Choose the partnership the idea is for.",
            "invalid_choice": "Choose a partnership you belong to.",
        },
    )
    title = forms.CharField(
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="A few words: “One quote template for Sales and Finance”.",
        error_messages={"required": "Name the idea in a few words, e.g. “Shared quote template”."},
    )
    problem = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What gets in the way today, and for whom.",
        error_messages={"required": "Describe the problem or opportunity the idea answers."},
    )
    proposal = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you propose to do — small enough to try.",
        error_messages={"required": "Say what you propose to do."},
    )
    expected_impact = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What would get better, ideally in numbers: days saved, errors avoided.",
    )
    functions = forms.ModelMultipleChoiceField(
        queryset=Function.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Functions involved",
        help_text="Every function that would have to change something.",
        error_messages={"invalid_choice": "Choose functions of this workspace."},
    )
    anonymous_voting = forms.BooleanField(
        required=False,
        label="Anonymous voting",
        help_text="Only the number of votes is shown, never who voted. Cannot be turned off "
        "once someone has voted.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, membership: Membership, idea: Idea | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["functions"].queryset = selectors.idea_function_choices(membership=membership)
        if idea is not None:
            del fields["partnership"]
        else:
            fields["partnership"].queryset = selectors.idea_partnership_choices(
                membership=membership
            )

    @classmethod
    def initial_for(cls, idea: Idea) -> dict[str, Any]:
        return {
            "title": idea.title,
            "problem": idea.problem,
            "proposal": idea.proposal,
            "expected_impact": idea.expected_impact,
            "functions": [f.uuid for f in idea.functions.all()],
            "anonymous_voting": idea.anonymous_voting,
            "expected_version": idea.version,
        }

    def idea_fields(self) -> dict[str, Any]:
        names = ["title", "problem", "proposal", "expected_impact", "anonymous_voting"]
        fields = {name: self.cleaned_data[name] for name in names}
        fields["functions"] = list(self.cleaned_data["functions"])
        if "partnership" in self.fields:
            fields["partnership"] = self.cleaned_data["partnership"]
        return fields


class GoalChoiceField(forms.ModelChoiceField[Goal]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class StageForm(forms.Form):
    """Move an idea (managers): the stage, the experiment, the outcome, and on adoption a goal
    to link or create."""

    stage = forms.ChoiceField(
        label="Move to",
        choices=Idea.Stage.choices,
        error_messages={"required": "Choose a stage."},
    )
    experiment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For an experiment: what is tried, for how long, and how it is judged.",
    )
    outcome = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For adopted or parked: what was learned, and what happens now (or why not).",
    )
    goal = GoalChoiceField(
        queryset=Goal.objects.none(),
        to_field_name="uuid",
        required=False,
        label="Link an existing goal",
        empty_label="No existing goal",
        error_messages={"invalid_choice": "Choose a goal of this partnership."},
    )
    create_goal = forms.BooleanField(
        required=False,
        label="Create a goal for it",
        help_text="Adds an objective to the partnership, owned by the person you choose.",
    )
    goal_title = forms.CharField(required=False, max_length=300, label="Goal title")
    goal_owner = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        label="Goal owner",
        empty_label="Choose the owner",
        error_messages={"invalid_choice": "Choose someone from this workspace."},
    )
    goal_due_date = forms.DateField(required=False, widget=DateInput(), label="Goal due")
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        moves = [idea.stage, *selectors.STAGE_MOVES[idea.stage]]
        fields["stage"].choices = [
            (value, label if value != idea.stage else f"{label} (keep, update the notes)")
            for value, label in Idea.Stage.choices
            if value in moves
        ]
        fields["goal"].queryset = selectors.idea_goal_choices(idea=idea)
        fields["goal_owner"].queryset = selectors.idea_owner_choices(idea=idea)

    def new_goal(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("create_goal"):
            return None
        return {
            "title": data.get("goal_title") or "",
            "owner": data.get("goal_owner"),
            "due_date": data.get("goal_due_date"),
        }


class IdeaCommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write a comment before posting it."},
    )

"""Forms for the decision log pages. They parse input; the actions validate and write."""

from typing import Any

from django import forms
from django.db.models import Q

from accord.goals.models import Goal
from accord.governance.models import Decision, DecisionOption, DecisionResponse, Deliverable
from accord.org.forms import PersonChoiceField
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.workspaces.models import Workspace


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PeopleField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.function.name})" if obj.function_id else obj.name


def people_of(workspace: Workspace) -> Any:
    return Person.objects.filter(workspace=workspace).select_related("function").order_by("name")


class DecisionForm(forms.Form):
    """A draft decision: what is decided, by whom, with whom, and what it touches."""

    title = forms.CharField(
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="What is being decided, e.g. “Move invoicing to weekly batches”.",
    )
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="No partnership (workspace-wide)",
    )
    context = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The situation and why a decision is needed now.",
    )
    decision_text = forms.CharField(
        required=False,
        label="Proposed decision",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you propose; the outcome is recorded when it is decided.",
    )
    rationale = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    decider = PersonChoiceField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="Choose the decider",
        help_text="Exactly one person makes the call.",
    )
    consulted = PeopleField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text="Asked for input before it is decided.",
    )
    informed = PeopleField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text="Told once it is decided.",
    )
    affected_functions = forms.ModelMultipleChoiceField(
        queryset=Function.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Affected functions",
    )
    goals = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        label="Linked goals",
    )
    deliverables = forms.ModelMultipleChoiceField(
        queryset=Deliverable.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        label="Linked deliverables",
    )
    revisit_by = forms.DateField(
        required=False, widget=DateInput(), help_text="When to check the decision still holds."
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FIELDS = [
        "title",
        "partnership",
        "context",
        "decision_text",
        "rationale",
        "decider",
        "consulted",
        "informed",
        "affected_functions",
        "goals",
        "deliverables",
        "revisit_by",
    ]

    def __init__(
        self, *args: Any, workspace: Workspace, partnerships: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["partnership"].queryset = (
            partnerships
            if partnerships is not None
            else Partnership.objects.filter(workspace=workspace).order_by("name")
        )
        fields["decider"].queryset = people_of(workspace)
        fields["consulted"].queryset = people_of(workspace)
        fields["informed"].queryset = people_of(workspace)
        fields["affected_functions"].queryset = Function.objects.filter(
            workspace=workspace
        ).order_by("name")
        # Only goals and deliverables of partnerships the member can see: a members-only
        # partnership's goals must not show up as choices for outsiders.
        goals = Goal.objects.filter(workspace=workspace)
        deliverables = Deliverable.objects.filter(workspace=workspace)
        if partnerships is not None:
            visible = partnerships.values("pk")
            goals = goals.filter(Q(partnership__isnull=True) | Q(partnership__in=visible))
            deliverables = deliverables.filter(partnership__in=visible)
        fields["goals"].queryset = goals.order_by("title")
        fields["deliverables"].queryset = deliverables.order_by("name")

    @classmethod
    def initial_for(cls, decision: Decision) -> dict[str, Any]:
        return {
            "title": decision.title,
            "partnership": decision.partnership.uuid if decision.partnership else None,
            "context": decision.context,
            "decision_text": decision.decision_text,
            "rationale": decision.rationale,
            "decider": decision.decider.uuid if decision.decider else None,
            "consulted": [p.uuid for p in decision.consulted.all()],
            "informed": [p.uuid for p in decision.informed.all()],
            "affected_functions": [f.uuid for f in decision.affected_functions.all()],
            "goals": [g.uuid for g in decision.goals.all()],
            "deliverables": [d.uuid for d in decision.deliverables.all()],
            "revisit_by": decision.revisit_by,
            "expected_version": decision.version,
        }

    def decision_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class OptionForm(forms.Form):
    title = forms.CharField(max_length=200, label="Option")
    pros = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    cons = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "option")
        super().__init__(*args, **kwargs)


class OpenForm(forms.Form):
    """Open a draft for input: who is asked, until when, and how they answer."""

    stakeholders = PeopleField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Checked: the consulted people and a member for every affected function.",
    )
    closes_at = forms.DateTimeField(
        label="Input closes", widget=DateTimeInput(), help_text="A time in the future."
    )
    input_mode = forms.ChoiceField(
        choices=Decision.InputMode.choices,
        initial=Decision.InputMode.CONSENT,
        widget=forms.RadioSelect,
        label="How people respond",
    )
    hide_responses_until_close = forms.BooleanField(
        required=False,
        label="Hide responses until input closes",
        help_text="Nobody, not even the decider, sees positions before the close.",
    )
    allow_anonymous = forms.BooleanField(
        required=False,
        label="Allow anonymous input",
        help_text="Stakeholders may respond without their name (it still counts once).",
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stakeholders"].queryset = people_of(workspace)  # type: ignore[attr-defined]


class RespondForm(forms.Form):
    position = forms.ChoiceField(
        choices=DecisionResponse.Position.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for a block: what would make it safe to try?",
    )
    anonymous = forms.BooleanField(required=False, label="Respond anonymously")

    def __init__(self, *args: Any, decision: Decision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["position"]
        if decision.input_mode == Decision.InputMode.ADVICE:
            field.choices = [("advice", "Advice")]
            field.initial = "advice"
            field.widget = forms.HiddenInput()
            self.fields["reason"].label = "Your advice"
            self.fields["reason"].help_text = ""
        else:
            field.choices = [c for c in DecisionResponse.Position.choices if c[0] != "advice"]
        if not decision.allow_anonymous:
            del self.fields["anonymous"]


class AnswerForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    outcome_statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Outcome",
        help_text="What was decided and why, answering the main objections.",
    )
    chosen_option = forms.ModelChoiceField(
        queryset=DecisionOption.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="No specific option",
    )

    def __init__(self, *args: Any, decision: Decision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chosen_option"].queryset = DecisionOption.objects.filter(  # type: ignore[attr-defined]
            decision=decision
        ).order_by("position", "pk")


class ReverseForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Why reverse it?")

"""Forms for change proposals: the proposal, impacts, concerns and readiness."""

from typing import Any

from django import forms

from accord.goals.models import Goal, Kpi
from accord.governance.decision_forms import DateInput, DecisionForm
from accord.governance.models import ChangeImpact, ChangeProposal, Concern, ReadinessRating
from accord.org.models import Function
from accord.workspaces.models import Workspace

SCORES = [(value, str(value)) for value in range(1, 6)]
PROPOSAL_FIELDS = [
    "what_changes",
    "benefits",
    "risks",
    "rollout_plan",
    "success_measures",
    "measure_goals",
    "measure_kpis",
    "follow_up_date",
]


class ChangeForm(DecisionForm):
    """A change proposal: the decision plus what changes, why, risks, rollout and measures."""

    what_changes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What people will do differently.",
    )
    benefits = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Why (benefits)"
    )
    risks = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    rollout_plan = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    success_measures = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    measure_goals = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        label="Measured by goals",
    )
    measure_kpis = forms.ModelMultipleChoiceField(
        queryset=Kpi.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        label="Measured by KPIs",
    )
    follow_up_date = forms.DateField(
        required=False, widget=DateInput(), label="Follow-up review", help_text="When to check."
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, workspace=workspace, **kwargs)
        fields: Any = self.fields
        fields["decision_text"].label = "Proposed change, in one sentence"
        # The same reach as the decision's own goal choices (the parent form narrows them to
        # partnerships the member can see); KPIs always belong to a partnership.
        fields["measure_goals"].queryset = fields["goals"].queryset
        partnerships = kwargs.get("partnerships")
        kpis = Kpi.objects.filter(workspace=workspace)
        if partnerships is not None:
            kpis = kpis.filter(partnership__in=partnerships.values("pk"))
        fields["measure_kpis"].queryset = kpis.order_by("name")

    @classmethod
    def initial_for_proposal(cls, proposal: ChangeProposal) -> dict[str, Any]:
        return {
            **DecisionForm.initial_for(proposal.decision),
            **{name: getattr(proposal, name) for name in PROPOSAL_FIELDS[:5]},
            "measure_goals": [g.uuid for g in proposal.measure_goals.all()],
            "measure_kpis": [k.uuid for k in proposal.measure_kpis.all()],
            "follow_up_date": proposal.follow_up_date,
        }

    def proposal_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PROPOSAL_FIELDS}


class ImpactForm(forms.Form):
    function = forms.ModelChoiceField(queryset=Function.objects.none(), to_field_name="uuid")
    roles = forms.CharField(required=False, max_length=300, help_text="e.g. “AR clerks, BDRs”.")
    impact = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    level = forms.ChoiceField(choices=ChangeImpact.Level.choices, initial="medium")

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "impact")
        super().__init__(*args, **kwargs)
        self.fields["function"].queryset = Function.objects.filter(  # type: ignore[attr-defined]
            workspace=workspace
        ).order_by("name")


class ConcernForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Your concern")
    anonymous = forms.BooleanField(required=False, label="Raise it anonymously")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "concern")
        super().__init__(*args, **kwargs)


class ConcernResponseForm(forms.Form):
    response = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(
        choices=[c for c in Concern.Status.choices if c[0] != Concern.Status.OPEN],
        label="Outcome",
    )


class ReadinessForm(forms.Form):
    function = forms.ModelChoiceField(
        queryset=Function.objects.none(), to_field_name="uuid", label="Function you rate"
    )
    phase = forms.ChoiceField(choices=ReadinessRating.Phase.choices)
    awareness = forms.TypedChoiceField(choices=SCORES, coerce=int, help_text="of why it changes")
    desire = forms.TypedChoiceField(choices=SCORES, coerce=int, help_text="to take part")
    knowledge = forms.TypedChoiceField(choices=SCORES, coerce=int, help_text="of how to change")
    ability = forms.TypedChoiceField(choices=SCORES, coerce=int, help_text="to do it in practice")
    reinforcement = forms.TypedChoiceField(choices=SCORES, coerce=int, help_text="to make it stick")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, functions: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "readiness")
        super().__init__(*args, **kwargs)
        self.fields["function"].queryset = functions  # type: ignore[attr-defined]

    def scores(self) -> dict[str, int]:
        return {
            name: self.cleaned_data[name]
            for name in ("awareness", "desire", "knowledge", "ability", "reinforcement")
        }

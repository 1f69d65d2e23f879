"""Forms for goal, check-in and KPI pages. They parse input; the actions check and write."""

from typing import Any

from django import forms
from django.utils import timezone

from accord.goals.catalog import catalog_metric
from accord.goals.models import (
    Category,
    CheckIn,
    Direction,
    Goal,
    GoodDirection,
    MetricDefinition,
    PushDirection,
)
from accord.goals.numbers import NUMBER_MESSAGE, number_parse
from accord.goals.permissions import function_choices_for_goals
from accord.metrics.catalog import FUNCTIONS, UNITS
from accord.org.models import Function, Person
from accord.partnerships.selectors import partnership_visible_list
from accord.workspaces.models import Membership

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CONFIDENCE_CHOICES = [
    ("", "Not given"),
    *CheckIn.Confidence.choices,
    *[(str(score), f"{score} / 10") for score in range(10, -1, -1)],
]


class NumberField(forms.CharField):
    """A number typed as text, so a bad entry gets a message a person can act on."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in ("", None):
            return None
        try:
            return number_parse(text)
        except ValueError:
            raise forms.ValidationError(NUMBER_MESSAGE) from None


class GoalChoiceField(forms.ModelChoiceField[Goal]):
    def label_from_instance(self, obj: Any) -> str:
        home = obj.partnership or obj.function
        return f"{obj.title} ({home})" if home else str(obj.title)


class GoalMultipleChoiceField(forms.ModelMultipleChoiceField[Goal]):
    def label_from_instance(self, obj: Any) -> str:
        home = obj.partnership or obj.function
        return f"{obj.title} ({home})" if home else str(obj.title)


class GoalForm(forms.Form):
    title = forms.CharField(
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="What will change, by how much, by when: “Raise trial-to-paid conversion "
        "from 12% to 18% by 30 June 2026”.",
    )
    kind = forms.ChoiceField(choices=Goal.Kind.choices, initial=Goal.Kind.GOAL)
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why it matters and how it will be measured.",
    )
    partnership: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="uuid", empty_label="— None —"
    )
    function: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="uuid", empty_label="— None —"
    )
    parent = GoalChoiceField(
        queryset=None,
        required=False,
        to_field_name="uuid",
        empty_label="— None —",
        label="Objective",
        help_text="For key results: the objective they measure.",
    )
    supports = GoalMultipleChoiceField(
        queryset=None,
        required=False,
        to_field_name="uuid",
        label="Supports",
        help_text="Goals this one contributes to (e.g. a partnership objective).",
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    metric_key = forms.CharField(
        max_length=60,
        required=False,
        label="Metric",
        widget=forms.TextInput(attrs={"list": "metric-catalog", "autocomplete": "off"}),
        help_text="Pick one from the catalog or type your own.",
    )
    unit = forms.CharField(max_length=20, required=False, help_text="%, €, days, NPS …")
    direction = forms.ChoiceField(
        choices=[("", "—"), *Direction.choices], required=False, label="Direction"
    )
    baseline = NumberField(help_text="Where the metric starts.")
    target = NumberField(help_text="Where it should be by the due date.")
    target_low = NumberField(label="Lowest acceptable")
    target_high = NumberField(label="Highest acceptable")
    start_date = forms.DateField(required=False, widget=DATE, label="Start")
    due_date = forms.DateField(required=False, widget=DATE, label="Due")
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,
        required=False,
        to_field_name="uuid",
        empty_label="— Choose one person —",
        help_text="Exactly one accountable person.",
    )
    contributing_functions: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        to_field_name="uuid",
        label="Contributing functions",
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    status = forms.ChoiceField(choices=Goal.Status.choices, initial=Goal.Status.ACTIVE)
    cadence_days = forms.IntegerField(
        min_value=1,
        max_value=366,
        initial=7,
        label="Check in every (days)",
        help_text="A goal without a check-in for this long (plus 2 days) is flagged stale.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, membership: Membership, goal: Goal | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        from accord.goals.selectors import goal_visible

        workspace = membership.workspace
        self.workspace = workspace
        fields: dict[str, Any] = self.fields
        fields["partnership"].queryset = partnership_visible_list(membership=membership).only(
            "uuid", "name"
        )
        fields["function"].queryset = (
            Function.objects.filter(function_choices_for_goals(membership))
            .distinct()
            .only("uuid", "name")
            .order_by("name")
        )
        visible = goal_visible(membership=membership).select_related("partnership", "function")
        if goal is not None:
            visible = visible.exclude(pk=goal.pk)
        fields["parent"].queryset = visible.filter(kind=Goal.Kind.OBJECTIVE)
        fields["supports"].queryset = visible
        fields["owner"].queryset = Person.objects.filter(workspace=workspace).only("uuid", "name")
        fields["contributing_functions"].queryset = Function.objects.filter(
            workspace=workspace
        ).only("uuid", "name")

    @classmethod
    def initial_for(cls, goal: Goal) -> dict[str, Any]:
        return {
            "title": goal.title,
            "kind": goal.kind,
            "description": goal.description,
            "partnership": goal.partnership.uuid if goal.partnership else None,
            "function": goal.function.uuid if goal.function else None,
            "parent": goal.parent.uuid if goal.parent else None,
            "supports": [g.uuid for g in goal.supports.all()],
            "metric_key": goal.metric_key,
            "unit": goal.unit,
            "direction": goal.direction,
            "baseline": _number_text(goal.baseline),
            "target": _number_text(goal.target),
            "target_low": _number_text(goal.target_low),
            "target_high": _number_text(goal.target_high),
            "start_date": goal.start_date,
            "due_date": goal.due_date,
            "owner": goal.owner.uuid if goal.owner else None,
            "contributing_functions": [f.uuid for f in goal.contributing_functions.all()],
            "status": goal.status,
            "cadence_days": goal.cadence_days,
            "expected_version": goal.version,
        }

    def goal_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("expected_version", None)
        data["supports"] = list(data.get("supports") or [])
        data["contributing_functions"] = list(data.get("contributing_functions") or [])
        metric = data.get("metric_key", "").strip()
        data["metric_key"] = metric[:60]
        found = catalog_metric(metric, workspace=self.workspace)
        data["metric_name"] = found.name[:120] if found else ""
        return data


def _number_text(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


class CheckInForm(forms.Form):
    value = forms.CharField(
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text="The metric's value on that date.",
    )
    date = forms.DateField(widget=DATE)
    confidence = forms.ChoiceField(
        choices=CONFIDENCE_CHOICES,
        required=False,
        help_text="How likely the target is met: a label or a score.",
    )
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="What moved it."
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def clean_value(self) -> float:
        try:
            return number_parse(self.cleaned_data["value"])
        except ValueError:
            raise forms.ValidationError(NUMBER_MESSAGE) from None

    @classmethod
    def initial_for(cls, checkin: CheckIn) -> dict[str, Any]:
        return {
            "value": f"{checkin.value:g}",
            "date": checkin.date,
            "confidence": str(checkin.confidence_score)
            if checkin.confidence_score is not None
            else checkin.confidence,
            "note": checkin.note,
            "expected_version": checkin.version,
        }


class KpiForm(forms.Form):
    partnership: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, to_field_name="uuid"
    )
    metric_key = forms.CharField(
        max_length=60,
        label="Metric",
        widget=forms.TextInput(attrs={"list": "metric-catalog", "autocomplete": "off"}),
        help_text="A metric key from the catalog; name, unit, direction and category follow.",
    )
    name = forms.CharField(
        max_length=120, required=False, help_text="Defaults to the catalog name."
    )
    unit = forms.CharField(max_length=20, required=False)
    direction = forms.ChoiceField(
        choices=[("", "From the catalog"), *Direction.choices], required=False
    )
    category = forms.ChoiceField(
        choices=[("", "From the catalog"), *Category.choices], required=False
    )
    target = NumberField()
    target_low = NumberField(label="Target band: low")
    target_high = NumberField(label="Target band: high")

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from accord.partnerships.selectors import partnership_can_manage

        visible = list(partnership_visible_list(membership=membership).only("uuid", "name"))
        allowed = [
            p.pk for p in visible if partnership_can_manage(membership=membership, partnership=p)
        ]
        self.fields["partnership"].queryset = partnership_visible_list(  # type: ignore[attr-defined]
            membership=membership
        ).filter(pk__in=allowed)

    def kpi_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("partnership")
        return {k: v for k, v in data.items() if v not in ("", None) or k.startswith("target")}


class MeasurementForm(forms.Form):
    date = forms.DateField(widget=DATE)
    value = forms.CharField(
        max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    )
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def clean_value(self) -> float:
        try:
            return number_parse(self.cleaned_data["value"])
        except ValueError:
            raise forms.ValidationError(NUMBER_MESSAGE) from None


class MeasurementImportForm(forms.Form):
    file = forms.FileField(
        label="Measurements file",
        help_text="CSV (UTF-8) with a header row: date,value and optionally note. "
        "Dates as YYYY-MM-DD.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class MeasurementApplyForm(forms.Form):
    text = forms.CharField(widget=forms.HiddenInput, max_length=1_000_000, strip=False)
    mode = forms.ChoiceField(choices=[("all", "all"), ("valid_only", "valid_only")])


# --- the workspace's metric catalog and goal settings ---------------------------------------

FUNCTION_CHOICES = [("", "— Choose —"), *FUNCTIONS.items()]
UNIT_CHOICES = [("", "— Choose —"), *((unit, unit) for unit in UNITS)]


def _phrases_text(values: list[str]) -> str:
    return ", ".join(values)


class MetricDefinitionForm(forms.Form):
    """A workspace metric. The action checks the rules (and the catalog's) and reports them by
    field; the key is fixed once the metric exists."""

    key = forms.CharField(
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="Lower-case letters, digits and underscores, e.g. trial_conversion_rate. "
        "It cannot change later.",
    )
    name = forms.CharField(
        max_length=120, help_text="The name people use, e.g. “Trial conversion”."
    )
    synonyms = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Other names, separated by commas; matched in goal texts regardless of case.",
    )
    abbreviations = forms.CharField(
        required=False,
        max_length=200,
        help_text="Separated by commas; matched with their exact case (e.g. TCR).",
    )
    unit = forms.ChoiceField(
        choices=UNIT_CHOICES,
        error_messages={"required": f"Choose a unit: {', '.join(UNITS)}."},
    )
    good_direction = forms.ChoiceField(
        choices=[("", "— Choose —"), *GoodDirection.choices],
        error_messages={"required": "Choose which way is better for this metric."},
        label="Good direction",
        help_text="Which way is better; “target” when neither is (headcount, price).",
    )
    category = forms.ChoiceField(
        choices=[("", "— Choose —"), *Category.choices],
        error_messages={
            "required": "Choose the category this metric reports on.",
            "invalid_choice": "Choose one of the seven categories; %(value)s is not one.",
        },
    )
    function = forms.ChoiceField(
        choices=FUNCTION_CHOICES,
        label="Owning function",
        error_messages={"required": "Choose the function that usually owns this metric."},
    )
    description = forms.CharField(
        required=False, max_length=300, help_text="One sentence, in plain words."
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, metric: MetricDefinition | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if metric is not None:
            self.fields["key"].disabled = True
            self.fields["key"].help_text = "The key cannot change: goals and KPIs refer to it."

    @classmethod
    def initial_for(cls, metric: MetricDefinition) -> dict[str, Any]:
        return {
            "key": metric.key,
            "name": metric.name,
            "synonyms": _phrases_text(metric.synonyms),
            "abbreviations": _phrases_text(metric.abbreviations),
            "unit": metric.unit,
            "good_direction": metric.good_direction,
            "category": metric.category,
            "function": metric.function,
            "description": metric.description,
            "expected_version": metric.version,
        }

    def metric_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("expected_version", None)
        return data


class WorkspaceTensionForm(forms.Form):
    metric_a = forms.CharField(
        max_length=60,
        label="When this metric",
        widget=forms.TextInput(attrs={"list": "metric-catalog", "autocomplete": "off"}),
        help_text="A metric key from the catalog or this workspace.",
    )
    a_direction = forms.ChoiceField(choices=PushDirection.choices, label="is pushed so it")
    metric_b = forms.CharField(
        max_length=60,
        label="this metric tends to",
        widget=forms.TextInput(attrs={"list": "metric-catalog", "autocomplete": "off"}),
    )
    b_direction = forms.ChoiceField(
        choices=PushDirection.choices, label="move so it", help_text="The harmful way for it."
    )
    explanation = forms.CharField(
        max_length=300,
        help_text="One plain sentence, quoted in every conflict it raises: “Deeper discounts "
        "lower gross margin.”",
    )


class GoalSettingsForm(forms.Form):
    """Status bands as percentages of the expected progress (stored as shares of 1)."""

    on_track = forms.CharField(
        max_length=10,
        label="On track from (% of expected progress)",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text="A goal this far along its plan or further is on track. Default 95.",
    )
    at_risk = forms.CharField(
        max_length=10,
        label="At risk from (% of expected progress)",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text="Between this and “on track” a goal is at risk; below, off track. Default 75.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, settings: Any) -> dict[str, Any]:
        return {
            "on_track": f"{settings.on_track * 100:g}",
            "at_risk": f"{settings.at_risk * 100:g}",
            "expected_version": settings.version if settings.pk else None,
        }

    def _share(self, name: str) -> float:
        try:
            percent = number_parse(self.cleaned_data[name].rstrip("% "))
        except ValueError:
            raise forms.ValidationError(
                "Enter a percentage such as 90 (of the expected progress)."
            ) from None
        return percent / 100

    def clean_on_track(self) -> float:
        return self._share("on_track")

    def clean_at_risk(self) -> float:
        return self._share("at_risk")

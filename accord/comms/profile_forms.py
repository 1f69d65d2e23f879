"""Forms for function profiles. They parse input; the actions validate and write."""

import calendar
from collections import defaultdict
from typing import Any

from django import forms

from accord.comms.models_profiles import FunctionPriority, FunctionProfile
from accord.comms.profile_selectors import PROFILE_CHANNELS
from accord.goals.catalog import catalog_metrics
from accord.goals.selectors import workspace_catalog
from accord.metrics.catalog import FUNCTIONS
from accord.workspaces.models import Workspace

MONTH_CHOICES = [(str(m), calendar.month_abbr[m]) for m in range(1, 13)]
WINDOW_ROWS_EXTRA = 2


def catalog_choices(workspace: Workspace) -> list[tuple[str, list[tuple[str, str]]]]:
    """Catalog metrics (the workspace's own included) grouped by the function that usually
    owns them, by name."""
    owners = {m.key: m.function for m in workspace_catalog(workspace).metrics}
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for metric in catalog_metrics(workspace=workspace):
        group = FUNCTIONS.get(owners.get(metric.key, ""), "Other")
        groups[group].append((metric.key, metric.name))
    return sorted(groups.items())


class ProfileForm(forms.Form):
    mission = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One or two sentences: what the function is for.",
    )
    role_in_business = forms.CharField(
        label="Role in the business",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What it owns and decides; what others depend on it for.",
    )
    owned_kpis = forms.MultipleChoiceField(
        label="KPIs we own",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="From the metric catalog.",
    )
    planning_cycle = forms.ChoiceField(
        choices=[("", "Not said"), *FunctionProfile.Planning.choices], required=False
    )
    working_methods = forms.CharField(
        label="Working methods and rhythms",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Standing meetings, planning days, how work gets in and out.",
    )
    busy_periods = forms.CharField(
        label="Busy periods (in words)",
        required=False,
        max_length=300,
        help_text="E.g. “Month-end close (first 5 working days); annual budget in Oct–Nov”.",
    )
    approval_steps = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One step per line, e.g. “Controller review for discounts over 15%”.",
    )
    preferred_channels = forms.MultipleChoiceField(
        choices=list(PROFILE_CHANNELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="How you like to be reached; the plan page compares these.",
    )
    response_time_hours = forms.IntegerField(
        label="Expected response time (hours)",
        required=False,
        min_value=1,
        max_value=720,
        help_text="How long partners should expect to wait for an answer on a normal day.",
    )
    how_to_ask = forms.CharField(
        label="How to ask us for help",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where requests go, what to include, who to escalate to.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        self.kpi_groups = catalog_choices(workspace)
        fields["owned_kpis"].choices = [
            (key, name) for _group, rows in self.kpi_groups for key, name in rows
        ]

    @staticmethod
    def initial_for(profile: FunctionProfile) -> dict[str, Any]:
        return {
            "mission": profile.mission,
            "role_in_business": profile.role_in_business,
            "owned_kpis": list(profile.owned_kpis or []),
            "planning_cycle": profile.planning_cycle,
            "working_methods": profile.working_methods,
            "busy_periods": profile.busy_periods,
            "approval_steps": profile.approval_steps,
            "preferred_channels": list(profile.preferred_channels or []),
            "response_time_hours": profile.response_time_hours,
            "how_to_ask": profile.how_to_ask,
            "expected_version": profile.version,
        }

    def selected_kpis(self) -> set[str]:
        value = self["owned_kpis"].value() or []
        return {str(v) for v in value}

    def profile_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "mission",
                "role_in_business",
                "owned_kpis",
                "planning_cycle",
                "working_methods",
                "busy_periods",
                "approval_steps",
                "preferred_channels",
                "response_time_hours",
                "how_to_ask",
            )
        }


class BusyWindowForm(forms.Form):
    label = forms.CharField(label="Name", max_length=60, required=False)
    months = forms.MultipleChoiceField(
        choices=MONTH_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every month.",
    )
    day_from = forms.IntegerField(label="From day", min_value=1, max_value=31, required=False)
    day_to = forms.IntegerField(label="To day", min_value=1, max_value=31, required=False)

    def window(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("label") and not data.get("months"):
            return None  # an empty row
        return {
            "label": data.get("label") or "",
            "months": [int(m) for m in data.get("months") or []],
            "day_from": data.get("day_from") or 1,
            "day_to": data.get("day_to") or 31,
        }


BusyWindowFormSet = forms.formset_factory(BusyWindowForm, extra=WINDOW_ROWS_EXTRA, max_num=8)


def busy_window_initial(profile: FunctionProfile | None) -> list[dict[str, Any]]:
    if profile is None:
        return []
    return [
        {
            "label": w.get("label", ""),
            "months": [str(m) for m in w.get("months") or []],
            "day_from": w.get("day_from", 1),
            "day_to": w.get("day_to", 31),
        }
        for w in profile.busy_windows or []
        if isinstance(w, dict)
    ]


class PriorityForm(forms.Form):
    title = forms.CharField(
        label="Priority",
        max_length=200,
        help_text="E.g. “Protect gross margin above 42%”.",
        error_messages={"required": "Name the priority, e.g. “Protect gross margin”."},
    )
    detail = forms.CharField(max_length=400, required=False)
    metric_key = forms.ChoiceField(
        label="Metric it moves",
        required=False,
        help_text="Optional: lets the comparison spot priorities that pull apart.",
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["metric_key"].choices = [("", "None"), *catalog_choices(workspace)]

    @staticmethod
    def initial_for(priority: FunctionPriority) -> dict[str, Any]:
        return {
            "title": priority.title,
            "detail": priority.detail,
            "metric_key": priority.metric_key,
        }


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])

"""The health index settings form: one weight per component, the minimum covered share and
the decision target. Fields are text so the action's messages (which name the component
and the rule) are the ones shown; the action validates."""

from typing import Any

from django import forms

from accord.metrics.health_index import COMPONENT_LABELS, DEFAULT_WEIGHTS


def weight_field_name(key: str) -> str:
    return f"weight_{key}"


class InsightSettingsForm(forms.Form):
    min_covered_share = forms.CharField(
        label="Minimum covered share (0–1)",
        help_text=(
            "The share of the total weight whose components must have data for a score to "
            "be shown; 0.4 means 40%. Below it the page explains why there is no score."
        ),
        error_messages={"required": "Minimum covered share: enter a number from 0 to 1."},
    )
    decision_target_days = forms.CharField(
        label="Decision target (days)",
        help_text="A proposal open for input longer than this counts against decision velocity.",
        error_messages={"required": "Decision target: enter a whole number of days."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in COMPONENT_LABELS.items():
            self.fields[weight_field_name(key)] = forms.CharField(
                label=label,
                help_text=f"Default {DEFAULT_WEIGHTS[key]:g}.",
                error_messages={"required": f"Weight of {label}: enter a number (0 or more)."},
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
            )

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[weight_field_name(key)] for key in COMPONENT_LABELS]

    def weights(self) -> dict[str, str]:
        return {key: self.cleaned_data[weight_field_name(key)].strip() for key in COMPONENT_LABELS}

    def add_action_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the action's errors (``weights.<key>``, ``weights``, other fields) on the
        fields they name."""
        for name, messages in errors.items():
            if name.startswith("weights."):
                target: str | None = weight_field_name(name.removeprefix("weights."))
            elif name == "weights":
                target = None
            else:
                target = name
            if target is not None and target not in self.fields:
                target = None
            for message in messages:
                self.add_error(target, message)

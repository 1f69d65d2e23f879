"""Forms of the network import pages: the upload, identity mapping, and the settings."""

from typing import Any

from django import forms

from accord.network.models import NetworkSettings, Source


class NetworkImportForm(forms.Form):
    file = forms.FileField(
        label="Export file",
        help_text="A CSV, a Slack export (zip), an mbox, a zip of .eml files or an .ics calendar.",
    )
    source = forms.ChoiceField(
        label="Kind of file",
        required=False,
        choices=[("", "Recognise it from the file"), *Source.choices],
    )


class IdentityUpdateForm(forms.Form):
    """One identity row's form: map it to a person (by e-mail or id), unmap, ignore or
    unignore it."""

    ACTIONS = ("map", "unmap", "ignore", "unignore")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    person = forms.CharField(
        label="Person",
        required=False,
        max_length=320,
        help_text="Type a name and pick the person (their e-mail).",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("action") == "map" and not (cleaned.get("person") or "").strip():
            self.add_error("person", "Choose the person this identity is.")
        return cleaned


class NetworkSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = NetworkSettings
        fields = ["retention_days", "window_days", "min_weight", "workday_start", "workday_end"]
        labels = {
            "retention_days": "Keep interactions for (days)",
            "window_days": "Analysis window (days)",
            "min_weight": "Minimum interactions for a tie",
            "workday_start": "Workday starts (hour)",
            "workday_end": "Workday ends (hour)",
        }
        help_texts = {
            "retention_days": "Older interactions are deleted every night. 0 keeps everything; "
            "otherwise at least 30.",
            "window_days": "Ties count the interactions of this many days (default 28).",
            "min_weight": "Two people are tied when they interacted at least this often in a "
            "window (default 1).",
            "workday_start": "In each person's own time zone; used for the after-hours share.",
            "workday_end": "Interactions from this hour on count as after hours.",
        }

"""Forms for a lead's decisions about a recommended play: accept (steps, owner, due date),
snooze (until, reason), dismiss (reason, required) and reopen. Each carries the version the
page showed, so a decision made meanwhile by someone else is caught."""

import datetime
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone

from accord.insights.models import Recommendation
from accord.insights.playbook_selectors import recommendation_owner_choices
from accord.metrics.playbook import PLAYS_BY_KEY
from accord.org.models import Person


class DateInput(forms.DateInput):
    input_type = "date"


class _Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, recommendation: Recommendation, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"r{recommendation.pk}")
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", recommendation.version)
        super().__init__(*args, **kwargs)
        self.recommendation = recommendation


class AcceptForm(_Versioned):
    steps = forms.MultipleChoiceField(
        label="Steps to turn into action items",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one step to turn into an action item."},
    )
    owner = forms.ChoiceField(
        label="Owner of the action items",
        error_messages={
            "required": "Choose the one person who owns the play's action items.",
            "invalid_choice": "Choose a member of this partnership.",
        },
    )
    due_date = forms.DateField(
        label="Due date",
        required=False,
        widget=DateInput,
        help_text="Optional; applies to every action item.",
        error_messages={"invalid": "Enter a date such as 2027-03-31."},
    )

    def __init__(
        self,
        *args: Any,
        recommendation: Recommendation,
        owners: Sequence[Person] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, recommendation=recommendation, **kwargs)
        play = PLAYS_BY_KEY[recommendation.play_key]
        choices = [(str(index), step) for index, step in enumerate(play.steps)]
        steps_field: Any = self.fields["steps"]
        steps_field.choices = choices
        if not self.is_bound:
            self.initial["steps"] = [value for value, _ in choices]
        if owners is None:
            owners = list(recommendation_owner_choices(partnership=recommendation.partnership))
        self.owners = {str(person.uuid): person for person in owners}
        owner_field: Any = self.fields["owner"]
        owner_field.choices = [("", "Choose a member…")] + [
            (str(person.uuid), person.name) for person in owners
        ]
        self.play = play

    def clean_owner(self) -> Person:
        return self.owners[self.cleaned_data["owner"]]

    def chosen_steps(self) -> list[str]:
        return [self.play.steps[int(index)] for index in self.cleaned_data["steps"]]


class SnoozeForm(_Versioned):
    until = forms.DateField(
        label="Snooze until",
        widget=DateInput,
        error_messages={
            "required": "Choose the date the play should come back.",
            "invalid": "Enter a date such as 2027-03-31.",
        },
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: why now is not the time.",
    )

    def __init__(self, *args: Any, recommendation: Recommendation, **kwargs: Any) -> None:
        super().__init__(*args, recommendation=recommendation, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("until", timezone.localdate() + datetime.timedelta(days=28))


class DismissForm(_Versioned):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required: the next review weighs it.",
        error_messages={
            "required": "Say why you dismiss this play, so the next review can weigh it."
        },
    )


class ReopenForm(_Versioned):
    pass

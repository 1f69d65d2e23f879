"""Forms for the review pages. They parse input; the actions validate and write."""

from typing import Any

from django import forms

from accord.comms.models_plan import Cadence
from accord.goals.models import Goal
from accord.insights import review_selectors as selectors
from accord.insights.models import Review, ReviewAdjustment
from accord.org.models import Person


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReviewForm(forms.Form):
    rhythm = forms.ChoiceField(choices=Review.Rhythm.choices, initial=Review.Rhythm.MONTHLY)
    scheduled_for = forms.DateField(
        label="Review date",
        widget=DateInput(),
        error_messages={"required": "Give the date the review meeting takes place."},
    )
    period_start = forms.DateField(
        label="Period from",
        required=False,
        widget=DateInput(),
        help_text="Empty: the day after the previous review's period (else a month or "
        "quarter back).",
    )
    period_end = forms.DateField(
        label="Period to", required=False, widget=DateInput(), help_text="Empty: the review date."
    )
    title = forms.CharField(
        max_length=200, required=False, help_text="Empty: “Monthly review · March 2026”."
    )

    def review_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("rhythm", "scheduled_for", "period_start", "period_end", "title")
        }


RATING_CHOICES = [("", "No rating"), *[(str(n), f"{n} of 5") for n in range(1, 6)]]


class FeedbackForm(forms.Form):
    went_well = forms.CharField(
        label="What went well",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    to_improve = forms.CharField(
        label="What to improve",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rating = forms.TypedChoiceField(
        label="How did this period go? (optional)",
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )

    def feedback_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("went_well", "to_improve", "rating")}


class PersonChoiceField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(choices=ReviewAdjustment.Kind.choices)
    description = forms.CharField(
        max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    goal = forms.ModelChoiceField(
        queryset=Goal.objects.none(), required=False, to_field_name="uuid", empty_label="—"
    )
    goal_target = forms.FloatField(label="New target (optional)", required=False)
    goal_due_date = forms.DateField(
        label="New due date (optional)", required=False, widget=DateInput()
    )
    action_title = forms.CharField(label="Action", max_length=300, required=False)
    action_owner = PersonChoiceField(
        label="Owner",
        queryset=Person.objects.none(),
        required=False,
        to_field_name="uuid",
        empty_label="—",
    )
    action_due_date = forms.DateField(label="Due", required=False, widget=DateInput())
    cadence = forms.ModelChoiceField(
        queryset=Cadence.objects.none(), required=False, to_field_name="uuid", empty_label="—"
    )
    cadence_interval = forms.IntegerField(
        label="New interval", required=False, min_value=1, max_value=52
    )
    cadence_unit = forms.ChoiceField(
        label="Unit", choices=[("", "—"), *Cadence.Unit.choices], required=False
    )

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = selectors.review_goal_choices(review=review)  # type: ignore[attr-defined]
        self.fields["action_owner"].queryset = selectors.review_owner_choices(review=review)  # type: ignore[attr-defined]
        self.fields["cadence"].queryset = selectors.review_cadence_choices(review=review)  # type: ignore[attr-defined]

    def adjustment_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["cadence_unit"] = data.get("cadence_unit") or None
        return data


class CompleteForm(forms.Form):
    summary = forms.CharField(
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Sum up what the review concluded."},
    )

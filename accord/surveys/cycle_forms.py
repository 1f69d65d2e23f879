"""The survey cycle form. People pick dates: a cycle opens at the start of its first day and
closes at the end of its last (in the site's time zone); the API takes exact times."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from accord.surveys.cycle_selectors import (
    MIN_GROUP_FLOOR,
    cycle_function_choices,
    cycle_partnership_choices,
    survey_thresholds_default,
)
from accord.surveys.instrument_selectors import instrument_choices
from accord.surveys.models import Cycle
from accord.workspaces.models import Membership


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def day_end(day: datetime.date) -> datetime.datetime:
    """The end of the day: the first moment of the next one."""
    return day_start(day + datetime.timedelta(days=1))


def last_day(closes_at: datetime.datetime) -> datetime.date:
    return timezone.localtime(closes_at - datetime.timedelta(microseconds=1)).date()


class CycleForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="What people see in their invitation.")
    instrument: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,
        to_field_name="uuid",
        empty_label=None,
        help_text="The survey asks the instrument's latest version; later edits do not change "
        "an opened survey.",
    )
    partnership: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,
        to_field_name="slug",
        required=False,
        empty_label="— No partnership —",
        help_text="Without chosen functions, its members are asked.",
    )
    functions: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        queryset=None,
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ask everyone in these functions instead (the partnership, if chosen, "
        "labels the results).",
    )
    opens_on = forms.DateField(label="Opens on", widget=DateInput())
    closes_on = forms.DateField(
        label="Closes on", widget=DateInput(), help_text="Closes at the end of this day."
    )
    recur_weeks = forms.IntegerField(
        label="Repeat every (weeks)",
        required=False,
        min_value=1,
        max_value=52,
        help_text="Leave empty for a one-off survey. E.g. 8 for every eight weeks.",
    )
    min_group = forms.IntegerField(
        label="Smallest group shown (k)",
        min_value=MIN_GROUP_FLOOR,
        max_value=100,
        error_messages={
            "min_value": "k cannot be below 3: smaller groups would let people work out who "
            "answered what."
        },
        help_text="Results of fewer respondents are withheld. Never below 3.",
    )
    min_comments = forms.IntegerField(
        label="Respondents before comments show",
        min_value=MIN_GROUP_FLOOR,
        max_value=100,
        help_text="Comments are easier to recognise than numbers; at least k.",
    )
    rate_own_function = forms.BooleanField(
        label="Coordination: people also rate their own function",
        required=False,
    )

    def __init__(
        self, *args: Any, membership: Membership, cycle: Cycle | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.cycle = cycle
        fields: Any = self.fields
        fields["instrument"].queryset = instrument_choices(membership=membership)
        partnerships = cycle_partnership_choices(membership=membership)
        if cycle is not None and cycle.partnership_id:
            from accord.partnerships.models import Partnership

            partnerships = Partnership.objects.filter(workspace=membership.workspace).filter(
                pk__in=[*partnerships.values_list("pk", flat=True), cycle.partnership_id]
            )
        fields["partnership"].queryset = partnerships.order_by("name")
        fields["functions"].queryset = cycle_function_choices(workspace=membership.workspace)
        if not membership.can_admin:
            fields["partnership"].required = True
            fields["partnership"].empty_label = None
            del self.fields["functions"]
        for field in self.fields.values():
            field.widget.attrs.setdefault("autocomplete", "off")
        if cycle is not None and cycle.status != Cycle.Status.DRAFT:
            # Frozen at opening: shown, not editable (and not read from the post).
            for name in self.fields:
                if name not in {"title", "closes_on"}:
                    self.fields[name].disabled = True
            if cycle.status == Cycle.Status.CLOSED:
                self.fields["title"].disabled = True
                self.fields["closes_on"].disabled = True

    @staticmethod
    def initial_for(cycle: Cycle) -> dict[str, Any]:
        return {
            "title": cycle.title,
            "instrument": cycle.version.instrument.uuid,
            "partnership": cycle.partnership.slug if cycle.partnership else None,
            "functions": [f.uuid for f in cycle.functions.all()],
            "opens_on": timezone.localtime(cycle.opens_at).date(),
            "closes_on": last_day(cycle.closes_at),
            "recur_weeks": cycle.recur_weeks,
            "min_group": cycle.min_group,
            "min_comments": cycle.min_comments,
            "rate_own_function": cycle.rate_own_function,
        }

    @staticmethod
    def initial_new(membership: Membership, partnership: str = "") -> dict[str, Any]:
        today = timezone.localdate()
        defaults = survey_thresholds_default(workspace=membership.workspace)
        return {
            "opens_on": today,
            "closes_on": today + datetime.timedelta(days=13),
            "min_group": defaults.min_group,
            "min_comments": defaults.min_comments,
            "partnership": partnership or None,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The survey must close on or after the day it opens.")
        k, comments = data.get("min_group"), data.get("min_comments")
        if k and comments and comments < k:
            self.add_error(
                "min_comments", f"Comments need at least as many respondents as k ({k})."
            )
        return data

    def cycle_fields(self) -> dict[str, Any]:
        """Keyword arguments for cycle_create / cycle_update: only what may change."""
        data = self.cleaned_data
        if self.cycle is not None and self.cycle.status != Cycle.Status.DRAFT:
            fields: dict[str, Any] = {"title": data["title"]}
            if last_day(self.cycle.closes_at) != data["closes_on"]:
                fields["closes_at"] = day_end(data["closes_on"])
            return fields
        fields = {
            "title": data["title"],
            "instrument": data["instrument"],
            "partnership": data.get("partnership"),
            "opens_at": day_start(data["opens_on"]),
            "closes_at": day_end(data["closes_on"]),
            "recur_weeks": data.get("recur_weeks"),
            "min_group": data["min_group"],
            "min_comments": data["min_comments"],
            "rate_own_function": bool(data.get("rate_own_function")),
        }
        if "functions" in self.fields:
            fields["functions"] = list(data.get("functions") or [])
        elif self.cycle is not None:
            fields["functions"] = list(self.cycle.functions.all())
        if (
            self.cycle is not None
            and timezone.localtime(self.cycle.opens_at).date() == data["opens_on"]
        ):
            fields["opens_at"] = self.cycle.opens_at
        return fields

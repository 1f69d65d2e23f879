"""Forms for the meeting pages. They parse input; the actions validate and write."""

import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet

from accord.comms.meeting_actions import AgendaSpec
from accord.comms.models_meetings import Meeting
from accord.org.models import Person
from accord.partnerships.models import Partnership

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class PersonField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Any) -> str:
        function = f" · {obj.function.name}" if getattr(obj, "function", None) else ""
        return f"{obj.name}{function}"


class PeopleField(forms.ModelMultipleChoiceField[Person]):
    def label_from_instance(self, obj: Any) -> str:
        function = f" · {obj.function.name}" if getattr(obj, "function", None) else ""
        return f"{obj.name}{function}"


def _people(queryset: QuerySet[Person] | None) -> QuerySet[Person]:
    return queryset if queryset is not None else Person.objects.none()


class PartnershipPickForm(forms.Form):
    """Step one of scheduling: which partnership the meeting belongs to."""

    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        to_field_name="slug",
        empty_label="Choose a partnership",
        error_messages={
            "required": "Choose the partnership this meeting belongs to.",
            "invalid_choice": "Choose a partnership you can schedule meetings for.",
        },
    )

    def __init__(self, *args: Any, partnerships: QuerySet[Partnership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships  # type: ignore[attr-defined]


class MeetingForm(forms.Form):
    """Schedule a meeting of one partnership, or edit one."""

    title = forms.CharField(
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="What the meeting is for, e.g. “Monthly pricing review”.",
        error_messages={"required": "Give the meeting a title, e.g. “Monthly pricing review”."},
    )
    starts_at = forms.DateTimeField(
        label="Starts",
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        error_messages={
            "required": "Say when the meeting starts.",
            "invalid": "Enter a date and time, e.g. 2026-03-14 10:00.",
        },
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        initial=60,
        min_value=5,
        max_value=720,
        error_messages={
            "required": "Say how long the meeting lasts, in minutes.",
            "min_value": "A meeting lasts at least 5 minutes.",
            "max_value": "A meeting lasts at most 12 hours (720 minutes).",
        },
    )
    location = forms.CharField(
        label="Room or video link",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    organizer = PersonField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="Me",
        error_messages={"invalid_choice": "Choose someone from the partnership."},
    )
    note_taker = PersonField(
        label="Note-taker",
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="The organizer",
        help_text="Keeps the notes and tallies who contributes.",
        error_messages={"invalid_choice": "Choose someone from the partnership."},
    )
    attendees = PeopleField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Everyone in the partnership is invited unless you untick them.",
        error_messages={"invalid_choice": "Choose attendees from the partnership."},
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, people: QuerySet[Person] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        for name in ("organizer", "note_taker", "attendees"):
            fields[name].queryset = _people(people)

    @classmethod
    def initial_for(cls, meeting: Meeting, attendee_uuids: list[uuid.UUID]) -> dict[str, Any]:
        from django.utils import timezone

        return {
            "title": meeting.title,
            "starts_at": timezone.localtime(meeting.starts_at).strftime(DATETIME_FORMAT),
            "duration_minutes": meeting.duration_minutes,
            "location": meeting.location,
            "organizer": meeting.organizer.uuid if meeting.organizer else None,
            "note_taker": meeting.note_taker.uuid if meeting.note_taker else None,
            "attendees": attendee_uuids,
            "expected_version": meeting.version,
        }

    def meeting_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            "location": data["location"],
            "organizer": data["organizer"],
            "note_taker": data["note_taker"],
        }


class AgendaRowForm(forms.Form):
    """One agenda row on the scheduling form; an empty row is skipped."""

    title = forms.CharField(label="Agenda item", max_length=200, required=False)
    owner = PersonField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="No owner",
        error_messages={"invalid_choice": "Choose an owner from the partnership."},
    )
    minutes = forms.IntegerField(
        min_value=1,
        max_value=720,
        required=False,
        error_messages={"min_value": "At least 1 minute.", "max_value": "At most 720 minutes."},
    )

    def __init__(self, *args: Any, people: QuerySet[Person] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people(people)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("title") and (data.get("owner") or data.get("minutes")):
            self.add_error(
                "title", "Give this agenda item a title, or clear its owner and minutes."
            )
        return data


AgendaFormSet = forms.formset_factory(AgendaRowForm, extra=5, max_num=30, absolute_max=30)


def agenda_specs(formset: Any) -> list[AgendaSpec]:
    return [
        AgendaSpec(title=row["title"], owner=row.get("owner"), minutes=row.get("minutes"))
        for row in (form.cleaned_data for form in formset.forms)
        if row.get("title")
    ]


class AgendaItemForm(forms.Form):
    """Add an item to a meeting's agenda."""

    title = forms.CharField(
        label="Agenda item",
        max_length=200,
        error_messages={"required": "Give the agenda item a title."},
    )
    owner = PersonField(
        queryset=Person.objects.none(), to_field_name="uuid", required=False, empty_label="No owner"
    )
    minutes = forms.IntegerField(min_value=1, max_value=720, required=False)

    def __init__(self, *args: Any, people: QuerySet[Person] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people(people)  # type: ignore[attr-defined]


class NotesForm(forms.Form):
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What was discussed, by agenda item. Decisions and actions go below.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Meeting.Status.choices)


@dataclass(frozen=True)
class TallyClick:
    agenda_item: str
    person: str
    delta: int


class TallyForm(forms.Form):
    """One click on the tally grid: `<agenda item id>:<person id>:<+1 or -1>`."""

    tally = forms.CharField(max_length=120)

    def clean_tally(self) -> TallyClick:
        value = self.cleaned_data["tally"]
        try:
            item, person, delta = value.split(":")
            click = TallyClick(str(uuid.UUID(item)), str(uuid.UUID(person)), int(delta))
        except ValueError:
            raise forms.ValidationError("That tally button is not one of this meeting's.") from None
        if click.delta not in (-1, 1):
            raise forms.ValidationError("A tally button adds or removes one contribution.")
        return click


class AttendanceForm(forms.Form):
    person = forms.UUIDField()
    attended = forms.TypedChoiceField(
        choices=[("1", "Present"), ("0", "Absent")], coerce=lambda value: value == "1"
    )


class DecisionCaptureForm(forms.Form):
    title = forms.CharField(
        label="Decision",
        max_length=300,
        help_text="What was decided or needs deciding, e.g. “Cap promotional discounts at 15%”.",
        error_messages={"required": "Give the decision a title: what is being decided."},
    )
    decider = PersonField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        empty_label="Choose the decider",
        error_messages={"required": "Name exactly one decider: the person who makes the call."},
    )
    decision_text = forms.CharField(
        label="Outcome",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What was agreed, in a sentence or two.",
    )
    revisit_by = forms.DateField(label="Revisit by", required=False, widget=DateInput())
    decided = forms.BooleanField(
        label="Decided in the meeting (I am the decider)",
        required=False,
    )

    def __init__(self, *args: Any, people: QuerySet[Person] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "decision")
        super().__init__(*args, **kwargs)
        self.fields["decider"].queryset = _people(people)  # type: ignore[attr-defined]


class ActionCaptureForm(forms.Form):
    title = forms.CharField(
        label="Action",
        max_length=300,
        help_text="What needs doing, starting with a verb.",
        error_messages={"required": "Say what needs doing, e.g. “Send the revised price list”."},
    )
    owner = PersonField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        empty_label="Choose the owner",
        error_messages={"required": "Choose the one person who owns this action."},
    )
    due_date = forms.DateField(label="Due", required=False, widget=DateInput())

    def __init__(self, *args: Any, people: QuerySet[Person] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "action")
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people(people)  # type: ignore[attr-defined]

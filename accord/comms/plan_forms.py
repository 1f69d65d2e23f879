"""Forms for the communication plan pages and the channel advisor. They parse input; the
actions validate and write."""

from typing import Any

from django import forms

from accord.comms import plan_selectors as selectors
from accord.comms.models_plan import Cadence, ChannelKind, CommChannel, ContactEntry
from accord.comms.plan_actions import URL_SCHEMES
from accord.metrics.channels import DECIDE, DISCUSS, HIGH, INFORM, LOW, MEDIUM
from accord.org.forms import PersonChoiceField
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(choices=ChannelKind.choices, initial=ChannelKind.CHAT)
    name = forms.CharField(
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="As people know it: “#margin-recovery”, “Weekly sync”, “Pricing tracker”.",
        error_messages={
            "required": "Name the channel the way people know it, e.g. “#margin-recovery”."
        },
    )
    url = forms.CharField(
        label="Link",
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://…"}),
        help_text="Where to find it: a chat channel, a mailto: address, a document.",
    )
    purpose = forms.CharField(
        required=False,
        max_length=300,
        help_text="What goes here, e.g. “Quick questions and heads-ups; nothing binding”.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_url(self) -> str:
        url = str(self.cleaned_data.get("url") or "").strip()
        if url and not url.lower().startswith(URL_SCHEMES):
            raise forms.ValidationError("Give a link starting with https://, http:// or mailto:.")
        return url

    @staticmethod
    def initial_for(channel: CommChannel) -> dict[str, Any]:
        return {
            "kind": channel.kind,
            "name": channel.name,
            "url": channel.url,
            "purpose": channel.purpose,
            "expected_version": channel.version,
        }

    def channel_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("kind", "name", "url", "purpose")}


class CadenceForm(forms.Form):
    kind = forms.ChoiceField(choices=Cadence.Kind.choices, initial=Cadence.Kind.WEEKLY_UPDATE)
    name = forms.CharField(
        max_length=120,
        required=False,
        help_text="Left empty, the kind names it (“Weekly async update”).",
    )
    interval = forms.IntegerField(
        label="Every",
        required=False,
        min_value=1,
        max_value=52,
        help_text="Empty: the kind's usual rhythm (weekly; monthly; every 3 months for a QBR).",
    )
    unit = forms.ChoiceField(choices=[("", "—"), *Cadence.Unit.choices], required=False)
    starts_on = forms.DateField(
        label="First due date",
        widget=DateInput(),
        help_text="Later due dates follow the rhythm from this day.",
        error_messages={"required": "Give the first due date; later ones follow the rhythm."},
    )
    grace_days = forms.IntegerField(
        min_value=0,
        max_value=30,
        initial=2,
        help_text="Days after a due date that still count as on time.",
    )
    owner = PersonChoiceField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="The partnership lead",
        help_text="Who posts the update or runs the meeting; reminders go to them.",
        error_messages={"invalid_choice": "Choose someone from this workspace."},
    )
    channel = forms.ModelChoiceField(
        queryset=CommChannel.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="No particular channel",
        error_messages={"invalid_choice": "Choose one of this partnership's channels."},
    )
    meeting_time = forms.TimeField(
        required=False, widget=TimeInput(), help_text="For meetings: the usual start time."
    )
    meeting_minutes = forms.IntegerField(
        label="Meeting length (minutes)", min_value=5, max_value=480, initial=60
    )
    active = forms.BooleanField(
        required=False, initial=True, label="Active (reminders and adherence)"
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["owner"].queryset = selectors.plan_person_choices(workspace=partnership.workspace)
        fields["channel"].queryset = selectors.comm_channel_list(partnership=partnership)

    @staticmethod
    def initial_for(cadence: Cadence) -> dict[str, Any]:
        return {
            "kind": cadence.kind,
            "name": cadence.name,
            "interval": cadence.interval,
            "unit": cadence.unit,
            "starts_on": cadence.starts_on,
            "grace_days": cadence.grace_days,
            "owner": cadence.owner.uuid if cadence.owner else None,
            "channel": cadence.channel.uuid if cadence.channel else None,
            "meeting_time": cadence.meeting_time,
            "meeting_minutes": cadence.meeting_minutes,
            "active": cadence.active,
            "expected_version": cadence.version,
        }

    def cadence_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "name": data["name"],
            "interval": data["interval"],
            "unit": data["unit"] or None,
            "starts_on": data["starts_on"],
            "grace_days": data["grace_days"],
            "owner": data["owner"],
            "channel": data["channel"],
            "meeting_time": data["meeting_time"],
            "meeting_minutes": data["meeting_minutes"],
            "active": data["active"],
        }


class ContactForm(forms.Form):
    function = forms.ModelChoiceField(
        queryset=Function.objects.none(),
        to_field_name="uuid",
        empty_label="Choose the function",
        error_messages={
            "required": "Choose the function this contact speaks for.",
            "invalid_choice": "Choose one of the partnership's functions.",
        },
    )
    topic = forms.CharField(
        label="Contact for",
        max_length=200,
        help_text="What to ask them about, e.g. “Discount approvals over 15%”.",
    )
    person = PersonChoiceField(
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="No one person",
        error_messages={"invalid_choice": "Choose someone from this workspace."},
    )
    contact = forms.CharField(
        label="Alias, queue or channel",
        max_length=200,
        required=False,
        help_text="When it is not one person: “pricing@…”, “#ops-help”, “Zendesk: Wholesale”.",
    )
    notes = forms.CharField(max_length=300, required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["function"].queryset = selectors.plan_function_choices(partnership=partnership)
        fields["person"].queryset = selectors.plan_person_choices(workspace=partnership.workspace)

    @staticmethod
    def initial_for(contact: ContactEntry) -> dict[str, Any]:
        return {
            "function": contact.function.uuid,
            "topic": contact.topic,
            "person": contact.person.uuid if contact.person else None,
            "contact": contact.contact,
            "notes": contact.notes,
            "expected_version": contact.version,
        }

    def contact_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("function", "topic", "person", "contact", "notes")
        }


LEVEL_CHOICES = [(LOW, "Low"), (MEDIUM, "Medium"), (HIGH, "High")]


class AdvisorForm(forms.Form):
    """The channel advisor's questions (GET: the answer is a link people can share)."""

    urgency = forms.ChoiceField(
        choices=LEVEL_CHOICES,
        initial=LOW,
        widget=forms.RadioSelect,
        help_text="How soon does it need to land or be answered?",
    )
    complexity = forms.ChoiceField(
        choices=LEVEL_CHOICES,
        initial=LOW,
        widget=forms.RadioSelect,
        help_text="How much detail, data or background does it carry?",
    )
    ambiguity = forms.ChoiceField(
        label="Ambiguity or likely disagreement",
        choices=LEVEL_CHOICES,
        initial=LOW,
        widget=forms.RadioSelect,
        help_text="Could people read it differently, or push back?",
    )
    sensitivity = forms.ChoiceField(
        choices=LEVEL_CHOICES,
        initial=LOW,
        widget=forms.RadioSelect,
        help_text="Personal, political, bad news, or about someone's work?",
    )
    audience_size = forms.IntegerField(
        label="Audience (people)",
        min_value=1,
        max_value=100000,
        initial=5,
        help_text="How many people receive it, not counting you.",
        error_messages={"min_value": "The audience is at least one person."},
    )
    interaction = forms.ChoiceField(
        label="What do you need from them?",
        choices=[
            (INFORM, "Just inform them"),
            (DISCUSS, "A discussion or their input"),
            (DECIDE, "A decision"),
        ],
        initial=INFORM,
        widget=forms.RadioSelect,
    )
    record = forms.BooleanField(
        label="It needs a record people can find later", required=False, initial=False
    )

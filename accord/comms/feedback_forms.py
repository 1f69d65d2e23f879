"""Forms for the feedback pages. They parse input; the actions validate and write."""

import uuid
from typing import Any

from django import forms

from accord.comms import feedback_selectors as selectors
from accord.comms import kudos_selectors
from accord.comms.models import Feedback, Value
from accord.org.models import Person
from accord.partnerships.models import Partnership
from accord.workspaces.models import Membership

SITUATION_REQUIRED = "Say when and where it happened, e.g. “In Tuesday's pricing review”."
BEHAVIOUR_REQUIRED = (
    "Describe what the person or team did or said — something you could have filmed."
)
IMPACT_REQUIRED = "Say what it changed for you, the team or the work."
TO_REQUIRED = "Choose one person, function or partnership the feedback is for."


class FeedbackForm(forms.Form):
    """Give feedback: who it is for, situation, behaviour, impact, request, visibility."""

    to = forms.ChoiceField(
        label="Feedback for",
        error_messages={"required": TO_REQUIRED, "invalid_choice": TO_REQUIRED},
        help_text="A person, a whole function, or a partnership.",
    )
    situation = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="When and where: “In Tuesday's pricing review with the regional leads”.",
        error_messages={"required": SITUATION_REQUIRED},
    )
    behaviour = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What they did or said, as a camera would have seen it — not what you think "
        "they are.",
        error_messages={"required": BEHAVIOUR_REQUIRED},
    )
    impact = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What it changed for you, the team, the customer or the work.",
        error_messages={"required": IMPACT_REQUIRED},
    )
    request = forms.CharField(
        label="Request",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One concrete thing to keep doing, start or change next time.",
    )
    visibility = forms.ChoiceField(
        choices=[
            (Feedback.Visibility.PRIVATE, "Private: only you and the receiver"),
            (Feedback.Visibility.SHARED, "Shared openly: others can read it too"),
        ],
        initial=Feedback.Visibility.PRIVATE,
        widget=forms.RadioSelect,
        help_text="A function's feedback goes to its lead; a partnership's to its lead and "
        "sponsor. Admins do not see private feedback.",
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        me = selectors.acting_person(membership=membership)
        self._people = {
            str(p.uuid): p
            for p in selectors.feedback_person_choices(membership=membership)
            if me is None or p.pk != me.pk
        }
        self._functions = {
            str(f.uuid): f for f in selectors.feedback_function_choices(membership=membership)
        }
        self._partnerships = {
            str(p.uuid): p
            for p in selectors.feedback_partnership_choices(membership=membership).order_by("name")
        }

        def person_label(person: Any) -> str:
            function = person.function.name if person.function else "no function"
            return f"{person.name} ({function})"

        choices: list[Any] = [("", "Choose who the feedback is for")]
        choices.append(
            ("People", [(f"person:{k}", person_label(p)) for k, p in self._people.items()])
        )
        choices.append(
            (
                "Functions",
                [(f"function:{k}", f.name) for k, f in self._functions.items()],
            )
        )
        choices.append(
            (
                "Partnerships",
                [(f"partnership:{k}", p.name) for k, p in self._partnerships.items()],
            )
        )
        to_field: Any = self.fields["to"]
        to_field.choices = choices

    def clean_to(self) -> dict[str, Any]:
        value = self.cleaned_data["to"]
        kind, _, key = value.partition(":")
        try:
            key = str(uuid.UUID(key))
        except ValueError:
            raise forms.ValidationError(TO_REQUIRED) from None
        sources: dict[str, tuple[str, dict[str, Any]]] = {
            "person": ("to_person", self._people),
            "function": ("to_function", self._functions),
            "partnership": ("to_partnership", self._partnerships),
        }
        if kind not in sources or key not in sources[kind][1]:
            raise forms.ValidationError(TO_REQUIRED)
        name, rows = sources[kind]
        return {name: rows[key]}

    def feedback_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **data["to"],
            "situation": data["situation"],
            "behaviour": data["behaviour"],
            "impact": data["impact"],
            "request": data["request"],
            "visibility": data["visibility"],
        }


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="Your reply",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Thank them, ask what you need to understand, or say what you will do.",
        error_messages={"required": "Write a reply before sending it."},
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


# --- kudos and values -----------------------------------------------------------------------


class PersonWithFunctionField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.function.name})" if obj.function else obj.name


class KudosForm(forms.Form):
    receiver = PersonWithFunctionField(
        label="Who",
        queryset=Person.objects.none(),
        to_field_name="uuid",
        empty_label="Choose a person",
        error_messages={
            "required": "Choose who you are recognising.",
            "invalid_choice": "Choose someone from this workspace.",
        },
    )
    value = forms.ModelChoiceField(
        label="Value it shows",
        queryset=Value.objects.none(),
        to_field_name="uuid",
        empty_label="Choose a value",
        error_messages={
            "required": "Choose the value this shows.",
            "invalid_choice": "Choose one of this workspace's values.",
        },
    )
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="No partnership",
        help_text="Its channels (Slack, Teams, webhooks) hear about it too.",
        error_messages={"invalid_choice": "Choose a partnership you can see."},
    )
    message = forms.CharField(
        label="What they did",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Be specific: what they did and what it made possible.",
        error_messages={"required": "Say what they did and why it mattered."},
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["receiver"].queryset = kudos_selectors.kudos_receiver_choices(membership=membership)
        values = Value.objects.filter(workspace=membership.workspace).order_by("name")
        fields["value"].queryset = values
        self.has_values = values.exists()
        if not self.has_values:
            fields["value"].required = False
            fields["value"].help_text = "An admin can add the workspace's values."
        fields["partnership"].queryset = kudos_selectors.kudos_partnership_choices(
            membership=membership
        )

    def kudos_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("receiver", "value", "partnership", "message")
        }


class ValueForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        help_text="A few words people recognise, e.g. “Customer first”.",
        error_messages={"required": "Name the value in a few words, e.g. “Customer first”."},
    )
    description = forms.CharField(
        max_length=300,
        required=False,
        help_text="What it looks like in practice, in one sentence.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

"""Forms for the status update pages. They parse input; the actions validate and write.

Asks are a formset of rows (text + addressee), so several asks work without JavaScript: the
form always offers a few blank rows, and updates.js adds more on demand.
"""

from typing import Any, cast

from django import forms
from django.forms import BaseFormSet, formset_factory

from accord.comms import update_selectors as selectors
from accord.comms.models_updates import Ask, Rag, StatusUpdate
from accord.comms.update_actions import ASK_MAX, ASKS_PER_UPDATE, TEXT_MAX, AskDraft
from accord.goals.models import Goal
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class GoalChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        prefix = "Key result: " if obj.kind == Goal.Kind.KEY_RESULT else ""
        return f"{prefix}{obj.title}"


class UpdateForm(forms.Form):
    """Post an update, or edit one."""

    period_start = forms.DateField(
        widget=DateInput(),
        label="Period from",
        error_messages={"required": "Give the first day of the period this update covers."},
    )
    period_end = forms.DateField(
        widget=DateInput(),
        label="Period to",
        error_messages={"required": "Give the last day of the period this update covers."},
    )
    rag = forms.ChoiceField(
        choices=Rag.choices,
        widget=forms.RadioSelect,
        label="Status",
        error_messages={
            "required": "Choose a status: green (on track), amber (at risk) or red (off track)."
        },
    )
    progress = forms.CharField(
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What moved this period: results, decisions, what shipped.",
        error_messages={"required": "Say what moved this period."},
    )
    next_steps = forms.CharField(
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Next steps",
        help_text="What happens next period, and who does it.",
    )
    blockers = forms.CharField(
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What is in the way. Required for a red update.",
    )
    goals = GoalChoiceField(
        queryset=Goal.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Linked goals",
        help_text="Their latest check-ins are shown with the update.",
        error_messages={"invalid_choice": "Choose goals of this partnership."},
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = selectors.partnership_goal_choices(  # type: ignore[attr-defined]
            partnership=partnership
        )

    @classmethod
    def initial_for(cls, update: StatusUpdate) -> dict[str, Any]:
        return {
            "period_start": update.period_start,
            "period_end": update.period_end,
            "rag": update.rag,
            "progress": update.progress,
            "next_steps": update.next_steps,
            "blockers": update.blockers,
            "goals": [g.uuid for g in update.goals.all()],
            "expected_version": update.version,
        }

    def update_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "rag": data["rag"],
            "progress": data["progress"],
            "next_steps": data["next_steps"],
            "blockers": data["blockers"],
            "goals": list(data["goals"]),
        }


class Addressees:
    """Who asks of one partnership can go to: its people and its functions, as choices
    "person:<uuid>" / "function:<uuid>"."""

    def __init__(self, partnership: Partnership) -> None:
        self.people = {
            str(p.uuid): p for p in selectors.partnership_people(partnership=partnership)
        }
        self.functions = {
            str(f.uuid): f for f in selectors.partnership_function_choices(partnership=partnership)
        }

    def choices(self) -> list[Any]:
        people = [
            (f"person:{key}", f"{p.name}" + (f" ({p.function.name})" if p.function else ""))
            for key, p in self.people.items()
        ]
        functions = [
            (f"function:{key}", f"{f.name} (anyone in the function)")
            for key, f in self.functions.items()
        ]
        return [("", "Choose who it is for"), ("People", people), ("Functions", functions)]

    def resolve(self, value: str) -> tuple[Person | None, Function | None]:
        kind, _, key = (value or "").partition(":")
        if kind == "person":
            return self.people.get(key), None
        if kind == "function":
            return None, self.functions.get(key)
        return None, None

    @staticmethod
    def value_of(ask: Ask) -> str:
        if ask.to_person is not None:
            return f"person:{ask.to_person.uuid}"
        if ask.to_function is not None:
            return f"function:{ask.to_function.uuid}"
        return ""


class AskForm(forms.Form):
    ask = forms.UUIDField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        max_length=ASK_MAX,
        required=False,
        label="Ask",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    to = forms.ChoiceField(choices=(), required=False, label="For")

    def __init__(self, *args: Any, addressees: Addressees, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.addressees = addressees
        self.fields["to"].choices = addressees.choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = (data.get("text") or "").strip()
        to = data.get("to") or ""
        if text and not to:
            self.add_error("to", "Choose the person or function this ask is for.")
        if to and not text and not data.get("DELETE"):
            self.add_error("text", "Write the ask, or leave the row blank.")
        return data

    def draft(self) -> AskDraft | None:
        data = self.cleaned_data
        text = (data.get("text") or "").strip()
        if not text or data.get("DELETE"):
            return None
        person, function = self.addressees.resolve(data.get("to") or "")
        return AskDraft(text=text, to_person=person, to_function=function, uuid=data.get("ask"))


class BaseAskFormSet(BaseFormSet):  # type: ignore[type-arg]
    def drafts(self) -> list[AskDraft]:
        found = []
        for form in self.forms:
            draft = form.draft()
            if draft is not None:
                found.append(draft)
        return found


AskFormSet = formset_factory(
    AskForm,
    formset=BaseAskFormSet,
    extra=3,
    can_delete=True,
    max_num=ASKS_PER_UPDATE,
    validate_max=True,
    absolute_max=ASKS_PER_UPDATE,
)
EditAskFormSet = formset_factory(
    AskForm,
    formset=BaseAskFormSet,
    extra=2,
    can_delete=True,
    max_num=ASKS_PER_UPDATE,
    validate_max=True,
    absolute_max=ASKS_PER_UPDATE,
)


def ask_formset(
    data: Any = None,
    *,
    partnership: Partnership,
    asks: list[Ask] | None = None,
) -> BaseAskFormSet:
    """The asks rows: blank ones for a new update; the open asks plus blank rows on edit."""
    addressees = Addressees(partnership)
    if asks is None:
        return cast(
            BaseAskFormSet,
            AskFormSet(data, prefix="asks", form_kwargs={"addressees": addressees}),
        )
    initial = [
        {"ask": a.uuid, "text": a.text, "to": Addressees.value_of(a)}
        for a in asks
        if a.answered_at is None
    ]
    return cast(
        BaseAskFormSet,
        EditAskFormSet(
            data, prefix="asks", initial=initial, form_kwargs={"addressees": addressees}
        ),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write your answer before sending it."},
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mention someone with @Full Name or @email; they will be told.",
        error_messages={"required": "Write a comment before posting it."},
    )
    parent = forms.UUIDField(widget=forms.HiddenInput, required=False)

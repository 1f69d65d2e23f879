"""Forms for composing and editing an instrument: its name and scale, and one form per
question (a formset; blank extra rows are ignored)."""

from typing import Any

from django import forms
from django.forms import formset_factory

from accord.surveys import instruments as builtin
from accord.surveys.instruments import ItemSpec
from accord.surveys.models import InstrumentKind, Item, ItemKind

OPTIONS_HELP: dict[str, str] = {
    ItemKind.LIKERT: "One answer per line, from the lowest to the highest; leave empty for an "
    "agree scale of the instrument's length.",
    ItemKind.SINGLE: "One choice per line.",
    ItemKind.MULTIPLE: "One choice per line.",
    ItemKind.COORDINATION: "Exactly five answers, one per line, in display order.",
    ItemKind.HEALTH: "What green looks like, what yellow looks like, what red looks like — one "
    "per line (yellow may be left out).",
}


class InstrumentForm(forms.Form):
    name = forms.CharField(max_length=150)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What it measures, shown to admins and on the questions' page.",
    )
    scale_points = forms.IntegerField(
        label="Agree-scale length",
        min_value=builtin.SCALE_MIN,
        max_value=builtin.SCALE_MAX,
        help_text="Points on agree-scale questions (psychological safety: 7 or 5).",
    )
    note = forms.CharField(
        label="What changed",
        max_length=300,
        required=False,
        help_text="Kept in the version history.",
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind in (InstrumentKind.COORDINATION, InstrumentKind.HEALTH_CHECK):
            # Their answers are fixed (five ratings; green / yellow / red).
            self.fields["scale_points"].widget = forms.HiddenInput()
        for field in self.fields.values():
            field.widget.attrs.setdefault("autocomplete", "off")


class ItemForm(forms.Form):
    key = forms.CharField(
        max_length=60,
        help_text="Stable id across versions: lowercase letters, digits, - and _.",
    )
    kind = forms.ChoiceField(choices=())
    text = forms.CharField(label="Question", widget=forms.Textarea(attrs={"rows": 2}))
    help_text = forms.CharField(label="Help", required=False, max_length=1000)
    options = forms.CharField(
        label="Answers", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    reverse = forms.BooleanField(label="Reverse-scored (worded negatively)", required=False)
    required = forms.BooleanField(label="Required", required=False)

    def __init__(self, *args: Any, instrument_kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument_kind = instrument_kind
        allowed = builtin.KINDS_ALLOWED.get(instrument_kind, ())
        fields: Any = self.fields
        fields["kind"].choices = [(kind, ItemKind(kind).label) for kind in allowed]
        # A blank extra row keeps the first kind: unchanged, it is skipped, not an error.
        fields["kind"].initial = allowed[0] if allowed else None
        if len(allowed) == 1:
            fields["kind"].widget = forms.HiddenInput()
            fields["options"].help_text = OPTIONS_HELP.get(allowed[0], "")
        else:
            fields[
                "options"
            ].help_text = (
                "For agree scales and choices: one per line. 0–10 and open text need none."
            )
        if instrument_kind == InstrumentKind.COORDINATION:
            # The seven dimensions are fixed: their wording changes, not their keys.
            fields["key"].widget.attrs["readonly"] = True
        if instrument_kind == InstrumentKind.PSYCH_SAFETY:
            del self.fields["options"]  # the agree scale follows the instrument's length
        if instrument_kind not in (InstrumentKind.PSYCH_SAFETY, InstrumentKind.CUSTOM):
            del self.fields["reverse"]
        for field in self.fields.values():
            field.widget.attrs.setdefault("autocomplete", "off")

    @staticmethod
    def initial_for(item: Item) -> dict[str, Any]:
        return {
            "key": item.key,
            "kind": item.kind,
            "text": item.text,
            "help_text": item.help_text,
            "options": "\n".join(str(option) for option in item.options or []),
            "reverse": item.reverse,
            "required": item.required,
            "ORDER": item.position,
        }

    def spec(self, current: Item | None = None) -> ItemSpec:
        data = self.cleaned_data
        kind = data.get("kind") or ""
        options = tuple(line.strip() for line in (data.get("options") or "").splitlines())
        return ItemSpec(
            key=(data.get("key") or "").strip().lower(),
            kind=kind,
            text=data.get("text") or "",
            help_text=data.get("help_text") or "",
            dimension=current.dimension if current is not None else "",
            reverse=bool(data.get("reverse")),
            options=tuple(option for option in options if option),
            required=bool(data.get("required")),
        )


def item_formset(
    *,
    instrument_kind: str,
    items: list[Item] | None = None,
    data: Any = None,
    extra: int = 1,
) -> Any:
    """The question forms: the current items (unbound) or what was posted. Coordination
    instruments get no blank row and no delete boxes: their seven questions are fixed."""
    fixed = instrument_kind == InstrumentKind.COORDINATION
    factory = formset_factory(
        ItemForm,
        extra=0 if fixed else extra,
        can_order=True,
        can_delete=not fixed,
    )
    kwargs: dict[str, Any] = {
        "prefix": "items",
        "form_kwargs": {"instrument_kind": instrument_kind},
    }
    if data is not None:
        return factory(data, **kwargs)
    initial = [ItemForm.initial_for(item) for item in items or []]
    return factory(initial=initial, **kwargs)


def specs_from_formset(formset: Any, current: list[Item]) -> list[ItemSpec]:
    """The posted questions in their chosen order, without deleted and blank ones."""
    by_key = {item.key: item for item in current}
    rows = []
    for index, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        order = data.get("ORDER")
        rows.append((order if order is not None else 10_000 + index, index, form))
    rows.sort(key=lambda row: (row[0], row[1]))
    return [
        form.spec(by_key.get((form.cleaned_data.get("key") or "").strip().lower()))
        for *_, form in rows
    ]


def formset_index_map(formset: Any) -> list[int]:
    """For each kept question (in saved order), the index of its form: so an action's
    `items.<n>.<field>` error lands on the right form."""
    rows = []
    for index, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        order = data.get("ORDER")
        rows.append((order if order is not None else 10_000 + index, index))
    rows.sort()
    return [index for _order, index in rows]

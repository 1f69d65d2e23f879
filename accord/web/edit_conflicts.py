"""When a page edit loses to someone else's save (409): what is stored now, field by field.

The form re-renders with the editor's own input and a table of the fields where the stored
record now says something else, so nothing is overwritten without the editor seeing it.
"""

from dataclasses import dataclass
from typing import Any

from django import forms


@dataclass(frozen=True)
class StoredValue:
    label: str
    stored: str
    yours: str


def _choice_labels(field: forms.Field) -> dict[str, str]:
    labels: dict[str, str] = {}
    for key, label in getattr(field, "choices", ()) or ():
        if isinstance(label, list | tuple):  # an option group
            continue
        labels[str(getattr(key, "value", key))] = str(label)
    return labels


def _values(field: forms.Field, value: Any) -> list[str]:
    if isinstance(field, forms.BooleanField):
        return ["yes" if value not in (None, "", False, "false", "off") else "no"]
    items = value if isinstance(value, list | tuple | set) else [value]
    # Browsers send CRLF line ends; stored text has LF.
    texts = (str(getattr(item, "pk", item)).replace("\r\n", "\n").strip() for item in items)
    return sorted(text for text in texts if text and text != "None")


def _text(field: forms.Field, values: list[str]) -> str:
    labels = _choice_labels(field)
    return ", ".join(labels.get(value, value) for value in values) or "—"


def conflict_rows(form: forms.BaseForm, stored_initial: dict[str, Any]) -> list[StoredValue]:
    """The visible fields whose stored value differs from what the editor submitted."""
    rows = []
    for name, field in form.fields.items():
        if name not in stored_initial or isinstance(field.widget, forms.HiddenInput):
            continue
        key = form.add_prefix(name)
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            submitted: Any = form.data.getlist(key) if hasattr(form.data, "getlist") else []
        else:
            submitted = form.data.get(key, "")
        stored, yours = _values(field, stored_initial[name]), _values(field, submitted)
        if stored != yours:
            label = str(field.label or name.replace("_", " ").capitalize())
            rows.append(
                StoredValue(label=label, stored=_text(field, stored), yours=_text(field, yours))
            )
    return rows

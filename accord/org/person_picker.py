"""A person field that scales: a plain <select> in small workspaces, a type-ahead above that.

The form field always parses a person's UUID and accepts only people of its queryset (the
workspace's people), so a UUID from another workspace is a field error. In a large workspace
the widget renders a search box (htmx asks ``person_pick`` for matching people, 20 at a time)
and a hidden input that carries the chosen UUID; static/org/person_picker.js copies the choice
into it. Without JavaScript the current choice is still shown.
"""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accord.org.models import Person
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Workspace

# Up to this many people a <select> is fine; above it the type-ahead takes over.
SELECT_LIMIT = 200
PICK_LIMIT = 20


def person_label(person: Person) -> str:
    return f"{person.name} ({person.email})"


def person_pick_list(
    *, workspace: Workspace, search: str, limit: int = PICK_LIMIT
) -> QuerySet[Person]:
    """The workspace's people whose name, email or title contains ``search``, by name."""
    people = Person.objects.filter(workspace=workspace).only(
        "pk", "uuid", "name", "email", "title", "workspace_id"
    )
    search = search.strip()[:100]
    if search:
        people = people.filter(
            Q(name__icontains=search) | Q(email__icontains=search) | Q(title__icontains=search)
        )
    return people.order_by("name", "pk")[:limit]


class PersonPickerWidget(forms.Widget):
    """A search box with htmx suggestions and a hidden input holding the chosen UUID."""

    template_name = "org/person_picker.html"

    def __init__(self, *, search_url: str = "", queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.search_url = search_url
        self.queryset = queryset
        self.empty_label = ""

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_search" if id_ else id_

    def format_value(self, value: Any) -> str:
        return "" if value in (None, "") else str(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = None
        uuid = context["widget"]["value"]
        if uuid and self.queryset is not None:
            try:
                chosen = self.queryset.filter(uuid=uuid).first()
            except Exception:
                chosen = None
        attrs = context["widget"]["attrs"]
        base_id = attrs.get("id", f"id_{name}")
        described_by = " ".join(
            part for part in (f"{base_id}_chosen", attrs.get("aria-describedby", "")) if part
        )
        context["widget"].update(
            {
                "chosen": chosen,
                "chosen_label": person_label(chosen) if chosen else "",
                "search_url": self.search_url,
                "empty_label": self.empty_label,
                "base_id": base_id,
                "described_by": described_by,
                "invalid": attrs.get("aria-invalid") == "true",
            }
        )
        return context


class PersonPickerField(forms.ModelChoiceField[Person]):
    """A person of one workspace, chosen by UUID (see ``person_picker_setup``)."""

    default_error_messages = {
        "invalid_choice": "Choose a person from this workspace's directory.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Person.objects.none())
        kwargs.setdefault("to_field_name", "uuid")
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


def person_picker_setup(
    form: forms.BaseForm,
    *names: str,
    workspace: Workspace,
    search_url: str,
    queryset: QuerySet[Person] | None = None,
) -> bool:
    """Point the named person fields at the workspace's people; in a workspace of more than
    ``SELECT_LIMIT`` people swap their <select> for the type-ahead. True if it did."""
    people = queryset
    if people is None:
        people = (
            Person.objects.filter(workspace=workspace)
            .only("pk", "uuid", "name", "email", "workspace_id")
            .order_by("name")
        )
    large = Person.objects.filter(workspace=workspace)[: SELECT_LIMIT + 1].count() > SELECT_LIMIT
    for name in names:
        field = form.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people
        if large:
            widget = PersonPickerWidget(search_url=search_url, queryset=people)
            widget.empty_label = str(field.empty_label or "")
            widget.is_required = field.required
            field.widget = widget
    return large


@login_required
@workspace_view("viewer")
def person_pick(request: HttpRequest) -> HttpResponse:
    """Up to 20 of the workspace's people matching ``q``, as buttons the picker script reads."""
    workspace = request.membership.workspace  # type: ignore[attr-defined]
    search = request.GET.get("q", "")
    people = list(person_pick_list(workspace=workspace, search=search)) if search.strip() else []
    return render(
        request,
        "org/person_picker_options.html",
        {"people": people, "search": search.strip(), "limit": PICK_LIMIT},
    )

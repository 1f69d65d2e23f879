"""Communication plan pages: a partnership's plan (channels, cadences with adherence, who to
contact for what, and its functions' profiles side by side), the forms that change it, the
workspace's adherence overview and the channel advisor."""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from accord.comms import plan_actions as actions
from accord.comms import plan_selectors as selectors
from accord.comms import profile_selectors
from accord.comms.models_plan import Cadence
from accord.comms.plan_forms import AdvisorForm, CadenceForm, ChannelForm, ContactForm
from accord.metrics.channels import CHANNELS, MessageTraits, channel_advise
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_get
from accord.web.forms import form_add_errors
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _partnership(request: HttpRequest, slug: str) -> Partnership:
    return partnership_get(membership=_membership(request), slug=slug)


def _edit_require(request: HttpRequest, partnership: Partnership) -> None:
    if not selectors.plan_can_edit(membership=_membership(request), partnership=partnership):
        raise PermissionDenied(selectors.EDIT_DENIED)


def _plan_url(partnership: Partnership, anchor: str = "") -> str:
    url = reverse("comm_plan", args=[partnership.workspace.slug, partnership.slug])
    return f"{url}#{anchor}" if anchor else url


def _compare_ids(request: HttpRequest) -> list[str]:
    ids = []
    for value in request.GET.getlist("compare")[:12]:
        try:
            ids.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return ids


# --- the plan -------------------------------------------------------------------------------


@login_required
@workspace_view("viewer")
def comm_plan(request: HttpRequest, partnership: str) -> HttpResponse:
    """Channels, cadences with adherence, contacts, and the functions side by side."""
    found = _partnership(request, partnership)
    today = timezone.localdate()
    channels = list(selectors.comm_channel_list(partnership=found))
    comparison = profile_selectors.partnership_profile_comparison(
        partnership=found,
        compare=_compare_ids(request),
        plan_channel_kinds={c.kind for c in channels},
        today=today,
    )
    context: dict[str, Any] = {
        "partnership": found,
        "compare": comparison,
        "channel_labels": profile_selectors.PROFILE_CHANNELS,
    }
    if _is_htmx(request) and request.headers.get("HX-Target") == "profile-comparison":
        response = render(request, "comms/plan.html#comparison", context)
        patch_vary_headers(response, ["HX-Request", "HX-Target"])
        return response
    adherence = selectors.partnership_adherence(partnership=found, today=today)
    contacts = list(selectors.contact_list(partnership=found))
    context.update(
        {
            "can_edit": selectors.plan_can_edit(membership=_membership(request), partnership=found),
            "channels": channels,
            "adherence": adherence,
            "contact_groups": selectors.contacts_by_function(partnership=found, contacts=contacts),
            "contact_count": len(contacts),
            "window_days": selectors.ADHERENCE_WINDOW_DAYS,
            "today": today,
        }
    )
    response = render(request, "comms/plan.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


# --- create / edit / delete, one shape for the three kinds of rows ---------------------------


def _form_page(
    request: HttpRequest,
    partnership: Partnership,
    *,
    form: Form,
    noun: str,
    row: Any = None,
    delete_url: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "comms/plan_form.html",
        {
            "partnership": partnership,
            "form": form,
            "noun": noun,
            "row": row,
            "delete_url": delete_url,
        },
        status=status,
    )


def _save(
    request: HttpRequest,
    partnership: Partnership,
    *,
    form: Form,
    noun: str,
    anchor: str,
    write: Callable[[], Any],
    row: Any = None,
    delete_url: str = "",
) -> HttpResponse:
    """Validate the form, run the write, and redirect to the plan — or show the errors."""
    status = 422
    if form.is_valid():
        try:
            saved = write()
        except actions.StaleVersion:
            form.add_error(
                None,
                f"Someone else changed this {noun} while you were editing. Your changes are "
                "below and not saved yet; reload to see theirs, or save again to keep yours.",
            )
            data = request.POST.copy()
            data["expected_version"] = str(type(row).objects.get(pk=row.pk).version)
            form.data = data
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved the {noun} “{saved}”.")
            return redirect(_plan_url(partnership, anchor))
    return _form_page(
        request, partnership, form=form, noun=noun, row=row, delete_url=delete_url, status=status
    )


def _delete(
    request: HttpRequest, partnership: Partnership, row: Any, anchor: str, remove: Any
) -> HttpResponse:
    label = str(row)
    remove(row)
    messages.success(request, f"Removed “{label}” from the plan.")
    return redirect(_plan_url(partnership, anchor))


@login_required
@workspace_view("member")
def comm_channel_create(request: HttpRequest, partnership: str) -> HttpResponse:
    found = _partnership(request, partnership)
    _edit_require(request, found)
    if request.method != "POST":
        return _form_page(request, found, form=ChannelForm(), noun="channel")
    form = ChannelForm(request.POST)
    return _save(
        request,
        found,
        form=form,
        noun="channel",
        anchor="channels",
        write=lambda: actions.comm_channel_create(
            membership=_membership(request), partnership=found, **form.channel_fields()
        ),
    )


@login_required
@workspace_view("member")
def comm_channel_edit(
    request: HttpRequest, partnership: str, comm_channel: uuid.UUID
) -> HttpResponse:
    found = _partnership(request, partnership)
    _edit_require(request, found)
    row = selectors.comm_channel_get(partnership=found, uuid=comm_channel)
    delete_url = reverse("comm_channel_delete", args=[found.workspace.slug, found.slug, row.uuid])
    if request.method != "POST":
        form = ChannelForm(initial=ChannelForm.initial_for(row))
        return _form_page(request, found, form=form, noun="channel", row=row, delete_url=delete_url)
    form = ChannelForm(request.POST)
    return _save(
        request,
        found,
        form=form,
        noun="channel",
        anchor="channels",
        row=row,
        delete_url=delete_url,
        write=lambda: actions.comm_channel_update(
            membership=_membership(request),
            channel=row,
            expected_version=form.cleaned_data["expected_version"],
            **form.channel_fields(),
        ),
    )


@login_required
@require_POST
@workspace_view("member")
def comm_channel_delete(
    request: HttpRequest, partnership: str, comm_channel: uuid.UUID
) -> HttpResponse:
    found = _partnership(request, partnership)
    _edit_require(request, found)
    row = selectors.comm_channel_get(partnership=found, uuid=comm_channel)
    membership = _membership(request)
    return _delete(
        request,
        found,
        row,
        "channels",
        lambda r: actions.comm_channel_delete(membership=membership, channel=r),
    )


@login_required
@workspace_view("member")
def cadence_create(request: HttpRequest, partnership: str) -> HttpResponse:
    found = _partnership(request, partnership)
    _edit_require(request, found)
    if request.method != "POST":
        initial = {"starts_on": timezone.localdate(), "active": True}
        kind = request.GET.get("kind", "")
        if kind in Cadence.Kind.values:
            initial["kind"] = kind
        form = CadenceForm(initial=initial, partnership=found)
        return _form_page(request, found, form=form, noun="cadence")
    form = CadenceForm(request.POST, partnership=found)
    return _save(
        request,
        found,
        form=form,
        noun="cadence",
        anchor="cadences",
        write=lambda: actions.cadence_create(
            membership=_membership(request), partnership=found, **form.cadence_fields()
        ),
    )


@login_required
@workspace_view("member")
def cadence_edit(request: HttpRequest, partnership: str, cadence: uuid.UUID) -> HttpResponse:
    found = _partnership(request, partnership)
    _edit_require(request, found)
    row = selectors.cadence_get(partnership=found, uuid=cadence)
    delete_url = reverse("cadence_delete", args=[found.workspace.slug, found.slug, row.uuid])
    if request.method != "POST":
        form = CadenceForm(initial=CadenceForm.initial_for(row), partnership=found)
        return _form_page(request, found, form=form, noun="cadence", row=row, delete_url=delete_url)
    form = CadenceForm(request.POST, partnership=found)
    return _save(
        request,
        found,
        form=form,
        noun="cadence",
        anchor="cadences",
        row=row,
        delete_url=delete_url,
        write=lambda: actions.cadence_update(
            membership=_membership(request),
            cadence=row,
            expected_version=form.cleaned_data["expected_version"],
            **form.cadence_fields(),
        ),
    )


@login_required
@require_POST
@workspace_view("member")
def cadence_delete(request: HttpRequest, partnership: str, cadence: uuid.UUID) -> HttpResponse:
    found = _partnership(request, partnership)
    _edit_require(request, found)
    row = selectors.cadence_get(partnership=found, uuid=cadence)
    membership = _membership(request)
    return _delete(
        request,
        found,
        row,
        "cadences",
        lambda r: actions.cadence_delete(membership=membership, cadence=r),
    )


@login_required
@workspace_view("member")
def contact_create(request: HttpRequest, partnership: str) -> HttpResponse:
    found = _partnership(request, partnership)
    _edit_require(request, found)
    if request.method != "POST":
        initial = {}
        wanted = request.GET.get("function", "")
        if wanted:
            initial["function"] = wanted[:40]
        form = ContactForm(initial=initial, partnership=found)
        return _form_page(request, found, form=form, noun="contact")
    form = ContactForm(request.POST, partnership=found)
    return _save(
        request,
        found,
        form=form,
        noun="contact",
        anchor="contacts",
        write=lambda: actions.contact_create(
            membership=_membership(request), partnership=found, **form.contact_fields()
        ),
    )


@login_required
@workspace_view("member")
def contact_edit(request: HttpRequest, partnership: str, contact: uuid.UUID) -> HttpResponse:
    found = _partnership(request, partnership)
    _edit_require(request, found)
    row = selectors.contact_get(partnership=found, uuid=contact)
    delete_url = reverse("contact_delete", args=[found.workspace.slug, found.slug, row.uuid])
    if request.method != "POST":
        form = ContactForm(initial=ContactForm.initial_for(row), partnership=found)
        return _form_page(request, found, form=form, noun="contact", row=row, delete_url=delete_url)
    form = ContactForm(request.POST, partnership=found)
    return _save(
        request,
        found,
        form=form,
        noun="contact",
        anchor="contacts",
        row=row,
        delete_url=delete_url,
        write=lambda: actions.contact_update(
            membership=_membership(request),
            entry=row,
            expected_version=form.cleaned_data["expected_version"],
            **form.contact_fields(),
        ),
    )


@login_required
@require_POST
@workspace_view("member")
def contact_delete(request: HttpRequest, partnership: str, contact: uuid.UUID) -> HttpResponse:
    found = _partnership(request, partnership)
    _edit_require(request, found)
    row = selectors.contact_get(partnership=found, uuid=contact)
    membership = _membership(request)
    return _delete(
        request,
        found,
        row,
        "contacts",
        lambda r: actions.contact_delete(membership=membership, entry=r),
    )


# --- workspace pages ------------------------------------------------------------------------


@login_required
@workspace_view("viewer")
def comm_adherence(request: HttpRequest) -> HttpResponse:
    """Every forming or active partnership's cadence compliance, flagged ones first."""
    flagged_only = request.GET.get("flagged") in {"1", "on", "true"}
    rows = selectors.adherence_overview(
        membership=_membership(request), today=timezone.localdate(), flagged_only=flagged_only
    )
    return render(
        request,
        "comms/adherence.html",
        {
            "rows": rows,
            "flagged_only": flagged_only,
            "flagged_count": sum(1 for row in rows if row.flags),
            "window_days": selectors.ADHERENCE_WINDOW_DAYS,
        },
    )


@login_required
@workspace_view("viewer")
def channel_advisor(request: HttpRequest) -> HttpResponse:
    """Answer the form (GET, so the advice is a shareable link) with a channel and why."""
    asked = bool(request.GET)
    form = AdvisorForm(request.GET if asked else None, initial={"audience_size": 5})
    advice = None
    if asked and form.is_valid():
        advice = channel_advise(MessageTraits(**form.cleaned_data))
    lean_first = sorted(CHANNELS, key=lambda c: c.richness)
    context = {"form": form, "advice": advice, "asked": asked, "channels": lean_first}
    template = "comms/advisor.html#result" if _is_htmx(request) else "comms/advisor.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response

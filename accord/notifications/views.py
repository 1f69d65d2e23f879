"""Notification pages: the inbox (mark read with htmx, mark all read, open the object),
preferences, the admins' webhooks and delivery log, and the public unsubscribe page."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accord.notifications import actions, selectors
from accord.notifications.delivery import BACKOFF, MAX_ATTEMPTS, event_label
from accord.notifications.forms import PreferencesForm, WebhookForm
from accord.notifications.models import Delivery, Event, Subscription, WebhookEndpoint
from accord.web.forms import form_add_errors
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership

PAGE_SIZE = 50


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _safe_path(request: HttpRequest, wanted: str, fallback: str) -> str:
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


def _query_without_page(params: QueryDict) -> str:
    query = params.copy()
    query.pop("page", None)
    return f"{query.urlencode()}&" if query else ""


# --- the inbox ------------------------------------------------------------------------------


def _inbox_filters(params: QueryDict) -> selectors.InboxFilters:
    event = params.get("event", "")
    return selectors.InboxFilters(
        unread_only=params.get("show") == "unread",
        event=event if event in Event.values else None,
    )


@login_required
@workspace_view("viewer")
def notification_inbox(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    filters = _inbox_filters(request.GET)
    rows = selectors.notification_list(membership=membership, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.inbox_counts(membership=membership)
    context: dict[str, Any] = {
        "notifications": list(page),
        "page_obj": page,
        "query_without_page": _query_without_page(request.GET),
        "filters": filters,
        "counts": counts,
        "events": counts["events"],
        "here": request.get_full_path(),
    }
    template = "notifications/inbox.html"
    if _is_htmx(request):
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
@workspace_view("viewer")
def notification_read(request: HttpRequest, notification: uuid.UUID) -> HttpResponse:
    """Mark one notification read (or unread again with read=0). With htmx the answer is the
    refreshed item and the new unread counts."""
    membership = _membership(request)
    found = selectors.notification_get(membership=membership, uuid=notification)
    actions.notification_read(
        membership=membership, notification=found, read=request.POST.get("read") != "0"
    )
    if _is_htmx(request):
        return render(
            request,
            "notifications/inbox.html#marked",
            {
                "note": found,
                "counts": selectors.inbox_counts(membership=membership),
                "here": _safe_path(request, request.POST.get("next", ""), ""),
            },
        )
    fallback = reverse("notification_inbox", args=[membership.workspace.slug])
    return redirect(_safe_path(request, request.POST.get("next", ""), fallback))


@login_required
@workspace_view("viewer")
def notification_open(request: HttpRequest, notification: uuid.UUID) -> HttpResponse:
    """Follow a notification to what it is about, marking it read on the way."""
    membership = _membership(request)
    found = selectors.notification_get(membership=membership, uuid=notification)
    actions.notification_read(membership=membership, notification=found)
    inbox = reverse("notification_inbox", args=[membership.workspace.slug])
    target = found.url if found.url.startswith("/") else ""
    return redirect(_safe_path(request, target, inbox))


@login_required
@require_POST
@workspace_view("viewer")
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    event = request.POST.get("event", "")
    marked = actions.notifications_read_all(
        membership=membership, event=event if event in Event.values else None
    )
    if marked:
        messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    else:
        messages.info(request, "Nothing was unread.")
    fallback = reverse("notification_inbox", args=[membership.workspace.slug])
    return redirect(_safe_path(request, request.POST.get("next", ""), fallback))


# --- preferences ----------------------------------------------------------------------------


def _choices_from(post: QueryDict) -> dict[str, dict[str, bool]]:
    return {
        event: {channel: f"{event}:{channel}" in post for channel in actions.CHANNELS}
        for event in Event.values
    }


def _groups_with(
    groups: list[selectors.PreferenceGroup], choices: dict[str, dict[str, bool]]
) -> list[selectors.PreferenceGroup]:
    """The grid as the member ticked it (re-shown when the form has an error)."""
    return [
        selectors.PreferenceGroup(
            title=group.title,
            rows=[
                selectors.PreferenceRow(
                    event=row.event,
                    label=row.label,
                    email_by_default=row.email_by_default,
                    **choices[row.event],
                )
                for row in group.rows
            ],
        )
        for group in groups
    ]


@login_required
@workspace_view("viewer")
def notification_preferences(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    groups = selectors.preference_groups(membership=membership)
    subscription = selectors.subscription_get(membership=membership)
    initial = {
        "digest": subscription.digest if subscription else Subscription.Digest.WEEKLY,
        "email_paused": subscription.email_paused if subscription else False,
    }
    status = 200
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        choices = _choices_from(request.POST)
        if form.is_valid():
            try:
                actions.preferences_save(
                    membership=membership,
                    choices=choices,
                    digest=form.cleaned_data["digest"],
                    email_paused=form.cleaned_data["email_paused"],
                )
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, "Notification preferences saved.")
                return redirect("notification_preferences", membership.workspace.slug)
        groups = _groups_with(groups, choices)
        status = 422
    else:
        form = PreferencesForm(initial=initial)
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "groups": groups,
            "channels": [("in_app", "In the app"), ("email", "Email now"), ("digest", "In digest")],
            "email_address": membership.user.email,
        },
        status=status,
    )


# --- webhooks (admins) ----------------------------------------------------------------------


@login_required
@workspace_view("admin")
def webhook_list(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    webhooks = list(selectors.webhook_list(membership=membership))
    for endpoint in webhooks:
        endpoint.masked_url = actions.webhook_url_masked(endpoint.url)  # type: ignore[attr-defined]
    return render(
        request,
        "notifications/webhook_list.html",
        {
            "webhooks": webhooks,
            "tab": "notifications",
            "section": "webhooks",
            "counts": selectors.delivery_counts(membership=membership),
        },
    )


def _webhook_form_page(
    request: HttpRequest, form: WebhookForm, endpoint: WebhookEndpoint | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "notifications/webhook_form.html",
        {
            "form": form,
            "endpoint": endpoint,
            "tab": "notifications",
            "section": "webhooks",
            "signature_header": "X-Accord-Signature",
        },
        status=status,
    )


@login_required
@workspace_view("admin")
def webhook_create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if request.method != "POST":
        form = WebhookForm(initial={"active": True}, membership=membership)
        return _webhook_form_page(request, form, None)
    form = WebhookForm(request.POST, membership=membership)
    if form.is_valid():
        try:
            created = actions.webhook_create(membership=membership, **form.webhook_fields())
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            note = " Copy its signing secret below." if created.secret else ""
            messages.success(request, f"Connected “{created.name}”.{note}")
            return redirect("webhook_edit", membership.workspace.slug, created.uuid)
    return _webhook_form_page(request, form, None, status=422)


@login_required
@workspace_view("admin")
def webhook_edit(request: HttpRequest, webhook: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    endpoint = selectors.webhook_get(membership=membership, uuid=webhook)
    if request.method != "POST":
        form = WebhookForm(initial=WebhookForm.initial_for(endpoint), membership=membership)
        return _webhook_form_page(request, form, endpoint)
    form = WebhookForm(request.POST, membership=membership)
    status = 422
    if form.is_valid():
        try:
            actions.webhook_update(
                membership=membership,
                endpoint=endpoint,
                expected_version=form.cleaned_data.get("expected_version"),
                **form.webhook_fields(),
            )
        except actions.StaleVersion:
            endpoint = selectors.webhook_get(membership=membership, uuid=webhook)
            data = request.POST.copy()
            data["expected_version"] = str(endpoint.version)
            form = WebhookForm(data, membership=membership)
            form.is_valid()
            form.add_error(
                None,
                f"Someone else saved “{endpoint.name}” while you were editing. Your changes are "
                "below and not saved yet; save again to keep them.",
            )
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved “{endpoint.name}”.")
            return redirect("webhook_list", membership.workspace.slug)
    return _webhook_form_page(request, form, endpoint, status=status)


@login_required
@require_POST
@workspace_view("admin")
def webhook_delete(request: HttpRequest, webhook: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    endpoint = selectors.webhook_get(membership=membership, uuid=webhook)
    name = endpoint.name
    actions.webhook_delete(membership=membership, endpoint=endpoint)
    messages.success(request, f"Disconnected “{name}”.")
    return redirect("webhook_list", membership.workspace.slug)


@login_required
@require_POST
@workspace_view("admin")
def webhook_test(request: HttpRequest, webhook: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    endpoint = selectors.webhook_get(membership=membership, uuid=webhook)
    try:
        actions.webhook_test_send(membership=membership, endpoint=endpoint)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("webhook_edit", membership.workspace.slug, endpoint.uuid)
    messages.success(
        request, f"A test message to “{endpoint.name}” is queued; its outcome shows below."
    )
    return redirect(
        reverse("delivery_log", args=[membership.workspace.slug]) + f"?webhook={endpoint.uuid}"
    )


@login_required
@require_POST
@workspace_view("admin")
def webhook_secret_rotate(request: HttpRequest, webhook: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    endpoint = selectors.webhook_get(membership=membership, uuid=webhook)
    try:
        actions.webhook_secret_rotate(membership=membership, endpoint=endpoint)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, "New signing secret made. Update the receiving end: the old one is void."
        )
    return redirect("webhook_edit", membership.workspace.slug, endpoint.uuid)


# --- the delivery log (admins) --------------------------------------------------------------


def _delivery_filters(params: QueryDict) -> selectors.DeliveryFilters:
    status = params.get("status", "")
    transport = params.get("transport", "")
    webhook = params.get("webhook", "").strip()[:40]
    return selectors.DeliveryFilters(
        status=status if status in Delivery.Status.values else None,
        transport=transport if transport in Delivery.Transport.values else None,
        webhook=webhook or None,
    )


def _delivery_rows(rows: list[Delivery]) -> list[Delivery]:
    for row in rows:
        row.what = _delivery_what(row)  # type: ignore[attr-defined]
        row.to = _delivery_to(row)  # type: ignore[attr-defined]
        row.retryable = row.status not in {Delivery.Status.SENT, Delivery.Status.SENDING}  # type: ignore[attr-defined]
    return rows


def _delivery_what(delivery: Delivery) -> str:
    if delivery.transport == Delivery.Transport.DIGEST:
        count = len((delivery.payload or {}).get("notifications", []))
        return f"Digest of {count} notification{'s' if count != 1 else ''}"
    if delivery.notification is not None:
        return delivery.notification.subject
    subject = (delivery.payload or {}).get("subject")
    return str(subject) if subject else event_label(delivery.event)


def _delivery_to(delivery: Delivery) -> str:
    if delivery.endpoint is not None:
        return delivery.endpoint.name
    return delivery.target


@login_required
@workspace_view("admin")
def delivery_log(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    filters = _delivery_filters(request.GET)
    rows = selectors.delivery_list(membership=membership, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "deliveries": _delivery_rows(list(page)),
        "page_obj": page,
        "query_without_page": _query_without_page(request.GET),
        "filters": filters,
        "filtered": filters.any(),
        "tab": "notifications",
        "section": "deliveries",
        "here": request.get_full_path(),
        "backoff": [_duration(step) for step in BACKOFF],
        "max_attempts": MAX_ATTEMPTS,
    }
    if _is_htmx(request):
        template = "notifications/delivery_log.html#results"
    else:
        template = "notifications/delivery_log.html"
        context["counts"] = selectors.delivery_counts(membership=membership)
        context["statuses"] = Delivery.Status.choices
        context["transports"] = Delivery.Transport.choices
        context["webhooks"] = list(
            WebhookEndpoint.objects.filter(workspace=membership.workspace)
            .order_by("name")
            .only("uuid", "name")
        )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _duration(step: Any) -> str:
    minutes = int(step.total_seconds() // 60)
    return f"{minutes // 60} h" if minutes >= 60 else f"{minutes} min"


@login_required
@require_POST
@workspace_view("admin")
def delivery_retry(request: HttpRequest, delivery: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.delivery_get(membership=membership, uuid=delivery)
    error = ""
    try:
        actions.delivery_retry(membership=membership, delivery=found)
    except ValidationError as invalid:
        error = " ".join(invalid.messages)
    if _is_htmx(request):
        fresh = selectors.delivery_get(membership=membership, uuid=delivery)
        return render(
            request,
            "notifications/delivery_log.html#row",
            {"delivery": _delivery_rows([fresh])[0], "row_error": error, "row_saved": not error},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Queued to send again now.")
    fallback = reverse("delivery_log", args=[membership.workspace.slug])
    return redirect(_safe_path(request, request.POST.get("next", ""), fallback))


# --- unsubscribe (public, from an email) ----------------------------------------------------


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a CSRF token; the token is the key
def email_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link does; POST pauses (or, with action=resume, resumes) every email
    of that person in that workspace."""
    subscription = selectors.subscription_by_token(token=token)
    if subscription is None:
        raise Http404("This unsubscribe link is not valid.")
    done = ""
    if request.method == "POST":
        resume = request.POST.get("action") == "resume"
        actions.email_pause_set(subscription=subscription, paused=not resume)
        done = "resumed" if resume else "paused"
    elif request.method not in {"GET", "HEAD"}:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    response = render(
        request,
        "notifications/unsubscribe.html",
        {"subscription": subscription, "done": done},
    )
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response["X-Robots-Tag"] = "noindex"
    return response

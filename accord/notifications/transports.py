"""How a delivery travels: the email messages (one notification, or a digest), and the JSON
posted to Slack, Microsoft Teams or a generic endpoint (signed with HMAC-SHA256).

Nothing here touches the database: `delivery.py` loads the rows, calls these, and records
the outcome.
"""

import hashlib
import hmac
import ipaddress
import json
import smtplib
import socket
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

EVENT_HEADER = "X-Accord-Event"
DELIVERY_HEADER = "X-Accord-Delivery"
TIMESTAMP_HEADER = "X-Accord-Timestamp"
SIGNATURE_HEADER = "X-Accord-Signature"
USER_AGENT = "Accord-Webhooks/1.0"
WEBHOOK_TIMEOUT_SECONDS = 10
SLACK_TEXT_LIMIT = 2900  # a Slack section block holds at most 3000 characters


class TransportError(Exception):
    """The send did not go through; the message says why, for the delivery log."""


class MailUnreachable(TransportError):
    """Accord's own mail server could not be used (down, refused the login, timed out).

    Not the recipient's fault: the delivery waits, however long it takes, and is never marked
    failed for it."""


def delivery_key(idempotency_key: str) -> str:
    """The public, stable identifier of a delivery: receivers deduplicate on it (it is the
    X-Accord-Delivery header and the email's Message-ID)."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]


def site_link(path: str) -> str:
    """An absolute link for a path of this site (emails and chat leave the browser)."""
    if path.startswith("/") and not path.startswith("//"):
        return f"{settings.SITE_URL}{path}"
    return settings.SITE_URL + "/"


def _one_line(text: str, limit: int = 250) -> str:
    """Header-safe text: no line breaks (header injection), bounded length."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- email ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailItem:
    """One notification as an email shows it."""

    event_label: str
    subject: str
    body: str
    link: str
    created_at: Any


def _mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "accord.invalid"


def _email_headers(*, key: str, event: str, unsubscribe_url: str) -> dict[str, str]:
    if not unsubscribe_url:  # a one-off direct email (no account to unsubscribe)
        return {
            "Message-ID": f"<{key}@{_mail_domain()}>",
            DELIVERY_HEADER: key,
            EVENT_HEADER: event,
            "Auto-Submitted": "auto-generated",
        }
    return {
        "Message-ID": f"<{key}@{_mail_domain()}>",
        DELIVERY_HEADER: key,
        EVENT_HEADER: event,
        # RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs here.
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"Accord notifications <notifications.{_mail_domain()}>",
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }


def _links(*, workspace: Any, unsubscribe_token: str) -> dict[str, str]:
    if not unsubscribe_token:  # a direct email to someone without a login
        return {"unsubscribe_url": "", "preferences_url": "", "inbox_url": ""}
    return {
        "unsubscribe_url": site_link(reverse("email_unsubscribe", args=[unsubscribe_token])),
        "preferences_url": site_link(reverse("notification_preferences", args=[workspace.slug])),
        "inbox_url": site_link(reverse("notification_inbox", args=[workspace.slug])),
    }


def notification_email(
    *,
    key: str,
    to: str,
    workspace: Any,
    item: EmailItem,
    event: str,
    unsubscribe_token: str,
) -> EmailMultiAlternatives:
    """One notification as an email: text and HTML bodies, the object's link, and the links
    to change preferences or stop these emails."""
    links = _links(workspace=workspace, unsubscribe_token=unsubscribe_token)
    context = {"workspace": workspace, "item": item, **links}
    message = EmailMultiAlternatives(
        subject=_one_line(f"[{workspace.name}] {item.subject}"),
        body=render_to_string("notifications/email/notification.txt", context),
        to=[to],
        headers=_email_headers(key=key, event=event, unsubscribe_url=links["unsubscribe_url"]),
    )
    message.attach_alternative(
        render_to_string("notifications/email/notification.html", context), "text/html"
    )
    return message


def digest_email(
    *,
    key: str,
    to: str,
    workspace: Any,
    items: Sequence[EmailItem],
    frequency_label: str,
    unsubscribe_token: str,
) -> EmailMultiAlternatives:
    """The daily or weekly digest: every unread notification not already emailed."""
    links = _links(workspace=workspace, unsubscribe_token=unsubscribe_token)
    count = len(items)
    context = {
        "workspace": workspace,
        "items": items,
        "count": count,
        "frequency_label": frequency_label,
        **links,
    }
    subject = f"[{workspace.name}] Your {frequency_label.lower()} digest: {count} unread"
    message = EmailMultiAlternatives(
        subject=_one_line(subject),
        body=render_to_string("notifications/email/digest.txt", context),
        to=[to],
        headers=_email_headers(key=key, event="digest", unsubscribe_url=links["unsubscribe_url"]),
    )
    message.attach_alternative(
        render_to_string("notifications/email/digest.html", context), "text/html"
    )
    return message


def _text(reply: Any) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def mail_error(error: Exception) -> TransportError:
    """Classify a failure of the mail backend: a refused recipient is the recipient's
    problem (retried, then failed); anything else is the mail server's (waits)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(
            f"{address} ({code} {_text(reply)})"
            for address, (code, reply) in error.recipients.items()
        )
        return TransportError(f"The mail server refused the recipient: {refused}")
    text = str(error) or error.__class__.__name__
    return MailUnreachable(f"The mail server could not be used: {_one_line(text, 400)}")


# --- webhooks -------------------------------------------------------------------------------


def webhook_url_problem(url: str, *, allow_private: bool) -> str | None:
    """Why this URL cannot receive webhooks (a message naming the rule), or None."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "This is not a valid URL."
    if parts.scheme not in {"http", "https"}:
        return "Use an http:// or https:// URL."
    if not hostname:
        return "The URL needs a host, e.g. https://hooks.slack.com/services/…"
    if parts.username or parts.password:
        return "Leave the user name and password out of the URL; Accord signs each request."
    if not allow_private:
        try:
            address = ipaddress.ip_address(hostname)
        except ValueError:
            address = None
        if address is not None and not address.is_global:
            return (
                "This URL points at a private or local network address; Accord only posts to "
                "public addresses unless the operator sets ACCORD_WEBHOOKS_ALLOW_PRIVATE=true."
            )
        if hostname.lower() == "localhost" or hostname.lower().endswith(".localhost"):
            return "This URL points at this machine; use a public address."
    return None


def _host_check(url: str, *, allow_private: bool) -> None:
    """Refuse hosts that resolve to private addresses (server-side request forgery)."""
    problem = webhook_url_problem(url, allow_private=allow_private)
    if problem:
        raise TransportError(problem)
    if allow_private:
        return
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or None, type=socket.SOCK_STREAM)
    except OSError as error:
        raise TransportError(f"Could not resolve {parts.hostname}: {error}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise TransportError(
                f"{parts.hostname} resolves to a private address ({address}); Accord only "
                "posts to public addresses."
            )


def signature_compute(*, secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of "<timestamp>.<body>" with the endpoint's secret."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


@dataclass(frozen=True)
class WebhookMessage:
    """What a workspace event says, ready for any kind of endpoint."""

    key: str
    event: str
    event_label: str
    subject: str
    body: str
    link: str
    workspace_slug: str
    workspace_name: str
    partnership: str | None
    data: dict[str, Any]
    created_at: str


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(message: WebhookMessage) -> dict[str, Any]:
    """A Slack incoming-webhook message: `text` for notifications, `blocks` for display."""
    title = _slack_escape(message.subject)
    body = _slack_escape(message.body)
    if len(body) > SLACK_TEXT_LIMIT - len(title) - 200:
        body = body[: SLACK_TEXT_LIMIT - len(title) - 201] + "…"
    section = f"*<{message.link}|{title}>*"
    if body:
        section += f"\n{body}"
    context = f"{_slack_escape(message.event_label)} · {_slack_escape(message.workspace_name)}"
    return {
        "text": f"{message.subject} — {message.link}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": section}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]},
        ],
    }


def teams_payload(message: WebhookMessage) -> dict[str, Any]:
    """A Microsoft Teams message carrying an Adaptive Card (what Teams workflows and incoming
    webhooks accept)."""
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": f"{message.event_label} · {message.workspace_name}",
            "size": "Small",
            "isSubtle": True,
            "wrap": True,
        },
        {
            "type": "TextBlock",
            "text": message.subject,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        },
    ]
    if message.body:
        body.append({"type": "TextBlock", "text": message.body, "wrap": True})
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": body,
                    "actions": [
                        {"type": "Action.OpenUrl", "title": "Open in Accord", "url": message.link}
                    ],
                },
            }
        ],
    }


def generic_payload(message: WebhookMessage) -> dict[str, Any]:
    """The documented JSON of a generic webhook (see docs/operations.md)."""
    return {
        "id": message.key,
        "event": message.event,
        "event_label": message.event_label,
        "created_at": message.created_at,
        "workspace": {"slug": message.workspace_slug, "name": message.workspace_name},
        "partnership": message.partnership,
        "subject": message.subject,
        "body": message.body,
        "url": message.link,
        "data": message.data,
    }


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead anywhere (including the private network): treat it as an error."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def webhook_post(
    *,
    url: str,
    payload: dict[str, Any],
    message: WebhookMessage,
    secret: str,
    timestamp: int,
    allow_private: bool,
    timeout: float = WEBHOOK_TIMEOUT_SECONDS,
) -> int:
    """POST the JSON body with the Accord headers (signed when there is a secret); returns
    the HTTP status, or raises TransportError naming what went wrong."""
    _host_check(url, allow_private=allow_private)
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    stamp = str(timestamp)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: message.event or "test",
        DELIVERY_HEADER: message.key,
        TIMESTAMP_HEADER: stamp,
    }
    if secret:
        headers[SIGNATURE_HEADER] = signature_compute(secret=secret, timestamp=stamp, body=body)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked above
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read(2048)
            return int(response.status)
    except urllib.error.HTTPError as error:
        detail = _one_line(error.read(300).decode(errors="replace"), 200)
        raise TransportError(
            f"The endpoint answered HTTP {error.code}" + (f": {detail}" if detail else ".")
        ) from None
    except urllib.error.URLError as error:
        raise TransportError(f"Could not reach the endpoint: {error.reason}") from None
    except TimeoutError:
        raise TransportError(f"The endpoint did not answer within {timeout:g} s.") from None
    except OSError as error:
        raise TransportError(f"Could not reach the endpoint: {error}") from None

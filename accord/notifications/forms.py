"""Forms of the notification pages: preferences (the per-event grid is read by the view)
and webhooks."""

from typing import Any

from django import forms

from accord.notifications.models import Event, Subscription, WebhookEndpoint
from accord.partnerships.models import Partnership
from accord.workspaces.models import Membership


class PreferencesForm(forms.Form):
    digest = forms.ChoiceField(
        label="Digest email",
        choices=Subscription.Digest.choices,
        widget=forms.RadioSelect,
        help_text="Unread notifications you chose “in digest” for, and that were not emailed.",
    )
    email_paused = forms.BooleanField(
        label="Pause all email from this workspace",
        required=False,
        help_text="Nothing is emailed, digests included; the inbox keeps everything.",
    )


class WebhookForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    kind = forms.ChoiceField(label="Kind", choices=WebhookEndpoint.Kind.choices)
    url = forms.CharField(
        label="URL",
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://hooks.slack.com/services/…"}),
        help_text=(
            "Slack: an incoming-webhook URL. Teams: a workflow’s “When a Teams webhook request "
            "is received” URL. Generic: any https endpoint; each request is signed."
        ),
    )
    partnership = forms.ChoiceField(
        label="Partnership",
        required=False,
        help_text="Only this partnership’s events; leave empty for the whole workspace.",
    )
    events = forms.MultipleChoiceField(
        label="Events",
        required=False,
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to receive every event.",
    )
    active = forms.BooleanField(label="On (deliveries are sent)", required=False, initial=True)
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnerships = {
            p.slug: p
            for p in Partnership.objects.filter(workspace=membership.workspace).order_by("name")
        }
        field: Any = self.fields["partnership"]
        field.choices = [("", "The whole workspace")] + [
            (slug, p.name) for slug, p in self.partnerships.items()
        ]

    @staticmethod
    def initial_for(endpoint: WebhookEndpoint) -> dict[str, Any]:
        return {
            "name": endpoint.name,
            "kind": endpoint.kind,
            "url": endpoint.url,
            "partnership": endpoint.partnership.slug if endpoint.partnership else "",
            "events": endpoint.events,
            "active": endpoint.active,
            "expected_version": endpoint.version,
        }

    def webhook_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "url": data["url"],
            "partnership": self.partnerships.get(data.get("partnership") or ""),
            "events": list(data.get("events") or []),
            "active": bool(data.get("active")),
        }

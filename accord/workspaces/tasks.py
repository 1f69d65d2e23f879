from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accord.workspaces.models import Invitation


@task()
def invitation_send(*, invitation_id: int, token: str) -> str:
    """Email an invitation link. Idempotent: a link is mailed at most once per invitation."""
    # Claim the send with a conditional UPDATE so a duplicated job cannot send twice.
    claimed = Invitation.objects.filter(
        pk=invitation_id, status=Invitation.Status.PENDING, sent_at__isnull=True
    ).update(sent_at=timezone.now())
    if not claimed:
        return "skipped"
    invitation = Invitation.objects.select_related("workspace", "invited_by").get(pk=invitation_id)
    link = settings.SITE_URL + reverse("invitation_accept", args=[token])
    context = {"invitation": invitation, "link": link, "site_url": settings.SITE_URL}
    try:
        send_mail(
            subject=f"You're invited to {invitation.workspace.name} on Accord",
            message=render_to_string("workspaces/email/invitation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[invitation.email],
        )
    except Exception:
        # Release the claim so a retry can send it.
        Invitation.objects.filter(pk=invitation_id).update(sent_at=None)
        raise
    return "sent"

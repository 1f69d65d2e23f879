"""Writes for constructive feedback: give it, reply, mark it acted on, share or withdraw it.

The audit trail records that feedback was given, answered or shared, but never what it says
or whom it is for: admins read the audit log, and private feedback is for its giver and
receiver only.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accord.comms import feedback_selectors as selectors
from accord.comms.models import Feedback
from accord.notifications.models import Event
from accord.notifications.service import notify
from accord.org.actions import StaleVersion
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.workspaces.audit import audit_record
from accord.workspaces.models import Membership

TEXT_MAX = 4000
REPLY_MAX = 4000

NO_PERSON = (
    "Your login is not linked to a person in the directory yet; ask an admin to link it, "
    "then feedback can carry your name."
)


def _url(feedback: Feedback) -> str:
    return reverse("feedback_detail", args=[feedback.workspace.slug, feedback.uuid])


def _bump_version(feedback: Feedback) -> None:
    updated = Feedback.objects.filter(pk=feedback.pk, version=feedback.version).update(
        version=feedback.version + 1
    )
    if not updated:
        raise StaleVersion(Feedback.objects.get(pk=feedback.pk).version)
    feedback.version += 1


def _feedback_validate(feedback: Feedback, giver: Person) -> None:
    """Field-named messages for every rule the feedback breaks."""
    errors: dict[str, str] = {}
    for name in ("situation", "behaviour", "impact", "request"):
        setattr(feedback, name, (getattr(feedback, name) or "").strip())
    if not feedback.situation:
        errors["situation"] = "Say when and where it happened, e.g. “In Tuesday's pricing review”."
    if not feedback.behaviour:
        errors["behaviour"] = (
            "Describe what the person or team did or said — something you could have filmed."
        )
    if not feedback.impact:
        errors["impact"] = "Say what it changed for you, the team or the work."
    for name in ("situation", "behaviour", "impact", "request"):
        if len(getattr(feedback, name)) > TEXT_MAX:
            errors[name] = f"Keep this to {TEXT_MAX} characters or fewer."
    targets = [t for t in (feedback.to_person, feedback.to_function, feedback.to_partnership) if t]
    if len(targets) != 1:
        errors["to"] = "Choose one person, function or partnership the feedback is for."
    elif any(t.workspace_id != feedback.workspace_id for t in targets):
        errors["to"] = "Choose someone or something from this workspace."
    elif feedback.to_person is not None and feedback.to_person.pk == giver.pk:
        errors["to"] = "Feedback is for someone else; write notes to yourself elsewhere."
    if feedback.visibility not in Feedback.Visibility.values:
        errors["visibility"] = "Choose private or shared openly."
    if errors:
        raise ValidationError(errors)


def feedback_give(
    *,
    membership: Membership,
    situation: str,
    behaviour: str,
    impact: str,
    request: str = "",
    to_person: Person | None = None,
    to_function: Function | None = None,
    to_partnership: Partnership | None = None,
    visibility: str = Feedback.Visibility.PRIVATE,
) -> Feedback:
    """Give situation–behaviour–impact feedback with a request to one person, function or
    partnership. Private unless the giver shares it; the receivers are notified."""
    if not membership.can_edit:
        raise PermissionDenied("Viewers can read feedback but not give it.")
    giver = selectors.acting_person(membership=membership)
    if giver is None:
        raise PermissionDenied(NO_PERSON)
    feedback = Feedback(
        workspace=membership.workspace,
        giver=giver,
        to_person=to_person,
        to_function=to_function,
        to_partnership=to_partnership,
        situation=situation,
        behaviour=behaviour,
        impact=impact,
        request=request,
        visibility=visibility,
    )
    _feedback_validate(feedback, giver)
    with transaction.atomic():
        feedback.save()
        audit_record(
            workspace=feedback.workspace,
            actor=membership.user,
            action="create",
            instance=feedback,
            changes={"visibility": [None, feedback.get_visibility_display()]},
        )
        notify(
            workspace=feedback.workspace,
            event=Event.FEEDBACK,
            recipients=selectors.feedback_receivers(feedback),
            subject=f"{giver.name} gave feedback to {selectors.feedback_subject_label(feedback)}",
            key=f"feedback:{feedback.uuid}",
            body=f"Situation: {feedback.situation}",
            url=_url(feedback),
            about=feedback,
            exclude=[giver],
        )
    return feedback


def _respond_require(membership: Membership, feedback: Feedback) -> Person:
    """The member's person who receives this feedback, or PermissionDenied."""
    receiver = None
    if selectors.feedback_can_respond(membership=membership, feedback=feedback):
        receiver = (
            Person.objects.filter(
                workspace=membership.workspace,
                user=membership.user,
                pk__in=selectors.feedback_receiver_ids(feedback),
            )
            .order_by("pk")
            .first()
        )
    if receiver is None:
        raise PermissionDenied("Only the receiver of this feedback can answer it.")
    return receiver


def feedback_reply(
    *,
    membership: Membership,
    feedback: Feedback,
    reply: str,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Feedback:
    """The receiver answers (or rewrites their answer); the giver is told."""
    replier = _respond_require(membership, feedback)
    if expected_version is not None and expected_version != feedback.version:
        raise StaleVersion(feedback.version)
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": "Write a reply before sending it."})
    if len(reply) > REPLY_MAX:
        raise ValidationError({"reply": f"Keep a reply to {REPLY_MAX} characters or fewer."})
    first = not feedback.reply
    feedback.reply = reply
    feedback.replied_by = replier
    feedback.replied_at = now or timezone.now()
    with transaction.atomic():
        _bump_version(feedback)
        feedback.save(update_fields=["reply", "replied_by", "replied_at", "updated_at"])
        audit_record(
            workspace=feedback.workspace,
            actor=membership.user,
            action="update",
            instance=feedback,
            changes={"reply": ["—" if first else "earlier reply", "replied"]},
        )
        notify(
            workspace=feedback.workspace,
            event=Event.COMMENT,
            recipients=[feedback.giver],
            subject=f"{replier.name} replied to your feedback",
            key=f"feedback-reply:{feedback.uuid}:{feedback.version}",
            body=reply,
            url=_url(feedback),
            about=feedback,
            exclude=[replier],
        )
    return feedback


def feedback_acted_on_set(
    *,
    membership: Membership,
    feedback: Feedback,
    acted_on: bool,
    now: datetime.datetime | None = None,
) -> Feedback:
    """The receiver marks the feedback acted on (or takes that back)."""
    _respond_require(membership, feedback)
    if acted_on == (feedback.acted_on_at is not None):
        return feedback
    before = "yes" if feedback.acted_on_at else "no"
    feedback.acted_on_at = (now or timezone.now()) if acted_on else None
    with transaction.atomic():
        _bump_version(feedback)
        feedback.save(update_fields=["acted_on_at", "updated_at"])
        audit_record(
            workspace=feedback.workspace,
            actor=membership.user,
            action="update",
            instance=feedback,
            changes={"acted_on": [before, "yes" if acted_on else "no"]},
        )
    return feedback


def _giver_require(membership: Membership, feedback: Feedback) -> None:
    if not selectors.feedback_is_giver(membership=membership, feedback=feedback):
        raise PermissionDenied("Only the giver of this feedback can share, hide or withdraw it.")


def feedback_visibility_set(
    *,
    membership: Membership,
    feedback: Feedback,
    visibility: str,
    expected_version: int | None = None,
) -> Feedback:
    """The giver shares the feedback openly or makes it private again."""
    _giver_require(membership, feedback)
    if expected_version is not None and expected_version != feedback.version:
        raise StaleVersion(feedback.version)
    if visibility not in Feedback.Visibility.values:
        raise ValidationError({"visibility": "Choose private or shared openly."})
    if visibility == feedback.visibility:
        return feedback
    before = feedback.get_visibility_display()
    feedback.visibility = visibility
    with transaction.atomic():
        _bump_version(feedback)
        feedback.save(update_fields=["visibility", "updated_at"])
        audit_record(
            workspace=feedback.workspace,
            actor=membership.user,
            action="update",
            instance=feedback,
            changes={"visibility": [before, feedback.get_visibility_display()]},
        )
    return feedback


def feedback_withdraw(*, membership: Membership, feedback: Feedback) -> None:
    """The giver deletes their feedback (and any reply with it)."""
    _giver_require(membership, feedback)
    with transaction.atomic():
        audit_record(
            workspace=feedback.workspace,
            actor=membership.user,
            action="delete",
            instance=feedback,
            changes={"visibility": [feedback.get_visibility_display(), None]},
        )
        feedback.delete()

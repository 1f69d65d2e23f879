"""Writes for status updates: post, edit, delete, asks and their answers, comments with
@mentions, and acknowledgements. Each function takes the acting membership and refuses what
that member may not do (PermissionDenied); see update_selectors for who may do what.

Notifications are recorded in the same transaction (the notification service enqueues
sending after commit): asks to the people addressed, answers to the author, comments to the
author and the person replied to, mentions to the people mentioned, and new updates to the
partnership's members (digest by default) and its Slack/Teams/webhooks.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accord.comms import update_selectors as selectors
from accord.comms.models_plan import Cadence
from accord.comms.models_updates import Acknowledgement, Ask, Rag, StatusUpdate, UpdateComment
from accord.goals.models import Goal
from accord.notifications.models import Event
from accord.notifications.service import notify, publish
from accord.org.actions import StaleVersion
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Membership

TEXT_MAX = 5000
ASK_MAX = 500
ASKS_PER_UPDATE = 10
PERIOD_MAX_DAYS = 366
EDITABLE_FIELDS = ["period_start", "period_end", "rag", "progress", "next_steps", "blockers"]
AUDITED_FIELDS = [*EDITABLE_FIELDS, "cadence"]

__all__ = [
    "AskDraft",
    "StaleVersion",
    "ask_add",
    "ask_answer",
    "update_acknowledge",
    "update_comment_add",
    "update_create",
    "update_delete",
    "update_edit",
]


@dataclass(frozen=True)
class AskDraft:
    """An ask as written in a form or payload: to one person or one function. `uuid` names
    an existing ask when editing."""

    text: str
    to_person: Person | None = None
    to_function: Function | None = None
    uuid: UUID | None = None


# --- helpers --------------------------------------------------------------------------------


def _person_require(membership: Membership) -> Person:
    person = selectors.acting_person(membership)
    if person is None:
        raise PermissionDenied(
            "Your login is not linked to a person in this workspace's directory, so Accord "
            "cannot say who wrote this. Ask an admin to link your login to your person."
        )
    return person


def _update_url(update: StatusUpdate) -> str:
    return reverse("update_detail", args=[update.workspace.slug, update.uuid])


def _update_title(update: StatusUpdate) -> str:
    start, end = update.period_start, update.period_end
    return f"{update.partnership.name}: update for {start.day} {start:%b}–{end.day} {end:%b %Y}"


def _bump_version(update: StatusUpdate) -> None:
    """Claim the next version, or fail if someone saved in between."""
    claimed = StatusUpdate.objects.filter(pk=update.pk, version=update.version).update(
        version=update.version + 1
    )
    if not claimed:
        raise StaleVersion(StatusUpdate.objects.get(pk=update.pk).version)
    update.version += 1


def _update_validate(update: StatusUpdate) -> None:
    """Field-named messages for every rule the update breaks."""
    errors: dict[str, str] = {}
    for name in ("progress", "next_steps", "blockers"):
        setattr(update, name, (getattr(update, name) or "").strip())
        if len(getattr(update, name)) > TEXT_MAX:
            errors[name] = f"Keep this to {TEXT_MAX} characters or fewer."
    if not update.progress and "progress" not in errors:
        errors["progress"] = (
            "Say what moved this period, e.g. “Checkout test live; conversion up 0.2 points”."
        )
    if update.rag not in Rag.values:
        errors["rag"] = "Choose a status: green (on track), amber (at risk) or red (off track)."
    elif update.rag == Rag.RED and not update.blockers and "blockers" not in errors:
        errors["blockers"] = "A red update says what is in the way: fill in the blockers."
    if update.period_start is None:
        errors["period_start"] = "Give the first day of the period this update covers."
    if update.period_end is None:
        errors["period_end"] = "Give the last day of the period this update covers."
    if update.period_start and update.period_end:
        if update.period_end < update.period_start:
            errors["period_end"] = "The period cannot end before it starts."
        elif (update.period_end - update.period_start).days >= PERIOD_MAX_DAYS:
            errors["period_end"] = "A period covers a year at most; post one update per period."
    if errors:
        raise ValidationError(errors)


def _goals_check(partnership: Partnership, goals: Sequence[Goal]) -> None:
    for goal in goals:
        if goal.workspace_id != partnership.workspace_id or goal.partnership_id != partnership.pk:
            message = f"“{goal.title}” is not a goal of {partnership.name}; link its own goals."
            raise ValidationError({"goals": message})


def _asks_check(partnership: Partnership, drafts: Sequence[AskDraft]) -> list[AskDraft]:
    """Clean the drafts; every problem names the ask by its number."""
    if len(drafts) > ASKS_PER_UPDATE:
        raise ValidationError(
            {"asks": f"Keep to {ASKS_PER_UPDATE} asks per update; group related ones."}
        )
    people = None
    functions = {f.pk for f in selectors.partnership_function_choices(partnership=partnership)}
    cleaned: list[AskDraft] = []
    problems: list[str] = []
    for number, draft in enumerate(drafts, start=1):
        text = (draft.text or "").strip()
        if not text:
            problems.append(f"Ask {number}: say what you need, e.g. “Approve the Q3 budget”.")
        elif len(text) > ASK_MAX:
            problems.append(f"Ask {number}: keep it to {ASK_MAX} characters or fewer.")
        if (draft.to_person is None) == (draft.to_function is None):
            problems.append(f"Ask {number}: address it to one person or one function.")
        elif draft.to_person is not None:
            if people is None:
                people = set(
                    selectors.partnership_people(partnership=partnership).values_list(
                        "pk", flat=True
                    )
                )
            if draft.to_person.pk not in people:
                problems.append(
                    f"Ask {number}: {draft.to_person.name} is not part of {partnership.name}; "
                    "ask one of its members, its lead or its sponsor."
                )
        elif draft.to_function is not None and draft.to_function.pk not in functions:
            problems.append(
                f"Ask {number}: {draft.to_function.name} is not a function of {partnership.name}."
            )
        cleaned.append(
            AskDraft(
                text=text,
                to_person=draft.to_person,
                to_function=draft.to_function,
                uuid=draft.uuid,
            )
        )
    if problems:
        raise ValidationError({"asks": problems})
    return cleaned


def _ask_recipients(partnership: Partnership, ask: Ask) -> list[Person]:
    if ask.to_person is not None:
        return [ask.to_person]
    if ask.to_function is not None:
        return selectors.function_members(partnership=partnership, function=ask.to_function)
    return []


def _asks_notify(update: StatusUpdate, asks: Iterable[Ask], author: Person) -> None:
    for ask in asks:
        notify(
            workspace=update.workspace,
            event=Event.ASK,
            recipients=_ask_recipients(update.partnership, ask),
            subject=f"{author.name} asks: {ask.text}"[:300],
            key=f"ask:{ask.uuid}",
            body=f"In the {update.partnership.name} update. Answer on the update page.",
            url=_update_url(update),
            about=ask,
            exclude=[author],
        )


def _label(ask: Ask) -> str:
    target = ask.to_person.name if ask.to_person else getattr(ask.to_function, "name", "")
    return f"{ask.text} (to {target})"


# --- post, edit, delete ---------------------------------------------------------------------


def update_create(
    *,
    membership: Membership,
    partnership: Partnership,
    rag: str,
    progress: str,
    next_steps: str = "",
    blockers: str = "",
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    goals: Sequence[Goal] = (),
    asks: Sequence[AskDraft] = (),
    cadence: Cadence | None = None,
    now: datetime.datetime | None = None,
) -> StatusUpdate:
    """Post an update for a partnership. The period defaults to the current period of the
    partnership's update cadence (else the last seven days), and the update counts towards
    that cadence."""
    if not selectors.update_can_post(membership=membership, partnership=partnership):
        raise PermissionDenied(
            "Only members of this partnership, its lead, its sponsor and workspace admins can "
            "post updates to it."
        )
    author = _person_require(membership)
    now = now or timezone.now()
    default = selectors.update_period_default(
        partnership=partnership, today=timezone.localdate(now)
    )
    if cadence is not None and (cadence.partnership_id != partnership.pk or not cadence.is_update):
        raise ValidationError({"cadence": "Choose an update cadence of this partnership."})
    # A period given half-way stays half-way, so validation names the missing day.
    start: Any = period_start or (default.start if period_end is None else None)
    end: Any = period_end or (default.end if period_start is None else None)
    update = StatusUpdate(
        workspace=partnership.workspace,
        partnership=partnership,
        author=author,
        cadence=cadence or default.cadence,
        period_start=start,
        period_end=end,
        rag=rag,
        progress=progress,
        next_steps=next_steps,
        blockers=blockers,
        posted_at=now,
    )
    errors: dict[str, list[str]] = {}
    for check in (
        lambda: _update_validate(update),
        lambda: _goals_check(partnership, goals),
        lambda: _asks_check(partnership, asks),
    ):
        try:
            check()
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    drafts = _asks_check(partnership, asks)
    with transaction.atomic():
        update.save()
        if goals:
            update.goals.set(goals)
        created = Ask.objects.bulk_create(
            [
                Ask(
                    workspace=update.workspace,
                    update=update,
                    text=d.text,
                    to_person=d.to_person,
                    to_function=d.to_function,
                )
                for d in drafts
            ]
        )
        changes = diff({}, snapshot(update, AUDITED_FIELDS))
        if goals:
            changes["goals"] = [None, ", ".join(g.title for g in goals)]
        if created:
            changes["asks"] = [None, "; ".join(_label(a) for a in created)]
        audit_record(
            workspace=update.workspace,
            actor=membership.user,
            action="create",
            instance=update,
            changes=changes,
        )
        _asks_notify(update, created, author)
        audience = selectors.partnership_audience(partnership=partnership)
        title = _update_title(update)
        notify(
            workspace=update.workspace,
            event=Event.UPDATE_POSTED,
            recipients=audience,
            subject=f"{author.name} posted a {update.rag} update — {title}",
            key=f"status-update:{update.uuid}",
            body=update.progress[:500],
            url=_update_url(update),
            about=update,
            exclude=[author],
        )
        publish(
            workspace=update.workspace,
            event="update_posted",
            key=f"status-update:{update.uuid}",
            subject=f"{title} — {update.get_rag_display()}",
            body=update.progress[:1000],
            url=_update_url(update),
            partnership=partnership,
            data={
                "update": str(update.uuid),
                "rag": update.rag,
                "author": author.name,
                "period_start": update.period_start.isoformat(),
                "period_end": update.period_end.isoformat(),
                "open_asks": len(created),
            },
        )
    return update


def _edit_require(membership: Membership, update: StatusUpdate) -> None:
    if not selectors.update_can_edit(membership=membership, update=update):
        raise PermissionDenied("Only the author of an update can change it.")


def update_edit(
    *,
    membership: Membership,
    update: StatusUpdate,
    expected_version: int | None = None,
    goals: Sequence[Goal] | None = None,
    asks: Sequence[AskDraft] | None = None,
    **changes: Any,
) -> StatusUpdate:
    """Change the update in one audited edit. `asks`, when given, is the full list of its
    unanswered asks: drafts with a uuid change that ask, those without one are added, and
    unanswered asks left out are removed. Answered asks stay as they are."""
    _edit_require(membership, update)
    if expected_version is not None and expected_version != update.version:
        raise StaleVersion(update.version)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed here."})
    partnership = update.partnership
    before = snapshot(update, AUDITED_FIELDS)
    for name, value in changes.items():
        setattr(update, name, value)
    errors: dict[str, list[str]] = {}
    checks: list[Callable[[], object]] = [lambda: _update_validate(update)]
    if goals is not None:
        checks.append(lambda: _goals_check(partnership, goals))
    if asks is not None:
        checks.append(lambda: _asks_check(partnership, asks))
    for check in checks:
        try:
            check()
        except ValidationError as error:
            errors.update(error.message_dict)
    existing = {a.uuid: a for a in selectors.update_ask_list(update=update)}
    if asks is not None:
        for draft in asks:
            if draft.uuid is not None and (
                draft.uuid not in existing or existing[draft.uuid].answered_at is not None
            ):
                errors.setdefault("asks", []).append(
                    "An answered or unknown ask cannot be changed; add a new ask instead."
                )
                break
    if errors:
        raise ValidationError(errors)
    changed = diff(before, snapshot(update, AUDITED_FIELDS))
    old_goals = list(update.goals.order_by("title"))
    if goals is not None and {g.pk for g in goals} != {g.pk for g in old_goals}:
        changed["goals"] = [
            ", ".join(g.title for g in old_goals) or None,
            ", ".join(g.title for g in sorted(goals, key=lambda g: g.title)) or None,
        ]
    added: list[Ask] = []
    edited: list[Ask] = []
    removed: list[Ask] = []
    if asks is not None:
        drafts = _asks_check(partnership, asks)
        kept = {d.uuid for d in drafts if d.uuid is not None}
        removed = [a for u, a in existing.items() if a.answered_at is None and u not in kept]
        for draft in drafts:
            if draft.uuid is None:
                added.append(
                    Ask(
                        workspace=update.workspace,
                        update=update,
                        text=draft.text,
                        to_person=draft.to_person,
                        to_function=draft.to_function,
                    )
                )
                continue
            ask = existing[draft.uuid]
            if (ask.text, ask.to_person_id, ask.to_function_id) != (
                draft.text,
                getattr(draft.to_person, "pk", None),
                getattr(draft.to_function, "pk", None),
            ):
                ask.text = draft.text
                ask.to_person = draft.to_person
                ask.to_function = draft.to_function
                edited.append(ask)
        if added or edited or removed:
            open_before = [_label(a) for a in existing.values() if a.answered_at is None]
            open_after = [_label(a) for a in [*edited, *added]] + [
                _label(a)
                for u, a in existing.items()
                if a.answered_at is None and u in kept and a not in edited
            ]
            changed["asks"] = ["; ".join(open_before) or None, "; ".join(open_after) or None]
    if not changed:
        return update
    with transaction.atomic():
        _bump_version(update)
        update.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
        if goals is not None:
            update.goals.set(goals)
        if removed:
            Ask.objects.filter(pk__in=[a.pk for a in removed]).delete()
        for ask in edited:
            ask.save(update_fields=["text", "to_person", "to_function", "updated_at"])
        if added:
            Ask.objects.bulk_create(added)
        audit_record(
            workspace=update.workspace,
            actor=membership.user,
            action="update",
            instance=update,
            changes=changed,
        )
        author = update.author
        _asks_notify(update, [*edited, *added], author)
    return update


def update_delete(*, membership: Membership, update: StatusUpdate) -> None:
    """Delete an update with its asks, comments and acknowledgements (author or admin)."""
    if not selectors.update_can_delete(membership=membership, update=update):
        raise PermissionDenied("Only the author of an update and workspace admins can delete it.")
    with transaction.atomic():
        audit_record(
            workspace=update.workspace,
            actor=membership.user,
            action="delete",
            instance=update,
            changes=diff(snapshot(update, AUDITED_FIELDS), {}),
        )
        update.delete()


# --- asks -----------------------------------------------------------------------------------


def ask_add(
    *,
    membership: Membership,
    update: StatusUpdate,
    text: str,
    to_person: Person | None = None,
    to_function: Function | None = None,
) -> Ask:
    """Add one ask to an update (the author only)."""
    _edit_require(membership, update)
    (draft,) = _asks_check(
        update.partnership, [AskDraft(text=text, to_person=to_person, to_function=to_function)]
    )
    if Ask.objects.filter(update=update).count() >= ASKS_PER_UPDATE:
        raise ValidationError(
            {"asks": f"Keep to {ASKS_PER_UPDATE} asks per update; group related ones."}
        )
    ask = Ask(
        workspace=update.workspace,
        update=update,
        text=draft.text,
        to_person=draft.to_person,
        to_function=draft.to_function,
    )
    with transaction.atomic():
        ask.save()
        audit_record(
            workspace=update.workspace,
            actor=membership.user,
            action="update",
            instance=update,
            changes={"asks": [None, f"added {_label(ask)}"]},
        )
        _asks_notify(update, [ask], update.author)
    return ask


def ask_answer(
    *, membership: Membership, ask: Ask, answer: str, now: datetime.datetime | None = None
) -> Ask:
    """Answer an open ask addressed to you or your function; the author hears about it."""
    answer = (answer or "").strip()
    if ask.answered_at is not None:
        raise ValidationError(
            {"answer": f"{getattr(ask.answered_by, 'name', 'Someone')} already answered this ask."}
        )
    if not selectors.ask_can_answer(membership=membership, ask=ask):
        raise PermissionDenied(
            "Only the person this ask is addressed to, or people of the function it is "
            "addressed to, can answer it."
        )
    if not answer:
        raise ValidationError({"answer": "Write your answer before sending it."})
    if len(answer) > TEXT_MAX:
        raise ValidationError({"answer": f"Keep an answer to {TEXT_MAX} characters or fewer."})
    person = _person_require(membership)
    update = ask.update
    with transaction.atomic():
        claimed = Ask.objects.filter(pk=ask.pk, answered_at__isnull=True).update(
            answer=answer,
            answered_at=now or timezone.now(),
            answered_by=person,
            updated_at=timezone.now(),
            version=ask.version + 1,
        )
        if not claimed:
            ask.refresh_from_db()
            raise ValidationError(
                {
                    "answer": f"{getattr(ask.answered_by, 'name', 'Someone')} answered this ask "
                    "while you were writing."
                }
            )
        ask.refresh_from_db()
        audit_record(
            workspace=ask.workspace,
            actor=membership.user,
            action="update",
            instance=update,
            changes={"ask answered": [ask.text[:200], f"{person.name}: {answer[:200]}"]},
        )
        notify(
            workspace=ask.workspace,
            event=Event.ASK_ANSWERED,
            recipients=[update.author],
            subject=f"{person.name} answered your ask: {ask.text}"[:300],
            key=f"ask-answered:{ask.uuid}",
            body=answer[:1000],
            url=_update_url(update),
            about=ask,
            exclude=[person],
        )
    return ask


# --- acknowledgements -----------------------------------------------------------------------


def update_acknowledge(*, membership: Membership, update: StatusUpdate) -> Acknowledgement:
    """Record that the member read the update (once; acknowledging again changes nothing)."""
    person = _person_require(membership)
    if not selectors.update_can_acknowledge(membership=membership, update=update):
        raise PermissionDenied("You wrote this update; readers acknowledge it.")
    try:
        with transaction.atomic():
            found, _created = Acknowledgement.objects.get_or_create(
                workspace=update.workspace, update=update, person=person
            )
    except IntegrityError:  # a double click raced itself
        found = Acknowledgement.objects.get(update=update, person=person)
    return found


# --- comments and mentions ------------------------------------------------------------------

EMAIL_MENTION = re.compile(r"@([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
WORD_AFTER_AT = re.compile(r"@([^\W\d_][\w'’-]*)", re.UNICODE)


def _mention_lookup(partnership: Partnership, text: str) -> list[Person]:
    """People who might be mentioned in `text`: names starting with a word written after
    an @, or an email written after one (one query, only when the text has an @)."""
    if "@" not in text:
        return []
    emails = {m.group(1).rstrip(".").casefold() for m in EMAIL_MENTION.finditer(text)}
    words = {m.group(1).casefold() for m in WORD_AFTER_AT.finditer(text)}
    wanted = Q()
    for email in emails:
        wanted |= Q(email__iexact=email)
    for word in words:
        wanted |= Q(name__istartswith=word)
    if not wanted:
        return []
    return list(selectors.mention_candidates(partnership=partnership).filter(wanted))


def mentions_find(text: str, people: Iterable[Person]) -> list[Person]:
    """People mentioned as @Full Name or @email in `text` (the longest name wins: "@Ann Lee"
    is Ann Lee, not Ann). Case does not matter; a name must end at a word boundary."""
    lowered = text.casefold()
    by_email = {p.email.casefold(): p for p in people}
    names = sorted(((p.name.casefold(), p) for p in people), key=lambda pair: -len(pair[0]))
    found: dict[int, Person] = {}
    for match in EMAIL_MENTION.finditer(text):
        person = by_email.get(match.group(1).rstrip(".").casefold())
        if person is not None:
            found[person.pk] = person
    for position, char in enumerate(lowered):
        if char != "@":
            continue
        for name, person in names:
            end = position + 1 + len(name)
            if lowered.startswith(name, position + 1) and (
                end == len(lowered) or not (lowered[end].isalnum() or lowered[end] == "_")
            ):
                found[person.pk] = person
                break
    return list(found.values())


def update_comment_add(
    *,
    membership: Membership,
    update: StatusUpdate,
    body: str,
    parent: UpdateComment | None = None,
) -> UpdateComment:
    """Comment on an update, or reply to a comment. The author of the update and of the
    comment replied to hear about it; people @mentioned are told they were mentioned."""
    if not selectors.update_can_comment(membership=membership):
        raise PermissionDenied("Viewers can read comments but not add them.")
    author = _person_require(membership)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment before posting it."})
    if len(body) > TEXT_MAX:
        raise ValidationError({"body": f"Keep a comment to {TEXT_MAX} characters or fewer."})
    if parent is not None and parent.update_id != update.pk:
        raise ValidationError({"parent": "Reply to a comment on this update."})
    comment = UpdateComment(
        workspace=update.workspace, update=update, author=author, parent=parent, body=body
    )
    mentioned = mentions_find(body, _mention_lookup(update.partnership, body))
    with transaction.atomic():
        comment.save()
        audit_record(
            workspace=update.workspace,
            actor=membership.user,
            action="update",
            instance=update,
            changes={"reply" if parent else "comment": [None, body[:200]]},
        )
        url = f"{_update_url(update)}#comment-{comment.uuid}"
        title = _update_title(update)
        notify(
            workspace=update.workspace,
            event=Event.MENTION,
            recipients=mentioned,
            subject=f"{author.name} mentioned you on {title}"[:300],
            key=f"update-comment:{comment.uuid}",
            body=body[:1000],
            url=url,
            about=comment,
            exclude=[author],
        )
        told = {p.pk for p in mentioned}
        if parent is not None and parent.author_id not in told:
            notify(
                workspace=update.workspace,
                event=Event.COMMENT,
                recipients=[parent.author],
                subject=f"{author.name} replied to your comment on {title}"[:300],
                key=f"update-comment:{comment.uuid}",
                body=body[:1000],
                url=url,
                about=comment,
                exclude=[author],
            )
            told.add(parent.author_id)
        if update.author_id not in told:
            notify(
                workspace=update.workspace,
                event=Event.COMMENT,
                recipients=[update.author],
                subject=f"{author.name} commented on your update: {title}"[:300],
                key=f"update-comment:{comment.uuid}",
                body=body[:1000],
                url=url,
                about=comment,
                exclude=[author],
            )
    return comment

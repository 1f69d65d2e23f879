"""Writes for shared knowledge: skills and "ask me about" topics, resource libraries and
learning opportunities with their sign-ups. Each function takes the acting membership and
refuses what that member may not do (see knowledge_selectors for the rules)."""

import datetime
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import slugify

from accord.comms import knowledge_selectors as selectors
from accord.comms.models_knowledge import (
    ExpertiseTopic,
    LearningOpportunity,
    LearningSignup,
    Resource,
)
from accord.goals.permissions import person_ids_of
from accord.notifications.models import Event
from accord.notifications.service import notify
from accord.org.actions import StaleVersion, person_skills_set
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Membership

__all__ = [
    "StaleVersion",
    "expertise_set",
    "learning_close",
    "learning_create",
    "learning_reopen",
    "learning_signup",
    "learning_update",
    "learning_withdraw",
    "resource_create",
    "resource_delete",
    "resource_update",
    "topic_add",
    "topic_remove",
]

TOPIC_MAX = 120
TOPICS_MAX = 20
TITLE_MAX = 200
URL_MAX = 500
NOTE_MAX = 20000
TAG_MAX = 40
TAGS_MAX = 10
DESCRIPTION_MAX = 5000
SIGNUP_NOTE_MAX = 300
CAPACITY_MAX = 100

RESOURCE_FIELDS = ["partnership", "kind", "title", "url", "note", "tags"]
LEARNING_EDITABLE = [
    "kind",
    "title",
    "description",
    "host",
    "function",
    "partnership",
    "starts_on",
    "ends_on",
    "capacity",
]
LEARNING_AUDITED = [*LEARNING_EDITABLE, "status"]


def _bump_version(model: Any, instance: Any) -> None:
    """Claim the next version, or fail if someone saved in between."""
    updated = model.objects.filter(pk=instance.pk, version=instance.version).update(
        version=instance.version + 1
    )
    if not updated:
        raise StaleVersion(model.objects.get(pk=instance.pk).version)
    instance.version += 1


def _check_version(instance: Any, expected: int | None) -> None:
    if expected is not None and expected != instance.version:
        raise StaleVersion(instance.version)


# --- skills and topics ----------------------------------------------------------------------


def topics_clean(topics: Iterable[str]) -> list[str]:
    """Trimmed, single-spaced topics without case-insensitive repeats; field-named errors."""
    cleaned: list[str] = []
    seen: set[str] = set()
    for raw in topics:
        topic = " ".join(str(raw).split())
        if not topic:
            continue
        if len(topic) > TOPIC_MAX:
            raise ValidationError(
                {"topics": f"“{topic[:30]}…” is too long: keep a topic to {TOPIC_MAX} characters."}
            )
        if topic.lower() in seen:
            continue
        seen.add(topic.lower())
        cleaned.append(topic)
    if len(cleaned) > TOPICS_MAX:
        raise ValidationError(
            {"topics": f"List at most {TOPICS_MAX} topics: the ones people should really ask you."}
        )
    return cleaned


def _topics_text(topics: Iterable[str]) -> str:
    return ", ".join(sorted(topics, key=str.lower))


def _edit_expertise_require(membership: Membership, person: Person) -> None:
    if not selectors.expertise_can_edit(membership=membership, person=person):
        raise PermissionDenied(
            "You can change your own skills and topics; admins can change anyone's."
        )


def _topics_write(membership: Membership, person: Person, topics: list[str]) -> bool:
    """Replace the person's topics (keeping rows that stay); audit on the person. Returns
    whether anything changed."""
    current = {t.topic: t for t in ExpertiseTopic.objects.filter(person=person)}
    if sorted(current) == sorted(topics):
        return False
    removed = [row.pk for text, row in current.items() if text not in topics]
    ExpertiseTopic.objects.filter(pk__in=removed).delete()
    ExpertiseTopic.objects.bulk_create(
        [
            ExpertiseTopic(workspace=person.workspace, person=person, topic=topic)
            for topic in topics
            if topic not in current
        ]
    )
    audit_record(
        workspace=person.workspace,
        actor=membership.user,
        action="update",
        instance=person,
        changes={"topics": [_topics_text(current) or None, _topics_text(topics) or None]},
    )
    return True


def expertise_set(
    *,
    membership: Membership,
    person: Person,
    skills: dict[str, int] | None = None,
    topics: Iterable[str] | None = None,
    expected_version: int | None = None,
) -> Person:
    """Replace a person's skills ({name: proficiency 1–5}) and/or "ask me about" topics in one
    audited edit. Either may be left out to keep it. The person's version moves on any change,
    so the expertise's ETag changes too."""
    _edit_expertise_require(membership, person)
    _check_version(person, expected_version)
    cleaned = topics_clean(topics) if topics is not None else None
    with transaction.atomic():
        before = person.version
        if skills is not None:
            # The org action validates, adds new names to the catalog and audits.
            person_skills_set(person=person, actor=membership.user, skills=skills)
        topics_changed = cleaned is not None and _topics_write(membership, person, cleaned)
        if topics_changed and person.version == before:
            # A skills change already moved the version; a topics-only change moves it here.
            _bump_version(Person, person)
    return person


def topic_add(*, membership: Membership, person: Person, topic: str) -> ExpertiseTopic:
    """Add one topic (an existing one, in any case, is returned as it is)."""
    _edit_expertise_require(membership, person)
    (text,) = topics_clean([topic]) or [""]
    if not text:
        raise ValidationError({"topic": "Write the topic people can ask you about."})
    existing = ExpertiseTopic.objects.filter(person=person, topic__iexact=text).first()
    if existing is not None:
        return existing
    current = list(ExpertiseTopic.objects.filter(person=person).values_list("topic", flat=True))
    if len(current) >= TOPICS_MAX:
        raise ValidationError(
            {"topic": f"You already list {TOPICS_MAX} topics; remove one before adding another."}
        )
    with transaction.atomic():
        _topics_write(membership, person, [*current, text])
        _bump_version(Person, person)
    return ExpertiseTopic.objects.get(person=person, topic=text)


def topic_remove(*, membership: Membership, topic: ExpertiseTopic) -> None:
    person = topic.person
    _edit_expertise_require(membership, person)
    remaining = list(
        ExpertiseTopic.objects.filter(person=person)
        .exclude(pk=topic.pk)
        .values_list("topic", flat=True)
    )
    with transaction.atomic():
        _topics_write(membership, person, remaining)
        _bump_version(Person, person)


# --- resources ------------------------------------------------------------------------------


def url_check(url: str, field: str = "url") -> str:
    """A web address people can open safely: http or https only, with a host."""
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > URL_MAX:
        raise ValidationError({field: f"Keep the web address to {URL_MAX} characters."})
    scheme = urlsplit(url).scheme.lower()
    if scheme not in {"http", "https"}:
        shown = f"“{scheme}:” " if scheme else ""
        raise ValidationError(
            {
                field: f"Only web links starting with http:// or https:// are allowed; "
                f"{shown}addresses are refused. Example: https://docs.example.com/playbook"
            }
        )
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {field: "This is not a valid web address. Example: https://docs.example.com/playbook"}
        ) from None
    return url


def tags_clean(tags: Iterable[str]) -> list[str]:
    """'Month-end Close', 'pricing' → ['month-end-close', 'pricing'] (lowercase slugs)."""
    cleaned: list[str] = []
    for raw in tags:
        text = str(raw).strip()
        if not text:
            continue
        tag = slugify(text)
        if not tag:
            raise ValidationError(
                {
                    "tags": f"“{text[:30]}” has no letters or digits; tags use letters a–z, digits "
                    "and hyphens."
                }
            )
        if len(tag) > TAG_MAX:
            raise ValidationError({"tags": f"Keep each tag to {TAG_MAX} characters."})
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > TAGS_MAX:
        raise ValidationError({"tags": f"Use at most {TAGS_MAX} tags."})
    return cleaned


def _resource_validate(resource: Resource) -> None:
    errors: dict[str, str] = {}
    resource.title = " ".join((resource.title or "").split())
    resource.note = (resource.note or "").strip()
    if not resource.title:
        errors["title"] = "Give the resource a title people will recognise."
    elif len(resource.title) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters or fewer."
    if resource.kind not in Resource.Kind.values:
        errors["kind"] = "Choose a kind: link, note, template or playbook."
    try:
        resource.url = url_check(resource.url)
    except ValidationError as error:
        errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if len(resource.note) > NOTE_MAX:
        errors["note"] = f"Keep the note to {NOTE_MAX} characters or fewer."
    try:
        resource.tags = tags_clean(resource.tags or [])
    except ValidationError as error:
        errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if "url" not in errors and "kind" not in errors:
        if resource.kind == Resource.Kind.LINK and not resource.url:
            errors["url"] = "A link needs its web address (http:// or https://)."
        elif resource.kind == Resource.Kind.NOTE and not resource.note:
            errors["note"] = "Write the note."
        elif (
            resource.kind in {Resource.Kind.TEMPLATE, Resource.Kind.PLAYBOOK}
            and not resource.url
            and not resource.note
        ):
            errors["url"] = (
                f"Give a link to the {resource.get_kind_display().lower()}, or write it in the "
                "note."
            )
    if resource.partnership_id is None:
        errors["partnership"] = "Choose the partnership whose library this belongs to."
    elif resource.partnership.workspace_id != resource.workspace_id:
        errors["partnership"] = "Choose a partnership of this workspace."
    if errors:
        raise ValidationError(errors)


def _resource_add_require(membership: Membership, partnership: Partnership | None) -> None:
    if partnership is not None and not selectors.resource_can_add(
        membership=membership, partnership=partnership
    ):
        raise PermissionDenied(
            f"Only members of {partnership.name}, its lead and sponsor, and workspace admins can "
            "add to its library."
        )


def resource_create(
    *,
    membership: Membership,
    partnership: Partnership | None,
    title: str,
    kind: str = Resource.Kind.LINK,
    url: str = "",
    note: str = "",
    tags: Iterable[str] = (),
) -> Resource:
    """Add a link, note, template or playbook to a partnership's library."""
    if not membership.can_edit:
        raise PermissionDenied("Viewers cannot add resources.")
    resource = Resource(
        workspace=membership.workspace,
        partnership=partnership,
        kind=kind,
        title=title,
        url=url,
        note=note,
        tags=list(tags),
        added_by=selectors.my_person(membership=membership),
    )
    _resource_validate(resource)
    _resource_add_require(membership, partnership)
    with transaction.atomic():
        resource.save()
        audit_record(
            workspace=resource.workspace,
            actor=membership.user,
            action="create",
            instance=resource,
            changes=diff({}, snapshot(resource, RESOURCE_FIELDS)),
        )
    return resource


def resource_update(
    *,
    membership: Membership,
    resource: Resource,
    expected_version: int | None = None,
    **changes: Any,
) -> Resource:
    """Change a resource; moving it to another library needs the right to add there too."""
    if not selectors.resource_can_edit(membership=membership, resource=resource):
        raise PermissionDenied(
            "Only members of this partnership, its lead and sponsor, and workspace admins can "
            "change its resources."
        )
    _check_version(resource, expected_version)
    unknown = set(changes) - set(RESOURCE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed."})
    before = snapshot(resource, RESOURCE_FIELDS)
    previous = resource.partnership_id
    for name, value in changes.items():
        setattr(resource, name, list(value) if name == "tags" else value)
    _resource_validate(resource)
    if resource.partnership_id != previous:
        _resource_add_require(membership, resource.partnership)
    changed = diff(before, snapshot(resource, RESOURCE_FIELDS))
    if not changed:
        return resource
    with transaction.atomic():
        _bump_version(Resource, resource)
        resource.save(update_fields=[*RESOURCE_FIELDS, "updated_at"])
        audit_record(
            workspace=resource.workspace,
            actor=membership.user,
            action="update",
            instance=resource,
            changes=changed,
        )
    return resource


def resource_delete(*, membership: Membership, resource: Resource) -> None:
    if not selectors.resource_can_delete(membership=membership, resource=resource):
        raise PermissionDenied(
            "Only the person who added it, the partnership's lead and sponsor, and workspace "
            "admins can delete a resource."
        )
    with transaction.atomic():
        audit_record(
            workspace=resource.workspace,
            actor=membership.user,
            action="delete",
            instance=resource,
            changes=diff(snapshot(resource, RESOURCE_FIELDS), {}),
        )
        resource.delete()


# --- learning opportunities -----------------------------------------------------------------


def _learning_validate(opportunity: LearningOpportunity, membership: Membership) -> None:
    errors: dict[str, str] = {}
    opportunity.title = " ".join((opportunity.title or "").split())
    opportunity.description = (opportunity.description or "").strip()
    if opportunity.kind not in LearningOpportunity.Kind.values:
        errors["kind"] = "Choose a kind: shadowing, rotation, mentoring or a talk."
    if not opportunity.title:
        errors["title"] = "Say what people will learn, e.g. “Shadow the month-end close”."
    elif len(opportunity.title) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters or fewer."
    if len(opportunity.description) > DESCRIPTION_MAX:
        errors["description"] = f"Keep the description to {DESCRIPTION_MAX} characters or fewer."
    if opportunity.host_id is None:
        errors["host"] = (
            "Choose the host. Your login is not linked to a person in the directory yet; ask an "
            "admin to link it to offer an opportunity yourself."
        )
    elif opportunity.host.workspace_id != opportunity.workspace_id:
        errors["host"] = "Choose a host from this workspace."
    elif not membership.can_admin and opportunity.host_id not in person_ids_of(membership):
        errors["host"] = "You can offer opportunities that you host; an admin can name another."
    capacity = opportunity.capacity
    if capacity is None or not 1 <= int(capacity) <= CAPACITY_MAX:
        errors["capacity"] = f"Capacity is the number of places: 1 to {CAPACITY_MAX}."
    if (
        opportunity.starts_on
        and opportunity.ends_on
        and opportunity.ends_on < opportunity.starts_on
    ):
        errors["ends_on"] = "The end date must be on or after the start date."
    if opportunity.function is not None and (
        opportunity.function.workspace_id != opportunity.workspace_id
    ):
        errors["function"] = "Choose a function of this workspace."
    if opportunity.partnership is not None:
        visible = selectors.resource_partnership_choices(membership=membership)
        if not visible.filter(pk=opportunity.partnership.pk).exists():
            errors["partnership"] = "Choose a partnership you can see in this workspace."
    if errors:
        raise ValidationError(errors)


def learning_create(
    *,
    membership: Membership,
    kind: str,
    title: str,
    host: Person | None = None,
    description: str = "",
    function: Function | None = None,
    partnership: Partnership | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    capacity: int = 1,
) -> LearningOpportunity:
    """Offer shadowing, a rotation, mentoring or a talk. The host is you unless an admin names
    someone else."""
    if not membership.can_edit:
        raise PermissionDenied("Viewers cannot offer learning opportunities.")
    if host is None:
        host = selectors.my_person(membership=membership)
    opportunity = LearningOpportunity(
        workspace=membership.workspace,
        kind=kind,
        title=title,
        description=description,
        host=host,
        function=function,
        partnership=partnership,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
    )
    _learning_validate(opportunity, membership)
    with transaction.atomic():
        opportunity.save()
        audit_record(
            workspace=opportunity.workspace,
            actor=membership.user,
            action="create",
            instance=opportunity,
            changes=diff({}, snapshot(opportunity, LEARNING_AUDITED)),
        )
    return opportunity


def _manage_require(membership: Membership, opportunity: LearningOpportunity) -> None:
    if not selectors.learning_can_manage(membership=membership, opportunity=opportunity):
        raise PermissionDenied("Only the host and workspace admins can change this opportunity.")


def _status_for(opportunity: LearningOpportunity, taken: int) -> str:
    """Closed stays closed; otherwise full exactly when every place is taken."""
    if opportunity.status == LearningOpportunity.Status.CLOSED:
        return LearningOpportunity.Status.CLOSED
    if taken >= opportunity.capacity:
        return LearningOpportunity.Status.FULL
    return LearningOpportunity.Status.OPEN


def _locked(opportunity: LearningOpportunity) -> LearningOpportunity:
    """The row locked for this transaction (PostgreSQL row lock; SQLite's IMMEDIATE
    transactions already serialize writers)."""
    return LearningOpportunity.objects.select_for_update().get(pk=opportunity.pk)


def _refresh(opportunity: LearningOpportunity, locked: LearningOpportunity) -> None:
    for name in ("status", "version", "capacity", "updated_at"):
        setattr(opportunity, name, getattr(locked, name))


def learning_update(
    *,
    membership: Membership,
    opportunity: LearningOpportunity,
    expected_version: int | None = None,
    **changes: Any,
) -> LearningOpportunity:
    """Change an opportunity. Capacity cannot drop below the places already taken; the
    status follows the capacity (full or open again)."""
    _manage_require(membership, opportunity)
    _check_version(opportunity, expected_version)
    unknown = set(changes) - set(LEARNING_EDITABLE)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed."})
    if "host" in changes and changes["host"] != opportunity.host and not membership.can_admin:
        raise ValidationError({"host": "Only an admin can hand an opportunity to another host."})
    with transaction.atomic():
        locked = _locked(opportunity)
        _check_version(locked, opportunity.version)
        before = snapshot(locked, LEARNING_AUDITED)
        for name, value in changes.items():
            setattr(locked, name, value)
        _learning_validate(locked, membership)
        taken = LearningSignup.objects.filter(opportunity=locked).count()
        if locked.capacity < taken:
            raise ValidationError(
                {
                    "capacity": f"{taken} people have signed up already; capacity cannot be "
                    f"lower than {taken}."
                }
            )
        locked.status = _status_for(locked, taken)
        changed = diff(before, snapshot(locked, LEARNING_AUDITED))
        if changed:
            _bump_version(LearningOpportunity, locked)
            locked.save(update_fields=[*LEARNING_AUDITED, "updated_at"])
            audit_record(
                workspace=locked.workspace,
                actor=membership.user,
                action="update",
                instance=locked,
                changes=changed,
            )
    for name in LEARNING_AUDITED:
        setattr(opportunity, name, getattr(locked, name))
    _refresh(opportunity, locked)
    return opportunity


def _status_set(
    membership: Membership, opportunity: LearningOpportunity, *, close: bool
) -> LearningOpportunity:
    _manage_require(membership, opportunity)
    with transaction.atomic():
        locked = _locked(opportunity)
        before = snapshot(locked, ["status"])
        if close:
            locked.status = LearningOpportunity.Status.CLOSED
        else:
            locked.status = LearningOpportunity.Status.OPEN
            locked.status = _status_for(
                locked, LearningSignup.objects.filter(opportunity=locked).count()
            )
        changed = diff(before, snapshot(locked, ["status"]))
        if changed:
            _bump_version(LearningOpportunity, locked)
            locked.save(update_fields=["status", "updated_at"])
            audit_record(
                workspace=locked.workspace,
                actor=membership.user,
                action="update",
                instance=locked,
                changes=changed,
            )
    _refresh(opportunity, locked)
    return opportunity


def learning_close(
    *, membership: Membership, opportunity: LearningOpportunity
) -> LearningOpportunity:
    """Stop taking sign-ups (those who signed up keep their place)."""
    return _status_set(membership, opportunity, close=True)


def learning_reopen(
    *, membership: Membership, opportunity: LearningOpportunity
) -> LearningOpportunity:
    """Take sign-ups again (full if every place is already taken)."""
    return _status_set(membership, opportunity, close=False)


def learning_signup(
    *, membership: Membership, opportunity: LearningOpportunity, note: str = ""
) -> LearningSignup:
    """Take a place. The opportunity row is locked while places are counted, so two people
    can never take the last place together; taking it marks the opportunity full. The host
    is notified."""
    if not membership.can_edit:
        raise PermissionDenied("Viewers cannot sign up for learning opportunities.")
    person = selectors.my_person(membership=membership)
    if person is None:
        raise ValidationError(
            "Your login is not linked to a person in the directory; ask an admin to link it "
            "before signing up."
        )
    note = " ".join((note or "").split())
    if len(note) > SIGNUP_NOTE_MAX:
        raise ValidationError({"note": f"Keep the note to {SIGNUP_NOTE_MAX} characters."})
    with transaction.atomic():
        locked = _locked(opportunity)
        if locked.host_id == person.pk:
            raise ValidationError("You host this opportunity, so you cannot sign up for it.")
        if locked.status == LearningOpportunity.Status.CLOSED:
            raise ValidationError("This opportunity is closed to sign-ups.")
        if LearningSignup.objects.filter(opportunity=locked, person=person).exists():
            raise ValidationError("You are already signed up for this opportunity.")
        taken = LearningSignup.objects.filter(opportunity=locked).count()
        if taken >= locked.capacity:
            raise ValidationError(
                f"Every place is taken ({locked.capacity} of {locked.capacity}); watch for a "
                "place opening up or ask the host about the next round."
            )
        try:
            with transaction.atomic():
                signup = LearningSignup.objects.create(
                    workspace=locked.workspace, opportunity=locked, person=person, note=note
                )
        except IntegrityError:
            raise ValidationError("You are already signed up for this opportunity.") from None
        status = _status_for(locked, taken + 1)
        if status != locked.status:
            locked.status = status
            _bump_version(LearningOpportunity, locked)
            locked.save(update_fields=["status", "updated_at"])
        audit_record(
            workspace=locked.workspace,
            actor=membership.user,
            action="create",
            instance=signup,
            changes={
                "opportunity": [None, locked.title],
                "person": [None, person.name],
                "note": [None, note or None],
            },
        )
        places = f"{taken + 1} of {locked.capacity} places taken"
        notify(
            workspace=locked.workspace,
            event=Event.LEARNING,
            recipients=[locked.host],
            subject=f"{person.name} signed up for “{locked.title}”",
            key=f"learning-signup:{signup.uuid}",
            body=f"{note}\n\n{places}." if note else f"{places}.",
            url=reverse("knowledge_learning_detail", args=[locked.workspace.slug, locked.uuid]),
            about=locked,
            exclude=[person],
        )
    _refresh(opportunity, locked)
    return signup


def learning_withdraw(*, membership: Membership, signup: LearningSignup) -> None:
    """Give up a place (yours; the host and admins may remove anyone's). A full opportunity
    opens again."""
    opportunity = signup.opportunity
    own = signup.person_id in person_ids_of(membership)
    if not membership.can_edit or not (
        own or selectors.learning_can_manage(membership=membership, opportunity=opportunity)
    ):
        raise PermissionDenied(
            "You can withdraw your own sign-up; the host and admins can remove anyone's."
        )
    with transaction.atomic():
        locked = _locked(opportunity)
        audit_record(
            workspace=signup.workspace,
            actor=membership.user,
            action="delete",
            instance=signup,
            changes={
                "opportunity": [locked.title, None],
                "person": [str(signup.person), None],
            },
        )
        signup.delete()
        status = _status_for(locked, LearningSignup.objects.filter(opportunity=locked).count())
        if status != locked.status:
            locked.status = status
            _bump_version(LearningOpportunity, locked)
            locked.save(update_fields=["status", "updated_at"])
    _refresh(opportunity, locked)

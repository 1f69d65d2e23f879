"""Reads for status updates, their asks, comments and acknowledgements.

Visibility: an update is visible exactly when its partnership is (members-only partnerships
stay hidden from everyone else, as 404). Who may do what:

- Post: members of the partnership (and its lead and sponsor) with the member role, and
  workspace admins — always as the directory person linked to their login.
- Edit: the author. Delete: the author and workspace admins.
- Answer an ask: the person it is addressed to, or anyone of the addressed function (by their
  own function, as its lead, or as the partnership member representing it).
- Comment: anyone with the member role who can see the update.
- Acknowledge: anyone who can see it and has a directory person, except the author.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accord.comms.models_plan import Cadence
from accord.comms.models_updates import Acknowledgement, Ask, Rag, StatusUpdate, UpdateComment
from accord.goals.models import CheckIn, Goal
from accord.goals.permissions import person_ids_of
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership, PartnershipMember, Privacy
from accord.partnerships.selectors import partnership_can_contribute, partnership_visible_list
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership, Role

# "Needs my response" looks this far back for unread updates and mentions.
ATTENTION_WINDOW_DAYS = 28
UPDATE_CADENCE_KINDS = (Cadence.Kind.WEEKLY_UPDATE, Cadence.Kind.CUSTOM_UPDATE)


# --- who is acting --------------------------------------------------------------------------


def acting_person(membership: Membership) -> Person | None:
    """The directory person the member acts as (the first linked one), or None."""
    cached = getattr(membership, "_update_person", False)
    if cached is False:
        people = sorted(person_ids_of(membership))
        cached = (
            Person.objects.select_related("function").filter(pk=people[0]).first()
            if people
            else None
        )
        membership._update_person = cached  # type: ignore[attr-defined]
    return cached  # type: ignore[return-value]


def my_function_ids(membership: Membership) -> set[int]:
    """Functions the member's people belong to or lead."""
    cached = getattr(membership, "_update_function_ids", None)
    if cached is None:
        people = person_ids_of(membership)
        cached = (
            set(
                Function.objects.filter(workspace=membership.workspace)
                .filter(Q(people__in=people) | Q(lead_id__in=people))
                .values_list("pk", flat=True)
            )
            if people
            else set()
        )
        membership._update_function_ids = cached  # type: ignore[attr-defined]
    return cached


# --- visibility and permissions -------------------------------------------------------------


def update_visible(*, membership: Membership) -> QuerySet[StatusUpdate]:
    """Updates of the partnerships the member can see."""
    visible = partnership_visible_list(membership=membership).values("pk")
    return StatusUpdate.objects.filter(workspace=membership.workspace, partnership__in=visible)


def update_can_post(*, membership: Membership, partnership: Partnership) -> bool:
    """Partnership members, lead and sponsor (member role or above) and admins."""
    if not membership.can_edit:
        return False
    if membership.can_admin:
        return True
    return partnership_can_contribute(membership=membership, partnership=partnership)


def update_can_edit(*, membership: Membership, update: StatusUpdate) -> bool:
    return membership.can_edit and update.author_id in person_ids_of(membership)


def update_can_delete(*, membership: Membership, update: StatusUpdate) -> bool:
    return membership.can_admin or update_can_edit(membership=membership, update=update)


def update_can_comment(*, membership: Membership) -> bool:
    """Anyone with the member role who can see the update."""
    return membership.can_edit


def update_can_acknowledge(*, membership: Membership, update: StatusUpdate) -> bool:
    """Readers with a directory person; the author has read it by writing it."""
    people = person_ids_of(membership)
    return bool(people) and update.author_id not in people


def represented_function_ids(*, membership: Membership, partnership: Partnership) -> set[int]:
    """Functions the member represents in this partnership."""
    people = person_ids_of(membership)
    if not people:
        return set()
    return set(
        PartnershipMember.objects.filter(partnership=partnership, person_id__in=people).values_list(
            "function_id", flat=True
        )
    )


def ask_is_for(
    *, membership: Membership, ask: Ask, represented: Iterable[int] | None = None
) -> bool:
    """Whether the ask is addressed to the member: to their person, or to a function they
    belong to, lead, or represent in the partnership (`represented`, when known)."""
    if ask.to_person_id is not None and ask.to_person_id in person_ids_of(membership):
        return True
    if ask.to_function_id is None:
        return False
    if ask.to_function_id in my_function_ids(membership):
        return True
    if represented is None:
        represented = represented_function_ids(
            membership=membership,
            partnership=ask.update.partnership,
        )
    return ask.to_function_id in set(represented)


def ask_can_answer(
    *, membership: Membership, ask: Ask, represented: Iterable[int] | None = None
) -> bool:
    """Anyone the open ask is addressed to, with the member role."""
    if not membership.can_edit or ask.answered_at is not None:
        return False
    return ask_is_for(membership=membership, ask=ask, represented=represented)


def ask_addressed_to_me_q(membership: Membership) -> Q:
    """Asks addressed to the member's people or to a function they belong to, lead or
    represent in the ask's partnership."""
    people = person_ids_of(membership)
    represented = PartnershipMember.objects.filter(
        partnership=OuterRef("update__partnership"),
        function=OuterRef("to_function"),
        person_id__in=people,
    )
    return (
        Q(to_person_id__in=people)
        | Q(to_function_id__in=my_function_ids(membership))
        | Q(Exists(represented))
    )


# --- one update -----------------------------------------------------------------------------


def _count(model: Any, field: str, **where: Any) -> Coalesce:
    rows = (
        model.objects.filter(**{field: OuterRef("pk")}, **where)
        .order_by()
        .values(field)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _member_reads() -> Coalesce:
    """Acknowledgements by members of the update's partnership, the author aside."""
    members = PartnershipMember.objects.filter(
        partnership_id=OuterRef(OuterRef("partnership_id"))
    ).values("person_id")
    rows = (
        Acknowledgement.objects.filter(update=OuterRef("pk"), person_id__in=members)
        .exclude(person_id=OuterRef("author_id"))
        .order_by()
        .values("update")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _member_total() -> Coalesce:
    rows = (
        PartnershipMember.objects.filter(partnership_id=OuterRef("partnership_id"))
        .exclude(person_id=OuterRef("author_id"))
        .order_by()
        .values("partnership")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _with_summary(
    updates: QuerySet[StatusUpdate], membership: Membership
) -> QuerySet[StatusUpdate]:
    """Author, partnership, cadence, counts and whether the member has read it: one query."""
    people = person_ids_of(membership)
    goals = Goal.objects.only("pk", "uuid", "title", "kind").order_by("title")
    return (
        updates.select_related("partnership", "author", "author__function", "cadence")
        .prefetch_related(Prefetch("goals", queryset=goals))
        .annotate(
            ask_count=_count(Ask, "update"),
            open_ask_count=_count(Ask, "update", answered_at__isnull=True),
            comment_count=_count(UpdateComment, "update"),
            read_count=_member_reads(),
            reader_total=_member_total(),
            read_by_me=Exists(
                Acknowledgement.objects.filter(update=OuterRef("pk"), person_id__in=people)
            ),
        )
    )


def update_detail(*, membership: Membership) -> QuerySet[StatusUpdate]:
    """The queryset an update page or endpoint resolves one update from."""
    return _with_summary(update_visible(membership=membership), membership).select_related(
        "workspace"
    )


def update_get(*, membership: Membership, uuid: Any) -> StatusUpdate:
    found: StatusUpdate = object_get(
        update_detail(membership=membership), workspace=membership.workspace, uuid=uuid
    )
    return found


def ask_queryset(*, membership: Membership) -> QuerySet[Ask]:
    visible = partnership_visible_list(membership=membership).values("pk")
    return Ask.objects.filter(
        workspace=membership.workspace, update__partnership__in=visible
    ).select_related(
        "update",
        "update__partnership",
        "update__author",
        "to_person",
        "to_person__function",
        "to_function",
        "answered_by",
    )


def ask_get(*, membership: Membership, uuid: Any) -> Ask:
    found: Ask = object_get(
        ask_queryset(membership=membership), workspace=membership.workspace, uuid=uuid
    )
    return found


def update_ask_list(*, update: StatusUpdate) -> list[Ask]:
    return list(
        Ask.objects.filter(workspace=update.workspace_id, update=update)
        .select_related("to_person", "to_person__function", "to_function", "answered_by")
        .order_by("created_at", "pk")
    )


def comment_get(*, update: StatusUpdate, uuid: Any) -> UpdateComment:
    found: UpdateComment = object_get(
        UpdateComment.objects.filter(update=update).select_related("author"),
        workspace=update.workspace,
        uuid=uuid,
    )
    return found


# --- goals with their latest check-in -------------------------------------------------------


def _with_unit(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    number = f"{value:.2f}".rstrip("0").rstrip(".")
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


@dataclass
class GoalLine:
    """A linked goal and its latest check-in up to the end of the update's period."""

    goal: Goal
    value: float | None = None
    date: datetime.date | None = None
    confidence: str = ""
    note: str = ""

    @property
    def value_text(self) -> str:
        """'34.5%', '51 days', '2.93 seconds'."""
        return _with_unit(self.value, self.goal.unit)

    @property
    def target_text(self) -> str:
        return _with_unit(self.goal.target, self.goal.unit)

    @property
    def confidence_label(self) -> str:
        return dict(CheckIn.Confidence.choices).get(self.confidence, "")

    @property
    def progress(self) -> float | None:
        """Share of the way from baseline to target (0–1), when the goal can say."""
        from accord.metrics.progress import goal_progress

        goal = self.goal
        if self.value is None or not goal.direction:
            return None
        try:
            return goal_progress(
                direction=goal.direction,  # type: ignore[arg-type]
                baseline=goal.baseline,
                target=goal.target,
                current=self.value,
                low=goal.target_low,
                high=goal.target_high,
            ).progress
        except ValueError:
            return None

    @property
    def percent(self) -> int | None:
        progress = self.progress
        return None if progress is None else round(progress * 100)


def update_goal_lines(updates: Sequence[StatusUpdate]) -> dict[int, list[GoalLine]]:
    """Linked goals of each update with the latest check-in dated on or before the end of its
    period (one query, whatever the number of updates and goals)."""
    if not updates:
        return {}
    through = StatusUpdate.goals.through
    latest = CheckIn.objects.filter(
        goal_id=OuterRef("goal_id"), date__lte=OuterRef("statusupdate__period_end")
    ).order_by("-date", "-created_at", "-pk")
    rows = (
        through.objects.filter(statusupdate_id__in=[u.pk for u in updates])
        .select_related("goal", "goal__owner")
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_date=Subquery(latest.values("date")[:1]),
            latest_confidence=Subquery(latest.values("confidence")[:1]),
            latest_note=Subquery(latest.values("note")[:1]),
        )
        .order_by("goal__title", "goal_id")
    )
    lines: dict[int, list[GoalLine]] = defaultdict(list)
    for row in rows:
        found: Any = row  # annotated with the latest check-in's fields
        lines[row.statusupdate_id].append(
            GoalLine(
                goal=row.goal,
                value=found.latest_value,
                date=found.latest_date,
                confidence=found.latest_confidence or "",
                note=found.latest_note or "",
            )
        )
    return dict(lines)


# --- read by --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionReads:
    function: str
    read: int
    total: int


@dataclass(frozen=True)
class Reader:
    person: Person
    at: datetime.datetime
    function: str
    member: bool


@dataclass(frozen=True)
class ReadBy:
    """Who acknowledged an update, against the partnership's members (the author aside)."""

    read: int
    total: int
    by_function: tuple[FunctionReads, ...]
    readers: tuple[Reader, ...]
    unread: tuple[Person, ...]

    @property
    def others(self) -> tuple[Reader, ...]:
        """Readers who are not members of the partnership (sponsors, admins, onlookers)."""
        return tuple(r for r in self.readers if not r.member)

    @property
    def summary(self) -> str:
        """'Read by 7 of 12 members — Sales 3/4, Finance 2/5'."""
        text = f"Read by {self.read} of {self.total} member{'s' if self.total != 1 else ''}"
        parts = ", ".join(f"{f.function} {f.read}/{f.total}" for f in self.by_function)
        return f"{text} — {parts}" if parts else text


def update_read_by(*, update: StatusUpdate) -> ReadBy:
    """Acknowledgements with a breakdown by the function each member represents (two
    queries)."""
    members = list(
        PartnershipMember.objects.filter(partnership_id=update.partnership_id)
        .exclude(person_id=update.author_id)
        .select_related("person", "function")
        .order_by("function__name", "person__name")
    )
    acks = list(
        Acknowledgement.objects.filter(update=update)
        .select_related("person", "person__function")
        .order_by("created_at", "pk")
    )
    read_ids = {a.person_id for a in acks}
    member_function = {m.person_id: m.function.name for m in members}
    groups: dict[str, list[int]] = {}
    for member in members:
        counts = groups.setdefault(member.function.name, [0, 0])
        counts[1] += 1
        if member.person_id in read_ids:
            counts[0] += 1
    readers = tuple(
        Reader(
            person=a.person,
            at=a.created_at,
            function=member_function.get(
                a.person_id, a.person.function.name if a.person.function else ""
            ),
            member=a.person_id in member_function,
        )
        for a in acks
        if a.person_id != update.author_id
    )
    return ReadBy(
        read=sum(1 for m in members if m.person_id in read_ids),
        total=len(members),
        by_function=tuple(FunctionReads(name, c[0], c[1]) for name, c in groups.items()),
        readers=readers,
        unread=tuple(m.person for m in members if m.person_id not in read_ids),
    )


# --- comments -------------------------------------------------------------------------------


@dataclass
class CommentNode:
    comment: UpdateComment
    replies: list["CommentNode"] = field(default_factory=list)


def update_comment_list(*, update: StatusUpdate) -> QuerySet[UpdateComment]:
    return (
        UpdateComment.objects.filter(workspace=update.workspace_id, update=update)
        .select_related("author", "author__function", "parent")
        .order_by("created_at", "pk")
    )


def comment_tree(comments: Iterable[UpdateComment]) -> list[CommentNode]:
    """Comments (oldest first) as threads: top-level comments, each with its replies."""
    nodes: dict[int, CommentNode] = {}
    roots: list[CommentNode] = []
    for comment in comments:
        node = CommentNode(comment=comment)
        nodes[comment.pk] = node
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        (parent.replies if parent else roots).append(node)
    return roots


# --- the feed -------------------------------------------------------------------------------


@dataclass
class UpdateFilters:
    partnership: str | None = None  # slug
    rag: str | None = None
    function: str | None = None  # author's function uuid
    since: datetime.date | None = None  # period ends on or after
    until: datetime.date | None = None  # period starts on or before
    open_asks: bool = False
    author: str | None = None  # person uuid

    def narrowed(self) -> bool:
        """Filters beyond the partnership (whose feed is a page of its own)."""
        return any((self.rag, self.function, self.since, self.until, self.open_asks, self.author))

    def any(self) -> bool:
        return any(
            (
                self.partnership,
                self.rag,
                self.function,
                self.since,
                self.until,
                self.open_asks,
                self.author,
            )
        )


def update_list(
    *, membership: Membership, filters: UpdateFilters | None = None
) -> QuerySet[StatusUpdate]:
    """Visible updates, newest first, with their summary and linked goals (constant
    queries), filtered."""
    filters = filters or UpdateFilters()
    updates = _with_summary(update_visible(membership=membership), membership)
    if filters.partnership:
        updates = updates.filter(partnership__slug=filters.partnership)
    if filters.rag:
        updates = updates.filter(rag=filters.rag)
    if filters.function:
        updates = updates.filter(author__function__uuid=filters.function)
    if filters.author:
        updates = updates.filter(author__uuid=filters.author)
    if filters.since:
        updates = updates.filter(period_end__gte=filters.since)
    if filters.until:
        updates = updates.filter(period_start__lte=filters.until)
    if filters.open_asks:
        updates = updates.filter(
            Exists(Ask.objects.filter(update=OuterRef("pk"), answered_at__isnull=True))
        )
    return updates.order_by("-posted_at", "-pk")


def rag_streak(*, membership: Membership, partnership: Partnership, limit: int = 12) -> list[Any]:
    """The partnership's latest RAG statuses, oldest first (for a trend strip)."""
    rows = list(
        update_visible(membership=membership)
        .filter(partnership=partnership)
        .order_by("-period_end", "-posted_at", "-pk")
        .values("uuid", "rag", "period_start", "period_end")[:limit]
    )
    rows.reverse()
    return rows


# --- open asks and "needs my response" ------------------------------------------------------


def ask_open_list(
    *, membership: Membership, partnership: str | None = None, mine: bool = False
) -> QuerySet[Ask]:
    """Unanswered asks of visible updates, oldest first."""
    asks = ask_queryset(membership=membership).filter(answered_at__isnull=True)
    if partnership:
        asks = asks.filter(update__partnership__slug=partnership)
    if mine:
        asks = asks.filter(ask_addressed_to_me_q(membership))
    return asks.order_by("created_at", "pk")


def ask_age_days(ask: Ask, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    return max((now - ask.created_at).days, 0)


def _my_partnerships_q(people: set[int]) -> Q:
    return (
        Q(partnership__members__person_id__in=people)
        | Q(partnership__lead_id__in=people)
        | Q(partnership__sponsor_id__in=people)
    )


def update_unread_list(
    *, membership: Membership, now: datetime.datetime | None = None
) -> QuerySet[StatusUpdate]:
    """Recent updates of the member's partnerships they have not acknowledged (nor written)."""
    people = person_ids_of(membership)
    if not people:
        return StatusUpdate.objects.none()
    since = (now or timezone.now()) - datetime.timedelta(days=ATTENTION_WINDOW_DAYS)
    mine = (
        StatusUpdate.objects.filter(workspace=membership.workspace, posted_at__gte=since)
        .filter(_my_partnerships_q(people))
        .values("pk")
    )
    return (
        _with_summary(update_visible(membership=membership), membership)
        .filter(pk__in=mine, read_by_me=False)
        .exclude(author_id__in=people)
        .order_by("-posted_at", "-pk")
    )


def comment_mentioning_me_list(
    *, membership: Membership, now: datetime.datetime | None = None
) -> QuerySet[UpdateComment]:
    """Recent comments that mention the member (by @name or @email) and that they have not
    replied to."""
    people = list(
        Person.objects.filter(pk__in=person_ids_of(membership)).values_list("pk", "name", "email")
    )
    if not people:
        return UpdateComment.objects.none()
    ids = [pk for pk, _name, _email in people]
    mention = Q()
    for _pk, name, email in people:
        mention |= Q(body__icontains=f"@{name}") | Q(body__icontains=f"@{email}")
    since = (now or timezone.now()) - datetime.timedelta(days=ATTENTION_WINDOW_DAYS)
    visible = update_visible(membership=membership).values("pk")
    replied = UpdateComment.objects.filter(parent=OuterRef("pk"), author_id__in=ids)
    return (
        UpdateComment.objects.filter(
            workspace=membership.workspace, update__in=visible, created_at__gte=since
        )
        .filter(mention)
        .exclude(author_id__in=ids)
        .exclude(Exists(replied))
        .select_related("author", "parent", "update", "update__partnership")
        .order_by("-created_at", "-pk")
    )


@dataclass
class NeedsMe:
    asks: list[Ask]
    unread: list[StatusUpdate]
    mentions: list[UpdateComment]
    linked: bool  # whether the login has a directory person at all

    @property
    def total(self) -> int:
        return len(self.asks) + len(self.unread) + len(self.mentions)


def needs_me(*, membership: Membership, now: datetime.datetime | None = None) -> NeedsMe:
    """Asks addressed to me or my function still open, unread updates of my partnerships,
    and comments mentioning me (constant queries)."""
    linked = bool(person_ids_of(membership))
    if not linked:
        return NeedsMe(asks=[], unread=[], mentions=[], linked=False)
    return NeedsMe(
        asks=list(ask_open_list(membership=membership, mine=True)),
        unread=list(update_unread_list(membership=membership, now=now)),
        mentions=list(comment_mentioning_me_list(membership=membership, now=now)),
        linked=True,
    )


def needs_me_count(*, membership: Membership) -> int:
    """How many things wait for the member (three COUNT queries)."""
    if not person_ids_of(membership):
        return 0
    return (
        ask_open_list(membership=membership, mine=True).count()
        + update_unread_list(membership=membership).count()
        + comment_mentioning_me_list(membership=membership).count()
    )


# --- choices --------------------------------------------------------------------------------


def partnership_post_choices(*, membership: Membership) -> QuerySet[Partnership]:
    """Partnerships the member may post updates to."""
    partnerships = partnership_visible_list(membership=membership)
    if not membership.can_edit:
        return Partnership.objects.none()
    if not membership.can_admin:
        people = person_ids_of(membership)
        partnerships = partnerships.filter(
            Q(lead_id__in=people) | Q(sponsor_id__in=people) | Q(members__person_id__in=people)
        )
    return Partnership.objects.filter(pk__in=partnerships.values("pk")).order_by("name")


def partnership_people(*, partnership: Partnership) -> QuerySet[Person]:
    """People an ask can be addressed to: members, the lead and the sponsor."""
    members = PartnershipMember.objects.filter(partnership=partnership).values("person_id")
    return (
        Person.objects.filter(workspace=partnership.workspace_id)
        .filter(
            Q(pk__in=members) | Q(pk=partnership.lead_id or 0) | Q(pk=partnership.sponsor_id or 0)
        )
        .select_related("function")
        .order_by("name")
    )


def partnership_function_choices(*, partnership: Partnership) -> QuerySet[Function]:
    return partnership.functions.all().order_by("name")


def partnership_goal_choices(*, partnership: Partnership) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(workspace=partnership.workspace_id, partnership=partnership)
        .exclude(status=Goal.Status.CANCELLED)
        .only("pk", "uuid", "title", "kind", "status", "partnership_id", "workspace_id")
        .order_by(F("parent_id").asc(nulls_first=True), "title")
    )


def function_members(*, partnership: Partnership, function: Function) -> list[Person]:
    """The people representing a function in the partnership; its lead when none do."""
    people = [
        m.person
        for m in PartnershipMember.objects.filter(
            partnership=partnership, function=function
        ).select_related("person")
    ]
    if not people and function.lead_id:
        lead = Person.objects.filter(pk=function.lead_id).first()
        people = [lead] if lead else []
    return people


def partnership_audience(*, partnership: Partnership) -> list[Person]:
    """Who hears about a new update: the members, lead and sponsor."""
    return list(partnership_people(partnership=partnership))


def mention_candidates(*, partnership: Partnership) -> QuerySet[Person]:
    """People who may be mentioned on the partnership's updates: everyone in the workspace
    for an open partnership; for a members-only one, its people and the admins."""
    people = Person.objects.filter(workspace=partnership.workspace_id)
    if partnership.privacy == Privacy.MEMBERS:
        members = PartnershipMember.objects.filter(partnership=partnership).values("person_id")
        admins = Membership.objects.filter(
            workspace=partnership.workspace_id, role__in=[Role.ADMIN, Role.OWNER]
        ).values("user_id")
        people = people.filter(
            Q(pk__in=members)
            | Q(pk=partnership.lead_id or 0)
            | Q(pk=partnership.sponsor_id or 0)
            | Q(user_id__in=admins)
        )
    return people.only("pk", "uuid", "name", "email", "user_id", "workspace_id")


def update_cadence_for(*, partnership: Partnership) -> Cadence | None:
    """The partnership's active update cadence (weekly before custom), if it has one."""
    cadences = list(
        Cadence.objects.filter(
            workspace=partnership.workspace_id,
            partnership=partnership,
            kind__in=UPDATE_CADENCE_KINDS,
            active=True,
        ).order_by("kind", "next_due", "pk")
    )
    weekly = [c for c in cadences if c.kind == Cadence.Kind.WEEKLY_UPDATE]
    if weekly:
        return weekly[0]
    return cadences[0] if cadences else None


def rag_choices() -> list[tuple[str, str]]:
    return list(Rag.choices)


def author_function_choices(*, membership: Membership) -> QuerySet[Function]:
    return (
        Function.objects.filter(workspace=membership.workspace)
        .only("uuid", "name")
        .order_by("name")
    )


def partnership_filter_choices(*, membership: Membership) -> QuerySet[Partnership]:
    return (
        partnership_visible_list(membership=membership)
        .only("uuid", "name", "slug")
        .order_by("name")
    )


# --- the default period ---------------------------------------------------------------------


def _add_months(day: datetime.date, months: int) -> datetime.date:
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cadence_period(cadence: Cadence, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The cadence's period containing `day`: periods start on `starts_on` and every
    interval after it (the first one when `day` is earlier)."""
    interval = max(int(cadence.interval or 1), 1)
    start = cadence.starts_on
    if cadence.unit == Cadence.Unit.MONTH:
        months = max((day.year - start.year) * 12 + day.month - start.month, 0)
        steps = months // interval
        begin = _add_months(start, steps * interval)
        if begin > day and steps:
            steps -= 1
            begin = _add_months(start, steps * interval)
        end = _add_months(start, (steps + 1) * interval) - datetime.timedelta(days=1)
        return begin, end
    length = interval * (7 if cadence.unit == Cadence.Unit.WEEK else 1)
    steps = max((day - start).days, 0) // length
    begin = start + datetime.timedelta(days=steps * length)
    return begin, begin + datetime.timedelta(days=length - 1)


@dataclass(frozen=True)
class PeriodDefault:
    start: datetime.date
    end: datetime.date
    cadence: Cadence | None


def update_period_default(*, partnership: Partnership, today: datetime.date) -> PeriodDefault:
    """The period a new update covers: the current period of the partnership's update
    cadence, else the seven days up to today."""
    cadence = update_cadence_for(partnership=partnership)
    if cadence is not None:
        start, end = cadence_period(cadence, today)
        return PeriodDefault(start=start, end=end, cadence=cadence)
    return PeriodDefault(start=today - datetime.timedelta(days=6), end=today, cadence=None)

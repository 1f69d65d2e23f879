"""Reads for constructive feedback: who may see which feedback, the boxes of the feedback page
and each person's own given/received balance.

Privacy (DESIGN.md: feedback is private between giver and receiver unless the giver makes it
public):

- Private feedback is visible to its giver and its receiver only. The receiver of feedback to a
  person is that person; of feedback to a function, the function's lead (whoever leads it now);
  of feedback to a partnership, the partnership's lead and sponsor. Workspace admins get no
  exception: they see private feedback only when they gave or received it.
- Shared feedback to a person or a function is visible to everyone in the workspace; shared
  feedback to a partnership to everyone who can see that partnership.
- Only the receiver replies and marks feedback acted on; only the giver shares it, makes it
  private again or withdraws it. Viewers read what they may see and change nothing.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from accord.comms.models import Feedback
from accord.goals.permissions import person_ids_of
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_visible_list
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

# The boxes of the feedback page and the API's `box` filter.
BOXES = {
    "received": "Received",
    "given": "Given",
    "shared": "Shared openly",
}


def acting_person(*, membership: Membership) -> Person | None:
    """The directory entry that speaks for the member (the first linked one), or None."""
    ids = person_ids_of(membership)
    if not ids:
        return None
    return (
        Person.objects.filter(pk=min(ids), workspace=membership.workspace)
        .select_related("function")
        .first()
    )


def _answered_by_q(people: set[int]) -> Q:
    """Feedback these people receive: addressed to them, to a function one of them leads, or
    to a partnership one of them leads or sponsors."""
    return (
        Q(to_person_id__in=people)
        | Q(to_function__lead_id__in=people)
        | Q(to_partnership__lead_id__in=people)
        | Q(to_partnership__sponsor_id__in=people)
    )


def feedback_visible(*, membership: Membership) -> QuerySet[Feedback]:
    """Feedback the member gave or receives, and shared feedback they may see."""
    people = person_ids_of(membership)
    visible_partnerships = partnership_visible_list(membership=membership).values("pk")
    shared = Q(visibility=Feedback.Visibility.SHARED) & (
        Q(to_partnership__isnull=True) | Q(to_partnership__in=visible_partnerships)
    )
    mine = Q(giver_id__in=people) | _answered_by_q(people) if people else Q(pk__in=[])
    return Feedback.objects.filter(workspace=membership.workspace).filter(mine | shared)


def _with_links(feedback: QuerySet[Feedback]) -> QuerySet[Feedback]:
    return feedback.select_related(
        "giver",
        "giver__function",
        "to_person",
        "to_person__function",
        "to_function",
        "to_partnership",
        "replied_by",
    )


def feedback_get(*, membership: Membership, uuid: Any) -> Feedback:
    """One visible feedback, or 404 (private feedback of others answers 404, even to admins)."""
    found: Feedback = object_get(
        _with_links(feedback_visible(membership=membership)),
        workspace=membership.workspace,
        uuid=uuid,
    )
    return found


def feedback_receivers(feedback: Feedback) -> list[Person]:
    """The people who receive (and may answer) this feedback."""
    if feedback.to_person is not None:
        return [feedback.to_person]
    if feedback.to_function is not None:
        lead = feedback.to_function.lead
        return [lead] if lead is not None else []
    partnership = feedback.to_partnership
    if partnership is None:
        return []
    found = [p for p in (partnership.lead, partnership.sponsor) if p is not None]
    return list({p.pk: p for p in found}.values())


def feedback_receiver_ids(feedback: Feedback) -> set[int]:
    """Receiver person ids without loading the people (no query beyond the loaded links)."""
    if feedback.to_person_id is not None:
        return {feedback.to_person_id}
    if feedback.to_function_id is not None and feedback.to_function is not None:
        return {feedback.to_function.lead_id} - {None}  # type: ignore[return-value]
    if feedback.to_partnership is not None:
        return {feedback.to_partnership.lead_id, feedback.to_partnership.sponsor_id} - {None}  # type: ignore[return-value]
    return set()


def feedback_can_respond(*, membership: Membership, feedback: Feedback) -> bool:
    """The receiver (with the member role) replies and marks it acted on."""
    if not membership.can_edit:
        return False
    return bool(feedback_receiver_ids(feedback) & person_ids_of(membership))


def feedback_is_giver(*, membership: Membership, feedback: Feedback) -> bool:
    """The giver (with the member role) shares it, makes it private or withdraws it."""
    return membership.can_edit and feedback.giver_id in person_ids_of(membership)


def feedback_subject_label(feedback: Feedback) -> str:
    """Who the feedback is for, in words: a person's name, 'the Sales function', …"""
    if feedback.to_person is not None:
        return feedback.to_person.name
    if feedback.to_function is not None:
        return f"the {feedback.to_function.name} function"
    if feedback.to_partnership is not None:
        return f"the {feedback.to_partnership.name} partnership"
    return "nobody"


def feedback_list(
    *, membership: Membership, box: str = "received", search: str = ""
) -> QuerySet[Feedback]:
    """A box of the feedback page, newest first, with every link loaded (constant queries).

    received: addressed to the member or to the functions and partnerships they answer for;
    given: what they gave; shared: shared feedback they may see; anything else: all visible.
    """
    people = person_ids_of(membership)
    rows = _with_links(feedback_visible(membership=membership))
    if box == "received":
        rows = rows.filter(_answered_by_q(people)) if people else rows.none()
    elif box == "given":
        rows = rows.filter(giver_id__in=people) if people else rows.none()
    elif box == "shared":
        rows = rows.filter(visibility=Feedback.Visibility.SHARED)
    if search:
        rows = rows.filter(
            Q(situation__icontains=search)
            | Q(behaviour__icontains=search)
            | Q(impact__icontains=search)
            | Q(request__icontains=search)
        )
    return rows.order_by("-created_at", "-pk")


def feedback_rows(*, membership: Membership, feedback: Any) -> list[Feedback]:
    """Rows for the list template, each with `can_respond`, `is_giver` and `subject`."""
    rows = list(feedback)
    for row in rows:
        row.can_respond = feedback_can_respond(membership=membership, feedback=row)
        row.is_giver = feedback_is_giver(membership=membership, feedback=row)
        row.subject = feedback_subject_label(row)
    return rows


# --- the member's own balance ---------------------------------------------------------------


@dataclass
class FunctionBalance:
    """Feedback exchanged with one function: given to its people (or to it), received from."""

    function: str
    given: int = 0
    received: int = 0
    acted_on: int = 0


@dataclass
class FeedbackBalance:
    """One person's own feedback balance. Shown only to that person."""

    given: int = 0
    received: int = 0  # addressed to the person directly
    received_for_teams: int = 0  # to functions and partnerships they answer for
    replied: int = 0  # of everything they received
    acted_on: int = 0  # of everything they received
    by_function: list[FunctionBalance] = field(default_factory=list)

    @property
    def received_total(self) -> int:
        return self.received + self.received_for_teams

    @property
    def acted_on_rate(self) -> float | None:
        """Share of received feedback marked acted on (None before any arrived)."""
        return self.acted_on / self.received_total if self.received_total else None

    @property
    def acted_on_percent(self) -> int | None:
        rate = self.acted_on_rate
        return None if rate is None else round(rate * 100)

    @property
    def balance(self) -> int:
        """Given minus received: above zero, you give more than you get."""
        return self.given - self.received_total


def feedback_balance(*, membership: Membership) -> FeedbackBalance:
    """The member's given/received counts, acted-on rate and the split by function (the
    function of the other side). Two queries, whatever the volume."""
    people = person_ids_of(membership)
    result = FeedbackBalance()
    if not people:
        return result
    rows = (
        Feedback.objects.filter(workspace=membership.workspace)
        .filter(Q(giver_id__in=people) | _answered_by_q(people))
        .values(
            "giver_id",
            "giver__function__name",
            "to_person_id",
            "to_person__function__name",
            "to_function__name",
            "to_partnership__name",
            "replied_at",
            "acted_on_at",
        )
    )
    by_function: dict[str, FunctionBalance] = defaultdict(lambda: FunctionBalance(function=""))
    for row in rows:
        if row["giver_id"] in people:
            result.given += 1
            other = (
                row["to_person__function__name"]
                or row["to_function__name"]
                or ("Partnerships (several functions)" if row["to_partnership__name"] else None)
            )
            if other:
                by_function[other].given += 1
            continue
        if row["to_person_id"] in people:
            result.received += 1
        else:
            result.received_for_teams += 1
        result.replied += row["replied_at"] is not None
        acted = row["acted_on_at"] is not None
        result.acted_on += acted
        source = row["giver__function__name"] or "No function"
        by_function[source].received += 1
        by_function[source].acted_on += acted
    for name, entry in by_function.items():
        entry.function = name
    result.by_function = sorted(
        by_function.values(), key=lambda e: (-e.given - e.received, e.function)
    )
    return result


# --- choices for the form -------------------------------------------------------------------


def feedback_person_choices(*, membership: Membership) -> QuerySet[Person]:
    return (
        Person.objects.filter(workspace=membership.workspace)
        .select_related("function")
        .only("pk", "uuid", "name", "workspace_id", "function__name")
        .order_by("name", "pk")
    )


def feedback_function_choices(*, membership: Membership) -> QuerySet[Function]:
    return Function.objects.filter(workspace=membership.workspace).only("pk", "uuid", "name")


def feedback_partnership_choices(*, membership: Membership) -> QuerySet[Partnership]:
    return partnership_visible_list(membership=membership).only("pk", "uuid", "slug", "name")

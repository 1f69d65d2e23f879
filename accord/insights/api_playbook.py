"""Playbook over the API: the catalogue of plays, a partnership's recommendations, and the
lead's decisions (accept, snooze, dismiss, reopen) with the same permissions as the pages.

Recommendations of partnerships you cannot see answer 404; only the partnership's lead and
workspace admins and owners decide (403 for others). Guard decisions with If-Match (412) or
a body ``version`` (409).
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.schemas import Page, PageParams, UUIDPath, paginate
from accord.insights import playbook_actions as actions
from accord.insights import playbook_selectors as selectors
from accord.insights.models import Recommendation
from accord.metrics.playbook import PLAYS_BY_KEY, RULES
from accord.partnerships.selectors import partnership_get
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

if TYPE_CHECKING:
    RecommendationStatus = str
else:
    RecommendationStatus = Literal[tuple(Recommendation.Status.values)]

router = Router(tags=["Playbook"])

STATUS_HELP = (
    "open, accepted, snoozed, dismissed, or cleared (no longer signalled by the latest refresh)."
)


# --- shapes ---------------------------------------------------------------------------------


class RuleOut(Schema):
    id: str
    condition: str = Field(description="When the rule fires, in plain language.")
    reason: str
    kind: str
    key: str | None
    threshold: float
    below: bool = Field(description="True: fires below the threshold; false: at or above it.")


class PlayOut(Schema):
    key: str
    title: str
    summary: str
    steps: list[str]
    why: str
    rules: list[RuleOut]


class PlaybookPartnershipRef(Schema):
    slug: str
    name: str


class RecommendationOut(Schema):
    id: UUID
    partnership: PlaybookPartnershipRef
    play: str = Field(description="The play's key (see GET /plays).")
    title: str
    summary: str
    steps: list[str]
    status: RecommendationStatus = Field(description=STATUS_HELP)
    reasons: list[str]
    evidence: list[str]
    rules: list[str]
    strength: int = Field(description="Rule and signal matches behind the recommendation.")
    baseline_signals: dict[str, float] = Field(
        description="The signals that fired, by kind:key — at acceptance for accepted plays."
    )
    first_seen: date
    last_seen: date
    decided_at: datetime | None
    decision_reason: str
    snoozed_until: date | None
    version: int

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_play(obj: Any) -> str:
        return str(obj.play_key)

    @staticmethod
    def resolve_title(obj: Any) -> str:
        play = PLAYS_BY_KEY.get(obj.play_key)
        return play.title if play else obj.play_key

    @staticmethod
    def resolve_summary(obj: Any) -> str:
        play = PLAYS_BY_KEY.get(obj.play_key)
        return play.summary if play else ""

    @staticmethod
    def resolve_steps(obj: Any) -> list[str]:
        play = PLAYS_BY_KEY.get(obj.play_key)
        return list(play.steps) if play else []

    @staticmethod
    def resolve_baseline_signals(obj: Any) -> dict[str, float]:
        return {
            key: float(value)
            for key, value in (obj.baseline_signals or {}).items()
            if isinstance(value, int | float)
        }


class ActionRef(Schema):
    id: UUID
    title: str
    status: str
    due_date: date | None

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class AcceptIn(Schema):
    owner: UUID = Field(description="Id of the member of the partnership who owns the items.")
    due_date: date | None = None
    steps: list[str] | None = Field(
        None, description="The play's steps to turn into action items (all when left out)."
    )
    version: int | None = Field(None, description="The version you decided on: 409 if it changed.")


class AcceptOut(Schema):
    recommendation: RecommendationOut
    actions: list[ActionRef]


class SnoozeIn(Schema):
    until: date = Field(description="The day the play comes back (after today, within a year).")
    reason: str = ""
    version: int | None = None


class DismissIn(Schema):
    reason: str = Field(description="Required: why the play will not be run.")
    version: int | None = None


class ReopenIn(Schema):
    version: int | None = None


class RecommendationFilter(Schema):
    status: RecommendationStatus | None = Field(None, description=STATUS_HELP)


# --- helpers --------------------------------------------------------------------------------


def _get(membership: Membership, recommendation_id: str) -> Recommendation:
    return selectors.recommendation_get(membership=membership, uuid=recommendation_id)


def _guarded(
    request: HttpRequest, recommendation_id: str, version: int | None
) -> tuple[Membership, Recommendation]:
    membership = role_require(request, "member")
    rec = _get(membership, recommendation_id)
    if_match_check(request, rec.version)
    version_check(version, rec.version)
    return membership, rec


def _answer(membership: Membership, rec: Recommendation, response: HttpResponse) -> Recommendation:
    fresh = _get(membership, str(rec.uuid))
    etag_set(response, fresh.version)
    return fresh


# --- endpoints ------------------------------------------------------------------------------


@router.get("/plays", response=list[PlayOut])
def list_plays(request: HttpRequest) -> list[dict[str, Any]]:
    """Every play of the playbook with the rules (and thresholds) that recommend it."""
    membership_of(request)
    rules_by_id = {rule.id: rule for rule in RULES}
    return [
        {
            "key": doc.play.key,
            "title": doc.play.title,
            "summary": doc.play.summary,
            "steps": list(doc.play.steps),
            "why": doc.play.why,
            "rules": [
                {
                    "id": rule.id,
                    "condition": rule.condition,
                    "reason": rule.reason,
                    "kind": rules_by_id[rule.id].kind,
                    "key": rules_by_id[rule.id].key,
                    "threshold": rules_by_id[rule.id].threshold,
                    "below": rules_by_id[rule.id].below,
                }
                for rule in doc.rules
            ],
        }
        for doc in selectors.plays_catalog()
    ]


@router.get("/partnerships/{slug}/recommendations", response=Page[RecommendationOut])
def list_recommendations(
    request: HttpRequest,
    slug: str,
    filters: Query[RecommendationFilter],
    page: Query[PageParams],
) -> dict[str, Any]:
    """The partnership's recommended plays, strongest first, optionally by status."""
    membership = membership_of(request)
    partnership = partnership_get(membership=membership, slug=slug)
    rows = selectors.recommendation_list(
        membership=membership, partnership=partnership, status=filters.status
    )
    return paginate(request, rows, page)


@router.get("/recommendations/{recommendation_id}", response=RecommendationOut)
def get_recommendation(
    request: HttpRequest, recommendation_id: UUIDPath, response: HttpResponse
) -> Recommendation:
    """One recommendation. The ETag header carries its version."""
    rec = _get(membership_of(request), recommendation_id)
    etag_set(response, rec.version)
    return rec


@router.post("/recommendations/{recommendation_id}/accept", response=AcceptOut)
def accept_recommendation(
    request: HttpRequest, recommendation_id: UUIDPath, payload: AcceptIn, response: HttpResponse
) -> dict[str, Any]:
    """Accept an open or snoozed play: one action item per chosen step, owned by one member
    of the partnership. Needs the partnership's lead, an admin or an owner."""
    membership, rec = _guarded(request, recommendation_id, payload.version)
    try:
        owner = object_get(
            selectors.recommendation_owner_choices(partnership=rec.partnership),
            workspace=membership.workspace,
            uuid=payload.owner,
        )
    except Http404:
        raise ValidationError(
            {"owner": f"No member of {rec.partnership.name} with id {payload.owner}."}
        ) from None
    created = actions.recommendation_accept(
        membership=membership,
        recommendation=rec,
        owner=owner,
        due_date=payload.due_date,
        steps=payload.steps,
        expected_version=payload.version,
    )
    return {"recommendation": _answer(membership, rec, response), "actions": created}


@router.post("/recommendations/{recommendation_id}/snooze", response=RecommendationOut)
def snooze_recommendation(
    request: HttpRequest, recommendation_id: UUIDPath, payload: SnoozeIn, response: HttpResponse
) -> Recommendation:
    """Put a play aside until a date; it comes back then if it still fires."""
    membership, rec = _guarded(request, recommendation_id, payload.version)
    actions.recommendation_snooze(
        membership=membership,
        recommendation=rec,
        until=payload.until,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _answer(membership, rec, response)


@router.post("/recommendations/{recommendation_id}/dismiss", response=RecommendationOut)
def dismiss_recommendation(
    request: HttpRequest, recommendation_id: UUIDPath, payload: DismissIn, response: HttpResponse
) -> Recommendation:
    """Decide not to run a play; the reason is required."""
    membership, rec = _guarded(request, recommendation_id, payload.version)
    actions.recommendation_dismiss(
        membership=membership,
        recommendation=rec,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _answer(membership, rec, response)


@router.post("/recommendations/{recommendation_id}/reopen", response=RecommendationOut)
def reopen_recommendation(
    request: HttpRequest, recommendation_id: UUIDPath, payload: ReopenIn, response: HttpResponse
) -> Recommendation:
    """Bring a snoozed or dismissed play back to the open list."""
    membership, rec = _guarded(request, recommendation_id, payload.version)
    actions.recommendation_reopen(
        membership=membership, recommendation=rec, expected_version=payload.version
    )
    return _answer(membership, rec, response)

"""Writes for ideas: propose, edit, vote, comment, move through the stages (experiment,
adoption into a goal, parking) and delete.

Votes are not written to the audit trail: they are not edits of the idea, and on ideas with
anonymous voting the trail would otherwise name the voters.
"""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accord.comms import idea_selectors as selectors
from accord.comms.feedback_selectors import acting_person
from accord.comms.models import Idea, IdeaComment, IdeaVote
from accord.goals.actions import goal_create
from accord.goals.models import Goal
from accord.goals.permissions import person_ids_of
from accord.notifications.models import Event
from accord.notifications.service import notify
from accord.org.actions import StaleVersion
from accord.org.models import Function
from accord.partnerships.models import Partnership
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Membership

TITLE_MAX = 200
TEXT_MAX = 5000
COMMENT_MAX = 3000
EDITABLE_FIELDS = ["title", "problem", "proposal", "expected_impact", "anonymous_voting"]
AUDITED_FIELDS = [*EDITABLE_FIELDS, "stage", "experiment", "outcome", "goal"]

NO_PERSON = "Your login is not linked to a person in the directory yet; ask an admin to link it."


def _url(idea: Idea) -> str:
    return reverse("idea_detail", args=[idea.workspace.slug, idea.uuid])


def _functions_text(functions: Sequence[Function]) -> str:
    return ", ".join(sorted(f.name for f in functions))


def _bump_version(idea: Idea) -> None:
    updated = Idea.objects.filter(pk=idea.pk, version=idea.version).update(version=idea.version + 1)
    if not updated:
        raise StaleVersion(Idea.objects.get(pk=idea.pk).version)
    idea.version += 1


def _idea_validate(idea: Idea, functions: Sequence[Function], errors: dict[str, str]) -> None:
    for name in ("title", "problem", "proposal", "expected_impact"):
        setattr(idea, name, (getattr(idea, name) or "").strip())
    if not idea.title:
        errors["title"] = "Name the idea in a few words, e.g. “Shared quote template”."
    elif len(idea.title) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters or fewer."
    if not idea.problem:
        errors["problem"] = "Describe the problem or opportunity the idea answers."
    if not idea.proposal:
        errors["proposal"] = "Say what you propose to do."
    for name in ("problem", "proposal", "expected_impact"):
        if len(getattr(idea, name)) > TEXT_MAX:
            errors[name] = f"Keep this to {TEXT_MAX} characters or fewer."
    if any(f.workspace_id != idea.workspace_id for f in functions):
        errors["functions"] = "Choose functions of this workspace."
    if errors:
        raise ValidationError(errors)


def idea_propose(
    *,
    membership: Membership,
    partnership: Partnership | None,
    title: str,
    problem: str,
    proposal: str,
    expected_impact: str = "",
    functions: Sequence[Function] = (),
    anonymous_voting: bool = False,
) -> Idea:
    """Propose an idea in a partnership the member belongs to; its lead hears about it."""
    author = acting_person(membership=membership)
    if author is None:
        raise PermissionDenied(NO_PERSON)
    errors: dict[str, str] = {}
    if partnership is None:
        errors["partnership"] = "Choose the partnership the idea is for."
    elif partnership.workspace_id != membership.workspace_id:
        errors["partnership"] = "Choose a partnership of this workspace."
    idea = Idea(
        workspace=membership.workspace,
        partnership=partnership,
        author=author,
        title=title,
        problem=problem,
        proposal=proposal,
        expected_impact=expected_impact,
        anonymous_voting=anonymous_voting,
    )
    _idea_validate(idea, functions, errors)
    assert partnership is not None
    if not selectors.idea_can_propose(membership=membership, partnership=partnership):
        raise PermissionDenied(
            "Only the partnership's members, lead and sponsor (and admins) propose ideas in it."
        )
    with transaction.atomic():
        idea.save()
        idea.functions.set(functions)
        changes = diff({}, snapshot(idea, AUDITED_FIELDS))
        changes["functions"] = [None, _functions_text(functions)]
        audit_record(
            workspace=idea.workspace,
            actor=membership.user,
            action="create",
            instance=idea,
            changes=changes,
        )
        if partnership.lead is not None:
            notify(
                workspace=idea.workspace,
                event=Event.IDEA,
                recipients=[partnership.lead],
                subject=f"New idea in {partnership.name}: {idea.title}",
                key=f"idea-new:{idea.uuid}",
                body=idea.problem,
                url=_url(idea),
                about=idea,
                exclude=[author],
            )
    return idea


def idea_update(
    *,
    membership: Membership,
    idea: Idea,
    expected_version: int | None = None,
    functions: Sequence[Function] | None = None,
    **changes: Any,
) -> Idea:
    """Change the idea's text, involved functions or anonymous voting (the author or its
    managers). Anonymous voting cannot be turned off once someone has voted in secret."""
    if not selectors.idea_can_edit(membership=membership, idea=idea):
        raise PermissionDenied(
            "Only the idea's author, its partnership's lead and sponsor, and admins can edit it."
        )
    if expected_version is not None and expected_version != idea.version:
        raise StaleVersion(idea.version)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed here."})
    errors: dict[str, str] = {}
    if (
        idea.anonymous_voting
        and changes.get("anonymous_voting") is False
        and IdeaVote.objects.filter(idea=idea).exists()
    ):
        errors["anonymous_voting"] = (
            "People voted in secret; voting stays anonymous so their votes are never shown."
        )
    before = snapshot(idea, AUDITED_FIELDS)
    functions_before = _functions_text(list(idea.functions.all()))
    for name, value in changes.items():
        setattr(idea, name, value)
    _idea_validate(idea, functions or [], errors)
    changed = diff(before, snapshot(idea, AUDITED_FIELDS))
    if functions is not None and _functions_text(functions) != functions_before:
        changed["functions"] = [functions_before, _functions_text(functions)]
    if not changed:
        return idea
    with transaction.atomic():
        _bump_version(idea)
        idea.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
        if functions is not None:
            idea.functions.set(functions)
        audit_record(
            workspace=idea.workspace,
            actor=membership.user,
            action="update",
            instance=idea,
            changes=changed,
        )
    return idea


def idea_stage_move(
    *,
    membership: Membership,
    idea: Idea,
    stage: str,
    experiment: str | None = None,
    outcome: str | None = None,
    goal: Goal | None = None,
    new_goal: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Idea:
    """Move the idea to another stage (or keep it and update the experiment or outcome).

    An experiment needs its description; adopting or parking needs the outcome. Adopting may
    link a goal of the partnership, or create one: `new_goal` holds `title`, `owner` and
    optionally `due_date`, and becomes an objective of the partnership.
    """
    if not selectors.idea_can_manage(membership=membership, idea=idea):
        raise PermissionDenied(
            "Only the partnership's lead and sponsor, and admins, move ideas through stages."
        )
    if expected_version is not None and expected_version != idea.version:
        raise StaleVersion(idea.version)
    errors: dict[str, str] = {}
    if stage not in Idea.Stage.values:
        raise ValidationError({"stage": "Choose a stage."})
    if stage != idea.stage and stage not in selectors.STAGE_MOVES[idea.stage]:
        allowed = ", ".join(Idea.Stage(s).label.lower() for s in selectors.STAGE_MOVES[idea.stage])
        raise ValidationError(
            {
                "stage": f"A {idea.get_stage_display().lower()} idea can move to "
                f"{allowed or 'no other stage'}."
            }
        )
    before = snapshot(idea, AUDITED_FIELDS)
    if experiment is not None:
        idea.experiment = experiment.strip()
    if outcome is not None:
        idea.outcome = outcome.strip()
    if stage == Idea.Stage.EXPERIMENT and not idea.experiment:
        errors["experiment"] = (
            "Describe the experiment: what is tried, for how long, and how it is judged."
        )
    if stage in selectors.CLOSED_STAGES and not idea.outcome:
        errors["outcome"] = (
            "Record the outcome: what was learned and what happens now."
            if stage == Idea.Stage.ADOPTED
            else "Record why the idea is parked, so it can be picked up later."
        )
    for name in ("experiment", "outcome"):
        if len(getattr(idea, name)) > TEXT_MAX:
            errors[name] = f"Keep this to {TEXT_MAX} characters or fewer."
    if (goal is not None or new_goal) and stage != Idea.Stage.ADOPTED:
        errors["goal"] = "Only an adopted idea is linked to a goal."
    if goal is not None and new_goal:
        errors["goal"] = "Link an existing goal or create a new one, not both."
    if goal is not None and (
        goal.workspace_id != idea.workspace_id or goal.partnership_id != idea.partnership_id
    ):
        errors["goal"] = f"Choose a goal of {idea.partnership.name}."
    if errors:
        raise ValidationError(errors)
    previous_stage = idea.stage
    with transaction.atomic():
        if new_goal:
            try:
                goal = goal_create(
                    membership=membership,
                    title=new_goal.get("title") or idea.title,
                    partnership=idea.partnership,
                    owner=new_goal.get("owner"),
                    kind=Goal.Kind.OBJECTIVE,
                    description=f"Adopted from the idea “{idea.title}”. {idea.proposal}"[:5000],
                    due_date=new_goal.get("due_date"),
                )
            except ValidationError as error:
                raise ValidationError(
                    {f"goal_{field}": messages for field, messages in error.message_dict.items()}
                ) from None
        if goal is not None:
            idea.goal = goal
        idea.stage = stage
        changed = diff(before, snapshot(idea, AUDITED_FIELDS))
        if not changed:
            return idea
        _bump_version(idea)
        idea.save(update_fields=["stage", "experiment", "outcome", "goal", "updated_at"])
        audit_record(
            workspace=idea.workspace,
            actor=membership.user,
            action="update",
            instance=idea,
            changes=changed,
        )
        if stage != previous_stage:
            actor = acting_person(membership=membership)
            notify(
                workspace=idea.workspace,
                event=Event.IDEA,
                recipients=selectors.idea_followers(idea),
                subject=f"“{idea.title}” is now {idea.get_stage_display().lower()}",
                key=f"idea-stage:{idea.uuid}:{idea.version}",
                body=idea.experiment if stage == Idea.Stage.EXPERIMENT else idea.outcome,
                url=_url(idea),
                about=idea,
                exclude=[actor] if actor else [],
            )
    return idea


def idea_vote_set(*, membership: Membership, idea: Idea, voted: bool) -> bool:
    """Vote for the idea (or take the vote back). Idempotent; returns whether the member's
    vote now stands."""
    refusal = selectors.idea_vote_refusal(membership=membership, idea=idea)
    if refusal is not None:
        if not membership.can_edit:
            raise PermissionDenied(refusal)
        raise ValidationError({"vote": refusal})
    person = acting_person(membership=membership)
    assert person is not None
    if voted:
        try:
            with transaction.atomic():
                IdeaVote.objects.get_or_create(workspace=idea.workspace, idea=idea, person=person)
        except IntegrityError:  # a double click raced itself: the vote stands either way
            pass
    else:
        IdeaVote.objects.filter(workspace=idea.workspace, idea=idea, person=person).delete()
    return voted


def idea_comment_add(*, membership: Membership, idea: Idea, body: str) -> IdeaComment:
    """Comment on an idea; its author hears about it."""
    if not selectors.idea_can_comment(membership=membership):
        raise PermissionDenied(
            "Viewers, and logins without a person in the directory, can read comments but "
            "not add them."
        )
    author = acting_person(membership=membership)
    assert author is not None
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment before posting it."})
    if len(body) > COMMENT_MAX:
        raise ValidationError({"body": f"Keep a comment to {COMMENT_MAX} characters or fewer."})
    comment = IdeaComment(workspace=idea.workspace, idea=idea, author=author, body=body)
    with transaction.atomic():
        comment.save()
        audit_record(
            workspace=idea.workspace,
            actor=membership.user,
            action="update",
            instance=idea,
            changes={"comment": [None, body[:200]]},
        )
        notify(
            workspace=idea.workspace,
            event=Event.COMMENT,
            recipients=[idea.author],
            subject=f"{author.name} commented on “{idea.title}”",
            key=f"idea-comment:{comment.uuid}",
            body=body,
            url=_url(idea) + "#comments",
            about=idea,
            exclude=[author],
        )
    return comment


def idea_delete(*, membership: Membership, idea: Idea) -> None:
    """The author (while nobody voted or commented) or the idea's managers delete it."""
    if not selectors.idea_can_delete(membership=membership, idea=idea):
        if membership.can_edit and idea.author_id in person_ids_of(membership):
            raise PermissionDenied(
                "Others have voted or commented; ask the partnership's lead to park it instead."
            )
        raise PermissionDenied(
            "Only the idea's author, its partnership's lead and sponsor, and admins can delete it."
        )
    with transaction.atomic():
        audit_record(
            workspace=idea.workspace,
            actor=membership.user,
            action="delete",
            instance=idea,
            changes=diff(snapshot(idea, AUDITED_FIELDS), {}),
        )
        idea.delete()

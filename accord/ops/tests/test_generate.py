"""`accord generate`: a large, realistic workspace from flags and a seed."""

import hashlib
import json
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from accord.accounts.models import User
from accord.comms.models import Acknowledgement, Meeting, StatusUpdate
from accord.goals.models import CheckIn, Goal, Kpi, Measurement
from accord.governance.models import (
    ActionItem,
    Conflict,
    Decision,
    DecisionResponse,
    Deliverable,
    RaciAssignment,
)
from accord.insights.models import HealthSnapshot
from accord.network.models import Interaction, NetworkSnapshot
from accord.ops.generate import GenerateOptions, workspace_generate
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership, PartnershipMember
from accord.surveys.models import Answer, Cycle, Invitation, Response, UsedToken
from accord.workspaces.models import Membership, Workspace

TODAY = date(2026, 3, 18)
PASSWORD = "generated-password-1"


def generate(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("generate", *args, "--json", "--password", PASSWORD, stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def generated(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """One 300-person workspace shared by the read-only tests of this module (generating
    takes seconds), removed again afterwards."""
    with django_db_blocker.unblock():
        summary = generate(
            "--people", "300", "--partnerships", "20", "--weeks", "4", "--events", "5"
        )
    yield summary
    with django_db_blocker.unblock():
        Workspace.objects.filter(slug="generated").delete()
        User.objects.filter(email__endswith="@generated.example").delete()


@pytest.fixture
def small(generated: dict[str, Any], db: Any) -> dict[str, Any]:
    return generated


def test_counts_match_the_flags(small: dict[str, Any]) -> None:
    """The workspace has exactly the people, partnerships and events asked for, and the JSON
    summary reports what is in the database."""
    workspace = Workspace.objects.get(slug="generated")
    counts = small["counts"]
    assert Person.objects.filter(workspace=workspace).count() == 300 == counts["people"]
    assert Partnership.objects.filter(workspace=workspace).count() == 20 == counts["partnerships"]
    assert Interaction.objects.filter(workspace=workspace).count() == 5 * 300
    assert Goal.objects.filter(workspace=workspace).count() == counts["goals"] > 20
    assert CheckIn.objects.filter(workspace=workspace).count() == counts["check-ins"] > 0
    assert Measurement.objects.filter(workspace=workspace).count() == counts["measurements"] > 0
    for model in (Kpi, Deliverable, RaciAssignment, Decision, DecisionResponse, Conflict):
        assert model.objects.filter(workspace=workspace).exists(), model.__name__
    for model in (ActionItem, StatusUpdate, Acknowledgement, Meeting, Cycle):
        assert model.objects.filter(workspace=workspace).exists(), model.__name__
    assert HealthSnapshot.objects.filter(workspace=workspace).count() == counts["health snapshots"]
    assert NetworkSnapshot.objects.filter(workspace=workspace).exists()
    assert Conflict.objects.filter(workspace=workspace, private=True).exists()


def test_every_partnership_has_two_functions_and_five_to_fifteen_members(small: Any) -> None:
    """Each partnership spans at least two functions; its 5–15 members each represent one of
    them, and its lead is one of its members."""
    partnerships = Partnership.objects.filter(workspace__slug="generated").annotate(
        width=Count("functions", distinct=True)
    )
    for partnership in partnerships:
        assert partnership.width >= 2
        members = list(PartnershipMember.objects.filter(partnership=partnership))
        assert 5 <= len(members) <= 15
        allowed = set(partnership.functions.values_list("pk", flat=True))
        assert {m.function_id for m in members} <= allowed
        if partnership.lead_id:
            assert partnership.lead_id in {m.person_id for m in members}


def test_people_form_one_reporting_tree(small: Any) -> None:
    """One chief executive at the top; everyone else has a manager in the same workspace,
    more senior than them or a function head under the chief; every function has a lead."""
    people = {p.pk: p for p in Person.objects.filter(workspace__slug="generated")}
    tops = [p for p in people.values() if p.manager_id is None]
    assert [p.title for p in tops] == ["Chief Executive Officer"]
    for person in people.values():
        if person.manager_id is not None:
            manager = people[person.manager_id]
            assert manager.seniority >= person.seniority
    functions = Function.objects.filter(workspace__slug="generated")
    assert 8 <= functions.count() <= 12
    assert all(f.lead_id in people for f in functions)


def test_survey_responses_carry_no_person(small: Any) -> None:
    """Responses and answers point at no person or login, as DESIGN's anonymity rule asks;
    the number of responses equals the spent tokens and the invitations marked answered."""
    related = {f.related_model for f in Response._meta.get_fields() if f.is_relation}
    related |= {f.related_model for f in Answer._meta.get_fields() if f.is_relation}
    assert Person not in related
    assert User not in related
    workspace = Workspace.objects.get(slug="generated")
    responses = Response.objects.filter(workspace=workspace).count()
    assert responses > 0
    assert UsedToken.objects.filter(workspace=workspace).count() == responses
    assert Invitation.objects.filter(workspace=workspace, responded=True).count() == responses
    assert Answer.objects.filter(response__workspace=workspace).count() > responses
    assert not Cycle.objects.filter(workspace=workspace).exclude(status="closed").exists()


def test_generated_logins_sign_in_with_the_password(small: dict[str, Any], settings: Any) -> None:
    """The owner, admin, members and viewer can sign in with the given password and hold
    those roles in the new workspace; each is one of its people."""
    # The logins were hashed with the production hasher, outside this test's fast setting.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    roles = dict(
        Membership.objects.filter(workspace__slug="generated").values_list("user__email", "role")
    )
    assert sorted(roles.values()) == ["admin", "member", "member", "owner", "viewer"]
    for login in small["logins"]:
        user = User.objects.get(email=login["email"])
        assert user.check_password(PASSWORD)
        assert roles[login["email"]] == login["role"]
        assert Person.objects.filter(workspace__slug="generated", user=user).exists()
    assert "password" not in small  # not echoed when it was given


def test_pages_render_for_the_generated_owner(small: Any, login: Any) -> None:
    """Portfolio, partnership, goal, network and survey results pages answer 200."""
    workspace = Workspace.objects.get(slug="generated")
    client = login(User.objects.get(email="owner@generated.example"))
    partnership = Partnership.objects.filter(workspace=workspace, status="active").first()
    assert partnership is not None
    goal = Goal.objects.filter(partnership=partnership, kind="key_result").first()
    assert goal is not None
    cycle = Cycle.objects.filter(workspace=workspace, partnership=partnership).first()
    assert cycle is not None
    base = "/w/generated"
    pages = [
        f"{base}/insights/",
        f"{base}/partnerships/",
        f"{base}/partnerships/{partnership.slug}/",
        f"{base}/goals/{goal.uuid}/",
        f"{base}/network/",
        f"{base}/surveys/results/",
        f"{base}/surveys/results/cycles/{cycle.uuid}/",
        f"{base}/decisions/",
        f"{base}/conflicts/",
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page


def test_a_second_run_with_the_same_slug_refuses(small: Any) -> None:
    """Generating into an existing slug fails with a message naming the slug and --replace,
    and leaves the workspace as it was."""
    before = Person.objects.filter(workspace__slug="generated").count()
    with pytest.raises(CommandError, match=r"“generated” already exists.*--replace"):
        generate("--people", "100", "--partnerships", "3")
    assert Person.objects.filter(workspace__slug="generated").count() == before


def test_out_of_range_flags_are_refused_by_name(db: Any) -> None:
    """Too few people or weeks are refused with the flag's name and its rule."""
    with pytest.raises(CommandError, match="--people must be at least 60"):
        generate("--people", "10", "--partnerships", "3", "--workspace", "refused")
    with pytest.raises(CommandError, match="--weeks must be between 1 and 104"):
        generate("--people", "100", "--partnerships", "3", "--weeks", "0", "--workspace", "refused")
    assert not Workspace.objects.filter(slug="refused").exists()


def _digest(slug: str) -> str:
    """A fingerprint of the workspace's content without keys, UUIDs or timestamps."""
    scope = {"workspace__slug": slug}
    parts: list[Any] = [
        list(
            Person.objects.filter(**scope)
            .order_by("email")
            .values_list("name", "email", "title", "seniority", "function__name", "manager__email")
        ),
        list(
            Partnership.objects.filter(**scope)
            .order_by("slug")
            .values_list("slug", "status", "privacy", "lead__email", "sponsor__email", "start_date")
        ),
        list(
            PartnershipMember.objects.filter(**scope)
            .order_by("partnership__slug", "person__email")
            .values_list("partnership__slug", "person__email", "function__name", "role")
        ),
        list(
            Goal.objects.filter(**scope)
            .order_by("partnership__slug", "title", "owner__email")
            .values_list("partnership__slug", "title", "kind", "baseline", "target", "owner__email")
        ),
        list(
            CheckIn.objects.filter(**scope)
            .order_by("goal__partnership__slug", "goal__title", "date")
            .values_list("goal__title", "date", "value", "confidence")
        ),
        list(
            Decision.objects.filter(**scope)
            .order_by("partnership__slug", "title")
            .values_list("partnership__slug", "title", "status")
        ),
        Answer.objects.filter(response__workspace__slug=slug).aggregate(
            n=Count("id"), total=Sum("value")
        ),
        list(
            Interaction.objects.filter(workspace__slug=slug)
            .order_by("key")
            .values_list("key", "sender__value", "recipient__value", "channel", "occurred_at")
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def test_the_same_seed_gives_the_same_data(db: Any) -> None:
    """Generating again with the same flags and seed (replacing the first) writes the same
    content; another seed writes different content."""
    options = GenerateOptions(
        people=80,
        partnerships=4,
        weeks=2,
        seed=11,
        events=3,
        slug="seeded",
        password=PASSWORD,
        today=TODAY,
    )
    workspace_generate(options=options)
    first = _digest("seeded")
    workspace_generate(options=GenerateOptions(**{**options.__dict__, "replace": True}))
    assert _digest("seeded") == first
    workspace_generate(options=GenerateOptions(**{**options.__dict__, "replace": True, "seed": 12}))
    assert _digest("seeded") != first


def test_queries_do_not_grow_with_the_number_of_people(db: Any) -> None:
    """Twice the people costs at most a handful more queries (more insert batches), not one
    query per person or per row. Check-ins fall within the history, never after today."""
    counts = []
    for people, slug in ((300, "queries-a"), (600, "queries-b")):
        options = GenerateOptions(
            people=people,
            partnerships=8,
            weeks=2,
            events=20,
            slug=slug,
            password=PASSWORD,
            today=TODAY,
        )
        with CaptureQueriesContext(connection) as queries:
            workspace_generate(options=options)
        counts.append(len(queries))
    assert counts[1] - counts[0] <= 10, counts
    dates = CheckIn.objects.filter(workspace__slug="queries-b").values_list("date", flat=True)
    assert dates
    assert all(TODAY - timedelta(weeks=2) <= day <= TODAY for day in dates)


def test_a_login_of_another_workspace_is_never_reset(acme: Any) -> None:
    """If a generated login's address already belongs to a member of another workspace, the
    run refuses (so no one's password is overwritten) and writes nothing."""
    user = User.objects.create_user(email="owner@taken.example", password="x" * 12)
    Membership.objects.create(workspace=acme.workspace, user=user, role="member")
    with pytest.raises(CommandError, match=r"owner@taken\.example already belongs"):
        generate("--people", "100", "--partnerships", "3", "--workspace", "taken")
    assert not Workspace.objects.filter(slug="taken").exists()
    user.refresh_from_db()
    assert user.check_password("x" * 12)

import re
import zoneinfo
from collections import Counter
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accord.accounts.models import User
from accord.metrics.org_structure import org_structure
from accord.org.models import Function, Person, PersonSkill, Seniority, Skill
from accord.web.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_WORKSPACE_NAME,
    DEMO_WORKSPACE_SLUG,
    SECOND_WORKSPACE_SLUG,
)
from accord.workspaces.models import AuditEntry, Membership, Role, Workspace


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = [
        Workspace,
        User,
        EmailAddress,
        Membership,
        Function,
        Person,
        Skill,
        PersonSkill,
        AuditEntry,
    ]
    return {model.__name__: model.objects.count() for model in models}


def people_of(slug: str) -> list[Person]:
    return list(
        Person.objects.filter(workspace__slug=slug)
        .select_related("manager", "function")
        .order_by("email")
    )


@pytest.fixture
def built(db):
    return demo()


def test_demo_builds_functions_each_with_a_lead_and_description(built):
    """Brightwater has at least six functions, each described and led by one of its people."""
    workspace = Workspace.objects.get(slug=DEMO_WORKSPACE_SLUG)
    assert workspace.name == DEMO_WORKSPACE_NAME
    functions = list(Function.objects.filter(workspace=workspace).select_related("lead"))
    assert len(functions) >= 6
    for function in functions:
        assert function.description
        assert function.lead is not None
        assert function.lead.workspace_id == workspace.pk
        assert function.lead.seniority >= Seniority.DIRECTOR


def test_demo_people_form_one_tree_with_a_believable_shape(built):
    """About 80–90 people; one CEO at the top; everyone else reports to someone in the same
    workspace; no loops; spans of control 3–8; more individual contributors than managers."""
    people = people_of(DEMO_WORKSPACE_SLUG)
    assert 75 <= len(people) <= 95
    ids = {person.pk for person in people}
    tops = [person for person in people if person.manager_id is None]
    assert len(tops) == 1
    assert tops[0].seniority == Seniority.EXECUTIVE
    assert tops[0].title == "Chief Executive Officer"
    assert all(person.manager_id in ids for person in people if person is not tops[0])

    shape = org_structure((person.pk, person.manager_id) for person in people)
    assert shape.in_cycles == frozenset()
    assert shape.roots == 1
    assert 4 <= shape.layers <= 6
    spans = Counter(person.manager_id for person in people if person.manager_id)
    assert all(3 <= span <= 8 for span in spans.values()), spans

    levels = Counter(person.seniority for person in people)
    assert set(levels) == set(Seniority.values)
    assert levels[Seniority.IC] > levels[Seniority.SENIOR_IC] > levels[Seniority.MANAGER]
    assert levels[Seniority.MANAGER] > levels[Seniority.DIRECTOR] >= levels[Seniority.EXECUTIVE]
    for person in people:
        if person.manager is not None:
            # Only the chief officers report to someone of their own level (the CEO).
            assert person.manager.seniority > person.seniority or (
                person.seniority == Seniority.EXECUTIVE
            ), person


def test_demo_people_have_names_emails_titles_and_real_timezones(built):
    """Names are unique, emails are firstname.lastname@brightwater.example (or a demo login),
    and every person has a title, a function (except the CEO), a location and a valid zone."""
    people = people_of(DEMO_WORKSPACE_SLUG)
    logins = {email for _, email in DEMO_LOGINS}
    assert len({person.name for person in people}) == len(people)
    for person in people:
        assert person.title
        assert person.location
        zoneinfo.ZoneInfo(person.timezone)
        if person.email not in logins:
            assert re.fullmatch(r"[a-z]+\.[a-z]+@brightwater\.example", person.email), person
        if person.manager_id is not None:
            assert person.function is not None
    assert len({person.location for person in people}) >= 4


def test_demo_people_have_skills_from_the_workspace_catalog(built):
    """Each person holds a few skills at proficiency 1–5; managers hold People leadership."""
    workspace = Workspace.objects.get(slug=DEMO_WORKSPACE_SLUG)
    assert Skill.objects.filter(workspace=workspace).count() >= 30
    held = PersonSkill.objects.filter(workspace=workspace).select_related("skill", "person")
    by_person: dict[int, dict[str, int]] = {}
    for row in held:
        assert row.skill.workspace_id == workspace.pk
        assert 1 <= row.proficiency <= 5
        by_person.setdefault(row.person_id, {})[row.skill.name] = row.proficiency
    people = people_of(DEMO_WORKSPACE_SLUG)
    assert set(by_person) == {person.pk for person in people}
    for person in people:
        assert len(by_person[person.pk]) >= 3
        if person.seniority >= Seniority.MANAGER:
            assert "People leadership" in by_person[person.pk]
    levels = Counter(level for skills in by_person.values() for level in skills.values())
    assert set(levels) == {1, 2, 3, 4, 5}


def test_demo_logins_have_their_roles_and_sign_in_with_the_demo_password(built):
    """Each demo login signs in with the shared password, has a verified primary email, holds
    its role in Brightwater and is a person in the directory with the same email."""
    workspace = Workspace.objects.get(slug=DEMO_WORKSPACE_SLUG)
    expected_titles = {
        "owner": "Chief Operating Officer",
        "admin": "Head of People Operations",
        "member": "Content Marketing Manager",
        "viewer": "Financial Analyst",
    }
    for label, email in DEMO_LOGINS:
        user = authenticate(None, username=email, password=DEMO_PASSWORD)
        assert user is not None, email
        assert EmailAddress.objects.filter(
            user=user, email=email, verified=True, primary=True
        ).exists()
        membership = Membership.objects.get(workspace=workspace, user=user)
        assert membership.role == label.lower()
        person = Person.objects.get(workspace=workspace, user=user)
        assert person.email == email
        assert person.name == user.display_name
        assert person.title == expected_titles[label.lower()]
    assert Membership.objects.filter(workspace=workspace).count() == len(DEMO_LOGINS)


def test_harbor_labs_lets_the_owner_and_admin_switch_workspaces(built):
    """Harbor Labs is small (about 12 people, 3 functions); the demo admin owns it, the demo
    owner is a member, and the member and viewer logins are not in it."""
    workspace = Workspace.objects.get(slug=SECOND_WORKSPACE_SLUG)
    assert 10 <= Person.objects.filter(workspace=workspace).count() <= 14
    assert Function.objects.filter(workspace=workspace).count() == 3
    roles = dict(Membership.objects.filter(workspace=workspace).values_list("user__email", "role"))
    assert roles == {
        "admin@brightwater.example": Role.OWNER,
        "owner@brightwater.example": Role.MEMBER,
    }
    harbor = people_of(SECOND_WORKSPACE_SLUG)
    brightwater = {person.name for person in people_of(DEMO_WORKSPACE_SLUG)}
    assert not brightwater & {person.name for person in harbor}
    assert all(person.email.endswith("@harborlabs.example") for person in harbor)


def test_demo_records_system_audit_entries(built):
    """The workspace and its functions appear in the audit trail as done by "system"."""
    workspace = Workspace.objects.get(slug=DEMO_WORKSPACE_SLUG)
    entries = AuditEntry.objects.filter(workspace=workspace)
    assert entries.filter(object_type="workspaces.workspace", action="create").count() == 1
    assert (
        entries.filter(object_type="org.function").count()
        == Function.objects.filter(workspace=workspace).count()
    )
    # The directory and partnerships are set up by "system"; governance records (RACI,
    # decisions, conflicts, actions) are written through actions by the demo owner.
    directory = entries.filter(object_type__in=["org.person", "org.function"])
    assert set(directory.values_list("actor_label", flat=True)) == {"system"}
    assert not directory.filter(actor__isnull=False).exists()


def test_running_again_changes_nothing(built):
    """A second run, with or without --if-empty, says so and writes nothing."""
    before = row_counts()
    assert "already exists" in demo()
    assert "not built" in demo("--if-empty")
    assert row_counts() == before
    assert "Built the demo" in built
    assert DEMO_PASSWORD in built


def test_if_empty_builds_into_an_empty_database(db):
    """--if-empty builds the demo when there is no workspace yet."""
    output = demo("--if-empty")
    assert "Built the demo" in output
    assert Workspace.objects.filter(slug=DEMO_WORKSPACE_SLUG).exists()


def test_if_empty_leaves_a_database_with_workspaces_alone(acme):
    """--if-empty does nothing when any workspace exists, even one that is not the demo."""
    before = row_counts()
    assert "not built" in demo("--if-empty")
    assert row_counts() == before
    assert not Workspace.objects.filter(slug=DEMO_WORKSPACE_SLUG).exists()


def test_reset_rebuilds_the_demo_identically_and_leaves_other_workspaces(acme):
    """--reset throws away changes to the demo workspaces only and builds the same people."""
    demo()
    first = [
        (p.name, p.email, p.title, p.manager.email if p.manager else None)
        for p in people_of(DEMO_WORKSPACE_SLUG)
    ]
    counts = row_counts()
    demo_workspace = Workspace.objects.get(slug=DEMO_WORKSPACE_SLUG)
    Person.objects.create(workspace=demo_workspace, name="Temp Person", email="t@example.com")
    acme_people = Person.objects.filter(workspace=acme.workspace).count()

    output = demo("--reset")

    assert "Rebuilt the demo" in output
    assert row_counts() == counts
    assert not Person.objects.filter(email="t@example.com").exists()
    assert Person.objects.filter(workspace=acme.workspace).count() == acme_people
    assert Workspace.objects.filter(slug="acme").exists()
    second = [
        (p.name, p.email, p.title, p.manager.email if p.manager else None)
        for p in people_of(DEMO_WORKSPACE_SLUG)
    ]
    assert second == first


def test_reset_restores_the_demo_password(built):
    """A demo login whose password was changed signs in with the demo password after --reset."""
    user = User.objects.get(email=DEMO_LOGINS[0][1])
    user.set_password("something-else-entirely")
    user.save()
    demo("--reset")
    assert authenticate(None, username=user.email, password=DEMO_PASSWORD) is not None


def test_if_empty_and_reset_together_are_refused(db):
    """The two options contradict each other, so the command refuses and builds nothing."""
    with pytest.raises(CommandError, match="not both"):
        demo("--if-empty", "--reset")
    assert not Workspace.objects.exists()


def test_demo_build_runs_a_bounded_number_of_queries(db, django_assert_max_num_queries):
    """People, skills, check-ins and measurements are written in bulk; partnerships, goals and
    the governance and communication records (a fixed demo set) go through actions one by one,
    so the count is bounded by the demo's size, not by the number of people. (1,364 when the
    communication demo was added; 1,805 with the insights and network demos.)"""
    with django_assert_max_num_queries(2000):
        demo()


def test_logins_option_lists_the_demo_logins_with_roles(db):
    """`accord demo --logins` prints each login with its roles, and changes nothing."""
    from io import StringIO

    from django.core.management import call_command

    call_command("demo", stdout=StringIO())
    out = StringIO()
    call_command("demo", "--logins", stdout=out)
    text = out.getvalue()
    assert "password: accord-demo" in text
    assert "owner@brightwater.example" in text
    assert "admin in Brightwater Goods, owner in Harbor Labs" in text


def test_demo_has_partnerships_goals_checkins_kpis_and_real_conflicts(db):
    """The demo carries 5+ partnerships, 25+ goals with 12 weeks of check-ins, KPIs with
    history, and at least two genuine goal conflicts between functions."""
    from io import StringIO

    from django.core.management import call_command
    from django.db.models import Count
    from django.utils import timezone

    from accord.goals.conflict_check import goal_conflicts
    from accord.goals.models import CheckIn, Goal, Kpi
    from accord.partnerships.models import Partnership
    from accord.workspaces.models import Membership

    call_command("demo", stdout=StringIO())
    assert Partnership.objects.count() >= 5
    assert Goal.objects.count() >= 25
    for partnership in Partnership.objects.prefetch_related("functions"):
        assert partnership.functions.count() >= 2, partnership.name
        assert partnership.problem
        assert partnership.success_criteria
    measured = Goal.objects.exclude(direction="").annotate(n=Count("checkins"))
    assert measured.count() >= 20
    assert all(goal.n == 12 for goal in measured)
    assert CheckIn.objects.count() >= 240
    assert Kpi.objects.annotate(n=Count("measurements")).filter(n__gte=12).count() >= 5

    owner = Membership.objects.get(
        user__email="owner@brightwater.example", workspace__slug="brightwater"
    )
    overview = goal_conflicts(membership=owner, today=timezone.localdate())
    cross_function = [
        c
        for c in overview.conflicts
        if c.b is not None and c.kind in {"tension", "opposite_direction"}
    ]
    assert len(cross_function) >= 2
    pairs = {frozenset({c.a.title[:20], c.b.title[:20]}) for c in cross_function}
    assert frozenset({"Raise the average wh", "Lift wholesale gross"}) in pairs

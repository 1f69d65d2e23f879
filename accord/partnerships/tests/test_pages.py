"""Partnership pages: list and filters, start one, home, charter inline edit, members,
lifecycle, settings, privacy, roles and query counts."""

import datetime

import pytest
from django.urls import reverse

from accord.goals.models import Goal
from accord.org.models import Function, Person
from accord.org.person_picker import SELECT_LIMIT
from accord.org.tests.helpers import count_queries
from accord.partnerships import actions
from accord.partnerships.models import Partnership, PartnershipMember, StatusChange
from accord.partnerships.tests.helpers import goals_add, members_add, partnership_make, person_for
from accord.partnerships.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


def url(name, *args, ws="acme"):
    return reverse(name, args=[ws, *args])


def home(partnership):
    return url("partnership_detail", partnership.slug, ws=partnership.workspace.slug)


# --- list -----------------------------------------------------------------------------------


def test_list_shows_status_functions_people_counts_and_an_honest_health_column(acme, login):
    partnership = partnership_make(acme, lead=acme.alice, sponsor=acme.bob)
    actions.partnership_member_add(
        partnership=partnership, actor=acme.owner, person=acme.bob, function=acme.finance
    )
    body = login(acme.viewer).get(url("partnership_list")).content.decode()
    assert "Quote to cash" in body
    assert 'class="badge status status-proposed"' in body
    assert '<span class="badge brand">Finance</span>' in body
    assert "Alice Archer" in body
    assert "Bob Baker" in body
    assert "No health index yet" in body


def test_list_shows_each_partnerships_latest_health_index(acme, login):
    """The Health column shows the latest snapshot's score, linked to its explanation."""
    import datetime

    from django.utils import timezone

    from accord.insights.models import HealthSnapshot

    partnership = partnership_make(acme, lead=acme.alice, sponsor=acme.bob)
    for days_ago, score in ((7, 41.0), (0, 73.4)):
        HealthSnapshot.objects.create(
            workspace=acme.workspace,
            partnership=partnership,
            date=datetime.date(2026, 11, 26) - datetime.timedelta(days=days_ago),
            score=score,
            computed_at=timezone.now(),
        )
    body = login(acme.viewer).get(url("partnership_list")).content.decode()
    health = f"/w/acme/partnerships/{partnership.slug}/health/"
    assert f'<a href="{health}">73</a>' in body
    assert ">41<" not in body


def test_list_filters_by_function_status_lead_and_text(acme, login):
    marketing = Function.objects.create(workspace=acme.workspace, name="Marketing")
    q2c = partnership_make(acme, lead=acme.alice)
    launch = partnership_make(acme, name="Launch", functions=[acme.sales, marketing])
    actions.partnership_status_change(partnership=launch, actor=acme.owner, to="forming")
    client = login(acme.viewer)

    def names(**params):
        response = client.get(url("partnership_list"), params)
        return [p.name for p in response.context["partnerships"]]

    assert names() == ["Launch", "Quote to cash"]
    assert names(function=str(marketing.uuid)) == ["Launch"]
    assert names(status="forming") == ["Launch"]
    assert names(lead=str(acme.alice.uuid)) == [q2c.name]
    # The lead menu lists the visible partnerships' leads and keeps the chosen one selected.
    page = client.get(url("partnership_list"), {"lead": str(acme.alice.uuid)})
    menu = page.content.decode().split('name="lead"')[1].split("</select>")[0]
    assert f'<option value="{acme.alice.uuid}" selected>{acme.alice.name}</option>' in menu
    assert menu.count("<option") == 2  # "Anyone" and the one lead
    assert names(q="launch") == ["Launch"]
    assert names(status="bogus", function="not-a-uuid") == ["Launch", "Quote to cash"]


def test_htmx_request_gets_only_the_results_partial(acme, login):
    partnership_make(acme)
    response = login(acme.viewer).get(
        url("partnership_list"), {"q": "quote"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card flush" id="partnership-results"')
    assert "<html" not in body
    assert "Quote to cash" in body
    assert "HX-Request" in response["Vary"]


def test_empty_list_explains_partnerships_and_offers_to_start_one_to_members(acme, login):
    member_page = login(acme.member).get(url("partnership_list")).content.decode()
    assert "No partnerships yet" in member_page
    assert url("partnership_create") in member_page
    viewer_page = login(acme.viewer).get(url("partnership_list")).content.decode()
    assert "No partnerships yet" in viewer_page
    assert url("partnership_create") not in viewer_page


def test_no_match_says_so(acme, login):
    partnership_make(acme)
    body = login(acme.viewer).get(url("partnership_list"), {"q": "zzz"}).content.decode()
    assert "No partnership matches" in body


@pytest.mark.parametrize("role", ["viewer", "member", "admin"])
def test_list_query_count_does_not_grow(acme, login, role):
    client = login(acme.user(role))
    for index in range(2):
        members_add(
            partnership_make(acme, name=f"P{index}", lead=acme.alice), 2, prefix=f"a{index}"
        )
    small, _ = count_queries(client, url("partnership_list"))
    for index in range(2, 15):
        partnership = partnership_make(acme, name=f"P{index}", lead=acme.bob, sponsor=acme.alice)
        members_add(partnership, 3, prefix=f"b{index}")
        goals_add(partnership, 2)
    large, response = count_queries(client, url("partnership_list"))
    assert len(response.context["partnerships"]) == 15
    assert small == large


def test_list_counts_members_and_goals(acme, login):
    partnership = partnership_make(acme)
    members_add(partnership, 3)
    goals_add(partnership, 2)
    response = login(acme.viewer).get(url("partnership_list"))
    row = response.context["partnerships"][0]
    assert (row.member_count, row.goal_count) == (3, 2)


# --- create ---------------------------------------------------------------------------------


def _create_data(acme, **changes):
    data = {
        "name": "Quote to cash",
        "purpose": "Faster quotes",
        "functions": [str(acme.sales.uuid), str(acme.finance.uuid)],
        "sponsor": str(acme.bob.uuid),
        "lead": str(acme.alice.uuid),
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "privacy": "workspace",
    }
    data.update(changes)
    return data


def test_member_starts_a_partnership(acme, login):
    response = login(acme.member).post(url("partnership_create"), _create_data(acme))
    partnership = Partnership.objects.get()
    assert response.status_code == 302
    assert response["Location"] == home(partnership)
    assert partnership.lead == acme.alice
    assert partnership.sponsor == acme.bob
    assert partnership.end_date == datetime.date(2026, 12, 31)
    assert StatusChange.objects.get().changed_by == acme.member


def test_create_form_lists_functions_as_checkboxes(acme, login):
    body = login(acme.member).get(url("partnership_create")).content.decode()
    assert 'type="checkbox" name="functions"' in body
    assert "Executive sponsor" in body


def test_one_function_rerenders_with_the_message_and_the_input_kept(acme, login):
    response = login(acme.member).post(
        url("partnership_create"), _create_data(acme, functions=[str(acme.sales.uuid)])
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "with one it is not cross-functional" in body
    assert 'value="Quote to cash"' in body
    assert "Faster quotes" in body
    assert not Partnership.objects.exists()


def test_end_before_start_is_shown_on_the_end_date(acme, login):
    response = login(acme.member).post(
        url("partnership_create"), _create_data(acme, end_date="2025-12-31")
    )
    assert response.status_code == 422
    assert "is before the start date" in str(response.context["form"].errors["end_date"])
    assert not Partnership.objects.exists()


def test_foreign_people_and_functions_are_field_errors(acme, globex, login):
    response = login(acme.member).post(
        url("partnership_create"),
        _create_data(
            acme,
            lead=str(globex.alice.uuid),
            functions=[str(acme.sales.uuid), str(globex.finance.uuid)],
        ),
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "lead" in errors
    assert "functions" in errors
    assert not Partnership.objects.exists()


def test_viewer_cannot_start_a_partnership(acme, login):
    client = login(acme.viewer)
    assert client.get(url("partnership_create")).status_code == 403
    assert client.post(url("partnership_create"), _create_data(acme)).status_code == 403
    assert not Partnership.objects.exists()


# --- home -----------------------------------------------------------------------------------


def test_home_brings_together_charter_members_goals_kpis_checkins_and_history(acme, login):
    partnership = partnership_make(acme, lead=acme.alice, problem="Quotes take two weeks.")
    actions.partnership_member_add(
        partnership=partnership, actor=acme.owner, person=acme.bob, function=acme.finance
    )
    goals_add(partnership, 1, owner=acme.alice)
    actions.partnership_status_change(
        partnership=partnership, actor=acme.admin, to="forming", note="Kick-off done"
    )
    body = login(acme.viewer).get(home(partnership)).content.decode()
    assert "Quotes take two weeks." in body
    assert 'id="charter-working_agreements"' in body
    assert "Bob Baker" in body
    goal = Goal.objects.get()
    assert f"/w/acme/goals/{goal.uuid}/" in body
    assert "KPI 000" in body
    assert "Recent check-ins" in body
    assert "Kick-off done" in body
    assert "Admin" in body  # who moved it
    assert 'id="history-title"' in body
    # A viewer reads but gets no editing controls.
    assert url("partnership_charter_edit", partnership.slug, "problem") not in body
    assert url("partnership_status", partnership.slug) not in body


def test_members_are_grouped_by_function(acme, login):
    partnership = partnership_make(acme)
    actions.partnership_member_add(
        partnership=partnership, actor=acme.owner, person=acme.bob, function=acme.finance
    )
    response = login(acme.viewer).get(home(partnership))
    groups = {
        g.function.name: [m.person.name for m in g.members] for g in response.context["groups"]
    }
    assert groups == {"Finance": ["Bob Baker"], "Sales": []}


def test_home_shows_lifecycle_moves_to_managers_only(acme, login):
    partnership = partnership_make(acme)
    body = login(acme.admin).get(home(partnership)).content.decode()
    assert url("partnership_status", partnership.slug) in body
    assert 'name="to" value="forming"' in body
    assert 'name="to" value="active"' not in body
    assert "data-confirm=" in body


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_home_query_count_does_not_grow(acme, login, role):
    client = login(acme.user(role))
    partnership = partnership_make(acme, lead=acme.alice, sponsor=acme.bob)
    members_add(partnership, 2)
    goals_add(partnership, 2, owner=acme.alice)
    small, _ = count_queries(client, home(partnership))
    members_add(partnership, 13, prefix="more")
    goals_add(partnership, 13, owner=acme.bob)
    for index in range(6):
        actions.partnership_update(partnership=partnership, actor=acme.owner, purpose=f"v{index}")
    large, response = count_queries(client, home(partnership))
    assert response.context["member_count"] == 15
    assert small == large


# --- charter --------------------------------------------------------------------------------


def test_charter_edit_with_htmx_returns_the_form_then_the_saved_section(acme, login):
    partnership = partnership_make(acme)
    client = login(acme.admin)
    edit = url("partnership_charter_edit", partnership.slug, "scope_in")
    form = client.get(edit, HTTP_HX_REQUEST="true").content.decode()
    assert form.lstrip().startswith('<section class="card charter-section editing"')
    assert "<html" not in form
    response = client.post(
        edit, {"text": "Quoting and invoicing", "expected_version": 1}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="card charter-section" id="charter-scope_in"')
    assert "Quoting and invoicing" in body
    assert Partnership.objects.get().scope_in == "Quoting and invoicing"


def test_charter_edit_without_javascript_is_a_page_and_redirects_home(acme, login):
    partnership = partnership_make(acme)
    client = login(acme.admin)
    edit = url("partnership_charter_edit", partnership.slug, "problem")
    page = client.get(edit).content.decode()
    assert "<html" in page
    assert "Charter: problem" in page
    response = client.post(edit, {"text": "Slow quotes", "expected_version": 1})
    assert response.status_code == 302
    assert response["Location"] == home(partnership) + "#charter-problem"
    assert Partnership.objects.get().problem == "Slow quotes"


def test_charter_cancel_swaps_the_read_view_back(acme, login):
    partnership = partnership_make(acme, problem="Slow quotes")
    client = login(acme.viewer)
    read = url("partnership_charter_section", partnership.slug, "problem")
    body = client.get(read, HTTP_HX_REQUEST="true").content.decode()
    assert body.lstrip().startswith('<section class="card charter-section" id="charter-problem"')
    assert client.get(read).status_code == 302


def test_charter_edit_of_a_stale_version_keeps_the_text_and_says_so(acme, login):
    partnership = partnership_make(acme)
    actions.partnership_update(partnership=partnership, actor=acme.owner, problem="Theirs")
    edit = url("partnership_charter_edit", partnership.slug, "problem")
    response = login(acme.admin).post(edit, {"text": "Mine", "expected_version": 1})
    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed the partnership" in body
    assert "Mine" in body
    assert Partnership.objects.get().problem == "Theirs"


def test_unknown_charter_section_is_404(acme, login):
    partnership = partnership_make(acme)
    client = login(acme.admin)
    assert (
        client.get(url("partnership_charter_edit", partnership.slug, "status")).status_code == 404
    )


def test_charter_needs_a_manager(acme, login):
    """A workspace member who neither leads nor sponsors it cannot edit the charter."""
    partnership = partnership_make(acme)
    edit = url("partnership_charter_edit", partnership.slug, "problem")
    assert login(acme.member).post(edit, {"text": "x"}).status_code == 403
    assert login(acme.viewer).post(edit, {"text": "x"}).status_code == 403
    assert Partnership.objects.get().problem == ""


def test_the_lead_manages_the_partnership(acme, login):
    lead = person_for(acme, "member", function=acme.sales)
    partnership = partnership_make(acme, lead=lead)
    edit = url("partnership_charter_edit", partnership.slug, "problem")
    assert login(acme.member).post(edit, {"text": "Ours"}).status_code == 302
    assert Partnership.objects.get().problem == "Ours"


# --- members and lifecycle ------------------------------------------------------------------


def test_manager_adds_changes_and_removes_a_member(acme, login):
    partnership = partnership_make(acme)
    client = login(acme.admin)
    response = client.post(
        url("partnership_member_add", partnership.slug),
        {
            "member-person": str(acme.bob.uuid),
            "member-function": str(acme.finance.uuid),
            "member-role": "contributor",
        },
    )
    assert response.status_code == 302
    member = PartnershipMember.objects.get()
    assert (member.person, member.function, member.role) == (acme.bob, acme.finance, "contributor")
    client.post(
        url("partnership_member_update", partnership.slug, member.uuid),
        {"function": str(acme.sales.uuid), "role": "advisor"},
    )
    member.refresh_from_db()
    assert (member.function, member.role) == (acme.sales, "advisor")
    client.post(url("partnership_member_remove", partnership.slug, member.uuid))
    assert not PartnershipMember.objects.exists()


def test_adding_a_member_for_a_function_outside_the_partnership_rerenders_with_the_error(
    acme, login
):
    marketing = Function.objects.create(workspace=acme.workspace, name="Marketing")
    partnership = partnership_make(acme)
    response = login(acme.admin).post(
        url("partnership_member_add", partnership.slug),
        {
            "member-person": str(acme.bob.uuid),
            "member-function": str(marketing.uuid),
            "member-role": "core",
        },
    )
    assert response.status_code == 422
    assert "Marketing is not one of this partnership" in response.content.decode()
    assert not PartnershipMember.objects.exists()


def test_member_writes_need_a_manager(acme, login):
    partnership = partnership_make(acme)
    member = actions.partnership_member_add(
        partnership=partnership, actor=acme.owner, person=acme.bob, function=acme.finance
    )
    client = login(acme.member)
    data = {"member-person": str(acme.alice.uuid), "member-function": str(acme.sales.uuid)}
    assert client.post(url("partnership_member_add", partnership.slug), data).status_code == 403
    remove = url("partnership_member_remove", partnership.slug, member.uuid)
    assert client.post(remove).status_code == 403
    assert login(acme.viewer).post(remove).status_code == 403
    assert PartnershipMember.objects.count() == 1


def test_lifecycle_move_from_the_home_page(acme, login):
    partnership = partnership_make(acme)
    client = login(acme.admin)
    response = client.post(
        url("partnership_status", partnership.slug), {"to": "forming", "note": "Go"}
    )
    assert response.status_code == 302
    change = StatusChange.objects.filter(partnership=partnership).first()
    assert (change.to_status, change.changed_by, change.note) == ("forming", acme.admin, "Go")


def test_refused_lifecycle_move_changes_nothing_and_says_why(acme, login):
    partnership = partnership_make(acme)
    client = login(acme.admin)
    response = client.post(
        url("partnership_status", partnership.slug), {"to": "active"}, follow=True
    )
    assert "cannot move to active" in response.content.decode()
    assert Partnership.objects.get().status == "proposed"


def test_viewer_and_plain_member_cannot_move_the_lifecycle(acme, login):
    partnership = partnership_make(acme)
    for role in ("viewer", "member"):
        response = login(acme.user(role)).post(
            url("partnership_status", partnership.slug), {"to": "forming"}
        )
        assert response.status_code == 403
    assert Partnership.objects.get().status == "proposed"


# --- settings and delete --------------------------------------------------------------------


def test_manager_edits_settings(acme, login):
    partnership = partnership_make(acme)
    client = login(acme.admin)
    page = client.get(url("partnership_edit", partnership.slug)).content.decode()
    assert 'value="Quote to cash"' in page
    assert "Delete partnership" in page
    data = _create_data(acme, name="Q2C", privacy="members", expected_version=1)
    response = client.post(url("partnership_edit", partnership.slug), data)
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert (partnership.name, partnership.privacy, partnership.version) == ("Q2C", "members", 2)


def test_settings_of_a_stale_version_is_a_409_with_input_kept(acme, login):
    partnership = partnership_make(acme)
    actions.partnership_update(partnership=partnership, actor=acme.owner, purpose="Theirs")
    data = _create_data(acme, name="Mine", expected_version=1)
    response = login(acme.admin).post(url("partnership_edit", partnership.slug), data)
    assert response.status_code == 409
    assert 'value="Mine"' in response.content.decode()
    assert Partnership.objects.get().name == "Quote to cash"


def test_settings_need_a_manager_and_delete_needs_an_admin(acme, login):
    lead = person_for(acme, "member")
    partnership = partnership_make(acme, lead=lead)
    assert login(acme.viewer).get(url("partnership_edit", partnership.slug)).status_code == 403
    client = login(acme.member)
    page = client.get(url("partnership_edit", partnership.slug)).content.decode()
    assert "Delete partnership" not in page  # the lead manages but does not delete
    assert client.post(url("partnership_delete", partnership.slug)).status_code == 403
    response = login(acme.admin).post(url("partnership_delete", partnership.slug))
    assert response.status_code == 302
    assert not Partnership.objects.exists()


# --- privacy and tenancy --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["partnership_detail", "partnership_edit"])
def test_members_only_partnership_is_404_for_a_non_member(acme, login, name):
    partnership = partnership_make(acme, privacy="members")
    client = login(acme.member)
    assert client.get(url(name, partnership.slug)).status_code == 404
    listed = client.get(url("partnership_list")).context["partnerships"]
    assert partnership not in listed


def test_members_only_partnership_is_visible_to_admin_lead_sponsor_and_members(acme, login):
    lead = person_for(acme, "member", name="Lead Person")
    sponsor = person_for(acme, "viewer", name="Sponsor Person")
    partnership = partnership_make(acme, privacy="members", lead=lead, sponsor=sponsor)
    assert login(acme.admin).get(home(partnership)).status_code == 200
    assert login(acme.member).get(home(partnership)).status_code == 200
    assert login(acme.viewer).get(home(partnership)).status_code == 200
    # Without the lead role, a workspace member sees it only once they join the partnership.
    partnership.lead = None
    partnership.sponsor = None
    partnership.save()
    assert login(acme.member).get(home(partnership)).status_code == 404
    actions.partnership_member_add(
        partnership=partnership, actor=acme.owner, person=lead, function=acme.sales
    )
    assert login(acme.member).get(home(partnership)).status_code == 200


def test_another_workspace_gets_404_everywhere(acme, globex, login):
    partnership = partnership_make(acme)
    client = login(globex.owner)
    for name in ("partnership_detail", "partnership_edit"):
        assert client.get(url(name, partnership.slug)).status_code == 404
    assert (
        client.post(url("partnership_status", partnership.slug), {"to": "forming"}).status_code
        == 404
    )
    # Globex's own URL with acme's slug finds nothing either.
    assert client.get(url("partnership_detail", partnership.slug, ws="globex")).status_code == 404
    assert Partnership.objects.get().status == "proposed"


# --- scale: pagination and the person picker ------------------------------------------------


def _people_add(tenant, count):
    Person.objects.bulk_create(
        [
            Person(
                workspace=tenant.workspace,
                name=f"Crowd {index:04d}",
                email=f"crowd{index:04d}@{tenant.workspace.slug}.test",
            )
            for index in range(count)
        ]
    )


def test_list_is_paginated_and_page_links_keep_the_filters(acme, login):
    Partnership.objects.bulk_create(
        [
            Partnership(workspace=acme.workspace, name=f"P {index:03d}", slug=f"p-{index:03d}")
            for index in range(PAGE_SIZE + 10)
        ]
    )
    client = login(acme.viewer)
    first = client.get(url("partnership_list"), {"status": "proposed"})
    assert len(first.context["partnerships"]) == PAGE_SIZE
    body = first.content.decode()
    assert f"{PAGE_SIZE + 10} partnerships" in body
    assert 'href="?status=proposed&amp;page=2"' in body
    second = client.get(url("partnership_list"), {"status": "proposed", "page": "2"})
    assert second.context["partnerships"][0].name == f"P {PAGE_SIZE:03d}"
    assert len(second.context["partnerships"]) == 10
    assert client.get(url("partnership_list"), {"page": "99"}).context["page_obj"].number == 2


def test_list_query_count_is_the_same_on_every_page(acme, login):
    Partnership.objects.bulk_create(
        [
            Partnership(
                workspace=acme.workspace,
                name=f"P {index:03d}",
                slug=f"p-{index:03d}",
                lead=acme.alice if index % 2 else acme.bob,
            )
            for index in range(PAGE_SIZE * 2 + 5)
        ]
    )
    client = login(acme.member)
    first, _ = count_queries(client, url("partnership_list"))
    last, response = count_queries(client, url("partnership_list") + "?page=3")
    assert len(response.context["partnerships"]) == 5
    assert first == last


def test_home_of_a_large_workspace_has_a_type_ahead_not_a_select_of_everyone(acme, login):
    partnership = partnership_make(acme, lead=acme.alice)
    client = login(acme.admin)
    small, response = count_queries(client, home(partnership))
    assert "Alice Archer (alice@acme.test)</option>" in response.content.decode()
    _people_add(acme, SELECT_LIMIT + 50)
    large, _ = count_queries(client, home(partnership))
    Person.objects.bulk_create(
        [
            Person(workspace=acme.workspace, name=f"More {i}", email=f"more{i}@x.test")
            for i in range(99)
        ]
    )
    larger, response = count_queries(client, home(partnership))
    body = response.content.decode()
    # The <select> of a small workspace costs one query; the type-ahead none, at any size.
    assert large <= small
    assert large == larger
    assert "Crowd 0001" not in body
    assert 'id="id_member-person_search"' in body
    assert 'for="id_member-person_search"' in body
    assert url("partnership_person_pick") in body
    assert "org/person_picker" in body


def test_settings_of_a_large_workspace_show_the_chosen_lead_and_sponsor(acme, login):
    partnership = partnership_make(acme, lead=acme.alice, sponsor=acme.bob)
    _people_add(acme, SELECT_LIMIT + 1)
    body = login(acme.admin).get(url("partnership_edit", partnership.slug)).content.decode()
    assert "<option" not in body.split('id="id_sponsor"')[1].split("</fieldset>")[0]
    assert f'name="lead" id="id_lead" value="{acme.alice.uuid}"' in body
    assert "Chosen: <strong>Bob Baker (bob@acme.test)</strong>" in body


@pytest.mark.parametrize("people", [0, SELECT_LIMIT + 1])
def test_adding_another_workspaces_person_is_a_field_error(acme, globex, login, people):
    _people_add(acme, people)
    partnership = partnership_make(acme)
    response = login(acme.admin).post(
        url("partnership_member_add", partnership.slug),
        {
            "member-person": str(globex.alice.uuid),
            "member-function": str(acme.sales.uuid),
            "member-role": "core",
        },
    )
    assert response.status_code == 422
    assert response.context["member_form"].errors["person"] == [
        "Choose a person from this workspace's directory."
    ]
    assert not PartnershipMember.objects.exists()


def test_adding_someone_already_a_member_says_so(acme, login):
    partnership = partnership_make(acme)
    actions.partnership_member_add(
        partnership=partnership, actor=acme.owner, person=acme.bob, function=acme.finance
    )
    response = login(acme.admin).post(
        url("partnership_member_add", partnership.slug),
        {
            "member-person": str(acme.bob.uuid),
            "member-function": str(acme.sales.uuid),
            "member-role": "core",
        },
    )
    assert response.status_code == 422
    assert "Bob Baker is already a member of this partnership." in response.content.decode()
    assert PartnershipMember.objects.count() == 1

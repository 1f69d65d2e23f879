"""People pages: list, search, filters, sorting, detail, create, edit, delete, roles."""

import pytest
from django.urls import reverse

from accord.org.models import Person, PersonSkill, Seniority
from accord.org.tests.helpers import count_queries, people_add
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db


def people_url(tenant, name="person_list", *args):
    return reverse(name, args=[tenant.workspace.slug, *args])


# --- list -----------------------------------------------------------------------------------


def test_list_shows_people_with_function_and_manager(acme, login):
    """The directory lists each person with their function and a link to their manager."""
    response = login(acme.viewer).get(people_url(acme))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Alice Archer" in body
    assert "Bob Baker" in body
    assert reverse("person_detail", args=["acme", acme.alice.uuid]) in body
    assert "Finance" in body


def test_search_matches_name_email_and_title(acme, login):
    """Search finds people by any part of their name, email or title."""
    client = login(acme.viewer)

    def found(query):
        return [p.name for p in client.get(people_url(acme), {"q": query}).context["people"]]

    assert found("bak") == ["Bob Baker"]
    assert found("BOB@acme") == ["Bob Baker"]
    assert found("analyst") == ["Bob Baker"]


def test_filters_by_function_no_function_seniority_and_manager(acme, login):
    """Filters narrow the list; "none" finds people without a function."""
    Person.objects.create(workspace=acme.workspace, name="Nora None", email="nora@acme.test")
    client = login(acme.viewer)
    page = client.get(people_url(acme), {"function": str(acme.sales.uuid)}).context
    assert [p.name for p in page["people"]] == ["Alice Archer"]
    page = client.get(people_url(acme), {"function": "none"}).context
    assert [p.name for p in page["people"]] == ["Nora None"]
    page = client.get(people_url(acme), {"seniority": Seniority.DIRECTOR}).context
    assert [p.name for p in page["people"]] == ["Alice Archer"]
    response = client.get(people_url(acme), {"manager": str(acme.alice.uuid)})
    assert [p.name for p in response.context["people"]] == ["Bob Baker"]
    # The manager menu lists managers only and keeps the chosen one selected.
    menu = response.content.decode().split('id="people-manager"')[1].split("</select>")[0]
    assert f'<option value="{acme.alice.uuid}" selected>Alice Archer</option>' in menu
    assert "Bob Baker" not in menu


def test_malformed_filters_are_ignored(acme, login):
    """A malformed UUID or level in the query string shows everyone rather than failing."""
    response = login(acme.viewer).get(
        people_url(acme), {"function": "nope", "manager": "x", "seniority": "9", "sort": "evil"}
    )
    assert response.status_code == 200
    assert len(response.context["people"]) == 2


def test_sort_headers_sort_server_side_and_toggle(acme, login):
    """Column headers are links that sort on the server and flip direction when active."""
    client = login(acme.viewer)
    response = client.get(people_url(acme), {"sort": "-name"})
    assert [p.name for p in response.context["people"]] == ["Bob Baker", "Alice Archer"]
    body = response.content.decode()
    assert 'aria-sort="descending"' in body
    assert "?sort=name" in body
    response = client.get(people_url(acme), {"sort": "seniority"})
    assert [p.name for p in response.context["people"]] == ["Bob Baker", "Alice Archer"]
    response = client.get(people_url(acme), {"sort": "manager"})
    assert response.status_code == 200


def test_pagination_shows_fifty_per_page(acme, login):
    """Long directories are split into pages of 50, and filters survive paging."""
    people_add(acme.workspace, 60, skills=False)
    client = login(acme.viewer)
    first = client.get(people_url(acme))
    assert len(first.context["people"]) == 50
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(people_url(acme), {"page": 2, "q": "person"})
    assert len(second.context["people"]) == 10
    assert "q=person&amp;page=1" in second.content.decode()


def test_htmx_request_gets_only_the_results_partial(acme, login):
    """Typing in the search box swaps just the results (one partial, not the whole page)."""
    response = login(acme.viewer).get(people_url(acme), {"q": "alice"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="card flush" id="people-results"')
    assert "<html" not in body
    assert "Alice Archer" in body
    assert "Bob Baker" not in body
    assert "HX-Request" in response["Vary"]


def test_empty_directory_explains_and_offers_add_and_import_to_admins(acme, login):
    """With nobody yet, admins see what the page is for and how to fill it."""
    Person.objects.filter(workspace=acme.workspace).delete()
    admin_page = login(acme.admin).get(people_url(acme)).content.decode()
    assert "Your directory is empty" in admin_page
    assert reverse("person_create", args=["acme"]) in admin_page
    assert reverse("person_import", args=["acme"]) in admin_page
    assert 'id="people-filters"' not in admin_page  # nothing to filter or export yet
    viewer_page = login(acme.viewer).get(people_url(acme)).content.decode()
    assert "Ask an admin" in viewer_page
    assert reverse("person_create", args=["acme"]) not in viewer_page


def test_no_match_is_not_shown_as_an_empty_directory(acme, login):
    """A search without results says so and offers to clear it."""
    body = login(acme.viewer).get(people_url(acme), {"q": "zzz"}).content.decode()
    assert "No one matches" in body
    assert "Your directory is empty" not in body


@pytest.mark.parametrize("role", ["viewer", "member", "admin"])
def test_list_query_count_does_not_grow_with_people(acme, login, role):
    """The list runs the same number of queries for 5 or 60 people on the page."""
    client = login(acme.user(role))
    people_add(acme.workspace, 5, function=acme.sales, manager=acme.alice)
    small, _ = count_queries(client, people_url(acme))
    people_add(acme.workspace, 55, function=acme.finance, manager=acme.bob, prefix="more")
    large, response = count_queries(client, people_url(acme))
    assert len(response.context["people"]) == 50
    assert small == large


def test_list_htmx_query_count_is_constant(acme, login):
    client = login(acme.viewer)
    people_add(acme.workspace, 5, function=acme.sales, manager=acme.alice)
    small, _ = count_queries(client, people_url(acme), HTTP_HX_REQUEST="true")
    people_add(acme.workspace, 55, function=acme.finance, manager=acme.bob, prefix="more")
    large, _ = count_queries(client, people_url(acme), HTTP_HX_REQUEST="true")
    assert small == large


# --- detail ---------------------------------------------------------------------------------


def test_detail_shows_profile_skills_reports_and_history(acme, login):
    """A person's page shows their profile, skills with levels, reports and audit history."""
    from accord.org import actions

    actions.person_update(person=acme.alice, actor=acme.admin, title="Chief Revenue Officer")
    actions.person_skills_set(person=acme.alice, actor=acme.admin, skills={"Negotiation": 5})
    response = login(acme.viewer).get(people_url(acme, "person_detail", acme.alice.uuid))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Chief Revenue Officer" in body
    assert "Negotiation" in body
    assert 'aria-label="Proficiency 5 of 5"' in body
    assert "Bob Baker" in body  # direct report
    assert "History" in body
    assert "VP Sales" in body
    assert "No login" in body


def test_detail_shows_linked_login_and_manager_chain(acme, login):
    acme.bob.user = acme.member
    acme.bob.save()
    body = login(acme.viewer).get(people_url(acme, "person_detail", acme.bob.uuid)).content
    assert b"Linked" in body
    assert b"member@acme.test" in body
    assert reverse("person_detail", args=["acme", acme.alice.uuid]).encode() in body


def test_detail_query_count_does_not_grow_with_reports(acme, login):
    client = login(acme.viewer)
    people_add(acme.workspace, 3, manager=acme.alice)
    small, _ = count_queries(client, people_url(acme, "person_detail", acme.alice.uuid))
    people_add(acme.workspace, 40, manager=acme.alice, prefix="more")
    large, _ = count_queries(client, people_url(acme, "person_detail", acme.alice.uuid))
    assert small == large


# --- create and edit ------------------------------------------------------------------------


def person_post(tenant, **overrides):
    data = {
        "name": "Carol Chen",
        "email": "Carol@Acme.test",
        "title": "Controller",
        "seniority": str(Seniority.MANAGER),
        "function": str(tenant.finance.uuid),
        "manager": str(tenant.alice.uuid),
        "location": "Berlin",
        "timezone": "europe/berlin",
        "skills": "Forecasting: 4\nExcel: 5",
    }
    data.update(overrides)
    return data


def test_admin_creates_a_person_with_skills(acme, login):
    """Creating a person saves their fields and skills and records who added them."""
    response = login(acme.admin).post(people_url(acme, "person_create"), person_post(acme))
    carol = Person.objects.get(workspace=acme.workspace, email="carol@acme.test")
    assert response.status_code == 302
    assert response["Location"] == people_url(acme, "person_detail", carol.uuid)
    assert carol.function == acme.finance
    assert carol.manager == acme.alice
    assert carol.timezone == "Europe/Berlin"
    assert {ps.skill.name: ps.proficiency for ps in carol.person_skills.all()} == {
        "Forecasting": 4,
        "Excel": 5,
    }
    entry = AuditEntry.objects.get(object_uuid=carol.uuid)
    assert entry.action == "create"
    assert entry.actor == acme.admin
    assert entry.changes["skills"] == [None, "Excel (5), Forecasting (4)"]


def test_create_form_prefills_function_and_manager_from_links(acme, login):
    response = login(acme.admin).get(
        people_url(acme, "person_create"), {"function": str(acme.sales.uuid)}
    )
    assert f'value="{acme.sales.uuid}" selected' in response.content.decode()


def test_invalid_create_answers_422_and_keeps_input(acme, login):
    """Errors are shown next to their fields, and everything typed is still there."""
    response = login(acme.admin).post(
        people_url(acme, "person_create"),
        person_post(acme, email="not-an-email", skills="Forecasting: 9", timezone="Mars/Base"),
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "Enter a valid email address." in body
    assert "needs a level from 1 (learning) to 5" in body
    assert "is not a time zone" in body
    assert 'value="Carol Chen"' in body
    assert "Forecasting: 9" in body
    assert not Person.objects.filter(name="Carol Chen").exists()


def test_duplicate_email_is_a_field_error(acme, login):
    response = login(acme.admin).post(
        people_url(acme, "person_create"), person_post(acme, email="ALICE@acme.test")
    )
    assert response.status_code == 422
    assert "already has alice@acme.test" in response.content.decode()


def test_manager_and_function_choices_are_limited_to_the_workspace(acme, globex, login):
    """Another workspace's people and functions cannot be chosen, even by forging the form."""
    client = login(acme.admin)
    page = client.get(people_url(acme, "person_create")).content.decode()
    assert "Alice Archer (alice@acme.test)" in page
    assert str(globex.alice.uuid) not in page
    assert str(globex.sales.uuid) not in page
    response = client.post(
        people_url(acme, "person_create"),
        person_post(acme, manager=str(globex.alice.uuid), function=str(globex.sales.uuid)),
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()


def test_edit_saves_changes_and_skills_in_one_history_entry(acme, login):
    client = login(acme.admin)
    form = client.get(people_url(acme, "person_edit", acme.bob.uuid))
    assert form.status_code == 200
    assert 'name="expected_version" value="1"' in form.content.decode()
    response = client.post(
        people_url(acme, "person_edit", acme.bob.uuid),
        person_post(
            acme,
            name="Bob Baker",
            email="bob@acme.test",
            title="Senior Analyst",
            expected_version="1",
            skills="SQL: 3",
        ),
    )
    assert response.status_code == 302
    bob = Person.objects.get(pk=acme.bob.pk)
    assert bob.title == "Senior Analyst"
    assert bob.version == 2
    entry = AuditEntry.objects.filter(object_uuid=bob.uuid).get()
    assert entry.changes["title"] == ["Analyst", "Senior Analyst"]
    assert entry.changes["skills"] == ["", "SQL (3)"]


def test_edit_refuses_a_manager_loop(acme, login):
    response = login(acme.admin).post(
        people_url(acme, "person_edit", acme.alice.uuid),
        person_post(
            acme,
            name="Alice Archer",
            email="alice@acme.test",
            manager=str(acme.bob.uuid),
            expected_version="1",
        ),
    )
    assert response.status_code == 422
    assert "that would make a loop" in response.content.decode()


def test_stale_edit_shows_a_conflict_not_an_error(acme, login):
    """Saving over someone else's newer save is refused with both versions shown."""
    from accord.org import actions

    client = login(acme.admin)
    actions.person_update(person=acme.bob, actor=acme.owner, title="Lead Analyst")
    response = client.post(
        people_url(acme, "person_edit", acme.bob.uuid),
        person_post(
            acme, name="Bob Baker", email="bob@acme.test", title="My Title", expected_version="1"
        ),
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved Bob Baker while you were editing" in body
    assert "Lead Analyst" in body
    assert 'value="My Title"' in body
    assert 'name="expected_version" value="2"' in body
    assert Person.objects.get(pk=acme.bob.pk).title == "Lead Analyst"
    # Saving again (now on the current version) keeps the user's changes.
    again = client.post(
        people_url(acme, "person_edit", acme.bob.uuid),
        person_post(
            acme, name="Bob Baker", email="bob@acme.test", title="My Title", expected_version="2"
        ),
    )
    assert again.status_code == 302
    assert Person.objects.get(pk=acme.bob.pk).title == "My Title"


def test_delete_removes_the_person_and_keeps_reports(acme, login):
    """Deleting a manager leaves their reports without a manager, and is audited."""
    response = login(acme.admin).post(people_url(acme, "person_delete", acme.alice.uuid))
    assert response.status_code == 302
    assert not Person.objects.filter(pk=acme.alice.pk).exists()
    assert Person.objects.get(pk=acme.bob.pk).manager is None
    assert AuditEntry.objects.filter(object_uuid=acme.alice.uuid, action="delete").exists()


def test_delete_needs_post_and_asks_for_confirmation(acme, login):
    client = login(acme.admin)
    assert client.get(people_url(acme, "person_delete", acme.alice.uuid)).status_code == 405
    body = client.get(people_url(acme, "person_detail", acme.alice.uuid)).content.decode()
    assert "data-confirm=" in body
    assert "direct report will have no manager" in body


# --- roles and tenancy ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_readers_cannot_write_and_see_no_edit_buttons(acme, login, role):
    """Viewers and members read the directory; every write answers 403."""
    client = login(acme.user(role))
    for url in (people_url(acme), people_url(acme, "person_detail", acme.alice.uuid)):
        body = client.get(url).content.decode()
        assert reverse("person_create", args=["acme"]) not in body
        assert reverse("person_edit", args=["acme", acme.alice.uuid]) not in body
        assert reverse("person_delete", args=["acme", acme.alice.uuid]) not in body
    assert client.get(people_url(acme, "person_create")).status_code == 403
    assert client.post(people_url(acme, "person_create"), person_post(acme)).status_code == 403
    assert client.get(people_url(acme, "person_edit", acme.alice.uuid)).status_code == 403
    assert client.post(people_url(acme, "person_edit", acme.alice.uuid), {}).status_code == 403
    assert client.post(people_url(acme, "person_delete", acme.alice.uuid)).status_code == 403
    assert Person.objects.filter(workspace=acme.workspace).count() == 2


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("person_list", "get"),
        ("person_create", "get"),
        ("person_export", "get"),
        ("person_detail", "get"),
        ("person_edit", "get"),
        ("person_delete", "post"),
    ],
)
def test_other_workspace_gets_404(acme, globex, login, name, method):
    """A globex admin sees nothing of acme: neither its pages nor its people."""
    args = {
        "person_detail": [acme.alice.uuid],
        "person_edit": [acme.alice.uuid],
        "person_delete": [acme.alice.uuid],
        "person_export": ["csv"],
    }.get(name, [])
    client = login(globex.admin)
    response = getattr(client, method)(reverse(name, args=["acme", *args]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("person_detail", "get"),
        ("person_edit", "get"),
        ("person_edit", "post"),
        ("person_delete", "post"),
    ],
)
def test_foreign_person_inside_own_workspace_url_is_404(acme, globex, login, name, method):
    """An acme person's UUID under globex's address is as unknown as a made-up one."""
    client = login(globex.admin)
    response = getattr(client, method)(reverse(name, args=["globex", acme.alice.uuid]))
    assert response.status_code == 404
    assert Person.objects.filter(pk=acme.alice.pk).exists()


def test_person_skills_survive_in_the_database(acme):
    """Skills are stored per workspace (a sanity check on the builders used here)."""
    people_add(acme.workspace, 2)
    assert PersonSkill.objects.filter(workspace=acme.workspace).count() == 4

"""Function pages: list with headcount and lead, detail, create, edit, delete, roles."""

import pytest
from django.urls import reverse

from accord.org import actions
from accord.org.models import Function, Person
from accord.org.tests.helpers import count_queries, people_add
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db


def url(name, *args, ws="acme"):
    return reverse(name, args=[ws, *args])


def test_list_shows_headcount_and_lead(acme, login):
    """Each function shows how many people it has and who leads it."""
    actions.function_update(function=acme.sales, actor=acme.admin, lead=acme.alice)
    response = login(acme.viewer).get(url("function_list"))
    rows = {f.name: f for f in response.context["functions"]}
    assert rows["Sales"].headcount == 1
    assert rows["Finance"].headcount == 1
    body = response.content.decode()
    assert "Alice Archer" in body
    assert "No lead" in body


def test_list_search(acme, login):
    response = login(acme.viewer).get(url("function_list"), {"q": "fin"})
    assert [f.name for f in response.context["functions"]] == ["Finance"]


def test_empty_list_explains_functions(acme, login):
    Function.objects.filter(workspace=acme.workspace).delete()
    body = login(acme.admin).get(url("function_list")).content.decode()
    assert "No functions yet" in body
    assert url("function_create") in body


def test_list_query_count_does_not_grow(acme, login):
    client = login(acme.viewer)
    for index in range(3):
        Function.objects.create(workspace=acme.workspace, name=f"Area {index}", lead=acme.alice)
    small, _ = count_queries(client, url("function_list"))
    for index in range(3, 40):
        function = Function.objects.create(
            workspace=acme.workspace, name=f"Area {index}", lead=acme.bob
        )
        people_add(acme.workspace, 1, function=function, prefix=f"p{index}x", skills=False)
    large, _ = count_queries(client, url("function_list"))
    assert small == large


def test_detail_lists_people_lead_description_and_history(acme, login):
    actions.function_update(
        function=acme.sales, actor=acme.admin, lead=acme.alice, description="Wins customers."
    )
    body = login(acme.viewer).get(url("function_detail", acme.sales.uuid)).content.decode()
    assert "Wins customers." in body
    assert "Alice Archer" in body
    assert "History" in body
    assert "Admin" in body


def test_detail_query_count_does_not_grow(acme, login):
    client = login(acme.viewer)
    people_add(acme.workspace, 3, function=acme.sales, manager=acme.alice)
    small, _ = count_queries(client, url("function_detail", acme.sales.uuid))
    people_add(acme.workspace, 40, function=acme.sales, manager=acme.bob, prefix="more")
    large, _ = count_queries(client, url("function_detail", acme.sales.uuid))
    assert small == large


def test_admin_creates_a_function(acme, login):
    response = login(acme.admin).post(
        url("function_create"),
        {"name": "Marketing", "description": "Demand.", "lead": str(acme.alice.uuid)},
    )
    marketing = Function.objects.get(workspace=acme.workspace, name="Marketing")
    assert response.status_code == 302
    assert response["Location"] == url("function_detail", marketing.uuid)
    assert marketing.lead == acme.alice
    assert AuditEntry.objects.filter(object_uuid=marketing.uuid, action="create").exists()


def test_duplicate_name_answers_422_with_the_input_kept(acme, login):
    """Names are unique regardless of case; the form says so and keeps what was typed."""
    response = login(acme.admin).post(
        url("function_create"), {"name": "sales", "description": "My notes"}
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "already exists" in body
    assert "My notes" in body


def test_lead_must_be_from_this_workspace(acme, globex, login):
    response = login(acme.admin).post(
        url("function_create"), {"name": "Legal", "lead": str(globex.alice.uuid)}
    )
    assert response.status_code == 422
    assert not Function.objects.filter(name="Legal").exists()


def test_edit_and_stale_edit(acme, login):
    """An edit on an old version is refused with a message, then succeeds when repeated."""
    client = login(acme.admin)
    form = client.get(url("function_edit", acme.sales.uuid))
    assert 'name="expected_version" value="1"' in form.content.decode()
    actions.function_update(function=acme.sales, actor=acme.owner, name="Revenue")
    stale = client.post(
        url("function_edit", acme.sales.uuid),
        {"name": "Selling", "description": "", "lead": "", "expected_version": "1"},
    )
    assert stale.status_code == 409
    assert "Someone else saved Revenue" in stale.content.decode()
    assert Function.objects.get(pk=acme.sales.pk).name == "Revenue"
    again = client.post(
        url("function_edit", acme.sales.uuid),
        {"name": "Selling", "description": "", "lead": "", "expected_version": "2"},
    )
    assert again.status_code == 302
    assert Function.objects.get(pk=acme.sales.pk).name == "Selling"


def test_delete_keeps_people_without_a_function(acme, login):
    response = login(acme.admin).post(url("function_delete", acme.sales.uuid))
    assert response.status_code == 302
    assert not Function.objects.filter(pk=acme.sales.pk).exists()
    assert Person.objects.get(pk=acme.alice.pk).function is None


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_readers_cannot_write(acme, login, role):
    client = login(acme.user(role))
    body = client.get(url("function_detail", acme.sales.uuid)).content.decode()
    assert url("function_edit", acme.sales.uuid) not in body
    assert url("function_create") not in client.get(url("function_list")).content.decode()
    assert client.get(url("function_create")).status_code == 403
    assert client.post(url("function_create"), {"name": "X"}).status_code == 403
    assert client.get(url("function_edit", acme.sales.uuid)).status_code == 403
    assert client.post(url("function_delete", acme.sales.uuid)).status_code == 403
    assert Function.objects.filter(workspace=acme.workspace).count() == 2


@pytest.mark.parametrize(
    ("name", "method", "with_uuid"),
    [
        ("function_list", "get", False),
        ("function_create", "get", False),
        ("function_detail", "get", True),
        ("function_edit", "get", True),
        ("function_edit", "post", True),
        ("function_delete", "post", True),
    ],
)
def test_other_workspace_gets_404(acme, globex, login, name, method, with_uuid):
    """Globex users get 404 for acme's pages and for acme's functions under their own slug."""
    client = login(globex.admin)
    args = [acme.sales.uuid] if with_uuid else []
    assert getattr(client, method)(url(name, *args)).status_code == 404
    if with_uuid:
        assert getattr(client, method)(url(name, *args, ws="globex")).status_code == 404
    assert Function.objects.filter(pk=acme.sales.pk).exists()

"""The person picker: its search endpoint answers only the workspace's people, the field
refuses another workspace's person, and large workspaces get a type-ahead instead of a
<select> listing everyone."""

import pytest
from django import forms
from django.urls import reverse

from accord.org.models import Person
from accord.org.person_picker import (
    PICK_LIMIT,
    SELECT_LIMIT,
    PersonPickerField,
    PersonPickerWidget,
    person_picker_setup,
)

pytestmark = pytest.mark.django_db


def pick_url(tenant):
    return reverse("partnership_person_pick", args=[tenant.workspace.slug])


def people_add(tenant, count, prefix="p"):
    Person.objects.bulk_create(
        [
            Person(
                workspace=tenant.workspace,
                name=f"{prefix.title()} {index:04d}",
                email=f"{prefix}{index:04d}@{tenant.workspace.slug}.test",
                title="Pricing auditor" if index % 2 else "",
            )
            for index in range(count)
        ]
    )


class OnePerson(forms.Form):
    person = PersonPickerField(required=False, empty_label="Nobody")


def test_search_answers_only_the_workspaces_people(acme, globex, login):
    body = login(acme.viewer).get(pick_url(acme), {"q": "alice"}).content.decode()
    assert str(acme.alice.uuid) in body
    assert str(globex.alice.uuid) not in body
    assert "alice@acme.test" in body
    assert 'data-pick-label="Alice' in body


def test_search_matches_email_and_title_and_stops_at_the_limit(acme, login):
    people_add(acme, PICK_LIMIT + 5)
    client = login(acme.member)
    by_title = client.get(pick_url(acme), {"q": "pricing audit"})
    assert len(by_title.context["people"]) == (PICK_LIMIT + 5) // 2
    by_email = client.get(pick_url(acme), {"q": "p0003@"})
    assert [p.name for p in by_email.context["people"]] == ["P 0003"]
    everyone = client.get(pick_url(acme), {"q": "acme.test"})
    assert len(everyone.context["people"]) == PICK_LIMIT
    assert "type more to narrow it down" in everyone.content.decode()


def test_empty_search_lists_nobody_and_a_miss_says_so(acme, login):
    client = login(acme.member)
    assert client.get(pick_url(acme), {"q": "  "}).context["people"] == []
    assert "Nobody matches" in client.get(pick_url(acme), {"q": "zzz"}).content.decode()


def test_search_needs_a_member_of_the_workspace(acme, globex, login):
    response = login(globex.owner).get(pick_url(acme), {"q": "alice"})
    assert response.status_code in (403, 404)
    assert str(acme.alice.uuid) not in response.content.decode()


def test_small_workspace_keeps_the_select(acme):
    form = OnePerson()
    assert not person_picker_setup(form, "person", workspace=acme.workspace, search_url="/x/")
    html = str(form["person"])
    assert "<select" in html
    assert "Alice Archer (alice@acme.test)" in html


def test_large_workspace_gets_the_type_ahead_with_the_choice_shown(acme):
    people_add(acme, SELECT_LIMIT)
    form = OnePerson(initial={"person": acme.bob.uuid})
    assert person_picker_setup(form, "person", workspace=acme.workspace, search_url="/pick/")
    assert isinstance(form.fields["person"].widget, PersonPickerWidget)
    bound = form["person"]
    html = str(bound)
    assert "<select" not in html
    assert "<option" not in html
    assert f'type="hidden" name="person" id="id_person" value="{acme.bob.uuid}"' in html
    assert 'hx-get="/pick/"' in html
    assert "Chosen: <strong>Bob Baker (bob@acme.test)</strong>" in html
    assert bound.id_for_label == "id_person_search"
    assert 'id="id_person_search"' in html


def test_the_field_refuses_another_workspaces_person_with_a_clear_error(acme, globex):
    people_add(acme, SELECT_LIMIT + 1)
    form = OnePerson({"person": str(globex.alice.uuid)})
    person_picker_setup(form, "person", workspace=acme.workspace, search_url="/pick/")
    assert not form.is_valid()
    assert form.errors["person"] == ["Choose a person from this workspace's directory."]
    chosen = OnePerson({"person": str(acme.alice.uuid)})
    person_picker_setup(chosen, "person", workspace=acme.workspace, search_url="/pick/")
    assert chosen.is_valid()
    assert chosen.cleaned_data["person"] == acme.alice


def test_a_malformed_value_is_an_error_and_renders_nothing_chosen(acme):
    people_add(acme, SELECT_LIMIT + 1)
    form = OnePerson({"person": "not-a-uuid"})
    person_picker_setup(form, "person", workspace=acme.workspace, search_url="/pick/")
    assert not form.is_valid()
    assert "Nobody" in str(form["person"])

"""A person who wrote status updates stays in the directory: deleting them is refused with a
reason, by action, page and API, and nothing is half-removed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accord.api.actions import token_create
from accord.api.testing import bearer_client
from accord.comms.tests.test_update_actions import update_make, world
from accord.org import actions as org_actions
from accord.org.models import Person
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_deleting_an_update_author_is_refused_naming_what_they_wrote(acme):
    w = world(acme)
    update_make(acme, w)
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        org_actions.person_delete(person=w.mia, actor=acme.owner)
    assert "status updates" in caught.value.message_dict["person"][0]
    assert Person.objects.filter(pk=w.mia.pk).exists()
    assert AuditEntry.objects.count() == audits


def test_the_page_explains_the_refusal_instead_of_failing(acme, login):
    w = world(acme)
    update_make(acme, w)
    client = login(acme.admin)
    url = reverse("person_delete", args=[acme.workspace.slug, w.mia.uuid])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "keep their author for the record" in response.content.decode()
    assert Person.objects.filter(pk=w.mia.pk).exists()


def test_the_api_answers_a_validation_problem(acme):
    w = world(acme)
    update_make(acme, w)
    _token, raw = token_create(membership=acme.membership("admin"), actor=acme.admin, name="t")
    client = bearer_client(raw)
    response = client.delete(f"/api/v1/people/{w.mia.uuid}")
    assert response.status_code in (400, 409, 422)
    assert response["Content-Type"].startswith("application/problem+json")
    assert Person.objects.filter(pk=w.mia.pk).exists()

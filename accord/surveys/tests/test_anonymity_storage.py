"""Anonymity is structural: what is stored about a response cannot lead back to a person.

A response row has no user, person, token or time; its answers neither; neither table
shares a key or value with the invitations or the spent-token hashes; ids are random; and
answering writes no audit entry and no log line."""

import datetime
import logging
import uuid

import pytest
from django.db import models
from django.test import Client
from django.utils import timezone

from accord.surveys.models import Answer, Invitation, Response, UsedToken
from accord.surveys.tests.test_cycle_support import (
    coordination_post,
    link_of,
    opened_make,
    team_build,
)
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db

IDENTIFYING = {"user", "person", "invitation", "token", "token_hash", "email", "name", "ip"}
LINKING_MODELS = {"Invitation", "UsedToken", "Person", "User", "Membership", "Notification"}


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.get_fields() if isinstance(f, models.Field)]


@pytest.mark.parametrize("model", [Response, Answer])
def test_a_response_and_its_answers_store_nothing_that_names_or_dates_a_person(model):
    """No identifying column, no date or time column, no relation to people or tokens."""
    names = {f.name for f in _fields(model)}
    assert not names & IDENTIFYING
    assert not [f for f in _fields(model) if isinstance(f, models.DateField | models.TimeField)]
    related = {f.related_model.__name__ for f in _fields(model) if f.is_relation}
    assert not related & LINKING_MODELS


@pytest.mark.parametrize("model", [Response, Answer, UsedToken])
def test_keys_are_random_uuids_so_row_ids_say_nothing_about_order(model):
    pk = model._meta.pk
    assert isinstance(pk, models.UUIDField)
    assert pk.default is uuid.uuid4


def test_spent_tokens_carry_no_time_and_no_person():
    names = {f.name for f in _fields(UsedToken)}
    assert names == {"id", "workspace", "cycle", "token_hash"}


def test_stored_responses_share_no_value_with_invitations_or_spent_tokens(acme, caplog):
    """After real answers through the links: no response or answer column holds an
    invitation's id, uuid or token hash; the invitation's last-change time did not move;
    nothing was audited or logged about the answers."""
    team = team_build(acme)
    cycle = opened_make(team, now=timezone.now() - datetime.timedelta(hours=1))
    before = dict(Invitation.objects.filter(cycle=cycle).values_list("pk", "updated_at"))
    audits = AuditEntry.objects.count()
    with caplog.at_level(logging.DEBUG):
        for person in team.people[:4]:
            targets = [f for f in team.functions.values() if f.pk != person.function_id]
            Client().post(link_of(person, cycle), coordination_post(targets, position=2))
    assert Response.objects.filter(cycle=cycle).count() == 4
    invitation_values = set()
    for row in Invitation.objects.filter(cycle=cycle).values(
        "pk", "uuid", "token_hash", "person_id"
    ):
        invitation_values |= {str(value) for value in row.values()}
    invitation_values |= {str(h) for h in UsedToken.objects.values_list("token_hash", flat=True)}
    invitation_values |= {str(i) for i in UsedToken.objects.values_list("id", flat=True)}
    for row in Response.objects.filter(cycle=cycle).values("id", "band"):
        assert not {str(v) for v in row.values()} & invitation_values
    for row in Answer.objects.filter(response__cycle=cycle).values("id", "response_id", "text"):
        assert not {str(v) for v in row.values()} & invitation_values
    after = dict(Invitation.objects.filter(cycle=cycle).values_list("pk", "updated_at"))
    assert after == before
    assert AuditEntry.objects.count() == audits
    logged = " ".join(record.getMessage() for record in caplog.records)
    for response_id in Response.objects.values_list("id", flat=True):
        assert str(response_id) not in logged
        assert response_id.version == 4


def test_no_page_or_endpoint_of_a_cycle_shows_a_response_id(acme, login):
    from accord.api.testing import token_client

    team = team_build(acme)
    cycle = opened_make(team, now=timezone.now() - datetime.timedelta(hours=1))
    person = team.people[0]
    targets = [f for f in team.functions.values() if f.pk != person.function_id]
    Client().post(link_of(person, cycle), coordination_post(targets))
    response_id = str(Response.objects.get().id)
    client = login(acme.owner)
    for path in (
        "/w/acme/surveys/",
        f"/w/acme/surveys/cycles/{cycle.uuid}/",
        f"/w/acme/surveys/cycles/{cycle.uuid}/edit/",
    ):
        assert response_id not in client.get(path).content.decode()
    api = token_client(acme, "owner")
    for path in (
        "/api/v1/survey-cycles",
        f"/api/v1/survey-cycles/{cycle.uuid}",
        f"/api/v1/survey-cycles/{cycle.uuid}/response-rates",
        "/api/v1/survey-invitations",
    ):
        assert response_id not in api.get(path).content.decode()

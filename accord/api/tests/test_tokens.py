"""Personal access tokens: the settings page, the actions and the `accord token` command."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from accord.api.actions import token_create
from accord.api.models import ApiToken, token_digest
from accord.api.testing import bearer_client
from accord.workspaces.models import AuditEntry

RAW_TOKEN = re.compile(r"acc_[A-Za-z0-9_-]{40,}")


def _create(client, name="CI"):
    return client.post("/w/acme/settings/tokens/new/", {"name": name})


def test_creating_a_token_shows_the_secret_once(acme, login):
    """The secret appears in the creation response and never on a later page."""
    client = login(acme.member)
    response = _create(client)
    assert response.status_code == 200
    raw = RAW_TOKEN.search(response.content.decode()).group(0)
    token = ApiToken.objects.get(membership=acme.membership("member"))
    assert token.token_hash == token_digest(raw)
    assert raw not in client.get("/w/acme/settings/tokens/").content.decode()
    assert bearer_client(raw).get("/api/v1/workspace").json()["role"] == "member"


def test_the_secret_is_stored_only_as_a_hash(acme):
    membership = acme.membership("member")
    token, raw = token_create(membership=membership, actor=membership.user, name="CI")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in str(stored)
    assert raw.startswith(token.hint)


def test_token_audit_entries_never_hold_the_secret(acme, login):
    client = login(acme.member)
    raw = RAW_TOKEN.search(_create(client).content.decode()).group(0)
    token = ApiToken.objects.get(membership=acme.membership("member"))
    client.post(f"/w/acme/settings/tokens/{token.uuid}/revoke/")
    entries = AuditEntry.objects.filter(object_uuid=token.uuid)
    assert [e.action for e in entries.order_by("at", "id")] == ["create", "update"]
    for entry in entries:
        assert raw not in str(entry.changes)
        assert raw not in entry.object_label


def test_a_token_needs_a_name(acme, login):
    response = _create(login(acme.member), name="  ")
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_members_see_their_own_tokens_and_admins_see_everyones(acme, login):
    for role in ("member", "viewer"):
        membership = acme.membership(role)
        token_create(membership=membership, actor=membership.user, name=f"{role} script")
    member_page = login(acme.member).get("/w/acme/settings/tokens/").content.decode()
    assert "member script" in member_page
    assert "viewer script" not in member_page
    admin_page = login(acme.admin).get("/w/acme/settings/tokens/").content.decode()
    assert "member script" in admin_page
    assert "viewer script" in admin_page


def test_the_page_lists_name_hint_dates_status_and_a_confirmed_revoke(acme, login):
    membership = acme.membership("member")
    token, _raw = token_create(membership=membership, actor=membership.user, name="Reporting")
    html = login(acme.member).get("/w/acme/settings/tokens/").content.decode()
    for shown in ("Reporting", token.hint, "Never", "Active"):
        assert shown in html
    assert f'action="/w/acme/settings/tokens/{token.uuid}/revoke/"' in html
    assert 'data-confirm="Revoke the token' in html
    assert " style=" not in html


def test_revoking_from_the_page(acme, login):
    membership = acme.membership("member")
    token, raw = token_create(membership=membership, actor=membership.user, name="CI")
    response = login(acme.member).post(f"/w/acme/settings/tokens/{token.uuid}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer_client(raw).get("/api/v1/workspace").status_code == 401


def test_admins_can_revoke_a_members_token(acme, login):
    membership = acme.membership("viewer")
    token, _raw = token_create(membership=membership, actor=membership.user, name="CI")
    login(acme.admin).post(f"/w/acme/settings/tokens/{token.uuid}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_members_cannot_revoke_someone_elses_token(acme, login):
    """Another member's token is not even visible to a member: 404."""
    membership = acme.membership("viewer")
    token, _raw = token_create(membership=membership, actor=membership.user, name="CI")
    response = login(acme.member).post(f"/w/acme/settings/tokens/{token.uuid}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_another_workspaces_tokens_are_out_of_reach(acme, globex, login):
    membership = globex.membership("owner")
    token, _raw = token_create(membership=membership, actor=membership.user, name="Globex CI")
    client = login(acme.owner)
    assert client.post(f"/w/acme/settings/tokens/{token.uuid}/revoke/").status_code == 404
    assert client.get("/w/globex/settings/tokens/").status_code == 404
    assert "Globex CI" not in client.get("/w/acme/settings/tokens/").content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_needs_post(acme, login):
    membership = acme.membership("member")
    token, _raw = token_create(membership=membership, actor=membership.user, name="CI")
    response = login(acme.member).get(f"/w/acme/settings/tokens/{token.uuid}/revoke/")
    assert response.status_code == 405


# --- command line ---------------------------------------------------------------------------


def _call(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_token_create_command_prints_a_working_token(acme):
    """`accord token create` prints only the token on stdout; it works with the API."""
    out, err = _call("create", "--workspace", "acme", "--email", "ADMIN@acme.test", "--name", "CI")
    raw = out.strip()
    assert RAW_TOKEN.fullmatch(raw)
    assert "not shown again" in err
    response = bearer_client(raw).get("/api/v1/workspace")
    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    assert ApiToken.objects.get().name == "CI"


@pytest.mark.parametrize(
    ("workspace", "email", "message"),
    [
        ("nowhere", "admin@acme.test", "No workspace with the slug “nowhere”"),
        ("acme", "nobody@acme.test", "No account with the email nobody@acme.test"),
        ("acme", "owner@globex.test", "owner@globex.test is not a member of acme"),
    ],
)
def test_token_create_command_explains_bad_input(acme, globex, workspace, email, message):
    with pytest.raises(CommandError, match=message):
        _call("create", "--workspace", workspace, "--email", email)
    assert not ApiToken.objects.exists()


def test_token_list_and_revoke_commands(acme):
    out, _err = _call("create", "--workspace", "acme", "--email", "member@acme.test")
    raw = out.strip()
    token = ApiToken.objects.get()
    listing, _err = _call("list", "--workspace", "acme")
    assert token.hint in listing
    assert "member@acme.test" in listing
    assert raw not in listing
    revoked, _err = _call("revoke", token.hint)
    assert "Revoked" in revoked
    assert bearer_client(raw).get("/api/v1/workspace").status_code == 401
    assert _call("list", "--workspace", "acme")[0] == ""
    assert token.hint in _call("list", "--all")[0]


def test_token_revoke_command_accepts_the_whole_token(acme):
    raw = _call("create", "--workspace", "acme", "--email", "member@acme.test")[0].strip()
    _call("revoke", raw)
    assert ApiToken.objects.get().revoked_at is not None


def test_token_revoke_command_explains_an_unknown_hint(acme):
    with pytest.raises(CommandError, match="No active token"):
        _call("revoke", "acc_nothing")

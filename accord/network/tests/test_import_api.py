"""Network imports and identities over the API: admins only, problem+json errors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.api.testing import token_client
from accord.network import import_actions as actions
from accord.network.models import Identity, NetworkImport
from accord.network.tests.fixtures.exports import slack_zip

JSON = "application/json"
CSV = (
    "timestamp,sender,recipients,channel\n"
    "2025-03-03T09:00:00Z,alice@acme.test,bob@acme.test;stranger@else.test,email\n"
)


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def admin(acme):
    return token_client(acme, "admin")


def _post(client, content=CSV, name="events.csv", **data):
    return client.post(
        "/api/v1/network/imports",
        {
            "file": SimpleUploadedFile(
                name, content if isinstance(content, bytes) else content.encode()
            ),
            **data,
        },
    )


def _run_queued():
    for batch in NetworkImport.objects.filter(status="queued"):
        actions.network_import_run(batch=batch)


def test_upload_then_poll_until_done(acme, admin):
    response = _post(admin)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "queued"
    assert response["Location"].endswith(f"/api/v1/network/imports/{body['id']}")
    _run_queued()
    detail = admin.get(f"/api/v1/network/imports/{body['id']}").json()
    assert detail["status"] == "done"
    assert detail["progress"] == 1.0
    assert (detail["rows_read"], detail["pairs_added"], detail["counted"]) == (1, 2, 1)
    assert [i["value"] for i in detail["unmatched_identities"]] == ["stranger@else.test"]
    listing = admin.get("/api/v1/network/imports").json()
    assert listing["count"] == 1
    assert listing["results"][0]["id"] == body["id"]
    again = _post(admin, name="copy.csv")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]


def test_upload_with_source(admin):
    response = _post(admin, slack_zip(), name="export.zip", source="slack")
    assert response.status_code == 201
    assert response.json()["source"] == "slack"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "empty"),
        (b"when,who\n", "e.csv", "missing the columns timestamp, sender, recipients"),
        (slack_zip()[:100], "export.zip", "damaged"),
    ],
)
def test_bad_files_are_problems_naming_the_file_field(admin, content, name, message):
    response = _post(admin, content, name=name)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert errors[0]["field"] == "file"
    assert message in errors[0]["message"]
    assert not NetworkImport.objects.exists()


def test_unknown_source_is_a_field_error(admin):
    response = _post(admin, source="fax")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "source"


def test_cancel_a_queued_import_then_a_finished_one(admin):
    created = _post(admin).json()
    response = admin.post(f"/api/v1/network/imports/{created['id']}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    again = admin.post(f"/api/v1/network/imports/{created['id']}/cancel")
    assert again.status_code == 422
    assert "can no longer be cancelled" in again.json()["detail"]


def test_identities_list_filters_unmatched_and_patch_maps(acme, admin):
    _post(admin)
    _run_queued()
    unmatched = admin.get("/api/v1/network/identities?unmatched=true").json()
    assert [i["value"] for i in unmatched["results"]] == ["stranger@else.test"]
    everything = admin.get("/api/v1/network/identities").json()
    assert everything["count"] == 3
    stranger = unmatched["results"][0]
    response = admin.patch(
        f"/api/v1/network/identities/{stranger['id']}",
        {"person": str(acme.bob.uuid)},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    assert response.json()["person"] == str(acme.bob.uuid)
    assert response["ETag"] == '"2"'
    ignored = admin.patch(
        f"/api/v1/network/identities/{stranger['id']}",
        {"ignored": True, "version": 2},
        content_type=JSON,
    ).json()
    assert (ignored["ignored"], ignored["person"]) == (True, None)
    stale = admin.patch(
        f"/api/v1/network/identities/{stranger['id']}",
        {"ignored": False, "version": 1},
        content_type=JSON,
    )
    assert stale.status_code == 409


def test_patch_with_another_workspaces_person_is_a_field_error(acme, globex, admin):
    _post(admin)
    _run_queued()
    stranger = Identity.objects.get(value="stranger@else.test")
    response = admin.patch(
        f"/api/v1/network/identities/{stranger.uuid}",
        {"person": str(globex.alice.uuid)},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "person"


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_are_forbidden(acme, admin, role):
    created = _post(admin).json()
    _run_queued()
    stranger = Identity.objects.get(value="stranger@else.test")
    client = token_client(acme, role)
    assert _post(client, name="other.csv").status_code == 403
    assert client.get("/api/v1/network/imports").status_code == 403
    assert client.get(f"/api/v1/network/imports/{created['id']}").status_code == 403
    assert client.post(f"/api/v1/network/imports/{created['id']}/cancel").status_code == 403
    assert client.get("/api/v1/network/identities").status_code == 403
    response = client.patch(
        f"/api/v1/network/identities/{stranger.uuid}", {"ignored": True}, content_type=JSON
    )
    assert response.status_code == 403


def test_other_workspaces_imports_are_404(acme, globex, admin):
    created = _post(admin).json()
    other = token_client(globex, "admin")
    assert other.get(f"/api/v1/network/imports/{created['id']}").status_code == 404
    assert other.get("/api/v1/network/imports").json()["count"] == 0
    assert other.get("/api/v1/network/imports/not-a-uuid").status_code == 404

"""The import pages: admins upload, watch progress, map identities and change settings;
members and other workspaces get nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from accord.network import import_actions as actions
from accord.network.models import Identity, Interaction, NetworkImport, NetworkSettings
from accord.network.tests.fixtures.exports import slack_zip

CSV = (
    "timestamp,sender,recipients,channel\n"
    "2025-03-03T09:00:00Z,alice@acme.test,bob@acme.test;stranger@else.test,email\n"
    "2025-03-04T09:00:00Z,bob@acme.test,alice@acme.test,chat\n"
)


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def url(name, *args, ws="acme"):
    return reverse(name, args=[ws, *args])


def _upload(client, content=CSV, name="events.csv", **extra):
    return client.post(
        url("network_imports"),
        {
            "file": SimpleUploadedFile(
                name, content.encode() if isinstance(content, str) else content
            ),
            **extra,
        },
    )


def _imported(tenant, content=CSV, name="events.csv"):
    batch, _created = actions.network_import_create(
        membership=tenant.membership("admin"),
        upload=SimpleUploadedFile(name, content.encode()),
        background=False,
    )
    return actions.network_import_run(batch=batch)


@pytest.mark.django_db(transaction=True)
def test_upload_queues_the_import_and_the_worker_runs_it_while_the_page_polls(acme, login):
    from django_tasks_db.models import DBTaskResult

    client = login(acme.admin)
    response = _upload(client)
    batch = NetworkImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("network_import_detail", batch.uuid)
    assert batch.status == "queued"
    assert DBTaskResult.objects.count() == 1

    polling = client.get(url("network_import_detail", batch.uuid), HTTP_HX_REQUEST="true")
    body = polling.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert "Waiting for a worker" in body
    assert "<html" not in body
    listing = client.get(url("network_imports"), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in listing
    assert "<html" not in listing

    call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False)

    batch.refresh_from_db()
    assert batch.status == "done"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    done = client.get(url("network_import_detail", batch.uuid), HTTP_HX_REQUEST="true")
    assert "Import complete" in done.content.decode()
    assert "stranger@else.test" in done.content.decode()  # the swap shows the result whole
    assert "hx-trigger" not in done.content.decode()
    page = client.get(url("network_import_detail", batch.uuid)).content.decode()
    assert "stranger@else.test" in page
    assert "Counted now" in page


def test_running_import_shows_its_percentage_and_a_cancel_button(acme, login):
    batch, _ = actions.network_import_create(
        membership=acme.membership("admin"),
        upload=SimpleUploadedFile("e.csv", CSV.encode()),
        background=False,
    )
    NetworkImport.objects.filter(pk=batch.pk).update(
        status="running", progress=0.42, progress_label="42 of 100 rows"
    )
    client = login(acme.admin)
    body = client.get(url("network_import_detail", batch.uuid)).content.decode()
    assert 'value="42"' in body
    assert "42 of 100 rows" in body
    assert "Cancel the import" in body
    listing = client.get(url("network_imports")).content.decode()
    assert 'value="42"' in listing
    response = client.post(url("network_import_cancel", batch.uuid))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.cancel_requested is True


def test_bad_upload_shows_the_reason_and_keeps_nothing(acme, login):
    client = login(acme.admin)
    response = _upload(client, "when,who\n1,2\n")
    assert response.status_code == 422
    assert "missing the columns timestamp, sender, recipients" in response.content.decode()
    response = _upload(client, b"PK\x03\x04broken", name="export.zip")
    assert "damaged" in response.content.decode()
    response = _upload(client, "", name="empty.csv")
    assert response.status_code == 422
    assert not NetworkImport.objects.exists()


def test_same_file_uploaded_again_says_so(acme, login):
    batch = _imported(acme)
    client = login(acme.admin)
    response = _upload(client, name="copy.csv")
    assert response["Location"] == url("network_import_detail", batch.uuid)
    assert NetworkImport.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "imported before" in page


def test_slack_upload_with_an_explicit_source(acme, login):
    client = login(acme.admin)
    response = client.post(
        url("network_imports"),
        {"file": SimpleUploadedFile("export.zip", slack_zip()), "source": "slack"},
    )
    assert response.status_code == 302
    assert NetworkImport.objects.get().source == "slack"


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_cannot_see_or_upload(acme, login, role):
    batch = _imported(acme)
    identity = Identity.objects.get(value="stranger@else.test")
    client = login(acme.user(role))
    for path in (
        url("network_imports"),
        url("network_import_detail", batch.uuid),
        url("network_identities"),
        url("network_settings"),
    ):
        assert client.get(path).status_code == 403, path
    assert _upload(client).status_code == 403
    assert client.post(url("network_import_cancel", batch.uuid)).status_code == 403
    response = client.post(url("network_identity_update", identity.uuid), {"action": "ignore"})
    assert response.status_code == 403
    identity.refresh_from_db()
    assert identity.ignored is False


def test_other_workspaces_imports_are_not_found(acme, globex, login):
    batch = _imported(acme)
    identity = Identity.objects.get(value="stranger@else.test")
    client = login(globex.admin)
    assert client.get(url("network_import_detail", batch.uuid, ws="globex")).status_code == 404
    assert client.get(url("network_import_detail", batch.uuid)).status_code == 404
    response = client.post(
        url("network_identity_update", identity.uuid, ws="globex"), {"action": "ignore"}
    )
    assert response.status_code == 404
    assert (
        "stranger@else.test"
        not in client.get(url("network_identities", ws="globex")).content.decode()
    )


def test_identities_page_maps_ignores_and_lists_unmatched_first(acme, login):
    _imported(acme)
    client = login(acme.admin)
    page = client.get(url("network_identities")).content.decode()
    assert "stranger@else.test" in page
    assert '<th scope="row">alice@acme.test' not in page  # matched: not in this view
    assert 'list="network-people"' in page
    assert 'value="alice@acme.test"' in page
    stranger = Identity.objects.get(value="stranger@else.test")
    response = client.post(
        url("network_identity_update", stranger.uuid),
        {"action": "map", "person": "BOB@acme.test", "return_query": "show=all"},
    )
    assert response["Location"] == url("network_identities") + "?show=all"
    stranger.refresh_from_db()
    assert stranger.person == acme.bob
    client.post(url("network_identity_update", stranger.uuid), {"action": "ignore"})
    stranger.refresh_from_db()
    assert (stranger.person, stranger.ignored) == (None, True)
    response = client.post(
        url("network_identity_update", stranger.uuid), {"action": "map", "person": "nobody@x"}
    )
    follow = client.get(response["Location"]).content.decode()
    assert "no person with the e-mail nobody@x" in follow
    everything = client.get(url("network_identities") + "?show=all").content.decode()
    # Ignored ones come after the mapped ones.
    assert everything.index('<th scope="row">alice@acme.test') < everything.index(
        '<th scope="row">stranger@else.test'
    )


def test_identities_page_escapes_hostile_values(acme, login):
    hostile = "<script>alert(1)</script>@x.test"
    _imported(acme, f"timestamp,sender,recipients\n2025-03-03,alice@acme.test,{hostile}\n")
    page = login(acme.admin).get(url("network_identities")).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page


def test_settings_page_saves_and_explains_errors(acme, login):
    client = login(acme.admin)
    assert client.get(url("network_settings")).status_code == 200
    fields = {
        "retention_days": 10,
        "window_days": 28,
        "min_weight": 2,
        "workday_start": 9,
        "workday_end": 8,
    }
    response = client.post(url("network_settings"), fields)
    assert response.status_code == 422
    body = response.content.decode()
    assert "at least 30 days" in body
    assert "must end after it starts" in body
    response = client.post(
        url("network_settings"), {**fields, "retention_days": 90, "workday_end": 18}
    )
    assert response.status_code == 302
    assert NetworkSettings.objects.get(workspace=acme.workspace).retention_days == 90


def _queries_for(client, path, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_pages_run_a_constant_number_of_queries(acme, login, django_assert_max_num_queries, count):
    for number in range(count):
        _imported(
            acme,
            f"timestamp,sender,recipients\n2025-03-03,alice@acme.test,x{number}@else.test\n",
            name=f"e{number}.csv",
        )
    client = login(acme.admin)
    batch = NetworkImport.objects.first()
    _queries_for(client, url("network_imports"), django_assert_max_num_queries, 12)
    _queries_for(client, url("network_identities"), django_assert_max_num_queries, 12)
    _queries_for(
        client, url("network_import_detail", batch.uuid), django_assert_max_num_queries, 12
    )
    assert Interaction.objects.count() == count

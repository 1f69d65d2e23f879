"""The import wizard: upload, preview, apply — with nothing written unless confirmed."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from accord.org import actions
from accord.org.importing import FIELDS
from accord.org.models import Function, ImportBatch, Person, PersonSkill
from accord.org.tests.helpers import count_queries, people_add
from accord.workspaces.models import AuditEntry, Membership, Role

pytestmark = pytest.mark.django_db

HEADER = "name,email,title,seniority,function,manager_email,location,timezone,skills\n"
GOOD = (
    HEADER
    + "Rita Rep,rita@acme.test,Account Executive,ic,Sales,dana@acme.test,Lisbon,Europe/Lisbon,"
    "Negotiation:3\n"
    + "Dana Boss,dana@acme.test,Sales Director,Director,Sales,alice@acme.test,Berlin,,"
    "Negotiation:5; Forecasting:4\n"
    + "Bob Baker,BOB@acme.test,Senior Analyst,ic,Finance,alice@acme.test,,,\n"
)


def url(name, *args, ws="acme"):
    return reverse(name, args=[ws, *args])


def upload(client, content, filename="people.csv", ws="acme", **extra):
    file = SimpleUploadedFile(filename, content if isinstance(content, bytes) else content.encode())
    return client.post(url("person_import", ws=ws), {"file": file, **extra})


def batch_of(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    uuid = response["Location"].rstrip("/").split("/")[-1]
    return ImportBatch.objects.get(uuid=uuid)


def preview(client, batch, **params):
    return client.get(url("person_import_preview", batch.uuid), params)


def apply(client, batch, mode="all", digest=None):
    if digest is None:
        digest = preview(client, batch).context["plan"].digest
    return client.post(url("person_import_apply", batch.uuid), {"mode": mode, "digest": digest})


def import_file(client, content, filename="people.csv", mode="all", **extra):
    batch = batch_of(upload(client, content, filename, **extra))
    response = apply(client, batch, mode=mode)
    batch.refresh_from_db()
    return batch, response


# --- the happy path -------------------------------------------------------------------------


def test_upload_preview_apply_creates_and_updates(acme, login):
    """The wizard shows what will happen, then writes exactly that."""
    client = login(acme.admin)
    batch = batch_of(upload(client, GOOD))
    page = preview(client, batch)
    body = page.content.decode()
    assert page.status_code == 200
    assert page.context["counts"] == {"create": 2, "update": 1, "unchanged": 0, "reject": 0}
    assert "Analyst" in body
    assert "Senior Analyst" in body
    assert "Import 3 changes" in body
    assert Person.objects.filter(workspace=acme.workspace).count() == 2  # nothing written yet

    response = apply(client, batch)
    assert response.status_code == 302
    assert response["Location"] == url("person_import_status", batch.uuid)
    rita = Person.objects.get(workspace=acme.workspace, email="rita@acme.test")
    dana = Person.objects.get(workspace=acme.workspace, email="dana@acme.test")
    bob = Person.objects.get(pk=acme.bob.pk)
    assert rita.manager == dana
    assert dana.manager == acme.alice
    assert rita.function == acme.sales
    assert rita.timezone == "Europe/Lisbon"
    assert bob.title == "Senior Analyst"
    assert bob.version == 2
    assert {ps.skill.name: ps.proficiency for ps in dana.person_skills.all()} == {
        "Negotiation": 5,
        "Forecasting": 4,
    }
    batch.refresh_from_db()
    assert batch.status == "applied"
    assert batch.rows == []
    assert batch.result == {
        "created": 2,
        "updated": 1,
        "unchanged": 0,
        "rejected": 0,
        "functions_created": 0,
    }
    result = client.get(url("person_import_status", batch.uuid)).content.decode()
    assert "Import complete" in result
    assert "2 added, 1 updated" in result


def test_apply_is_audited_with_the_importer_as_actor(acme, login):
    client = login(acme.admin)
    import_file(client, GOOD)
    dana = Person.objects.get(email="dana@acme.test")
    created = AuditEntry.objects.get(object_uuid=dana.uuid)
    assert created.action == "create"
    assert created.actor == acme.admin
    assert created.changes["manager"] == [None, "Alice Archer"]
    assert created.changes["skills"] == [None, "Forecasting (4), Negotiation (5)"]
    updated = AuditEntry.objects.get(object_uuid=acme.bob.uuid)
    assert updated.action == "update"
    assert updated.changes == {"title": ["Analyst", "Senior Analyst"]}
    assert client.get(url("person_detail", acme.bob.uuid)).status_code == 200


def test_imported_person_is_linked_to_a_member_with_the_same_email(acme, login):
    content = HEADER.split(",location")[0] + "\nMia Member,MEMBER@acme.test,,,,\n"
    import_file(login(acme.admin), content)
    assert Person.objects.get(email="member@acme.test").user == acme.member


def test_importing_the_same_file_twice_changes_nothing(acme, login):
    """Idempotent: the second preview shows every row unchanged and applying writes nothing."""
    client = login(acme.admin)
    import_file(client, GOOD)
    versions = dict(Person.objects.values_list("pk", "version"))
    audit_count = AuditEntry.objects.count()
    skills = list(PersonSkill.objects.values_list("pk", flat=True))

    batch = batch_of(upload(client, GOOD))
    page = preview(client, batch)
    assert page.context["counts"] == {"create": 0, "update": 0, "unchanged": 3, "reject": 0}
    assert "Every row already matches the directory." in page.content.decode()
    apply(client, batch)
    assert dict(Person.objects.values_list("pk", "version")) == versions
    assert AuditEntry.objects.count() == audit_count
    assert list(PersonSkill.objects.values_list("pk", flat=True)) == skills


def test_manager_cycle_in_the_file_is_rejected_and_nothing_is_written(acme, login):
    content = (
        "name,email,manager_email\n"
        "A,a@acme.test,b@acme.test\nB,b@acme.test,a@acme.test\nC,c@acme.test,\n"
    )
    client = login(acme.admin)
    batch = batch_of(upload(client, content))
    body = preview(client, batch).content.decode()
    assert "The manager links make a loop (a@acme.test → b@acme.test → a@acme.test)" in body
    response = apply(client, batch)
    assert response.status_code == 302
    assert not Person.objects.filter(email__in=["a@acme.test", "c@acme.test"]).exists()


# --- rejected rows --------------------------------------------------------------------------


BAD = (
    "name,email,function,manager_email\n"
    "Good One,good@acme.test,Sales,\n"
    "No Function,nofn@acme.test,Legal,\n"
    "Ghost Report,ghostly@acme.test,,ghost@acme.test\n"
    "Dup One,dup@acme.test,,\n"
    "Dup Two,DUP@acme.test,,\n"
)


def test_preview_lists_every_rejected_row_with_its_number_and_reasons(acme, login):
    client = login(acme.admin)
    batch = batch_of(upload(client, BAD))
    page = preview(client, batch)
    body = page.content.decode()
    assert page.context["counts"]["reject"] == 4
    assert page.context["show"] == "reject"  # rejected rows come first
    assert "There is no function called “Legal”" in body
    assert "The manager ghost@acme.test is not in this workspace or in this file" in body
    assert "dup@acme.test also appears on row 6" in body
    assert "dup@acme.test also appears on row 5" in body
    assert "4 rows cannot be imported" in body
    assert "Import the 1 valid row" in body


def test_preview_tabs_filter_rows_by_outcome(acme, login):
    client = login(acme.admin)
    batch = batch_of(upload(client, BAD))
    assert len(preview(client, batch, show="all").context["rows"]) == 5
    assert [r.row for r in preview(client, batch, show="create").context["rows"]] == [2]
    assert preview(client, batch, show="unchanged").context["rows"] == []


def test_file_with_rejected_rows_writes_nothing_unless_valid_rows_are_chosen(acme, login):
    """Any rejected row blocks the whole file, unless the user picks "import the N valid rows"."""
    client = login(acme.admin)
    batch = batch_of(upload(client, BAD))
    response = apply(client, batch, mode="all")
    assert response.status_code == 302
    assert response["Location"] == url("person_import_preview", batch.uuid)
    assert not Person.objects.filter(email="good@acme.test").exists()
    batch.refresh_from_db()
    assert batch.status == "preview"
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert "4 rows cannot be imported, so nothing was written." in messages[0]

    apply(client, batch, mode="valid_only")
    assert Person.objects.filter(email="good@acme.test").exists()
    assert not Person.objects.filter(email__in=["nofn@acme.test", "dup@acme.test"]).exists()
    batch.refresh_from_db()
    assert batch.result["created"] == 1
    assert batch.result["rejected"] == 4


def test_create_missing_functions_when_asked(acme, login):
    client = login(acme.admin)
    batch = batch_of(upload(client, "name,email,function\nLee,lee@acme.test,Legal\n"))
    page = preview(client, batch)
    assert page.context["plan"].missing_functions == ["Legal"]
    client.post(url("person_import_preview", batch.uuid), {"create_missing_functions": "1"})
    page = preview(client, batch)
    assert page.context["counts"]["create"] == 1
    assert "The import will create 1 function" in page.content.decode()
    apply(client, batch)
    legal = Function.objects.get(workspace=acme.workspace, name="Legal")
    assert Person.objects.get(email="lee@acme.test").function == legal
    assert AuditEntry.objects.filter(object_uuid=legal.uuid, action="create").exists()


def test_create_missing_functions_option_on_upload(acme, login):
    batch, _ = import_file(
        login(acme.admin),
        "name,email,function\nLee,lee@acme.test,Legal\n",
        create_missing_functions="on",
    )
    assert batch.result["functions_created"] == 1


def test_apply_refuses_when_the_directory_changed_since_the_preview(acme, login):
    """The user confirmed one preview; if it no longer holds, nothing is written."""
    client = login(acme.admin)
    batch = batch_of(upload(client, GOOD))
    digest = preview(client, batch).context["plan"].digest
    actions.person_update(person=acme.bob, actor=acme.owner, title="Senior Analyst")
    response = apply(client, batch, digest=digest)
    assert response["Location"] == url("person_import_preview", batch.uuid)
    assert not Person.objects.filter(email="rita@acme.test").exists()
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert "The directory changed since this preview was made" in messages[0]


def test_an_applied_batch_cannot_be_applied_again(acme, login):
    client = login(acme.admin)
    batch, _ = import_file(client, GOOD)
    response = client.post(url("person_import_apply", batch.uuid), {"mode": "all", "digest": "x"})
    assert response["Location"] == url("person_import_status", batch.uuid)
    assert preview(client, batch).status_code == 302


# --- bad files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("people.pdf", b"%PDF-1.4", "is not a CSV or .xlsx file"),
        ("people.csv", b"", "The submitted file is empty."),
        ("people.csv", b"\n\n", "The file is empty"),
        ("people.csv", b'name,email\n"Ada,ada@x.test\n', "The CSV file is malformed at row 2"),
        ("people.csv", "name,email\nÉmile,e@x.test\n".encode("latin-1"), "not UTF-8"),
        ("people.xlsx", b"PK\x03\x04garbage", "The .xlsx file could not be read"),
        ("people.csv", b"name,title\nAda,CEO\n", "The file has no email column"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_kept(
    acme, login, filename, content, message
):
    response = upload(login(acme.admin), content, filename)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


@override_settings(ACCORD_IMPORT_MAX_BYTES=2048)
def test_file_over_the_size_limit_is_refused(acme, login):
    content = HEADER + "".join(f"P{i},p{i}@acme.test,,,,,,,\n" for i in range(200))
    response = upload(login(acme.admin), content)
    assert response.status_code == 422
    assert "the limit is 0.002 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


@override_settings(ACCORD_IMPORT_MAX_ROWS=3)
def test_file_over_the_row_limit_is_refused(acme, login):
    content = "name,email\n" + "".join(f"P{i},p{i}@acme.test\n" for i in range(4))
    response = upload(login(acme.admin), content)
    assert response.status_code == 422
    assert "more than 3 people; the limit is 3 rows" in response.content.decode()


def test_upload_page_explains_columns_and_has_progress_box(acme, login):
    body = login(acme.admin).get(url("person_import")).content.decode()
    assert "data-upload-progress" in body
    assert "<div data-upload-status hidden" in body
    assert "Up to 5 MB" in body
    for column in FIELDS:
        assert f"<code>{column}</code>" in body
    template = login(acme.admin).get(url("person_import_template"))
    assert template.content.decode("utf-8-sig").startswith("name,email,title")


# --- spreadsheets ---------------------------------------------------------------------------


def test_xlsx_export_then_import_is_unchanged(acme, login):
    """Round trip: what the export writes, the importer reads back as unchanged."""
    client = login(acme.admin)
    import_file(client, GOOD)
    actions.person_update(person=acme.alice, actor=acme.admin, title="=HYPERLINK(evil)")
    exported = client.get(url("person_export", "xlsx")).content
    batch = batch_of(upload(client, exported, "people.xlsx"))
    assert batch.file_format == "xlsx"
    counts = preview(client, batch).context["counts"]
    assert counts == {"create": 0, "update": 0, "unchanged": 4, "reject": 0}


def test_xlsx_import_creates_people(acme, login):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "E-mail", "Level", "Department"])
    sheet.append(["Xia", "xia@acme.test", 3, "finance"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    import_file(login(acme.admin), buffer.getvalue(), "team.xlsx")
    xia = Person.objects.get(email="xia@acme.test")
    assert xia.seniority == 3
    assert xia.function == acme.finance


# --- queries --------------------------------------------------------------------------------


def test_preview_query_count_does_not_grow_with_rows(acme, login):
    """Checking 60 rows against 60 people costs the same queries as 5 against 5."""
    client = login(acme.admin)

    def measured(count, prefix):
        people_add(acme.workspace, count, function=acme.sales, prefix=prefix)
        content = HEADER + "".join(
            f"{prefix} {i},{prefix}{i:03d}@acme.test,New title,manager,Sales,alice@acme.test,,,"
            "Python:5\n"
            for i in range(count * 2)
        )
        batch = batch_of(upload(client, content))
        queries, response = count_queries(client, url("person_import_preview", batch.uuid))
        assert response.context["counts"]["update"] == count
        return queries

    assert measured(5, "small") == measured(60, "large")


def test_apply_query_count_does_not_grow_with_rows(acme, login):
    """The apply is bulk statements: 5 rows and 60 rows take the same number of queries."""
    client = login(acme.admin)

    def measured(count, prefix):
        people_add(acme.workspace, count, prefix=prefix)
        content = HEADER + "".join(
            f"{prefix} {i},{prefix}{i:03d}@acme.test,Lead,manager,Finance,alice@acme.test,,,"
            f"Python:5; {prefix}skill:2\n"
            for i in range(count * 2)
        )
        batch = batch_of(upload(client, content))
        digest = preview(client, batch).context["plan"].digest
        with CaptureQueriesContext(connection) as queries:
            client.post(url("person_import_apply", batch.uuid), {"mode": "all", "digest": digest})
        batch.refresh_from_db()
        assert batch.result["created"] == count
        assert batch.result["updated"] == count
        return len(queries)

    assert measured(5, "small") == measured(60, "large")


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_readers_cannot_import(acme, login, role):
    client = login(acme.user(role))
    assert client.get(url("person_import")).status_code == 403
    assert upload(client, GOOD).status_code == 403
    batch = batch_of(upload(login(acme.admin), GOOD))
    client = login(acme.user(role))
    assert client.get(url("person_import_preview", batch.uuid)).status_code == 403
    response = client.post(url("person_import_apply", batch.uuid), {"mode": "all", "digest": "x"})
    assert response.status_code == 403
    assert url("person_import") not in client.get(url("person_list")).content.decode()


def test_a_batch_belongs_to_its_uploader(acme, login):
    """Another admin of the same workspace cannot see or apply someone else's upload."""
    batch = batch_of(upload(login(acme.admin), GOOD))
    client = login(acme.owner)
    assert client.get(url("person_import_preview", batch.uuid)).status_code == 404
    response = client.post(url("person_import_apply", batch.uuid), {"mode": "all", "digest": "x"})
    assert response.status_code == 404
    assert client.get(url("person_import_status", batch.uuid)).status_code == 404


def test_other_workspace_gets_404(acme, globex, login):
    batch = batch_of(upload(login(acme.admin), GOOD))
    client = login(globex.admin)
    assert client.get(url("person_import")).status_code == 404
    assert client.get(url("person_import_template")).status_code == 404
    for name in ("person_import_preview", "person_import_status"):
        assert client.get(url(name, batch.uuid)).status_code == 404
        assert client.get(url(name, batch.uuid, ws="globex")).status_code == 404
    response = client.post(
        url("person_import_apply", batch.uuid, ws="globex"), {"mode": "all", "digest": "x"}
    )
    assert response.status_code == 404
    assert not Person.objects.filter(email="rita@acme.test").exists()


def test_expired_batch_is_gone(acme, login):
    client = login(acme.admin)
    batch = batch_of(upload(client, GOOD))
    ImportBatch.objects.filter(pk=batch.pk).update(expires_at=timezone.now() - timedelta(1))
    assert preview(client, batch).status_code == 404
    batch_of(upload(client, GOOD))  # a new upload clears expired ones
    assert not ImportBatch.objects.filter(pk=batch.pk).exists()


# --- large files run in the worker ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@override_settings(ACCORD_IMPORT_ASYNC_ROWS=2)
def test_large_import_runs_in_the_worker_with_a_progress_page(acme, login):
    """Above the threshold the apply is queued; the real worker runs it; the page polls."""
    from django_tasks_db.models import DBTaskResult

    client = login(acme.admin)
    batch = batch_of(upload(client, GOOD))
    assert "runs in the background" in preview(client, batch).content.decode()
    response = apply(client, batch)
    assert response["Location"] == url("person_import_status", batch.uuid)
    batch.refresh_from_db()
    assert batch.status == "queued"
    assert DBTaskResult.objects.count() == 1
    assert not Person.objects.filter(email="rita@acme.test").exists()

    polling = client.get(url("person_import_status", batch.uuid), HTTP_HX_REQUEST="true")
    body = polling.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert "Waiting for a worker" in body
    assert "<html" not in body

    call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False)

    batch.refresh_from_db()
    assert batch.status == "applied"
    assert Person.objects.get(email="rita@acme.test").manager.email == "dana@acme.test"
    done = client.get(url("person_import_status", batch.uuid), HTTP_HX_REQUEST="true")
    assert "Import complete" in done.content.decode()
    assert "hx-trigger" not in done.content.decode()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
@override_settings(ACCORD_IMPORT_ASYNC_ROWS=2)
def test_queued_import_fails_cleanly_when_the_directory_changed(acme, login):
    client = login(acme.admin)
    batch = batch_of(upload(client, GOOD))
    apply(client, batch)
    Membership.objects.filter(workspace=acme.workspace, user=acme.owner).update(role=Role.OWNER)
    actions.person_update(person=acme.bob, actor=acme.owner, title="Changed meanwhile")
    call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False)
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert "The directory changed" in batch.error
    assert not Person.objects.filter(email="rita@acme.test").exists()
    page = client.get(url("person_import_status", batch.uuid)).content.decode()
    assert "Review the file again" in page
    assert preview(client, batch).status_code == 200

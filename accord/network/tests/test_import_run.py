"""Importing stores metadata once, counts it only when done, and keeps nothing of a
cancelled, failed or refused import."""

import datetime
import sqlite3

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accord.network import import_actions as actions
from accord.network import import_selectors as selectors
from accord.network.models import Identity, Interaction, NetworkImport, NetworkSettings
from accord.network.tasks import network_interactions_prune_daily
from accord.network.tests.fixtures.exports import (
    FIXTURES,
    MARKER_BODY,
    MARKER_SUBJECT,
    eml_zip,
    slack_zip,
)
from accord.org.models import Person

CSV_HEADER = "timestamp,sender,recipients,channel\n"


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def _import(tenant, name, content, *, source=None, chunk_rows=50_000, on_progress=None):
    batch, created = actions.network_import_create(
        membership=tenant.membership("admin"),
        upload=_upload(name, content),
        source=source,
        background=False,
    )
    if created:
        actions.network_import_run(batch=batch, chunk_rows=chunk_rows, on_progress=on_progress)
        batch.refresh_from_db()
    return batch, created


def _csv(*rows: str) -> str:
    return CSV_HEADER + "".join(f"{row}\n" for row in rows)


def test_csv_import_stores_interactions_and_maps_people_by_email(acme):
    batch, created = _import(acme, "events.csv", (FIXTURES / "events.csv").read_bytes())
    assert created is True
    assert batch.status == "done"
    assert (batch.rows_read, batch.events_added, batch.pairs_added, batch.duplicates) == (
        4,
        3,
        5,
        0,
    )
    assert batch.progress == 1.0
    assert batch.stored_path == ""
    alice = Identity.objects.get(workspace=acme.workspace, value="alice@acme.test")
    assert alice.person == acme.alice
    assert alice.events == 4  # sender of 2, recipient of 2
    carol = Identity.objects.get(workspace=acme.workspace, value="carol@acme.test")
    assert carol.person is None
    assert batch.unmatched == 1
    assert selectors.network_import_counted(batch=batch) == 2  # alice ↔ bob
    assert list(selectors.network_import_unmatched(batch=batch)) == [carol]
    assert not list((acme.workspace and (actions.network_upload_dir(acme.workspace))).iterdir())


def test_same_file_again_is_a_no_op(acme):
    content = (FIXTURES / "events.csv").read_bytes()
    first, _ = _import(acme, "events.csv", content)
    again, created = _import(acme, "renamed.csv", content)
    assert created is False
    assert again.pk == first.pk
    assert NetworkImport.objects.count() == 1
    assert Interaction.objects.count() == 5


def test_overlapping_file_counts_duplicates_and_adds_only_new_events(acme):
    _import(acme, "a.csv", _csv("2025-03-03T09:00Z,alice@acme.test,bob@acme.test,email"))
    second, created = _import(
        acme,
        "b.csv",
        _csv(
            "2025-03-03T09:00:00+00:00,ALICE@acme.test,bob@acme.test,email",
            "2025-03-04T09:00Z,bob@acme.test,alice@acme.test,email",
        ),
    )
    assert created is True
    assert (second.rows_read, second.pairs_added, second.duplicates) == (2, 1, 1)
    assert Interaction.objects.count() == 2


def test_duplicate_rows_within_one_file_count_once(acme):
    row = "2025-03-03T09:00Z,alice@acme.test,bob@acme.test,email"
    batch, _ = _import(acme, "a.csv", _csv(row, row, row), chunk_rows=1)
    assert (batch.pairs_added, batch.duplicates) == (1, 2)


def test_interactions_of_unfinished_imports_do_not_count(acme):
    batch, _ = _import(acme, "a.csv", _csv("2025-03-03T09:00Z,alice@acme.test,bob@acme.test,email"))
    assert selectors.network_interactions_frame(workspace=acme.workspace).height == 1
    NetworkImport.objects.filter(pk=batch.pk).update(status="running")
    assert selectors.network_interactions_frame(workspace=acme.workspace).height == 0


def test_interactions_frame_has_people_ids_and_utc_times(acme, globex):
    _import(
        acme,
        "a.csv",
        _csv(
            "2025-03-03T09:00:00.5+01:00,alice@acme.test,bob@acme.test,email",
            "2025-03-05T09:00Z,alice@acme.test,stranger@else.test,email",
        ),
    )
    _import(globex, "a.csv", _csv("2025-03-03T09:00Z,alice@globex.test,bob@globex.test,chat"))
    frame = selectors.network_interactions_frame(workspace=acme.workspace)
    assert frame.rows() == [
        (
            datetime.datetime(2025, 3, 3, 8, 0, 0, 500000, tzinfo=datetime.UTC),
            acme.alice.pk,
            acme.bob.pk,
            "email",
        )
    ]
    window = selectors.network_interactions_frame(
        workspace=acme.workspace,
        start=datetime.datetime(2025, 3, 4, tzinfo=datetime.UTC),
    )
    assert window.height == 0


def test_mapping_an_identity_later_makes_its_interactions_count(acme):
    batch, _ = _import(acme, "a.csv", _csv("2025-03-03T09:00Z,alice@acme.test,al@home.test,email"))
    assert selectors.network_import_counted(batch=batch) == 0
    home = Identity.objects.get(value="al@home.test")
    actions.identity_map(identity=home, person=acme.bob, actor=acme.admin)
    assert selectors.network_import_counted(batch=batch) == 1
    actions.identity_ignore(identity=home, actor=acme.admin)
    home.refresh_from_db()
    assert (home.person, home.ignored) == (None, True)
    assert selectors.network_import_counted(batch=batch) == 0
    actions.identity_unignore(identity=home, actor=acme.admin)
    assert home.ignored is False


def test_mapping_to_another_workspaces_person_is_refused(acme, globex):
    _import(acme, "a.csv", _csv("2025-03-03T09:00Z,alice@acme.test,al@home.test,email"))
    home = Identity.objects.get(value="al@home.test")
    with pytest.raises(ValidationError, match="person of this workspace"):
        actions.identity_map(identity=home, person=globex.alice, actor=acme.admin)


def test_identity_changes_are_audited(acme):
    from accord.workspaces.models import AuditEntry

    _import(acme, "a.csv", _csv("2025-03-03T09:00Z,alice@acme.test,al@home.test,email"))
    home = Identity.objects.get(value="al@home.test")
    actions.identity_map(identity=home, person=acme.bob, actor=acme.admin)
    entry = AuditEntry.objects.filter(object_type="network.identity").get()
    assert entry.changes["person"][1] == str(acme.bob)


def test_a_file_of_unknown_people_finishes_with_nothing_counted(acme):
    batch, _ = _import(
        acme, "a.csv", _csv("2025-03-03T09:00Z,x@else.test,y@else.test;z@else.test,email")
    )
    assert batch.status == "done"
    assert batch.unmatched == 3
    assert selectors.network_import_counted(batch=batch) == 0
    assert sorted(i.value for i in selectors.network_import_unmatched(batch=batch)) == [
        "x@else.test",
        "y@else.test",
        "z@else.test",
    ]


def test_new_person_is_matched_on_the_next_import(acme):
    _import(acme, "a.csv", _csv("2025-03-03T09:00Z,alice@acme.test,carol@acme.test,email"))
    carol = Person.objects.create(workspace=acme.workspace, name="Carol", email="Carol@acme.test")
    _import(acme, "b.csv", _csv("2025-03-04T09:00Z,alice@acme.test,dan@acme.test,email"))
    assert Identity.objects.get(value="carol@acme.test").person == carol


def test_slack_users_map_by_profile_email(acme):
    batch, _ = _import(acme, "export.zip", slack_zip())
    assert batch.source == "slack"
    assert batch.status == "done"
    bob = Identity.objects.get(kind="slack", value="UBOB")
    assert (bob.person, bob.display, bob.email) == (acme.bob, "bob", "bob@acme.test")
    assert Identity.objects.get(value="UCAROL").person is None
    assert selectors.network_import_counted(batch=batch) == 2  # alice ↔ bob, both ways


def test_email_and_calendar_imports(acme):
    mbox, _ = _import(acme, "mail.mbox", (FIXTURES / "mailbox.mbox").read_bytes())
    assert (mbox.source, mbox.status, mbox.pairs_added) == ("mbox", "done", 4)
    emls, _ = _import(acme, "mail.zip", eml_zip())
    # <m1@acme.test> alice → bob and → carol came in the mbox already.
    assert (emls.source, emls.status, emls.pairs_added, emls.duplicates) == ("eml", "done", 1, 2)
    ics, _ = _import(acme, "cal.ics", (FIXTURES / "calendar.ics").read_bytes())
    assert (ics.source, ics.pairs_added) == ("ics", 2)
    assert set(Interaction.objects.values_list("channel", flat=True)) == {"email", "meeting"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "The file is empty"),
        ("export.zip", slack_zip()[:300], "zip file is damaged"),
        (
            "events.csv",
            b"when,who\n2025-01-01,a@x\n",
            "missing the columns timestamp, sender, recipients",
        ),
        ("notes.bin", b"\x00\x01\x02", "cannot be recognised"),
    ],
)
def test_bad_files_are_refused_at_upload_and_nothing_is_stored(acme, name, content, message):
    with pytest.raises(ValidationError, match=message):
        _import(acme, name, content)
    assert not NetworkImport.objects.exists()
    folder = actions.network_upload_dir(acme.workspace)
    assert not folder.exists() or not list(folder.iterdir())


def test_file_over_the_limit_is_refused(acme, settings):
    settings.ACCORD_NETWORK_IMPORT_MAX_BYTES = 40
    with pytest.raises(ValidationError, match=r"limit of|the limit is"):
        _import(acme, "a.csv", _csv("2025-03-03T09:00Z,alice@acme.test,bob@acme.test,email"))
    assert not NetworkImport.objects.exists()


def test_unparseable_date_fails_the_import_and_keeps_nothing(acme):
    rows = [f"2025-03-0{d}T09:00Z,alice@acme.test,new{d}@acme.test,email" for d in range(1, 5)]
    content = _csv(*rows, "31/02/2025,alice@acme.test,bob@acme.test,email")
    batch, _ = _import(acme, "a.csv", content, chunk_rows=2)
    assert batch.status == "failed"
    assert "Row 5 (not counting the header), column timestamp" in batch.error
    assert not Interaction.objects.exists()
    assert not Identity.objects.exists()
    assert batch.stored_path == ""
    # A failed import may be tried again with the same content.
    again, created = _import(acme, "a.csv", content)
    assert created is True
    assert again.pk != batch.pk


def test_cancel_between_chunks_leaves_nothing(acme):
    rows = [f"2025-03-{d:02d}T09:00Z,alice@acme.test,p{d}@acme.test,email" for d in range(1, 11)]
    seen: list[float] = []

    def cancel_after_first_chunk(batch: NetworkImport) -> None:
        seen.append(batch.progress)
        if len(seen) == 1:
            actions.network_import_cancel(batch=batch, actor=acme.admin)

    batch, _ = _import(
        acme, "a.csv", _csv(*rows), chunk_rows=3, on_progress=cancel_after_first_chunk
    )
    assert batch.status == "cancelled"
    assert seen[0] == pytest.approx(0.3)
    assert not Interaction.objects.exists()
    assert not Identity.objects.exists()
    assert batch.pairs_added == 0


def test_progress_moves_chunk_by_chunk(acme):
    rows = [f"2025-03-{d:02d}T09:00Z,alice@acme.test,bob@acme.test,email" for d in range(1, 11)]
    stored: list[tuple[float, int]] = []

    def record(batch: NetworkImport) -> None:
        saved = NetworkImport.objects.get(pk=batch.pk)
        stored.append((saved.progress, saved.rows_read))

    _import(acme, "a.csv", _csv(*rows), chunk_rows=4, on_progress=record)
    assert stored[:3] == [(0.4, 4), (0.8, 8), (1.0, 10)]


def test_cancelling_a_queued_import_stops_it_before_it_runs(acme):
    batch, _ = actions.network_import_create(
        membership=acme.membership("admin"),
        upload=_upload("a.csv", _csv("2025-03-03T09:00Z,alice@acme.test,bob@acme.test,email")),
        background=False,
    )
    actions.network_import_cancel(batch=batch, actor=acme.admin)
    assert batch.status == "cancelled"
    assert actions.network_import_run(batch=batch).status == "cancelled"
    assert not Interaction.objects.exists()
    with pytest.raises(ValidationError, match="can no longer be cancelled"):
        actions.network_import_cancel(batch=batch, actor=acme.admin)


def test_members_cannot_import(acme):
    with pytest.raises(PermissionDenied):
        actions.network_import_create(
            membership=acme.membership("member"), upload=_upload("a.csv", "x"), background=False
        )


def test_retention_prunes_old_interactions(acme, globex):
    _import(
        acme,
        "a.csv",
        _csv(
            "2024-01-01T09:00Z,alice@acme.test,bob@acme.test,email",
            "2025-03-03T09:00Z,alice@acme.test,bob@acme.test,email",
        ),
    )
    _import(globex, "a.csv", _csv("2024-01-01T09:00Z,alice@globex.test,bob@globex.test,email"))
    NetworkSettings.objects.create(workspace=globex.workspace, retention_days=0)
    today = datetime.date(2025, 3, 10)
    assert actions.interactions_prune(workspace=acme.workspace, today=today) == 1
    assert Interaction.objects.filter(workspace=acme.workspace).count() == 1
    result = network_interactions_prune_daily.call(today="2026-06-01")
    assert result == {"workspaces": 2, "deleted": 1}
    assert Interaction.objects.filter(workspace=globex.workspace).count() == 1


def test_settings_are_validated_and_audited(acme):
    with pytest.raises(ValidationError) as error:
        actions.network_settings_update(
            workspace=acme.workspace,
            actor=acme.admin,
            retention_days=7,
            workday_start=18,
            workday_end=9,
        )
    assert set(error.value.message_dict) == {"retention_days", "workday_end"}
    saved = actions.network_settings_update(
        workspace=acme.workspace, actor=acme.admin, retention_days=90, min_weight=2
    )
    assert (saved.retention_days, saved.min_weight) == (90, 2)
    assert selectors.network_settings_get(workspace=acme.workspace).pk == saved.pk


@pytest.mark.django_db(transaction=True)
def test_message_bodies_and_subjects_never_reach_the_database(acme, tmp_path):
    """Import mail, calendar and Slack exports whose bodies, subjects and file names carry
    markers; then copy the whole SQLite database to a file and search its bytes."""
    _import(acme, "mail.mbox", (FIXTURES / "mailbox.mbox").read_bytes())
    _import(acme, "mail.zip", eml_zip())
    _import(acme, "cal.ics", (FIXTURES / "calendar.ics").read_bytes())
    _import(acme, "slack.zip", slack_zip())
    assert Interaction.objects.count() > 0
    markers = [MARKER_BODY, MARKER_SUBJECT, "SECRET-FILE-MARKER", "the numbers are bad"]
    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        data = copy.read_bytes()
        for marker in markers:
            assert marker.encode() not in data
        with sqlite3.connect(copy) as db:
            tables = [
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            for table in tables:
                for row in db.execute(f'SELECT * FROM "{table}"'):
                    assert not any(marker in repr(row) for marker in markers), table
    else:
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                for row in cursor.fetchall():
                    assert not any(marker in repr(row) for marker in markers), table
    # The uploads themselves are gone from the data directory.
    leftovers = list(tmp_path.rglob("*.upload"))
    assert leftovers == []

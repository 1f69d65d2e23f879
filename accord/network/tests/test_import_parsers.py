"""The importers read real-format exports into sender → recipient metadata frames."""

import datetime
import zipfile
from pathlib import Path

import pytest

from accord.network.importing import ImportProblem, reader_open, source_detect
from accord.network.tests.fixtures.exports import FIXTURES, eml, eml_zip, slack_zip

UTC = datetime.UTC


def _pairs(path: Path, source: str, chunk_rows: int = 50_000) -> list[tuple[object, ...]]:
    reader = reader_open(path, source, chunk_rows=chunk_rows)
    rows: list[tuple[object, ...]] = []
    for chunk in reader.chunks():
        rows.extend(chunk.pairs.select("occurred_at", "sender", "recipient", "channel").rows())
    return rows


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_csv_splits_recipients_and_normalises_addresses_times_and_channels():
    """Recipients split on ';', "Name <addr>" reduced to the address, self-ties dropped,
    zones converted to UTC, a time without a zone taken as UTC."""
    rows = _pairs(FIXTURES / "events.csv", "csv")
    assert rows == [
        (datetime.datetime(2025, 3, 3, 9, tzinfo=UTC), "alice@acme.test", "bob@acme.test", "email"),
        (
            datetime.datetime(2025, 3, 3, 9, tzinfo=UTC),
            "alice@acme.test",
            "carol@acme.test",
            "email",
        ),
        (
            datetime.datetime(2025, 3, 3, 10, 30, tzinfo=UTC),
            "bob@acme.test",
            "alice@acme.test",
            "chat",
        ),
        (
            datetime.datetime(2025, 3, 4, 13, tzinfo=UTC),
            "carol@acme.test",
            "alice@acme.test",
            "meeting",
        ),
        (
            datetime.datetime(2025, 3, 4, 13, tzinfo=UTC),
            "carol@acme.test",
            "bob@acme.test",
            "meeting",
        ),
    ]


def test_csv_is_read_in_chunks_with_progress():
    reader = reader_open(FIXTURES / "events.csv", "csv", chunk_rows=2)
    chunks = list(reader.chunks())
    assert [c.events for c in chunks] == [2, 2]
    assert [c.progress for c in chunks] == [0.5, 1.0]
    assert chunks[-1].label == "4 of 4 rows"


def test_csv_without_a_channel_column_is_other(tmp_path):
    path = _write(
        tmp_path, "e.csv", b"timestamp,sender,recipients\n2025-01-01T10:00Z,a@x.test,b@x.test\n"
    )
    assert _pairs(path, "csv")[0][3] == "other"


def test_csv_missing_columns_are_named(tmp_path):
    path = _write(tmp_path, "e.csv", b"time,from,recipients\n2025-01-01,a@x,b@x\n")
    with pytest.raises(ImportProblem, match="missing the columns timestamp, sender"):
        reader_open(path, "csv")


def test_csv_unparseable_date_names_the_row_and_column(tmp_path):
    content = (
        b"timestamp,sender,recipients\n"
        b"2025-01-01T10:00:00Z,a@x.test,b@x.test\n"
        b"yesterday,a@x.test,b@x.test\n"
    )
    path = _write(tmp_path, "e.csv", content)
    with pytest.raises(ImportProblem, match=r"Row 2 \(not counting the header\), column timestamp"):
        _pairs(path, "csv")


def test_csv_empty_sender_names_the_row(tmp_path):
    path = _write(tmp_path, "e.csv", b"timestamp,sender,recipients\n2025-01-01,,b@x.test\n")
    with pytest.raises(ImportProblem, match=r"Row 1 .*column sender: empty"):
        _pairs(path, "csv")


def test_mbox_reads_headers_only_and_keeps_bodies_out():
    """To and Cc are recipients; a body line starting with "From " does not split messages;
    nothing of the subject or body is in the frame."""
    reader = reader_open(FIXTURES / "mailbox.mbox", "mbox")
    chunks = list(reader.chunks())
    frame = chunks[0].pairs
    assert sum(c.events for c in chunks) == 2
    assert frame.select("sender", "recipient").rows() == [
        ("alice@acme.test", "bob@acme.test"),
        ("alice@acme.test", "carol@acme.test"),
        ("alice@acme.test", "dave@partner.test"),
        ("bob@acme.test", "alice@acme.test"),
    ]
    assert frame["occurred_at"][3] == datetime.datetime(2025, 3, 3, 10, tzinfo=UTC)
    assert "MARKER" not in str(frame.rows())


def test_mbox_unreadable_date_names_the_message(tmp_path):
    content = (
        b"From a Mon Mar  3 09:00:00 2025\nFrom: a@x.test\nTo: b@x.test\nDate: someday\n\nbody\n"
    )
    path = _write(tmp_path, "m.mbox", content)
    with pytest.raises(ImportProblem, match="Message 1, header Date: cannot be read"):
        _pairs(path, "mbox")


def test_not_an_mbox_is_refused(tmp_path):
    path = _write(tmp_path, "m.mbox", b"hello\n")
    with pytest.raises(ImportProblem, match="not an mbox"):
        reader_open(path, "mbox")


def test_eml_zip_reads_each_message_header(tmp_path):
    path = _write(tmp_path, "mail.zip", eml_zip())
    assert source_detect(path, "mail.zip") == "eml"
    assert [row[1:3] for row in _pairs(path, "eml")] == [
        ("alice@acme.test", "bob@acme.test"),
        ("alice@acme.test", "carol@acme.test"),
        ("bob@acme.test", "alice@acme.test"),
    ]


def test_a_single_eml_file_is_one_message(tmp_path):
    path = _write(
        tmp_path, "one.eml", eml("a@x.test", "b@x.test", "Mon, 03 Mar 2025 09:00:00 +0000", "<1@x>")
    )
    assert source_detect(path, "one.eml") == "eml"
    assert [row[1:3] for row in _pairs(path, "eml")] == [("a@x.test", "b@x.test")]


def test_ics_ties_the_organizer_to_attendees_who_did_not_decline():
    """Declined attendees, the organizer as attendee and cancelled meetings are left out;
    a TZID start is converted to UTC."""
    assert _pairs(FIXTURES / "calendar.ics", "ics") == [
        (
            datetime.datetime(2025, 3, 3, 9, tzinfo=UTC),
            "alice@acme.test",
            "bob@acme.test",
            "meeting",
        ),
        (
            datetime.datetime(2025, 3, 4, 9, tzinfo=UTC),
            "bob@acme.test",
            "carol@acme.test",
            "meeting",
        ),
    ]


def test_ics_without_a_start_names_the_event(tmp_path):
    content = (
        b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nORGANIZER:mailto:a@x.test\n"
        b"END:VEVENT\nEND:VCALENDAR\n"
    )
    path = _write(tmp_path, "c.ics", content)
    with pytest.raises(ImportProblem, match="Event 1, property DTSTART"):
        _pairs(path, "ics")


def test_slack_message_ties_author_to_active_members_and_reply_to_thread_author(tmp_path):
    """Alice's message reaches the members who posted within a day (Bob, Carol — not Eve,
    whose only message is days later; joins do not count); Carol's reply reaches Bob, who
    started the thread; Eve's lone message ties her to nobody."""
    path = _write(tmp_path, "slack.zip", slack_zip())
    assert source_detect(path, "export.zip") == "slack"
    reader = reader_open(path, "slack")
    assert reader.identities()["UBOB"].email == "bob@acme.test"
    rows = [row[1:3] for row in _pairs(path, "slack")]
    assert rows == [
        ("UALICE", "UBOB"),
        ("UALICE", "UCAROL"),
        ("UBOB", "UALICE"),
        ("UBOB", "UCAROL"),
        ("UCAROL", "UBOB"),
        ("UBOB", "UCAROL"),
        ("UCAROL", "UBOB"),
    ]


def test_slack_export_in_a_folder_and_with_bad_json(tmp_path):
    path = _write(
        tmp_path, "slack.zip", slack_zip(days={}, **{"general/2025-03-03.json": b"{oops"})
    )
    with pytest.raises(
        ImportProblem, match=r"2025-03-03\.json in the Slack export is not valid JSON"
    ):
        _pairs(path, "slack")


def test_slack_export_without_channels_json_is_refused(tmp_path):
    path = tmp_path / "s.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("users.json", "[]")
    with pytest.raises(ImportProblem, match=r"no channels\.json"):
        reader_open(path, "slack")


def test_corrupt_zip_and_empty_file_are_refused(tmp_path):
    corrupt = _write(tmp_path, "export.zip", slack_zip()[:200])
    with pytest.raises(ImportProblem, match="zip file is damaged"):
        source_detect(corrupt, "export.zip")
    with pytest.raises(ImportProblem, match="zip file is damaged"):
        reader_open(corrupt, "slack")
    empty = _write(tmp_path, "e.csv", b"")
    with pytest.raises(ImportProblem, match="empty"):
        source_detect(empty, "e.csv")
    with pytest.raises(ImportProblem, match="empty"):
        reader_open(empty, "csv")


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("x.csv", b"timestamp,sender,recipients\n", "csv"),
        ("upload", b"timestamp,sender,recipients\n", "csv"),
        ("upload", b"From a@b Mon Mar  3 09:00:00 2025\n", "mbox"),
        ("upload", b"\xef\xbb\xbfBEGIN:VCALENDAR\r\n", "ics"),
    ],
)
def test_source_is_recognised_by_name_or_content(tmp_path, name, content, kind):
    assert source_detect(_write(tmp_path, "f", content), name) == kind


def test_unknown_file_kind_is_refused(tmp_path):
    with pytest.raises(ImportProblem, match="cannot be recognised"):
        source_detect(_write(tmp_path, "f", b"\x00\x01binary"), "photo.jpg")

"""Reading collaboration exports as a stream of metadata frames.

Every source — a CSV of events, a Slack export, an mbox, a zip of .eml files, an .ics
calendar — is read in chunks; each chunk is a polars frame with one row per sender →
recipient pair:

    occurred_at (UTC) · sender · recipient · channel (kind) · event (the source's id) · event_no

Only metadata is read into anything that is kept: e-mail headers are parsed up to the blank
line that ends them (bodies are skipped unread), Slack messages give their author, time and
thread, calendar events their organizer, attendees and start. Subjects, bodies, message text,
file names and channel names are never copied out of the source. Nothing here touches the
database; `accord.network.import_actions` writes the frames.
"""

import datetime
import email.utils
import json
import re
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path
from typing import IO, Any, Protocol

import polars as pl

CHUNK_ROWS = 50_000
# A Slack message ties its author to the channel's members who posted in the same channel
# on the same day, the day before or the day after (by the export's day files).
SLACK_ACTIVE_DAYS = 1
# Slack message subtypes that are somebody writing; joins, topic changes, bots are not.
SLACK_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}

CSV_REQUIRED = ("timestamp", "sender", "recipients")
CSV_OPTIONAL = ("channel",)
CHANNEL_KINDS = {
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "chat": "chat",
    "slack": "chat",
    "teams": "chat",
    "im": "chat",
    "message": "chat",
    "meeting": "meeting",
    "calendar": "meeting",
    "call": "meeting",
    "video": "meeting",
    "other": "other",
}
SOURCES = ("csv", "slack", "mbox", "eml", "ics")

PAIR_SCHEMA = pl.Schema(
    {
        "occurred_at": pl.Datetime("us", "UTC"),
        "sender": pl.String(),
        "recipient": pl.String(),
        "channel": pl.String(),
        "event": pl.String(),
        "event_no": pl.Int64(),
    }
)
_TIMESTAMP_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f%:z",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M%:z",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)
_SLACK_DAY = re.compile(r"^(?P<folder>.+)/(?P<day>\d{4}-\d{2}-\d{2})\.json$")


class ImportProblem(ValueError):
    """The file cannot be imported; the message names the file part, row and column."""


@dataclass(frozen=True)
class IdentityDetails:
    """What an export says about an identity besides its id (Slack users.json)."""

    display: str = ""
    email: str = ""


@dataclass(frozen=True)
class Chunk:
    pairs: pl.DataFrame  # PAIR_SCHEMA
    events: int  # source events read for this chunk (rows, messages, meetings)
    progress: float  # share of the source read so far, 0–1
    label: str


class SourceReader(Protocol):
    identity_kind: str  # "email" or "slack"

    def identities(self) -> dict[str, IdentityDetails]: ...

    def chunks(self) -> Iterator[Chunk]: ...


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


# --- detection ------------------------------------------------------------------------------


def source_detect(path: Path, filename: str) -> str:
    """The source kind, by the file's name and then by its first bytes."""
    name = filename.lower()
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head:
        raise ImportProblem("The file is empty (0 bytes).")
    if zipfile.is_zipfile(path):
        with _zip_open(path) as archive:
            names = [n.lower() for n in archive.namelist()]
        if any(n.rsplit("/", 1)[-1] == "users.json" for n in names):
            return "slack"
        if any(n.endswith(".eml") for n in names):
            return "eml"
        raise ImportProblem(
            "This zip is neither a Slack export (it has no users.json) nor a zip of .eml files."
        )
    if name.endswith(".zip") or head.startswith(b"PK"):
        raise ImportProblem("The zip file is damaged or incomplete; it cannot be opened.")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if name.endswith((".ics", ".ical", ".ifb")) or text.upper().startswith(b"BEGIN:VCALENDAR"):
        return "ics"
    if name.endswith((".mbox", ".mbx")) or text.startswith(b"From "):
        return "mbox"
    if name.endswith(".eml"):
        return "eml"
    if name.endswith((".csv", ".txt")) or b"timestamp" in text.split(b"\n", 1)[0].lower():
        return "csv"
    raise ImportProblem(
        "The kind of file cannot be recognised. Upload a CSV (timestamp, sender, recipients, "
        "channel), a Slack export zip, an mbox, a zip of .eml files or an .ics calendar, or "
        "choose the source."
    )


def reader_open(path: Path, source: str, *, chunk_rows: int = CHUNK_ROWS) -> SourceReader:
    """A reader for the file; structural problems (missing columns, a damaged zip, a file of
    another kind) are raised here, before anything is read in bulk."""
    if path.stat().st_size == 0:
        raise ImportProblem("The file is empty (0 bytes).")
    readers: dict[str, Any] = {
        "csv": CsvReader,
        "slack": SlackReader,
        "mbox": MboxReader,
        "eml": EmlReader,
        "ics": IcsReader,
    }
    if source not in readers:
        raise ImportProblem(f"Unknown source {source!r}; choose one of {', '.join(SOURCES)}.")
    reader: SourceReader = readers[source](path, chunk_rows=chunk_rows)
    return reader


def _zip_open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ImportProblem(
            "The zip file is damaged or incomplete; it cannot be opened."
        ) from error


def _empty_pairs() -> pl.DataFrame:
    return pl.DataFrame(schema=PAIR_SCHEMA)


def _pairs_frame(
    occurred: list[datetime.datetime],
    senders: list[str],
    recipients: list[list[str]],
    channel: str,
    events: list[str],
    event_nos: list[int],
) -> pl.DataFrame:
    """Pairs from per-event lists (sources parsed event by event: mail, Slack, calendar)."""
    if not occurred:
        return _empty_pairs()
    frame = pl.DataFrame(
        {
            "occurred_at": occurred,
            "sender": senders,
            "recipient": recipients,
            "event": events,
            "event_no": event_nos,
        },
        schema=pl.Schema(
            {
                "occurred_at": pl.Datetime("us", "UTC"),
                "sender": pl.String(),
                "recipient": pl.List(pl.String()),
                "event": pl.String(),
                "event_no": pl.Int64(),
            }
        ),
    )
    return _pairs_tidy(frame.explode("recipient").with_columns(pl.lit(channel).alias("channel")))


def _pairs_tidy(frame: pl.DataFrame) -> pl.DataFrame:
    """Drop empty and self pairs and a recipient named twice in one event."""
    return (
        frame.filter(
            pl.col("recipient").is_not_null()
            & (pl.col("recipient") != "")
            & (pl.col("recipient") != pl.col("sender"))
        )
        .unique(subset=["event_no", "recipient"], keep="first", maintain_order=True)
        .select(list(PAIR_SCHEMA))
    )


def _utc(moment: datetime.datetime) -> datetime.datetime:
    """Aware datetimes in UTC; a time without a zone is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


# --- CSV ------------------------------------------------------------------------------------


def _address(column: str) -> pl.Expr:
    """Lower-case address; "Name <a@b>" gives a@b."""
    value = pl.col(column).str.strip_chars()
    return (
        pl.coalesce(value.str.extract(r"<([^<>]+)>\s*$", 1), value)
        .str.strip_chars()
        .str.to_lowercase()
    )


def _timestamp(column: str) -> pl.Expr:
    text = (
        pl.col(column)
        .str.strip_chars()
        .str.replace("T", " ", literal=True)
        .str.replace(r"(?i)z$", "+00:00")
    )
    parsed = []
    for pattern in _TIMESTAMP_FORMATS:
        if "z" in pattern:
            parsed.append(text.str.strptime(pl.Datetime("us", "UTC"), pattern, strict=False))
        else:
            parsed.append(
                text.str.strptime(pl.Datetime("us"), pattern, strict=False).dt.replace_time_zone(
                    "UTC"
                )
            )
    return pl.coalesce(parsed)


class CsvReader:
    """timestamp, sender, recipients (separated by ';')[, channel] — read in chunks."""

    identity_kind = "email"

    def __init__(self, path: Path, *, chunk_rows: int = CHUNK_ROWS) -> None:
        self.path = path
        self.chunk_rows = chunk_rows
        try:
            with path.open("r", encoding="utf-8-sig") as handle:
                first = handle.readline()
        except UnicodeDecodeError as error:
            raise ImportProblem("The CSV file is not UTF-8 text.") from error
        self.header = [
            c.strip().strip('"').strip().lower() for c in first.rstrip("\r\n").split(",")
        ]
        missing = [c for c in CSV_REQUIRED if c not in self.header]
        if missing:
            raise ImportProblem(
                f"The CSV file is missing the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}. The first line must name the columns timestamp, "
                f"sender, recipients (and optionally channel); it has "
                f"{', '.join(c for c in self.header if c) or 'nothing'}."
            )

    def identities(self) -> dict[str, IdentityDetails]:
        return {}

    def _scan(self) -> pl.LazyFrame:
        return pl.scan_csv(
            self.path, infer_schema=False, encoding="utf8-lossy", truncate_ragged_lines=True
        ).rename(lambda c: c.strip().strip('"').strip().lower())

    def chunks(self) -> Iterator[Chunk]:
        columns = [c for c in (*CSV_REQUIRED, *CSV_OPTIONAL) if c in self.header]
        try:
            total = int(self._scan().select(pl.len()).collect().item())
            batches = (
                self._scan()
                .select(columns)
                .with_row_index("event_no")
                .collect_batches(chunk_size=self.chunk_rows)
            )
            done = 0
            for batch in batches:
                done += batch.height
                yield Chunk(
                    pairs=self._pairs(batch),
                    events=batch.height,
                    progress=done / total if total else 1.0,
                    label=f"{done:,} of {total:,} rows",
                )
        except pl.exceptions.PolarsError as error:
            raise ImportProblem(f"The CSV file cannot be read: {str(error)[:200]}") from error

    def _pairs(self, batch: pl.DataFrame) -> pl.DataFrame:
        if "channel" not in batch.columns:
            batch = batch.with_columns(pl.lit("other").alias("channel"))
        frame = batch.with_columns(
            _timestamp("timestamp").alias("occurred_at"),
            _address("sender").alias("sender"),
            pl.col("channel")
            .str.strip_chars()
            .str.to_lowercase()
            .replace_strict(CHANNEL_KINDS, default="other", return_dtype=pl.String())
            .alias("channel"),
        )
        bad = frame.filter(pl.col("occurred_at").is_null()).head(1)
        if bad.height:
            row = int(bad["event_no"][0]) + 1
            raise ImportProblem(
                f"Row {row} (not counting the header), column timestamp: not a date and time. "
                "Use ISO 8601, for example 2025-03-01T09:30:00Z (a time without a zone is "
                "taken as UTC). Nothing was imported."
            )
        blank = frame.filter(pl.col("sender").is_null() | (pl.col("sender") == "")).head(1)
        if blank.height:
            row = int(blank["event_no"][0]) + 1
            raise ImportProblem(
                f"Row {row} (not counting the header), column sender: empty. Every row needs "
                "the sender's e-mail address. Nothing was imported."
            )
        exploded = (
            frame.with_columns(
                pl.col("recipients").fill_null("").str.split(";").alias("recipient"),
                pl.lit("").alias("event"),
            )
            .explode("recipient")
            .with_columns(_address("recipient").alias("recipient"))
            .with_columns(pl.col("event_no").cast(pl.Int64()))
        )
        return _pairs_tidy(exploded)


# --- e-mail ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mail:
    occurred_at: datetime.datetime
    sender: str
    recipients: list[str]
    message_id: str


def _headers_read(lines: Iterable[bytes]) -> bytes:
    """The header block: lines up to the first blank one. The body is never read here."""
    block = []
    for line in lines:
        if line in (b"\n", b"\r\n", b"\r"):
            break
        block.append(line)
    return b"".join(block)


def _mail_parse(headers: bytes, where: str) -> _Mail | None:
    """From, To, Cc, Date and Message-ID of one message; None when it names no sender."""
    message = BytesHeaderParser(policy=compat32).parsebytes(headers)
    senders = [a.lower() for _, a in email.utils.getaddresses(message.get_all("from", [])) if a]
    if not senders:
        return None
    raw_date = str(message.get("date", "") or "").strip()
    try:
        moment = email.utils.parsedate_to_datetime(raw_date) if raw_date else None
    except (TypeError, ValueError, IndexError):
        moment = None
    if moment is None:
        shown = raw_date[:60] if raw_date else "missing"
        raise ImportProblem(
            f"{where}, header Date: cannot be read as a date ({shown}). Nothing was imported."
        )
    addresses = email.utils.getaddresses(
        [str(v) for v in (*message.get_all("to", []), *message.get_all("cc", []))]
    )
    recipients = [a.strip().lower() for _, a in addresses if "@" in a]
    return _Mail(
        occurred_at=_utc(moment),
        sender=senders[0].strip(),
        recipients=recipients,
        message_id=str(message.get("message-id", "") or "").strip()[:300],
    )


class _MailChunks:
    """Collects parsed messages into pair frames of about `chunk_rows` events."""

    def __init__(self, chunk_rows: int) -> None:
        self.chunk_rows = chunk_rows
        self.clear()

    def clear(self) -> None:
        self.occurred: list[datetime.datetime] = []
        self.senders: list[str] = []
        self.recipients: list[list[str]] = []
        self.events: list[str] = []
        self.event_nos: list[int] = []
        self.read = 0

    def add(self, mail: _Mail | None, number: int) -> None:
        self.read += 1
        if mail is None:
            return
        self.occurred.append(mail.occurred_at)
        self.senders.append(mail.sender)
        self.recipients.append(mail.recipients)
        self.events.append(mail.message_id)
        self.event_nos.append(number)

    @property
    def full(self) -> bool:
        return self.read >= self.chunk_rows

    def take(self, progress: float, label: str) -> Chunk:
        chunk = Chunk(
            pairs=_pairs_frame(
                self.occurred, self.senders, self.recipients, "email", self.events, self.event_nos
            ),
            events=self.read,
            progress=progress,
            label=label,
        )
        self.clear()
        return chunk


class MboxReader:
    """An mbox file: messages start with a "From " line; headers are read, bodies skipped."""

    identity_kind = "email"

    def __init__(self, path: Path, *, chunk_rows: int = CHUNK_ROWS) -> None:
        self.path = path
        self.chunk_rows = chunk_rows
        with path.open("rb") as handle:
            first = handle.readline()
        if not first.startswith(b"From "):
            raise ImportProblem("This is not an mbox file: its first line must start with 'From '.")

    def identities(self) -> dict[str, IdentityDetails]:
        return {}

    def _header_blocks(self, handle: IO[bytes]) -> Iterator[bytes]:
        block: list[bytes] = []
        in_headers = False
        after_blank = True  # a "From " line separates messages only after a blank line
        for line in handle:
            blank = line in (b"\n", b"\r\n", b"\r")
            if line.startswith(b"From ") and after_blank and not in_headers:
                if in_headers and block:
                    yield b"".join(block)
                block = []
                in_headers = True
            elif in_headers:
                if blank:
                    yield b"".join(block)
                    block = []
                    in_headers = False
                else:
                    block.append(line)
            # Body lines are passed over without being kept.
            after_blank = blank
        if in_headers and block:
            yield b"".join(block)

    def chunks(self) -> Iterator[Chunk]:
        size = self.path.stat().st_size
        collected = _MailChunks(self.chunk_rows)
        number = 0
        with self.path.open("rb") as handle:
            for headers in self._header_blocks(handle):
                number += 1
                collected.add(_mail_parse(headers, f"Message {number}"), number)
                if collected.full:
                    yield collected.take(min(handle.tell() / size, 1.0), f"{number:,} messages")
        yield collected.take(1.0, f"{number:,} messages")


class EmlReader:
    """A zip of .eml files (or one .eml file): the headers of each message."""

    identity_kind = "email"

    def __init__(self, path: Path, *, chunk_rows: int = CHUNK_ROWS) -> None:
        self.path = path
        self.chunk_rows = chunk_rows
        self.zipped = zipfile.is_zipfile(path)
        if self.zipped:
            with _zip_open(path) as archive:
                self.members = [
                    info.filename
                    for info in archive.infolist()
                    if not info.is_dir()
                    and info.filename.lower().endswith(".eml")
                    and not info.filename.startswith("__MACOSX/")
                ]
            if not self.members:
                raise ImportProblem("The zip file holds no .eml files.")
        elif path.read_bytes()[:2] == b"PK":
            raise ImportProblem("The zip file is damaged or incomplete; it cannot be opened.")

    def identities(self) -> dict[str, IdentityDetails]:
        return {}

    def chunks(self) -> Iterator[Chunk]:
        collected = _MailChunks(self.chunk_rows)
        if not self.zipped:
            with self.path.open("rb") as handle:
                collected.add(_mail_parse(_headers_read(handle), "The message"), 1)
            yield collected.take(1.0, "1 message")
            return
        total = len(self.members)
        with _zip_open(self.path) as archive:
            for number, member in enumerate(self.members, start=1):
                try:
                    with archive.open(member) as handle:
                        headers = _headers_read(handle)
                except (zipfile.BadZipFile, OSError, EOFError) as error:
                    raise ImportProblem(
                        f"Message {number} of the zip cannot be read; the zip is damaged."
                    ) from error
                collected.add(_mail_parse(headers, f"Message {number} of the zip"), number)
                if collected.full:
                    yield collected.take(number / total, f"{number:,} of {total:,} messages")
        yield collected.take(1.0, f"{total:,} of {total:,} messages")


# --- calendar -------------------------------------------------------------------------------


def _calendar_address(value: Any) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().lower()


class IcsReader:
    """An .ics calendar: each meeting ties its organizer to each attendee who did not
    decline. A recurring series counts once, at its first start (it is not expanded)."""

    identity_kind = "email"

    def __init__(self, path: Path, *, chunk_rows: int = CHUNK_ROWS) -> None:
        self.path = path
        self.chunk_rows = chunk_rows
        with path.open("rb") as handle:
            head = handle.read(1024).lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.upper().startswith(b"BEGIN:VCALENDAR"):
            raise ImportProblem(
                "This is not an iCalendar file: it must start with BEGIN:VCALENDAR."
            )

    def identities(self) -> dict[str, IdentityDetails]:
        return {}

    def _event_blocks(self, handle: IO[bytes]) -> Iterator[bytes]:
        block: list[bytes] = []
        depth = 0
        for line in handle:
            upper = line.strip().upper()
            if upper == b"BEGIN:VEVENT":
                depth = 1
                block = [line]
            elif depth:
                block.append(line)
                if upper.startswith(b"BEGIN:"):
                    depth += 1
                elif upper.startswith(b"END:"):
                    depth -= 1
                    if depth == 0:
                        yield b"".join(block)

    def _meeting(self, block: bytes, number: int) -> tuple[datetime.datetime, str, list[str], str]:
        import icalendar

        try:
            event = icalendar.Event.from_ical(block.decode("utf-8", "replace"))
        except ValueError as error:
            raise ImportProblem(f"Event {number}: cannot be read as iCalendar.") from error
        uid = str(event.get("uid", "") or "")[:200]
        recurrence = event.get("recurrence-id")
        if recurrence is not None:
            uid = f"{uid}#{getattr(recurrence, 'dt', recurrence)}"
        start = event.get("dtstart")
        moment = getattr(start, "dt", None)
        if isinstance(moment, datetime.datetime):
            occurred = _utc(moment)
        elif isinstance(moment, datetime.date):
            occurred = datetime.datetime.combine(moment, datetime.time(), tzinfo=datetime.UTC)
        else:
            raise ImportProblem(
                f"Event {number}, property DTSTART: missing or not a date. Nothing was imported."
            )
        organizer = _calendar_address(event.get("organizer"))
        attendees = event.get("attendee") or []
        if not isinstance(attendees, list):
            attendees = [attendees]
        recipients = [
            _calendar_address(attendee)
            for attendee in attendees
            if str(getattr(attendee, "params", {}).get("PARTSTAT", "")).upper() != "DECLINED"
        ]
        if str(event.get("status", "")).upper() == "CANCELLED":
            organizer = ""
        return occurred, organizer, recipients, uid

    def chunks(self) -> Iterator[Chunk]:
        size = self.path.stat().st_size
        occurred: list[datetime.datetime] = []
        senders: list[str] = []
        recipients: list[list[str]] = []
        uids: list[str] = []
        numbers: list[int] = []
        read = 0
        number = 0
        with self.path.open("rb") as handle:
            for block in self._event_blocks(handle):
                number += 1
                read += 1
                moment, organizer, attendees, uid = self._meeting(block, number)
                if organizer:
                    occurred.append(moment)
                    senders.append(organizer)
                    recipients.append(attendees)
                    uids.append(uid)
                    numbers.append(number)
                if read >= self.chunk_rows:
                    yield Chunk(
                        pairs=_pairs_frame(occurred, senders, recipients, "meeting", uids, numbers),
                        events=read,
                        progress=min(handle.tell() / size, 1.0),
                        label=f"{number:,} meetings",
                    )
                    occurred, senders, recipients, uids, numbers = [], [], [], [], []
                    read = 0
        yield Chunk(
            pairs=_pairs_frame(occurred, senders, recipients, "meeting", uids, numbers),
            events=read,
            progress=1.0,
            label=f"{number:,} meetings",
        )


# --- Slack ----------------------------------------------------------------------------------


def _json_member(archive: zipfile.ZipFile, name: str) -> Any:
    try:
        with archive.open(name) as handle:
            return json.load(handle)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        shown = name.rsplit("/", 1)[-1]
        raise ImportProblem(f"{shown} in the Slack export is not valid JSON.") from error
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ImportProblem("The zip file is damaged or incomplete; it cannot be read.") from error


@dataclass
class _SlackChannel:
    key: str  # the channel id (the event ids use it)
    folder: str
    members: set[str]


@dataclass
class _SlackMessage:
    user: str
    ts: str
    thread_ts: str
    parent_user: str


class SlackReader:
    """A Slack workspace export: users.json, channels.json (and groups/mpims/dms.json when
    present) and one folder of day files per conversation."""

    identity_kind = "slack"

    def __init__(self, path: Path, *, chunk_rows: int = CHUNK_ROWS) -> None:
        self.path = path
        self.chunk_rows = chunk_rows
        with _zip_open(path) as archive:
            names = archive.namelist()
            users = [n for n in names if n.rsplit("/", 1)[-1] == "users.json"]
            if not users:
                raise ImportProblem("The Slack export has no users.json.")
            self.prefix = min(users, key=len)[: -len("users.json")]
            if f"{self.prefix}channels.json" not in names:
                raise ImportProblem("The Slack export has no channels.json.")
            self._users = self._users_read(_json_member(archive, f"{self.prefix}users.json"))
            self.channels = self._channels_read(archive, names)
            self.days: dict[str, list[tuple[datetime.date, str]]] = {}
            for name in names:
                if not name.startswith(self.prefix):
                    continue
                match = _SLACK_DAY.match(name[len(self.prefix) :])
                if match:
                    try:
                        day = datetime.date.fromisoformat(match["day"])
                    except ValueError:
                        continue
                    self.days.setdefault(match["folder"], []).append((day, name))

    @staticmethod
    def _users_read(payload: Any) -> dict[str, IdentityDetails]:
        if not isinstance(payload, list):
            raise ImportProblem("users.json in the Slack export must be a list of users.")
        users = {}
        for user in payload:
            if not isinstance(user, dict) or not user.get("id"):
                continue
            profile = user.get("profile") or {}
            users[str(user["id"])] = IdentityDetails(
                display=str(user.get("name") or profile.get("display_name") or "")[:200],
                email=str(profile.get("email") or "").strip().lower()[:320],
            )
        return users

    def _channels_read(self, archive: zipfile.ZipFile, names: list[str]) -> list[_SlackChannel]:
        channels = []
        for listing, folder_key in (
            ("channels.json", "name"),
            ("groups.json", "name"),
            ("mpims.json", "name"),
            ("dms.json", "id"),
        ):
            if f"{self.prefix}{listing}" not in names:
                continue
            payload = _json_member(archive, f"{self.prefix}{listing}")
            if not isinstance(payload, list):
                raise ImportProblem(f"{listing} in the Slack export must be a list.")
            for channel in payload:
                if not isinstance(channel, dict) or not channel.get(folder_key):
                    continue
                channels.append(
                    _SlackChannel(
                        key=str(channel.get("id") or channel[folder_key]),
                        folder=str(channel[folder_key]),
                        members={str(m) for m in channel.get("members") or []},
                    )
                )
        return channels

    def identities(self) -> dict[str, IdentityDetails]:
        return self._users

    def _day_read(self, archive: zipfile.ZipFile, name: str) -> list[_SlackMessage]:
        payload = _json_member(archive, name)
        if not isinstance(payload, list):
            return []
        messages = []
        for message in payload:
            if not isinstance(message, dict) or message.get("subtype") not in SLACK_SUBTYPES:
                continue
            user = message.get("user")
            ts = message.get("ts")
            if not user or not ts:
                continue
            try:
                float(ts)
            except (TypeError, ValueError):
                day = name.rsplit("/", 1)[-1]
                raise ImportProblem(
                    f"A message in a day file {day} of the Slack export has a ts that is not a "
                    "time. Nothing was imported."
                ) from None
            messages.append(
                _SlackMessage(
                    user=str(user),
                    ts=str(ts),
                    thread_ts=str(message.get("thread_ts") or ""),
                    parent_user=str(message.get("parent_user_id") or ""),
                )
            )
        return messages

    def chunks(self) -> Iterator[Chunk]:
        total = sum(len(self.days.get(c.folder, [])) for c in self.channels) or 1
        done = 0
        number = 0
        occurred: list[datetime.datetime] = []
        senders: list[str] = []
        recipients: list[list[str]] = []
        events: list[str] = []
        numbers: list[int] = []
        read = 0
        window = datetime.timedelta(days=SLACK_ACTIVE_DAYS)
        with _zip_open(self.path) as archive:
            for channel in self.channels:
                days = sorted(self.days.get(channel.folder, []))
                threads: dict[str, str] = {}  # thread ts → author, for replies
                loaded: deque[tuple[datetime.date, list[_SlackMessage]]] = deque()
                upcoming = deque(days)
                for day, _name in days:
                    # Keep the day files within the window around `day` loaded, no more.
                    while upcoming and upcoming[0][0] <= day + window:
                        next_day, next_name = upcoming.popleft()
                        loaded.append((next_day, self._day_read(archive, next_name)))
                    while loaded and loaded[0][0] < day - window:
                        loaded.popleft()
                    messages = next(m for d, m in loaded if d == day)
                    active = {m.user for _, day_messages in loaded for m in day_messages}
                    if channel.members:
                        active &= channel.members
                    for message in messages:
                        number += 1
                        read += 1
                        if not message.thread_ts or message.thread_ts == message.ts:
                            if message.thread_ts:
                                threads[message.ts] = message.user
                            tied = sorted(active - {message.user})
                        else:
                            parent = message.parent_user or threads.get(message.thread_ts, "")
                            tied = [parent] if parent else []
                        occurred.append(
                            datetime.datetime.fromtimestamp(float(message.ts), tz=datetime.UTC)
                        )
                        senders.append(message.user)
                        recipients.append(tied)
                        events.append(f"{channel.key}:{message.ts}")
                        numbers.append(number)
                    done += 1
                    if read >= self.chunk_rows:
                        yield Chunk(
                            pairs=_pairs_frame(
                                occurred, senders, recipients, "chat", events, numbers
                            ),
                            events=read,
                            progress=done / total,
                            label=f"{_plural(number, 'message')}",
                        )
                        occurred, senders, recipients, events, numbers = [], [], [], [], []
                        read = 0
        yield Chunk(
            pairs=_pairs_frame(occurred, senders, recipients, "chat", events, numbers),
            events=read,
            progress=1.0,
            label=f"{_plural(number, 'message')}",
        )

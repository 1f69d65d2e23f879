"""Reading collaboration metadata files with polars: people (email → function) and events
(timestamp, sender, recipients separated by ';', optional channel).

Only the four metadata columns are read; anything else in the file (subjects, bodies) is never
selected. Identities are matched by e-mail address, case-insensitively after trimming;
nothing is guessed — an address that is not a known person is counted as unmatched.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from numpy.typing import NDArray

PEOPLE_REQUIRED = ("email", "function")
PEOPLE_OPTIONAL = ("name", "level", "timezone")
EVENTS_REQUIRED = ("timestamp", "sender", "recipients")


class FileProblem(ValueError):
    """A file cannot be read; the message names the file and the column or row."""


@dataclass(frozen=True)
class People:
    emails: list[str]  # index → e-mail (lower case)
    functions: list[str]  # function names in code order
    function_of: NDArray[np.int64]  # index → function code
    frame: pl.DataFrame  # email, function, index (+ optional columns)


@dataclass(frozen=True)
class Pairs:
    """One row per (event, recipient): person indices, −1 for unmatched identities."""

    events: int
    sender: NDArray[np.int64]
    recipient: NDArray[np.int64]
    unmatched: list[str]  # distinct identities not found among the people, sorted


def _header(path: Path) -> list[str]:
    try:
        with path.open("r", encoding="utf-8-sig") as handle:
            first = handle.readline()
    except FileNotFoundError as error:
        raise FileProblem(f"{path}: no such file") from error
    except UnicodeDecodeError as error:
        raise FileProblem(f"{path}: not UTF-8 text") from error
    return [column.strip().lower() for column in first.rstrip("\r\n").split(",")]


def _require(path: Path, header: list[str], required: tuple[str, ...]) -> None:
    missing = [column for column in required if column not in header]
    if missing:
        raise FileProblem(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(the header has {', '.join(header) or 'nothing'})"
        )


def people_read(path: Path) -> People:
    header = _header(path)
    _require(path, header, PEOPLE_REQUIRED)
    frame = pl.read_csv(
        path,
        infer_schema=False,
        columns=[c for c in (*PEOPLE_REQUIRED, *PEOPLE_OPTIONAL) if c in header],
        new_columns=None,
        encoding="utf8-lossy",
    )
    frame = frame.rename({c: c.strip().lower() for c in frame.columns})
    frame = frame.with_columns(
        pl.col("email").str.strip_chars().str.to_lowercase(),
        pl.col("function").str.strip_chars(),
    )
    blank = frame.with_row_index("row").filter(
        pl.col("email").is_null()
        | (pl.col("email") == "")
        | pl.col("function").is_null()
        | (pl.col("function") == "")
    )
    if blank.height:
        row = int(blank["row"][0]) + 1
        raise FileProblem(f"{path}: row {row} needs both an email and a function")
    duplicated = frame.filter(pl.col("email").is_duplicated())
    if duplicated.height:
        raise FileProblem(f"{path}: {duplicated['email'][0]} appears more than once")
    functions = sorted(frame["function"].unique().to_list())
    codes = {name: code for code, name in enumerate(functions)}
    frame = frame.with_row_index("index").with_columns(
        pl.col("function").replace_strict(codes, return_dtype=pl.Int64).alias("code")
    )
    return People(
        emails=frame["email"].to_list(),
        functions=functions,
        function_of=frame["code"].to_numpy().astype(np.int64),
        frame=frame,
    )


CHUNK_ROWS = 250_000  # events read at a time: memory stays bounded on any file size


def events_pairs(
    path: Path,
    people: People,
    *,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int], None] | None = None,
) -> Pairs:
    """Every (sender, recipient) pair of the events file as person indices.

    The file is read ``chunk_rows`` events at a time; each chunk is reduced to two int32
    arrays and the set of unknown identities before the next is read, so memory grows with
    the number of pairs (8 bytes each), not with the text of the file. ``progress`` is told
    the number of events read so far after each chunk."""
    header = _header(path)
    _require(path, header, EVENTS_REQUIRED)
    lookup = people.frame.select(
        pl.col("email").alias("identity"), pl.col("index").cast(pl.Int32)
    ).lazy()
    batches = (
        pl.scan_csv(path, infer_schema=False, encoding="utf8-lossy")
        .rename(lambda c: c.strip().lower())
        .select("sender", "recipients")
        .collect_batches(chunk_size=chunk_rows)
    )
    senders: list[NDArray[np.int32]] = []
    recipients: list[NDArray[np.int32]] = []
    unknown: set[str] = set()
    count = 0
    for batch in batches:
        count += batch.height
        pairs = (
            batch.lazy()
            .select(
                pl.col("sender").fill_null("").str.strip_chars().str.to_lowercase(),
                pl.col("recipients").fill_null("").str.split(";"),
            )
            .explode("recipients")
            .with_columns(pl.col("recipients").str.strip_chars().str.to_lowercase())
            .filter(pl.col("recipients") != "")
            .join(lookup, left_on="sender", right_on="identity", how="left")
            .rename({"index": "s"})
            .join(
                lookup, left_on="recipients", right_on="identity", how="left", maintain_order="left"
            )
            .rename({"index": "r"})
            .collect()
        )
        unknown.update(pairs.filter(pl.col("s").is_null())["sender"].unique().to_list())
        unknown.update(pairs.filter(pl.col("r").is_null())["recipients"].unique().to_list())
        senders.append(pairs["s"].fill_null(-1).to_numpy())
        recipients.append(pairs["r"].fill_null(-1).to_numpy())
        del pairs
        if progress is not None:
            progress(count)
    unknown.discard("")
    return Pairs(
        events=count,
        sender=_joined(senders),
        recipient=_joined(recipients),
        unmatched=sorted(unknown),
    )


def _joined(parts: list[NDArray[np.int32]]) -> NDArray[np.int64]:
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(parts).astype(np.int64)

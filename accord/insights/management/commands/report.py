"""`accord report`: a partnership's review pack, or the workspace's quarterly report, as a file.

    accord report PARTNERSHIP-SLUG --format pdf -o checkout.pdf [--workspace WS] [--review UUID]
    accord report PARTNERSHIP-SLUG --format html -o checkout.html
    accord report PARTNERSHIP-SLUG --format json            (the pack, to standard output)
    accord report --workspace WS --quarter 2026-Q4 --format pdf -o q4.pdf

Without --review the report shows the partnership's latest completed or prepared review;
when it has none, a pack is built on the fly for the last month (not saved). A review
without a stored pack (scheduled) is built on the fly as well. HTML and JSON go to standard
output when -o is left out; a PDF needs -o (use "-" for standard output).
"""

import datetime
import json
import sys
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accord.insights import report_render
from accord.insights.models import Review
from accord.insights.pack_types import ReviewPack
from accord.insights.quarterly import quarter_parse, quarterly_report
from accord.insights.report_render import pack_complete
from accord.insights.report_selectors import report_review_latest
from accord.partnerships.models import Partnership
from accord.workspaces.models import Workspace

FORMATS = ("pdf", "html", "json")


def _today(raw: str | None) -> datetime.date:
    if raw is None:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--today={raw!r} is not a date; use YYYY-MM-DD.") from None


def _workspace(slug: str) -> Workspace:
    found = Workspace.objects.filter(slug=slug).first()
    if found is None:
        raise CommandError(f"No workspace with the slug {slug!r}.")
    return found


def partnership_find(slug: str, workspace: Workspace | None) -> Partnership:
    """The partnership with this slug; ambiguous across workspaces without --workspace."""
    found = Partnership.objects.select_related("workspace").filter(slug=slug)
    if workspace is not None:
        found = found.filter(workspace=workspace)
    matches = list(found.order_by("workspace__slug")[:10])
    if not matches:
        where = f" in workspace {workspace.slug!r}" if workspace else ""
        raise CommandError(f"No partnership with the slug {slug!r}{where}.")
    if len(matches) > 1:
        spaces = ", ".join(match.workspace.slug for match in matches)
        raise CommandError(
            f"The slug {slug!r} names partnerships in several workspaces ({spaces}); "
            "choose one with --workspace."
        )
    return matches[0]


def _review(partnership: Partnership, raw: str) -> Review:
    try:
        key = uuid.UUID(raw)
    except ValueError:
        raise CommandError(f"--review={raw!r} is not a review id (a UUID).") from None
    found = Review.objects.filter(
        workspace_id=partnership.workspace_id, partnership=partnership, uuid=key
    ).first()
    if found is None:
        raise CommandError(f"No review {raw} of partnership {partnership.slug!r}.")
    return found


def pack_on_the_fly(review: Review, today: datetime.date) -> ReviewPack:
    from accord.insights.review_pack import review_pack_build

    return review_pack_build(review=review, today=today)


def last_month_review(partnership: Partnership, today: datetime.date) -> Review:
    """An unsaved monthly review ending today, to build a pack for the last month."""
    from accord.insights.review_selectors import review_period_default

    start, end = review_period_default(
        rhythm=Review.Rhythm.MONTHLY, scheduled_for=today, previous_end=None
    )
    return Review(
        workspace=partnership.workspace,
        partnership=partnership,
        title=f"{partnership.name} · last month",
        rhythm=Review.Rhythm.MONTHLY,
        period_start=start,
        period_end=end,
        scheduled_for=end,
    )


class Command(BaseCommand):
    help = (
        "Write a partnership's review pack (its latest review, or one built for the last "
        "month) or the workspace's quarterly report as PDF, HTML or JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("partnership", nargs="?", help="The partnership's slug.")
        parser.add_argument(
            "--format", choices=FORMATS, default="pdf", help="pdf (default), html or json."
        )
        parser.add_argument("-o", "--output", help='The file to write ("-" for standard output).')
        parser.add_argument("--workspace", help="The workspace's slug.")
        parser.add_argument("--review", help="A review's id (UUID) instead of the latest one.")
        parser.add_argument(
            "--quarter", help="The quarterly report of --workspace for this quarter (2026-Q4)."
        )
        parser.add_argument("--today", help="The date to report as of (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        fmt: str = options["format"]
        output: str | None = options["output"]
        if fmt == "pdf" and output is None:
            raise CommandError("A PDF needs -o FILE (or -o - for standard output).")
        today = _today(options["today"])
        workspace = _workspace(options["workspace"]) if options["workspace"] else None
        if options["quarter"] is not None:
            content = self._quarterly(options, workspace, fmt, today)
        elif options["partnership"]:
            content = self._review_report(options, workspace, fmt, today)
        else:
            raise CommandError(
                "Name a partnership (accord report PARTNERSHIP-SLUG …) or ask for the "
                "quarterly report (accord report --workspace WS --quarter 2026-Q4 …)."
            )
        self._write(content, output, binary=fmt == "pdf")

    def _review_report(
        self, options: dict[str, Any], workspace: Workspace | None, fmt: str, today: datetime.date
    ) -> bytes:
        partnership = partnership_find(options["partnership"], workspace)
        if options["review"]:
            review = _review(partnership, options["review"])
            pack = pack_complete(review.pack) if review.pack else pack_on_the_fly(review, today)
        else:
            latest = report_review_latest(partnership=partnership)
            if latest is not None:
                pack = pack_complete(latest.pack)
            else:
                pack = pack_on_the_fly(last_month_review(partnership, today), today)
        if fmt == "json":
            return (json.dumps(pack, ensure_ascii=False, indent=2) + "\n").encode()
        if fmt == "html":
            return report_render.report_html(pack).encode()
        return report_render.report_pdf(pack)

    def _quarterly(
        self, options: dict[str, Any], workspace: Workspace | None, fmt: str, today: datetime.date
    ) -> bytes:
        if options["partnership"]:
            raise CommandError("--quarter makes a workspace report; leave out the partnership.")
        if workspace is None:
            raise CommandError("The quarterly report needs --workspace WS.")
        if fmt == "json":
            raise CommandError("The quarterly report comes as --format pdf or html.")
        try:
            quarter = quarter_parse(options["quarter"])
        except ValueError as error:
            raise CommandError(f"--quarter: {error}") from None
        report = quarterly_report(
            workspace=workspace,
            partnerships=Partnership.objects.filter(workspace=workspace),
            quarter=quarter,
            today=today,
        )
        if fmt == "html":
            return report_render.quarterly_html(report).encode()
        return report_render.quarterly_pdf(report)

    def _write(self, content: bytes, output: str | None, *, binary: bool) -> None:
        if output is None or output == "-":
            if binary:
                sys.stdout.buffer.write(content)
                sys.stdout.buffer.flush()
            else:
                self.stdout.write(content.decode(), ending="")
            return
        path = Path(output)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror or error}.") from None
        self.stderr.write(f"Wrote {path} ({len(content):,} bytes).")

"""Background job for surveys: open due cycles, close finished ones, start the next cycle of
recurring ones and remind people who have not answered (idempotent, daily)."""

import datetime

from django.tasks import task
from django.utils import timezone

from accord.surveys.cycle_actions import cycles_advance as advance


def _moment(today: str | None, now: str | None) -> datetime.datetime:
    if now:
        moment = datetime.datetime.fromisoformat(now)
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    if today:
        # A job enqueued for a day works at the start of that day (or now, if later).
        start = timezone.make_aware(
            datetime.datetime.combine(datetime.date.fromisoformat(today), datetime.time.min)
        )
        return max(start, timezone.now()) if start.date() == timezone.localdate() else start
    return timezone.now()


@task()
def cycles_advance(*, today: str | None = None, now: str | None = None) -> dict[str, int]:
    """Advance every workspace's survey cycles; safe to run any number of times a day.
    `today` (ISO date) or `now` (ISO date-time) fix the moment for tests."""
    result = advance(now=_moment(today, now))
    return {
        "opened": result.opened,
        "closed": result.closed,
        "created": result.created,
        "reminded": result.reminded,
    }

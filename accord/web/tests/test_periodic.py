import datetime

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from accord.web.periodic import DAILY_TASKS, periodic_enqueue


def test_daily_jobs_are_enqueued_once_per_day(db):
    """A second worker (or a second pass) on the same day enqueues nothing more."""
    day = datetime.date(2027, 1, 4)
    assert periodic_enqueue(today=day) == list(DAILY_TASKS)
    assert periodic_enqueue(today=day) == []
    assert DBTaskResult.objects.count() == len(DAILY_TASKS)
    assert periodic_enqueue(today=day + datetime.timedelta(days=1)) == list(DAILY_TASKS)


@pytest.mark.django_db(transaction=True)
def test_the_daily_jobs_run_in_the_worker():
    """Enqueued daily jobs run to success in `accord worker --batch`."""
    # A date of its own: this test commits, and the cache table is not flushed between tests.
    assert periodic_enqueue(today=datetime.date(2027, 2, 1)) == list(DAILY_TASKS)
    call_command("worker", batch=True, verbosity=0)
    statuses = set(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == {"SUCCESSFUL"}

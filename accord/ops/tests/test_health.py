"""/healthz: database and worker-queue checks, their statuses, and what the answer reveals."""

from datetime import timedelta

from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from accord.notifications.tasks import deliveries_send

SECRET_ARGUMENT = "person-name-that-must-not-leak"


def _queued(*, waited: timedelta, status: str = TaskResultStatus.READY, delay: bool = False):
    """A task row as `enqueue` writes it, enqueued `waited` ago (or due `waited` ago when
    delayed)."""
    now = timezone.now()
    task = DBTaskResult.objects.create(
        task_path=deliveries_send.module_path,
        args_kwargs={"args": [], "kwargs": {"now": SECRET_ARGUMENT}},
        backend_name="default",
        queue_name="default",
        status=status,
        run_after=now - waited if delay else get_date_max(),
        started_at=now - waited if status == TaskResultStatus.RUNNING else None,
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=now - waited)
    return task


def test_empty_queue_is_healthy_and_each_check_reports_status_and_time(client, db):
    """With nothing queued every check is ok and says how long it took, and the answer is
    never cached."""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    for check in body["checks"].values():
        assert check["status"] == "ok"
        assert check["ms"] >= 0
    assert body["checks"]["queue"]["ready"] == 0
    assert body["checks"]["queue"]["running"] == 0
    assert "no-cache" in response["Cache-Control"]


def test_a_task_waiting_beyond_the_limit_makes_the_queue_degraded(client, db, settings):
    """A due task older than ACCORD_HEALTH_QUEUE_MAX_AGE means no worker takes jobs: 503."""
    settings.ACCORD_HEALTH_QUEUE_MAX_AGE = 120
    _queued(waited=timedelta(seconds=30))
    fresh = client.get("/healthz")
    assert fresh.status_code == 200
    assert fresh.json()["checks"]["queue"]["ready"] == 1

    _queued(waited=timedelta(minutes=10))
    stuck = client.get("/healthz")
    assert stuck.status_code == 503
    body = stuck.json()
    assert body["status"] == "degraded"
    queue = body["checks"]["queue"]
    assert queue["status"] == "degraded"
    assert queue["ready"] == 2
    assert 590 <= queue["oldest_ready_seconds"] <= 700
    assert queue["max_age_seconds"] == 120
    assert body["checks"]["database"]["status"] == "ok"


def test_delayed_tasks_count_from_when_they_became_due(client, db, settings):
    """A task scheduled for later is not waiting yet; once due, its wait starts then."""
    settings.ACCORD_HEALTH_QUEUE_MAX_AGE = 120
    future = _queued(waited=timedelta(days=1))
    DBTaskResult.objects.filter(pk=future.pk).update(run_after=timezone.now() + timedelta(hours=1))
    assert client.get("/healthz").json()["checks"]["queue"]["ready"] == 0
    _queued(waited=timedelta(seconds=60), delay=True)
    queue = client.get("/healthz").json()["checks"]["queue"]
    assert queue["ready"] == 1
    assert queue["status"] == "ok"
    assert 55 <= queue["oldest_ready_seconds"] <= 120


def test_running_tasks_are_counted(client, db):
    """Tasks a worker is running are counted with the age of the oldest; finished ones not."""
    _queued(waited=timedelta(minutes=3), status=TaskResultStatus.RUNNING)
    _queued(waited=timedelta(hours=5), status=TaskResultStatus.SUCCESSFUL)
    queue = client.get("/healthz").json()["checks"]["queue"]
    assert queue["running"] == 1
    assert 170 <= queue["oldest_running_seconds"] <= 300
    assert queue["ready"] == 0
    assert queue["status"] == "ok"


def test_the_answer_reveals_no_task_names_or_arguments(client, db, settings):
    """Counts and ages only: no task path, argument or database detail."""
    settings.ACCORD_HEALTH_QUEUE_MAX_AGE = 1
    _queued(waited=timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert SECRET_ARGUMENT.encode() not in response.content
    assert b"deliveries_send" not in response.content
    assert b"NAME" not in response.content


def test_only_runs_the_named_checks(client, db, settings):
    """`?only=database` lets a load balancer ignore a stuck queue, which is not the app
    server's fault."""
    settings.ACCORD_HEALTH_QUEUE_MAX_AGE = 1
    _queued(waited=timedelta(hours=1))
    response = client.get("/healthz?only=database")
    assert response.status_code == 200
    assert list(response.json()["checks"]) == ["database"]


def test_health_is_not_redirected_to_https(client, db, settings):
    """Behind TLS the app redirects plain HTTP, except the probe load balancers send."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_health_needs_no_sign_in_and_only_answers_get(client, db):
    """Anyone may read the health answer; it changes nothing, so POST is refused."""
    assert client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405

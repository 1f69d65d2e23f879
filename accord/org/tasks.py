"""Background work for the directory: large imports run in `accord worker`."""

from django.core.exceptions import ValidationError
from django.tasks import task
from django.utils import timezone

from accord.org.models import ImportBatch


@task()
def person_import_run(*, batch_id: int, valid_only: bool, expected_digest: str) -> str:
    """Apply a queued import. Idempotent: a batch is claimed once, so a rerun does nothing."""
    from accord.org.actions import ImportChanged, person_import_apply

    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.QUEUED).update(
        status=ImportBatch.Status.APPLYING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    batch = ImportBatch.objects.select_related("workspace", "created_by").get(pk=batch_id)
    try:
        person_import_apply(
            batch=batch,
            actor=batch.created_by,
            valid_only=valid_only,
            expected_digest=expected_digest,
            from_statuses=(ImportBatch.Status.APPLYING,),
        )
    except (ValidationError, ImportChanged) as error:
        message = error.message if isinstance(error, ImportChanged) else " ".join(error.messages)
        _fail(batch_id, message)
        return "failed"
    except Exception:
        _fail(batch_id, "The import stopped because of an internal error; nothing was written.")
        raise
    return "applied"


def _fail(batch_id: int, message: str) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.FAILED, error=message, finished_at=timezone.now()
    )

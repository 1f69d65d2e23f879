"""Record the notifications that roles call for, until the notifications app delivers them.

Each is keyed so recording the same event twice keeps one row (retries and re-saves are safe).
"""

from collections.abc import Iterable
from typing import Any

from accord.governance.models import PendingNotification
from accord.org.models import Person


def notifications_record(
    *,
    workspace: Any,
    kind: str,
    recipients: Iterable[Person],
    subject: str,
    body: str = "",
    about: Any,
    event: str,
) -> int:
    """Queue one notification per recipient about `about` (a tenant row); returns how many
    were new. `event` distinguishes occurrences (e.g. "decided" vs "input-opened")."""
    rows = [
        PendingNotification(
            workspace=workspace,
            kind=kind,
            recipient=person,
            subject=subject,
            body=body,
            object_type=about._meta.label_lower,
            object_uuid=about.uuid,
            dedupe_key=f"{about._meta.label_lower}:{about.uuid}:{event}:{person.pk}",
        )
        for person in {p.pk: p for p in recipients}.values()
    ]
    before = PendingNotification.objects.filter(workspace=workspace).count()
    PendingNotification.objects.bulk_create(rows, ignore_conflicts=True)
    return PendingNotification.objects.filter(workspace=workspace).count() - before

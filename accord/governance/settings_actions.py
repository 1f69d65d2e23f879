"""The workspace's governance thresholds: RACI caps and when a conflict counts as stale."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accord.governance.models import GovernanceSettings
from accord.governance.raci_selectors import governance_settings_get
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Membership

SETTINGS_FIELDS = ["raci_load_cap", "raci_max_consulted", "conflict_stale_days"]
LIMITS = {
    "raci_load_cap": (1, 50, "active deliverables as A or R"),
    "raci_max_consulted": (1, 30, "C's on one row"),
    "conflict_stale_days": (1, 365, "days in one stage"),
}


def governance_settings_update(*, membership: Membership, **values: Any) -> GovernanceSettings:
    """Change the thresholds (admins only); each must be a whole number within its range."""
    if not membership.can_admin:
        raise PermissionDenied("Only admins and owners change governance settings.")
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    for name, raw in values.items():
        if name not in LIMITS:
            errors[name] = "Unknown setting."
            continue
        low, high, what = LIMITS[name]
        try:
            number = int(raw)
        except (TypeError, ValueError):
            errors[name] = f"Enter a whole number of {what}, from {low} to {high}."
            continue
        if not low <= number <= high:
            errors[name] = f"Use {low} to {high} {what}."
        clean[name] = number
    if errors:
        raise ValidationError(errors)
    settings_row = governance_settings_get(workspace=membership.workspace)
    before = snapshot(settings_row, SETTINGS_FIELDS)
    with transaction.atomic():
        for name, number in clean.items():
            setattr(settings_row, name, number)
        creating = settings_row.pk is None
        if not creating:
            settings_row.version += 1
        settings_row.save()
        audit_record(
            workspace=membership.workspace,
            actor=membership.user,
            action="create" if creating else "update",
            instance=settings_row,
            changes=diff(before, snapshot(settings_row, SETTINGS_FIELDS)),
        )
    return settings_row

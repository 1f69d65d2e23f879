"""Audit entries name the kind of record in words, also for models that no longer exist."""

from accord.workspaces.models import AuditEntry


def test_a_known_model_is_named_by_its_verbose_name():
    """ "notifications.webhookendpoint" reads as "webhook endpoint"."""
    assert AuditEntry(object_type="notifications.webhookendpoint").object_kind == "webhook endpoint"
    assert AuditEntry(object_type="org.person").object_kind == "person"


def test_an_unknown_label_falls_back_to_its_last_part():
    """A label of a removed model still reads sensibly."""
    assert AuditEntry(object_type="governance.pendingnotification").object_kind == (
        "pendingnotification"
    )
    assert AuditEntry(object_type="nonsense").object_kind == "nonsense"

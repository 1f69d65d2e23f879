"""Background delivery of notifications (`accord worker`)."""

from django.tasks import task


@task()
def deliveries_send() -> int:
    """Send every due delivery; returns how many were sent. (Transports: issue 5, helper A.)"""
    from accord.notifications.delivery import deliveries_due_send

    return deliveries_due_send()

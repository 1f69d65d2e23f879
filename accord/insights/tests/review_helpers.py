"""Shared builders for the review tests: a partnership whose lead is Alice (no login), the
acme "member" user as a plain partnership member, and a monthly review cadence."""

import datetime

from accord.comms import plan_actions
from accord.comms.models_plan import Cadence
from accord.insights import review_actions as actions
from accord.insights.models import Review
from accord.org.models import Person
from accord.partnerships import actions as partnership_actions
from accord.partnerships.models import Partnership

TODAY = datetime.date(2026, 5, 13)


def partnership_make(tenant, name="Quote to cash", status="active", **fields) -> Partnership:
    fields.setdefault("functions", [tenant.sales, tenant.finance])
    fields.setdefault("lead", tenant.alice)
    partnership = partnership_actions.partnership_create(
        workspace=tenant.workspace, actor=tenant.owner, name=name, **fields
    )
    Partnership.objects.filter(pk=partnership.pk).update(status=status)
    partnership.refresh_from_db()
    return partnership


def member_person(tenant, partnership, role="member", name=None) -> Person:
    """A person linked to the tenant's user of `role`, made a member of the partnership."""
    user = tenant.user(role)
    person = Person.objects.filter(workspace=tenant.workspace, user=user).first()
    if person is None:
        person = Person.objects.create(
            workspace=tenant.workspace,
            name=name or f"{role.title()} Person",
            email=user.email,
            user=user,
            function=tenant.sales,
        )
    partnership_actions.partnership_member_add(
        partnership=partnership, actor=tenant.owner, person=person, function=tenant.sales
    )
    return person


def cadence_make(tenant, partnership, kind=Cadence.Kind.MONTHLY_REVIEW, **fields) -> Cadence:
    fields.setdefault("starts_on", datetime.date(2026, 5, 20))
    fields.setdefault("today", TODAY)
    return plan_actions.cadence_create(
        membership=tenant.membership("admin"), partnership=partnership, kind=kind, **fields
    )


def review_make(tenant, partnership, scheduled_for=TODAY, **fields) -> Review:
    return actions.review_create(
        membership=tenant.membership("admin"),
        partnership=partnership,
        scheduled_for=scheduled_for,
        **fields,
    )

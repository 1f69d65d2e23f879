"""Reviews for the tenancy walk: a completed review of acme's partnership with a frozen pack,
feedback and an adjustment, and an open review after it — "Acme Rocketry" in every text
field, so that a leak of acme's reviews would be seen."""

import datetime
from typing import Any

from django.utils import timezone

from accord.insights import review_actions as actions
from accord.insights.models import ReviewFeedback

PARAM_MODELS = {"review": "insights.review"}


def seed(world: Any) -> None:
    owner = world.owner
    today = timezone.localdate()
    review = actions.review_create(
        membership=owner,
        partnership=world.partnership,
        scheduled_for=today - datetime.timedelta(days=3),
        title="Acme Rocketry monthly review",
    )
    actions.review_adjustment_add(
        membership=owner,
        review=review,
        kind="other",
        description="Acme Rocketry adjustment: shorter launch checklist.",
    )
    ReviewFeedback.objects.create(
        workspace=review.workspace,
        review=review,
        person=world.person,
        rating=4,
        went_well="Acme Rocketry went well",
        to_improve="Acme Rocketry to improve",
    )
    actions.review_complete(
        membership=owner, review=review, summary="Acme Rocketry review summary.", today=today
    )
    upcoming = actions.review_create(
        membership=owner,
        partnership=world.partnership,
        scheduled_for=today + datetime.timedelta(days=20),
        title="Acme Rocketry next review",
    )
    actions.review_pack_generate(membership=owner, review=upcoming, today=today)

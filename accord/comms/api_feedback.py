"""Feedback and kudos over the API."""

from ninja import Router

router = Router(tags=["Feedback and kudos"])

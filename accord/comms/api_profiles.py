"""Function profiles over the API."""

from ninja import Router

router = Router(tags=["Function profiles"])

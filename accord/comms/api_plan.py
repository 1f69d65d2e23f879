"""Communication plans over the API."""

from ninja import Router

router = Router(tags=["Communication plans"])

"""Voice equity over the API."""

from ninja import Router

router = Router(tags=["Voice equity"])

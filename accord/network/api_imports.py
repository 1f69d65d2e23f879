"""Network imports over the API."""

from ninja import Router

router = Router(tags=["Network imports"])

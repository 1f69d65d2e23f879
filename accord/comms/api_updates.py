"""Status updates over the API."""

from ninja import Router

router = Router(tags=["Status updates"])

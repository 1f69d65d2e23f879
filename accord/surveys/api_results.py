"""Survey results over the API (aggregates only, with the same suppression as the pages)."""

from ninja import Router

router = Router(tags=["Survey results"])

"""Survey instruments, cycles and responses over the API."""

from ninja import Router

router = Router(tags=["Surveys"])

"""Network snapshots for the tenancy walk: acme's small collaboration network (people named
"Acme Rocketry …") with a snapshot, so that a leak of acme's figures, function names or
person-level lists through the network page or API would be seen."""

from typing import Any

from accord.network.snapshots import snapshot_take
from accord.network.tests.insight_world import WINDOW_END, build_world

PARAM_MODELS = {"snapshot": "network.networksnapshot"}


def seed(world: Any) -> None:
    build_world(world.acme, prefix="Acme Rocketry ")
    snapshot_take(workspace=world.acme.workspace, window_end=WINDOW_END)

"""Demo meetings for Brightwater."""

from datetime import date

from accord.workspaces.models import Workspace


def demo_meetings_build(workspace: Workspace, *, today: date) -> None:
    """Write the demo rows of this area (filled in by the area)."""

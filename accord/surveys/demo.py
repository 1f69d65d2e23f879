"""Demo survey cycles and responses for Brightwater."""

from datetime import date

from accord.workspaces.models import Workspace


def demo_surveys_build(workspace: Workspace, *, today: date) -> None:
    """Write the demo rows of this area (filled in by the area)."""

"""Demo ideas for Brightwater."""

from datetime import date

from accord.workspaces.models import Workspace


def demo_ideas_build(workspace: Workspace, *, today: date) -> None:
    """Write the demo rows of this area (filled in by the area)."""

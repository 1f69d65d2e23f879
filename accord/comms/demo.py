"""Demo communication for Brightwater: profiles, plans, updates, meetings, feedback, kudos,
ideas, knowledge, then notification settings. Runs after governance (meetings capture
decisions and actions)."""

from datetime import date

from accord.comms.demo_feedback import demo_feedback_build
from accord.comms.demo_ideas import demo_ideas_build
from accord.comms.demo_knowledge import demo_knowledge_build
from accord.comms.demo_meetings import demo_meetings_build
from accord.comms.demo_plan import demo_plan_build
from accord.comms.demo_profiles import demo_profiles_build
from accord.comms.demo_updates import demo_updates_build
from accord.comms.plan_actions import cadences_refresh
from accord.notifications.demo import demo_notifications_build
from accord.workspaces.models import Workspace


def demo_comms_build(workspace: Workspace, *, today: date) -> None:
    demo_profiles_build(workspace, today=today)
    demo_plan_build(workspace, today=today)
    demo_updates_build(workspace, today=today)
    demo_meetings_build(workspace, today=today)
    demo_feedback_build(workspace, today=today)
    demo_ideas_build(workspace, today=today)
    demo_knowledge_build(workspace, today=today)
    demo_notifications_build(workspace, today=today)
    # The plan was written before the updates and meetings that meet its cadences.
    cadences_refresh(workspace=workspace, today=today)

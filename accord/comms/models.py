"""Communication, feedback and knowledge. One module per area; Django finds them here."""

from accord.comms.models_feedback import Feedback, Idea, IdeaComment, IdeaVote, Kudos, Value
from accord.comms.models_knowledge import (
    ExpertiseTopic,
    LearningOpportunity,
    LearningSignup,
    Resource,
)
from accord.comms.models_meetings import (
    AgendaItem,
    Contribution,
    Meeting,
    MeetingAttendee,
)
from accord.comms.models_plan import Cadence, CommChannel, ContactEntry
from accord.comms.models_profiles import FunctionPriority, FunctionProfile
from accord.comms.models_updates import Acknowledgement, Ask, StatusUpdate, UpdateComment

__all__ = [
    "Acknowledgement",
    "AgendaItem",
    "Ask",
    "Cadence",
    "CommChannel",
    "ContactEntry",
    "Contribution",
    "ExpertiseTopic",
    "Feedback",
    "FunctionPriority",
    "FunctionProfile",
    "Idea",
    "IdeaComment",
    "IdeaVote",
    "Kudos",
    "LearningOpportunity",
    "LearningSignup",
    "Meeting",
    "MeetingAttendee",
    "Resource",
    "StatusUpdate",
    "UpdateComment",
    "Value",
]

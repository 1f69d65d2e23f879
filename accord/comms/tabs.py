"""The tab bar shared by the communication pages (updates, meetings, feedback, …)."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

# (label, url name, path fragment that keeps the tab lit)
TABS = (
    ("Updates", "update_feed", "/updates/"),
    ("Meetings", "meeting_list", "/meetings/"),
    ("Feedback", "feedback_list", "/feedback/"),
    ("Kudos", "kudos_list", "/kudos/"),
    ("Ideas", "idea_list", "/ideas/"),
    ("Knowledge", "knowledge_home", "/knowledge/"),
    ("Function profiles", "profile_list", "/communication/profiles/"),
    ("Channel advisor", "channel_advisor", "/communication/advisor/"),
)


@dataclass(frozen=True)
class Tab:
    label: str
    url: str
    active: bool


def comms_tabs(*, slug: str, path: str) -> list[Tab]:
    tabs = []
    for label, name, fragment in TABS:
        try:
            url = reverse(name, args=[slug])
        except NoReverseMatch:  # an area not mounted in this build
            continue
        tabs.append(Tab(label=label, url=url, active=fragment in path))
    return tabs

"""The main navigation. Each product area adds its entry here when it ships."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool
    icon: str


def _actions_active(path: str, url: str) -> bool:
    # "Actions" opens My actions but stays lit across every page of the actions area.
    return "/actions/" in path


COMMS_PATHS = (
    "/updates/",
    "/meetings/",
    "/feedback/",
    "/kudos/",
    "/ideas/",
    "/knowledge/",
    "/communication/",
)


def _comms_active(path: str, url: str) -> bool:
    # "Communication" opens the update feed and stays lit across the whole comms area.
    return any(part in path for part in COMMS_PATHS)


INSIGHTS_PAGES = ("portfolio", "playbook_catalog", "review_overview", "quarterly_report")


def _insights_active(slug: str) -> Any:
    # "Insights" opens the portfolio and stays lit on the workspace-level insights pages.
    roots = []
    for name in INSIGHTS_PAGES:
        try:
            roots.append(reverse(name, args=[slug]))
        except NoReverseMatch:  # an insights page not mounted (yet)
            continue
    found = tuple(roots)
    return lambda path, url: path.startswith(found)


def navigation_for(request: HttpRequest, membership: Any) -> list[NavItem]:
    if membership is None:
        return []
    slug = membership.workspace.slug
    path = request.path
    entries = [
        ("Dashboard", reverse("dashboard", args=[slug]), "home", lambda p, u: p == u),
        ("Partnerships", reverse("partnership_list", args=[slug]), "handshake", None),
        ("Goals", reverse("goal_list", args=[slug]), "target", None),
        ("Decisions", reverse("decision_list", args=[slug]), "scale", None),
        ("Actions", reverse("my_actions", args=[slug]), "check", _actions_active),
        ("Conflicts", reverse("conflict_register", args=[slug]), "bolt", None),
        ("Communication", reverse("update_feed", args=[slug]), "chat", _comms_active),
        ("Surveys", reverse("survey_home", args=[slug]), "pulse", None),
        ("Insights", reverse("portfolio", args=[slug]), "sparkle", _insights_active(slug)),
        ("Network", reverse("network_home", args=[slug]), "network", None),
        ("People", reverse("person_list", args=[slug]), "people", None),
        ("Functions", reverse("function_list", args=[slug]), "grid", None),
        ("Settings", reverse("workspace_settings", args=[slug]), "cog", None),
    ]
    items = []
    for label, url, icon, matcher in entries:
        active = matcher(path, url) if matcher else path.startswith(url)
        items.append(NavItem(label=label, url=url, active=active, icon=icon))
    return items

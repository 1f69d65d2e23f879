"""Tab bars shared by the insights pages: the workspace view (portfolio, playbook, reviews)
and one partnership's view (health, voice, playbook, reviews)."""

from dataclasses import dataclass

from django.urls import reverse

# (label, url name, path fragment that keeps the tab lit)
WORKSPACE_TABS = (
    ("Portfolio", "portfolio", "/insights/"),
    ("Playbook", "playbook_catalog", "/playbook/"),
    ("Reviews", "review_overview", "/reviews/"),
    ("Quarterly report", "quarterly_report", "/reports/"),
)
PARTNERSHIP_TABS = (
    ("Health", "health_detail", "/health/"),
    ("Voice", "equity_detail", "/voice/"),
    ("Playbook", "playbook_partnership", "/playbook/"),
    ("Reviews", "review_list", "/reviews/"),
)


@dataclass(frozen=True)
class Tab:
    label: str
    url: str
    active: bool


def workspace_tabs(*, slug: str, path: str) -> list[Tab]:
    return [
        Tab(label=label, url=reverse(name, args=[slug]), active=fragment in path)
        for label, name, fragment in WORKSPACE_TABS
    ]


def partnership_tabs(*, slug: str, partnership: str, path: str) -> list[Tab]:
    return [
        Tab(label=label, url=reverse(name, args=[slug, partnership]), active=fragment in path)
        for label, name, fragment in PARTNERSHIP_TABS
    ]

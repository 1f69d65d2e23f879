"""A realistic review pack (the ReviewPack contract) for rendering and export tests, so the
renderers are tested without the pack builder or a database."""

import copy
from typing import Any

from accord.insights.pack_types import PACK_VERSION, ReviewPack

SAMPLE_PACK: ReviewPack = {
    "version": PACK_VERSION,
    "generated_at": "2026-11-02T08:30:00+00:00",
    "partnership": {
        "name": "Checkout Revamp",
        "slug": "checkout-revamp",
        "purpose": "Cut checkout drop-off by making pricing, payments and support work as one.",
        "lead": "Alice Archer",
        "sponsor": "Dana Diaz",
        "functions": ["Sales", "Finance", "Engineering"],
        "status": "active",
        "start_date": "2026-03-01",
    },
    "period": {"start": "2026-10-01", "end": "2026-10-31", "rhythm": "monthly"},
    "health": {
        "score": 68.4,
        "covered_share": 0.86,
        "as_of": "2026-10-31",
        "reasons": ["2 of 14 components have no data; their weight is spread over the rest."],
        "components": [
            {
                "key": "goal_progress",
                "label": "Goal progress",
                "value": 62.0,
                "weight": 2.0,
                "effective_weight": 0.17,
                "evidence": "3 of 8 goals behind expected progress",
                "status": "ok",
                "trend": 4.0,
            },
            {
                "key": "checkin_freshness",
                "label": "Check-in freshness",
                "value": 91.0,
                "weight": 1.0,
                "effective_weight": 0.09,
                "evidence": "7 of 8 goals checked in within their cadence",
                "status": "ok",
                "trend": 0.0,
            },
            {
                "key": "decision_velocity",
                "label": "Decision velocity",
                "value": 34.0,
                "weight": 1.0,
                "effective_weight": 0.09,
                "evidence": "Median 23 days to decide against a 14-day target",
                "status": "ok",
                "trend": -6.0,
            },
            {
                "key": "psych_safety",
                "label": "Psychological safety",
                "value": None,
                "weight": 1.0,
                "effective_weight": 0.0,
                "evidence": "No survey cycle closed in the last 180 days",
                "status": "no data",
                "trend": None,
            },
        ],
        "history": [
            {"date": "2026-09-01", "score": 51.0},
            {"date": "2026-09-15", "score": 55.5},
            {"date": "2026-10-01", "score": 56.0},
            {"date": "2026-10-08", "score": None},
            {"date": "2026-10-15", "score": 61.2},
            {"date": "2026-10-22", "score": 64.0},
            {"date": "2026-10-31", "score": 68.4},
        ],
        "change": 12.4,
    },
    "kpis": [
        {
            "name": "Checkout conversion",
            "unit": "%",
            "category": "revenue growth",
            "direction": "increase",
            "target": 4.5,
            "first": 3.1,
            "latest": 3.9,
            "on_target": False,
            "series": [
                {"date": "2026-10-01", "value": 3.6},
                {"date": "2026-10-15", "value": 3.8},
                {"date": "2026-10-29", "value": 3.9},
            ],
        },
        {
            "name": "Refund handling time",
            "unit": "days",
            "category": "efficiency",
            "direction": "decrease",
            "target": 3.0,
            "first": 6.5,
            "latest": 2.8,
            "on_target": True,
            "series": [
                {"date": "2026-10-03", "value": 3.4},
                {"date": "2026-10-30", "value": 2.8},
            ],
        },
        {
            "name": "Support NPS",
            "unit": "",
            "category": "customer satisfaction",
            "direction": "increase",
            "target": None,
            "first": None,
            "latest": None,
            "on_target": None,
            "series": [],
        },
    ],
    "goals": [
        {
            "title": "Raise checkout conversion to 4.5%",
            "owner": "Alice Archer",
            "function": "Sales",
            "status": "At risk",
            "progress": 0.57,
            "expected": 0.72,
            "forecast_probability": 0.41,
            "due_date": "2026-12-31",
        },
        {
            "title": "Refunds handled within 3 days",
            "owner": "Bob Baker",
            "function": "Finance",
            "status": "On track",
            "progress": 1.0,
            "expected": 0.8,
            "forecast_probability": 0.93,
            "due_date": "2026-11-30",
        },
        {
            "title": "Ship one-click payments",
            "owner": None,
            "function": "Engineering",
            "status": "Off track",
            "progress": 0.2,
            "expected": 0.6,
            "forecast_probability": None,
            "due_date": None,
        },
    ],
    "surveys": [
        {
            "instrument": "Coordination between functions",
            "cycle": "Q3 coordination pulse",
            "closed_on": "2026-10-20",
            "respondents_shown": True,
            "figures": [
                {
                    "label": "Shared goals",
                    "value": 3.8,
                    "scale": "1–5",
                    "shown": True,
                    "reason": "",
                },
                {
                    "label": "Timely communication",
                    "value": None,
                    "scale": "1–5",
                    "shown": False,
                    "reason": "Fewer than 5 respondents in this group",
                },
            ],
        }
    ],
    "decisions": [
        {
            "title": "Adopt a single discount approval path",
            "decided_at": "2026-10-09",
            "decider": "Dana Diaz",
            "outcome": "Discounts above 10% need Finance sign-off within 2 days.",
        }
    ],
    "conflicts": [
        {
            "title": "Discount depth vs gross margin",
            "stage": "In dialogue",
            "severity": "High",
            "opened": "2026-09-12",
            "resolved": None,
            "days_open": 49,
        },
        {
            "title": "Who owns refund exceptions",
            "stage": "Resolved",
            "severity": "Medium",
            "opened": "2026-10-02",
            "resolved": "2026-10-18",
            "days_open": 16,
        },
    ],
    "actions": {
        "open": 4,
        "done": 3,
        "overdue": 1,
        "items": [
            {
                "title": "Draft the discount approval checklist",
                "owner": "Bob Baker",
                "due_date": "2026-10-20",
                "status": "Open",
                "overdue": True,
            },
            {
                "title": "Run the RACI session for payments",
                "owner": "Alice Archer",
                "due_date": "2026-11-12",
                "status": "Open",
                "overdue": False,
            },
            {
                "title": "Publish the refund playbook",
                "owner": "Bob Baker",
                "due_date": "2026-10-15",
                "status": "Done",
                "overdue": False,
            },
        ],
    },
    "plays": [
        {
            "play": "raci_session",
            "title": "Run a RACI session",
            "accepted_at": "2026-09-03",
            "actions_done": 2,
            "actions_total": 3,
            "signals": [
                {"label": "RACI completeness", "before": 40.0, "now": 72.0, "improved": True},
                {"label": "Decision velocity", "before": 38.0, "now": 34.0, "improved": False},
            ],
        },
        {
            "play": "junior_voices",
            "title": "Make space for junior voices",
            "accepted_at": "2026-10-05",
            "actions_done": 0,
            "actions_total": 2,
            "signals": [
                {"label": "Participation equity", "before": 48.0, "now": None, "improved": None}
            ],
        },
    ],
    "equity": {
        "gini_star": 0.41,
        "evenness": 0.77,
        "contributors": 9,
        "members": 12,
        "levels": [
            {
                "label": "Director and above",
                "voice_share": 0.52,
                "headcount_share": 0.25,
                "flagged": False,
            },
            {"label": "Manager", "voice_share": 0.31, "headcount_share": 0.33, "flagged": False},
            {
                "label": "Individual contributor",
                "voice_share": 0.17,
                "headcount_share": 0.42,
                "flagged": True,
            },
        ],
        "functions": [
            {"label": "Sales", "voice_share": 0.55, "headcount_share": 0.4, "flagged": False},
            {"label": "Finance", "voice_share": 0.3, "headcount_share": 0.35, "flagged": False},
            {
                "label": "Engineering",
                "voice_share": None,
                "headcount_share": 0.25,
                "flagged": False,
            },
        ],
        "flags": [
            "Individual contributors are heard far less than their share of the team "
            "(17% of contributions, 42% of people)."
        ],
    },
    "previous_review": {
        "title": "September review",
        "held_on": "2026-09-30",
        "adjustments": [
            {"kind": "Cadence change", "description": "Weekly update moves to Monday."},
            {"kind": "New action", "description": "Finance joins the pricing stand-up."},
        ],
    },
}


def sample_pack(**overrides: Any) -> ReviewPack:
    """A deep copy of the sample pack with top-level keys replaced."""
    pack: Any = copy.deepcopy(SAMPLE_PACK)
    pack.update(overrides)
    return pack  # type: ignore[no-any-return]

"""Locust users for scripts/bench_load.py: people reading pages and the API, and writing
check-ins and comments through the API.

Reads its targets from the JSON file named by BENCH_LOAD_CONFIG (written by bench_load.py):
``{"session", "token", "pages": [[name, url]...], "api": [[name, url]...], "goals": [...],
"updates": [...]}``. Pages use the owner's session cookie, the API a personal access token.
"""

import json
import os
import random

from locust import HttpUser, between, task

CONFIG = json.loads(open(os.environ["BENCH_LOAD_CONFIG"], encoding="utf-8").read())  # noqa: SIM115


class Member(HttpUser):
    """One person using Accord: mostly reading, sometimes writing."""

    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", CONFIG["session"])
        self.api_headers = {"Authorization": f"Bearer {CONFIG['token']}"}

    @task(8)
    def page(self) -> None:
        name, url = random.choice(CONFIG["pages"])
        self.client.get(url, name=f"page: {name}")

    @task(6)
    def api_list(self) -> None:
        name, url = random.choice(CONFIG["api"])
        self.client.get(url, name=f"api: {name}", headers=self.api_headers)

    @task(3)
    def checkin(self) -> None:
        goal = random.choice(CONFIG["goals"])
        self.client.post(
            f"/api/v1/goals/{goal}/checkins",
            json={"value": round(random.uniform(0, 100), 2), "note": "load test"},
            name="write: POST check-in",
            headers=self.api_headers,
        )

    @task(2)
    def comment(self) -> None:
        if not CONFIG["updates"]:
            return
        update = random.choice(CONFIG["updates"])
        self.client.post(
            f"/api/v1/updates/{update}/comments",
            json={"body": "Thanks, noted in the load test."},
            name="write: POST update comment",
            headers=self.api_headers,
        )

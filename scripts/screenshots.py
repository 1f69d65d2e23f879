"""Refresh the README's screenshots: a fresh demo, the production server, real Chromium.

Run with `make screenshots`. Writes docs/screenshots/*.png.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
# Long pages whose lower half matters (charter, members, chart, check-ins).
FULL_PAGE = {
    "dashboard",
    "health",
    "partnership-home",
    "goal",
    "meeting",
    "communication-plan",
    "survey-coordination",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def accord(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "accord", *args], env=env, check=True)


def wait_until_up(url: str) -> None:
    for _ in range(100):
        try:
            with urllib.request.urlopen(url + "healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"The server at {url} did not come up.")


def tall_screenshot(page: Any, path: Path) -> None:
    """The whole page, taken with a window as tall as the page: a full_page capture would
    keep the 100vh sidebar at the first screen's height and leave a gap under it."""
    viewport = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": height})
    # Let charts redraw for the new size before the capture.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.screenshot(path=path)
    page.set_viewport_size(viewport)


def goal_url(page: Any, ws: str) -> str:
    """A demo goal with check-ins (so its page has a chart), found on the goal list."""
    page.goto(ws + "goals/")
    rows = page.locator("table.goals tbody tr")
    measured = rows.filter(has_not_text="Objective").filter(has_text=" now ")
    link = (measured if measured.count() else rows).first.locator("a").first
    return str(link.evaluate("a => a.href"))


def meeting_url(page: Any, ws: str) -> str:
    """The demo's senior-dominated review: its participation summary tells the story."""
    page.goto(ws + "meetings/")
    row = page.locator("tr", has_text="Dominated").first
    return str(row.locator("a").first.evaluate("a => a.href"))


def coordination_results_url(page: Any, ws: str) -> str:
    """The latest coordination results of the first partnership with surveys: the heatmap."""
    page.goto(ws + "surveys/results/")
    page.locator("main table a").first.click()
    page.wait_for_load_state("load")
    link = page.get_by_role("link", name="Full results of “Coordination").first
    return str(link.evaluate("a => a.href"))


def review_report_url(page: Any, ws: str) -> str:
    """The report of the recovering partnership's latest completed review."""
    page.goto(ws + "partnerships/faster-order-to-cash/reviews/")
    row = page.locator("tr", has_text="Completed").first
    row.locator("a").first.click()
    page.wait_for_load_state("load")
    link = page.get_by_role("link", name="Report", exact=True).first
    return str(link.evaluate("a => a.href"))


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "ACCORD_DATA_DIR": data_dir, "ACCORD_SHOW_DEMO_LOGINS": "true"}
        os.environ.update(ACCORD_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="accord.settings")
        import django

        django.setup()
        from accord.web.demo import DEMO_LOGINS, DEMO_PASSWORD, DEMO_WORKSPACE_SLUG

        env.pop("DATABASE_URL", None)
        accord(env, "migrate", "-v", "0")
        accord(env, "demo")
        server = subprocess.Popen(
            [sys.executable, "-m", "accord", "serve", "--port", str(port), "--workers", "1"],
            env=env,
        )
        try:
            wait_until_up(base)
            ws = f"{base}w/{DEMO_WORKSPACE_SLUG}/"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium_path(), args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1360, "height": 860})
                page.goto(base + "accounts/login/")
                page.screenshot(path=OUT / "sign-in.png")
                page.fill("input[name=login]", DEMO_LOGINS[0][1])
                page.fill("input[name=password]", DEMO_PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state("load")
                shots = {
                    "dashboard": ws,
                    "people": ws + "people/",
                    "org-chart": ws + "people/chart/",
                    "functions": ws + "functions/",
                    "members": ws + "settings/members/",
                    "partnerships": ws + "partnerships/",
                    "partnership-home": ws + "partnerships/wholesale-margin-recovery/",
                    "goals": ws + "goals/",
                    "goal": goal_url(page, ws),
                    "goal-conflicts": ws + "goals/conflicts/",
                    "raci": ws + "partnerships/wholesale-margin-recovery/raci/",
                    "decisions": ws + "decisions/",
                    "conflict-register": ws + "conflicts/",
                    "my-actions": ws + "actions/",
                    "communication-plan": ws
                    + "partnerships/wholesale-margin-recovery/communication/",
                    "updates": ws + "updates/",
                    "meeting": meeting_url(page, ws),
                    "ideas": ws + "ideas/",
                    "knowledge": ws + "knowledge/",
                    "inbox": ws + "notifications/",
                    "survey-coordination": coordination_results_url(page, ws),
                    "survey-results": ws + "surveys/results/",
                    "portfolio": ws + "insights/",
                    "health": ws + "partnerships/faster-order-to-cash/health/",
                    "playbook": ws + "partnerships/faster-order-to-cash/playbook/",
                    "voice": ws + "partnerships/wholesale-margin-recovery/voice/",
                    "review-report": review_report_url(page, ws),
                    "quarterly-report": ws + "reports/quarterly/",
                    "network": ws + "network/",
                    "network-imports": ws + "network/imports/",
                    "sign-in-settings": ws + "settings/sign-in/",
                }
                for name, url in shots.items():
                    response = page.goto(url)
                    if response is None or not response.ok:
                        status = response.status if response else "no response"
                        print(f"skipped docs/screenshots/{name}.png: {url} answered {status}")
                        continue
                    page.wait_for_load_state("networkidle")
                    for chart in page.locator("[data-chart]").all():
                        chart.locator("svg, canvas").first.wait_for()
                    charts = page.locator("[data-chart], .chart-box, .chart").count()
                    if charts:
                        page.wait_for_timeout(1500)  # let the charts finish animating
                    if name in FULL_PAGE:
                        tall_screenshot(page, OUT / f"{name}.png")
                    else:
                        page.screenshot(path=OUT / f"{name}.png")
                    print(f"docs/screenshots/{name}.png  ← {url}")
                page.emulate_media(color_scheme="dark")
                page.goto(ws)
                page.screenshot(path=OUT / "dashboard-dark.png")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()

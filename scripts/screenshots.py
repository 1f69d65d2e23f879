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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


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
                }
                for name, url in shots.items():
                    page.goto(url)
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=OUT / f"{name}.png", full_page=name == "dashboard")
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

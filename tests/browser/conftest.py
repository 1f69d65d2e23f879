"""Browser tests: Playwright driving a real Chromium against pytest-django's live server.

Every page a test visits is checked with axe-core (vendored); a page that was visited but
never checked fails the test at teardown, so no page escapes the accessibility check.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-4.11.0.min.js").read_text()
BLOCKING_IMPACTS = {"serious", "critical"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Debian's Chromium when installed; None lets Playwright use its own download."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in the test thread, where tests also touch
    # the database; Django's async-safety guard would refuse that, so it is lifted while the
    # browser runs and restored afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class CheckedPage:
    """A Playwright page that remembers which paths loaded and which were axe-checked."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.loaded: list[str] = []
        self.checked: set[str] = set()
        page.on("load", lambda p: self.loaded.append(urlparse(p.url).path))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.page, name)

    def visit(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        self.check_accessibility()
        return response

    def check_accessibility(self) -> None:
        """Run axe-core on the current page; serious or critical violations fail the test."""
        self.page.wait_for_load_state("load")
        self.page.evaluate(AXE_SOURCE)
        result = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        blocking = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(node["target"][0] for node in v["nodes"][:3])
            for v in result["violations"]
            if v["impact"] in BLOCKING_IMPACTS
        ]
        path = urlparse(self.page.url).path
        assert not blocking, f"Accessibility problems on {path}:\n" + "\n".join(blocking)
        self.checked.add(path)


@pytest.fixture
def page(browser: Any, live_server: Any, transactional_db: Any) -> Iterator[CheckedPage]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    context.set_default_timeout(15000)
    checked = CheckedPage(context.new_page(), live_server.url)
    errors: list[str] = []
    checked.page.on("pageerror", lambda error: errors.append(str(error)))
    checked.page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield checked
    context.close()
    unchecked = sorted(set(checked.loaded) - checked.checked)
    assert not unchecked, f"Pages visited without an accessibility check: {unchecked}"
    assert not errors, f"JavaScript or CSP errors in the browser: {errors}"


def sign_in(page: CheckedPage, email: str, password: str) -> None:
    page.visit("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    page.check_accessibility()

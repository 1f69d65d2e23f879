"""Stored XSS: a member types script and HTML into every text field they can reach, and no
page that shows those values (to the member or to the owner) runs or builds any of it.

The test does not rely on the Content-Security-Policy alone: it looks for the payload's own
elements in the DOM (an escaped value never becomes an element), for CSP reports about inline
handlers (the sign that markup got through and only the policy stopped it), and for the
payload's global flag. It also proves it was not vacuous: the payload must be stored in many
models and shown back as text on many pages.

The member walks the demo workspace breadth first, one page per URL shape (an id in a path
counts once per shape), submits every form with free-text fields it finds there (destructive
forms excepted), then both the member and the owner walk again and read every page.
"""

import re
from collections import deque
from io import StringIO
from typing import Any
from urllib.parse import urljoin, urlparse

from django.apps import apps
from django.core.management import call_command
from django.db import models
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from accord.web.demo import DEMO_PASSWORD, DEMO_WORKSPACE_SLUG

MARK = "data-xss"
PAYLOAD = (
    '"><img src=/static/none.png data-xss=1 onerror="window.__xss=1">'
    "<script>window.__xss=2</script><b data-xss=1>x</b>"
)
# Forms whose purpose is to remove, leave or reset things; submitting them would shrink the
# walk (or sign the member out) without storing any text.
DESTRUCTIVE = re.compile(
    r"delete|remove|logout|leave|revoke|archive|withdraw|unsubscribe|reset|dismiss|"
    r"import|token|password|email|mfa|sign-in|sso|vote|acknowledge",
    re.IGNORECASE,
)
ID_IN_PATH = re.compile(
    r"/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+)(?=/)"
)
FILES = re.compile(r"\.(csv|xlsx|pdf|ics|json)$|/export|/download|/report")
MAX_SHAPES = 90
FILL_SCRIPT = """
([payload, skip]) => {
  const skipRe = new RegExp(skip, "i");
  const forms = [...document.querySelectorAll("main form")].filter((f) => {
    const action = f.getAttribute("action") || location.pathname;
    const button = f.querySelector("button[type=submit], button:not([type]), input[type=submit]");
    const label = (button && (button.textContent || button.value)) || "";
    return !skipRe.test(action) && !skipRe.test(label);
  });
  const found = [];
  forms.forEach((form, index) => {
    const fields = [...form.querySelectorAll(
      "textarea, input[type=text], input:not([type]), input[type=search]"
    )].filter((el) => !el.disabled && !el.readOnly && el.type !== "hidden");
    if (fields.length) { found.push(index); form.dataset.xssForm = String(index); }
  });
  return found;
}
"""
SUBMIT_SCRIPT = """
([index, payload]) => {
  const form = document.querySelector(`form[data-xss-form="${index}"]`);
  if (!form) { return false; }
  form.querySelectorAll("textarea, input[type=text], input:not([type]), input[type=search]")
    .forEach((el) => {
      if (el.disabled || el.readOnly || el.type === "hidden") { return; }
      const limit = el.maxLength > 0 ? el.maxLength : 100000;
      el.value = payload.slice(0, limit);
    });
  // The server validates; the browser's own checks would stop some forms before sending.
  form.noValidate = true;
  window.__walker = 1;
  const settled = () => { window.__settled = 1; };
  ["htmx:afterSettle", "htmx:responseError", "htmx:sendError"].forEach((name) =>
    document.body.addEventListener(name, settled, { once: true }));
  form.requestSubmit();
  return true;
}
"""
INSPECT_SCRIPT = """
() => ({
  elements: document.querySelectorAll("[data-xss]").length,
  flag: window.__xss || null,
  shown: document.body ? document.body.innerText.includes("<b data-xss=1>") : false,
})
"""


def _shape(path: str) -> str:
    return ID_IN_PATH.sub("/:id", path)


class Walker:
    """One signed-in browser context that reads pages and records what the payload did."""

    def __init__(self, browser: Any, base_url: str, email: str) -> None:
        self.base_url = base_url
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(15000)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.current = ""
        self.page.on("dialog", self._dialog)
        self.page.on("console", self._console)
        self.page.goto(base_url + "/accounts/login/")
        self.page.fill("input[name=login]", email)
        self.page.fill("input[name=password]", DEMO_PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state("load")

    def _dialog(self, dialog: Any) -> None:
        self.problems.append(f"{self.current}: a dialog opened ({dialog.message})")
        dialog.dismiss()

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text and ("inline" in text or "script" in text):
            self.problems.append(f"{self.current}: CSP blocked injected script: {text[:160]}")

    def open(self, path: str) -> bool:
        self.current = path
        try:
            response = self.page.goto(self.base_url + path)
        except Exception:  # a download or a failed navigation is not a page to read
            return False
        return (
            response is not None
            and response.ok
            and "html" in (response.headers.get("content-type", ""))
        )

    def inspect(self) -> bool:
        found = self.page.evaluate(INSPECT_SCRIPT)
        if found["elements"]:
            self.problems.append(f"{self.current}: {found['elements']} payload element(s)")
        if found["flag"]:
            self.problems.append(f"{self.current}: payload script ran ({found['flag']})")
        return bool(found["shown"])

    def links(self, prefix: str) -> list[str]:
        hrefs = self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        paths = []
        for href in hrefs:
            parsed = urlparse(urljoin(self.page.url, href))
            if (
                parsed.netloc == urlparse(self.base_url).netloc
                and parsed.path.startswith(prefix)
                and not FILES.search(parsed.path)
            ):
                paths.append(parsed.path)
        return paths

    def close(self) -> None:
        self.context.close()


def _walk(walker: Walker, start: str, *, submit: bool) -> tuple[list[str], int, int]:
    """Breadth-first over one page per URL shape; returns pages, forms sent, pages showing."""
    seen_shapes: set[str] = set()
    queue = deque([start])
    visited: list[str] = []
    submitted = shown = 0
    while queue and len(visited) < MAX_SHAPES:
        path = queue.popleft()
        shape = _shape(path)
        if shape in seen_shapes:
            continue
        seen_shapes.add(shape)
        if not walker.open(path):
            continue
        visited.append(path)
        shown += walker.inspect()
        queue.extend(walker.links(start))
        if not submit:
            continue
        for index in walker.page.evaluate(FILL_SCRIPT, [PAYLOAD, DESTRUCTIVE.pattern])[:3]:
            if not walker.open(path):
                break
            walker.page.evaluate(FILL_SCRIPT, [PAYLOAD, DESTRUCTIVE.pattern])
            sent = walker.page.evaluate(SUBMIT_SCRIPT, [index, PAYLOAD])
            # Either a new document loads (the flag is gone) or htmx swaps a part in place.
            try:
                walker.page.wait_for_function(
                    "() => !window.__walker || window.__settled", timeout=5000
                )
            except PlaywrightTimeout:
                print(f"form {index} on {path} neither navigated nor swapped")
                continue
            walker.page.wait_for_load_state("load")
            submitted += bool(sent)
            walker.current = f"{path} (after sending form {index})"
            walker.inspect()
    return visited, submitted, shown


def _models_holding_payload() -> list[str]:
    holding = []
    for model in apps.get_models():
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        if not text_fields:
            continue
        query = models.Q()
        for name in text_fields:
            query |= models.Q(**{f"{name}__contains": MARK})
        if model._default_manager.filter(query).exists():
            holding.append(model._meta.label)
    return holding


def test_payloads_typed_by_a_member_never_become_markup_on_any_page(
    browser, live_server, transactional_db
):
    """Every form a member can fill stores the payload as text: no page (member's or owner's)
    turns it into elements or runs it, and many pages show it back as plain text."""
    call_command("demo", stdout=StringIO())
    start = f"/w/{DEMO_WORKSPACE_SLUG}/"

    member = Walker(browser, live_server.url, "member@brightwater.example")
    filled_pages, submitted, _ = _walk(member, start, submit=True)
    holding = _models_holding_payload()
    reread_member, _, shown_member = _walk(member, start, submit=False)
    member.close()

    owner = Walker(browser, live_server.url, "owner@brightwater.example")
    reread_owner, _, shown_owner = _walk(owner, start, submit=False)
    owner.close()

    problems = member.problems + owner.problems
    assert not problems, "Stored XSS:\n" + "\n".join(problems[:40])
    # Not vacuous: the member reached many pages and forms, the payload was stored in many
    # kinds of objects, and pages showed it back as text.
    assert len(filled_pages) >= 40, filled_pages
    assert submitted >= 20, submitted
    assert len(holding) >= 10, holding
    assert shown_member >= 10, shown_member
    assert shown_owner >= 10, shown_owner
    assert len(reread_member) >= 40
    assert len(reread_owner) >= 40
    print(
        f"pages {len(filled_pages)}, forms sent {submitted}, models {len(holding)}, "
        f"shown to member {shown_member}, to owner {shown_owner}"
    )

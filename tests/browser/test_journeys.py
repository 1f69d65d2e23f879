"""What a new user does first, in a real browser: sign in, import people, fix a mistake,
switch workspace. Every page visited is also checked for accessibility (see conftest)."""

import re

from playwright.sync_api import expect

from accord.org.models import Person
from accord.workspaces.actions import workspace_create
from conftest import PASSWORD
from tests.browser.conftest import sign_in

PEOPLE_CSV = """name,email,title,seniority,function,manager_email,location,skills
Dana Diaz,dana@acme.test,Head of Operations,Director,Sales,,Chicago,Negotiation:4
Eli Evans,eli@acme.test,Analyst,IC,Finance,dana@acme.test,Dublin,SQL:3; Excel:5
Fay Fong,fay@acme.test,Account Executive,Senior IC,Sales,dana@acme.test,Remote,
"""


def test_sign_in_lands_on_the_dashboard(page, acme):
    """An admin signs in with email and password and sees the workspace dashboard."""
    sign_in(page, "admin@acme.test", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corp")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("People")


def test_wrong_password_is_explained(page, acme):
    """A wrong password keeps the user on the sign-in page with a message."""
    page.visit("/accounts/login/")
    page.fill("input[name=login]", "admin@acme.test")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    page.check_accessibility()
    expect(page.locator("body")).to_contain_text("not correct")


def test_import_people_through_the_wizard(page, acme, tmp_path):
    """An admin uploads a CSV, reviews the preview, applies it, and finds the people listed."""
    upload = tmp_path / "people.csv"
    upload.write_text(PEOPLE_CSV)
    sign_in(page, "admin@acme.test", PASSWORD)
    page.visit("/w/acme/people/import/")
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name=re.compile("Upload and check")).click()
    page.wait_for_load_state("load")
    page.check_accessibility()
    preview = page.locator("main")
    expect(preview).to_contain_text("dana@acme.test")
    expect(preview).to_contain_text("3")
    page.get_by_role("button", name=re.compile(r"^Import")).first.click()
    page.wait_for_load_state("load")
    page.check_accessibility()
    assert Person.objects.filter(workspace=acme.workspace).count() == 5
    page.visit("/w/acme/people/")
    table = page.locator("table")
    for name in ["Dana Diaz", "Eli Evans", "Fay Fong"]:
        expect(table).to_contain_text(name)
    eli = Person.objects.get(email="eli@acme.test")
    assert eli.manager.email == "dana@acme.test"


def test_edit_with_a_validation_error_then_fix_it(page, acme):
    """An invalid email is refused with the message on the field and the input kept."""
    sign_in(page, "admin@acme.test", PASSWORD)
    page.visit(f"/w/acme/people/{acme.bob.uuid}/edit/")
    page.get_by_label("Title").fill("Senior Analyst")
    page.get_by_label("Email").fill("bob-at-acme")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state("load")
    page.check_accessibility()
    expect(page.locator(".field.has-error")).to_contain_text("valid email")
    expect(page.get_by_label("Title")).to_have_value("Senior Analyst")
    page.get_by_label("Email").fill("bob.baker@acme.test")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state("load")
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bob Baker")
    acme.bob.refresh_from_db()
    assert (acme.bob.email, acme.bob.title) == ("bob.baker@acme.test", "Senior Analyst")
    # The change shows in the person's history, old value and new.
    history = page.locator("section", has=page.locator("#history-title"))
    expect(history).to_contain_text("bob@acme.test")
    expect(history).to_contain_text("bob.baker@acme.test")


def test_switch_workspace(page, acme, globex):
    """Someone in two workspaces switches from one to the other with the switcher."""
    workspace_create(name="Acme Labs", slug="acme-labs", owner=acme.member)
    sign_in(page, "member@acme.test", PASSWORD)
    page.locator(".switcher summary").click()
    page.get_by_role("link", name=re.compile("Acme Labs")).click()
    page.wait_for_load_state("load")
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Labs")
    page.locator(".switcher summary").click()
    page.get_by_role("link", name=re.compile("Acme Corp")).click()
    page.wait_for_load_state("load")
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corp")


def test_viewer_sees_no_editing_controls(page, acme):
    """A viewer reads the directory but is offered no add, import or edit buttons."""
    sign_in(page, "viewer@acme.test", PASSWORD)
    page.visit("/w/acme/people/")
    expect(page.locator("table")).to_contain_text("Alice Archer")
    expect(page.get_by_role("link", name=re.compile("Import"))).to_have_count(0)
    page.visit(f"/w/acme/people/{acme.alice.uuid}/")
    expect(page.get_by_role("link", name=re.compile("^Edit"))).to_have_count(0)
    page.visit("/w/acme/people/chart/")
    expect(page.locator("main")).to_contain_text("Alice Archer")

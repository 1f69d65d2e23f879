"""Collaboration networks in a real browser: an admin uploads a CSV of who wrote to whom,
watches the import go from queued to done while the worker runs, maps nothing by hand
(people match by e-mail), refreshes the network and reads the function-level results; a
member sees the same page without any person-level view. Every page is axe-checked."""

import csv
import datetime
import random
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accord.network.models import NetworkImport
from accord.org.models import Person
from conftest import PASSWORD
from tests.browser.conftest import CheckedPage, sign_in


def loaded(page: CheckedPage) -> None:
    page.wait_for_load_state("load")
    page.check_accessibility()


def _people(acme) -> dict[str, list[str]]:
    emails: dict[str, list[str]] = {"Sales": [], "Finance": []}
    for function in (acme.sales, acme.finance):
        for number in range(6):
            email = f"{function.name.lower()}{number}@acme.test"
            Person.objects.create(
                workspace=acme.workspace,
                name=f"{function.name} person {number}",
                email=email,
                function=function,
            )
            emails[function.name].append(email)
    return emails


def _events(path: Path, emails: dict[str, list[str]]) -> int:
    """Mostly inside each function, Sales reaching out more than Finance; one stranger."""
    rng = random.Random(5)
    start = timezone.now() - datetime.timedelta(days=20)
    rows = 0
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["timestamp", "sender", "recipients", "channel", "subject"])
        for number in range(1500):
            home = "Sales" if number % 2 else "Finance"
            sender = rng.choice(emails[home])
            across = rng.random() < (0.35 if home == "Sales" else 0.05)
            pool = emails["Finance" if home == "Sales" else "Sales"] if across else emails[home]
            recipients = rng.sample([e for e in pool if e != sender], 2)
            if number == 7:
                recipients.append("stranger@elsewhere.test")
            moment = start + datetime.timedelta(minutes=17 * number)
            writer.writerow(
                [moment.isoformat(), sender, ";".join(recipients), "email", "Quarterly numbers"]
            )
            rows += 1
    return rows


def test_upload_a_csv_watch_it_import_and_read_the_network(page, acme, tmp_path):
    emails = _people(acme)
    events = tmp_path / "events.csv"
    _events(events, emails)
    sign_in(page, "admin@acme.test", PASSWORD)

    page.visit("/w/acme/network/")
    expect(page.get_by_role("heading", name="Nothing imported yet")).to_be_visible()
    page.get_by_role("link", name="Import collaboration data").click()
    loaded(page)
    page.get_by_label("Export file").set_input_files(str(events))
    page.get_by_role("button", name="Upload and import").click()
    loaded(page)
    batch = NetworkImport.objects.get()
    assert batch.status == NetworkImport.Status.QUEUED
    expect(page.get_by_role("heading", level=1)).to_have_text("Import of events.csv")
    progress = page.locator("#import-result")
    expect(progress).to_contain_text("Waiting for a worker")
    expect(progress.locator("progress")).to_be_visible()

    # The worker picks the import up; the page polls and shows it done, without a reload.
    call_command("worker", "--batch", verbosity=0)
    batch.refresh_from_db()
    assert batch.status == NetworkImport.Status.DONE, batch.error
    expect(progress).to_contain_text("Import complete", timeout=10000)
    expect(page.locator("main")).to_contain_text("stranger@elsewhere.test")  # unmatched, listed
    page.check_accessibility()

    page.visit("/w/acme/network/")
    page.get_by_role("button", name="Refresh now").click()
    loaded(page)
    table = page.locator("section", has_text="Inside or across: E-I index per function")
    expect(table).to_contain_text("Sales")
    expect(table).to_contain_text("Finance")
    expect(page.locator("main")).to_contain_text("Brokers")

    # A member reads the same function-level page, with no person-level view.
    page.context.clear_cookies()
    sign_in(page, "member@acme.test", PASSWORD)
    page.visit("/w/acme/network/")
    expect(page.locator("main")).to_contain_text("Inside or across")
    for email in emails["Sales"] + emails["Finance"]:
        expect(page.locator("main")).not_to_contain_text(email)
    for number in range(6):
        expect(page.locator("main")).not_to_contain_text(f"Sales person {number}")

"""Enterprise sign-in in a real browser: SSO through a real local OpenID Connect provider,
enrolling an authenticator app and signing in with its code, and an owner requiring MFA."""

import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from playwright.sync_api import expect

from accord.sso.actions import sso_configure
from accord.sso.testing import LocalProvider, local_provider
from accord.workspaces.models import Membership
from conftest import PASSWORD
from tests.browser.conftest import sign_in


@pytest.fixture(scope="module")
def provider() -> Iterator[LocalProvider]:
    with local_provider() as running:
        yield running


@pytest.fixture(scope="module", autouse=True)
def _urls_loaded() -> None:
    """Import the URLconf before the browser's first request, which has a 15 s budget."""
    from django.urls import get_resolver

    assert get_resolver().url_patterns


def totp_code(secret: str, *, step: int = 0) -> str:
    """The RFC 6238 code for now (+ `step` periods), computed with allauth's own HOTP."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def test_a_new_person_signs_in_through_sso_and_lands_in_the_workspace(
    page: Any, acme: Any, provider: LocalProvider, settings: Any
) -> None:
    """Work e-mail → the workspace's identity provider → back in Accord as a new member."""
    settings.ACCORD_SSO_ALLOW_LOCAL_ISSUERS = True
    sso_configure(
        actor_membership=acme.membership("owner"),
        issuer=provider.issuer,
        client_id="accord-acme",
        client_secret="browser-secret-0001",
        domains="acme.test",
        join_role="member",
        enabled=True,
    )
    provider.user_set("kim-1", email="kim@acme.test", email_verified=True, name="Kim Kato")
    page.visit("/accounts/login/")
    page.get_by_role("link", name="Sign in with single sign-on").click()
    page.wait_for_load_state("load")
    page.check_accessibility()
    page.get_by_label("Work e-mail").fill("kim@acme.test")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_contain_text("acme")
    page.get_by_role("button", name="Continue with single sign-on").click()
    # The provider's own sign-in form (not Accord's page): choose who signs in.
    page.wait_for_url(re.compile(re.escape(provider.issuer) + r"/oauth2/authorize"))
    page.checked.add("/oauth2/authorize")
    page.fill("#subject-input", "kim-1")
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(re.compile(r"/w/acme/$"))
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corp")
    expect(page.locator("body")).to_contain_text("Welcome to Acme Corp")
    assert Membership.objects.get(workspace=acme.workspace, user__email="kim@acme.test").role == (
        "member"
    )


def test_a_member_enrols_an_authenticator_and_signs_in_with_its_code(
    page: Any, acme: Any, settings: Any
) -> None:
    """Set up TOTP from the account page, then the next sign-in asks for a code."""
    # One period of tolerance lets the second sign-in use the next period's code instead of
    # waiting up to 30 s (a used code is refused).
    settings.MFA_TOTP_TOLERANCE = 1
    sign_in(page, "member@acme.test", PASSWORD)
    page.visit("/accounts/2fa/")
    page.get_by_role("link", name="Set up authenticator app").click()
    page.wait_for_load_state("load")
    page.check_accessibility()
    # Changing sign-in factors asks for the password again first.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    page.check_accessibility()
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_load_state("load")
    page.check_accessibility()
    expect(page.locator("body")).to_contain_text("Recovery Codes")
    page.context.clear_cookies()
    sign_in(page, "member@acme.test", PASSWORD)
    expect(page.get_by_label("Code")).to_be_visible()
    page.get_by_label("Code").fill(totp_code(secret, step=1))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/w/acme/$"))
    page.check_accessibility()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corp")


def test_an_owner_requires_mfa_and_a_member_is_sent_to_set_it_up(
    page: Any, acme: Any, settings: Any
) -> None:
    """The owner ticks "Require two-factor authentication"; a member then lands on setup."""
    settings.MFA_TOTP_TOLERANCE = 1
    secret = generate_totp_secret()
    TOTP.activate(acme.owner, secret)
    sign_in(page, "owner@acme.test", PASSWORD)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/w/acme/$"))
    page.check_accessibility()
    page.visit("/w/acme/settings/sign-in/")
    page.get_by_label("Require two-factor authentication").check()
    page.get_by_role("button", name="Save policy").click()
    page.wait_for_load_state("load")
    page.check_accessibility()
    expect(page.locator("body")).to_contain_text("Sign-in policy saved.")
    page.context.clear_cookies()
    sign_in(page, "viewer@acme.test", PASSWORD)
    # Setup starts by confirming the password; the workspace's message says why.
    assert "next=/accounts/2fa/totp/activate/" in unquote(page.url)
    page.check_accessibility()
    expect(page.locator("body")).to_contain_text("Acme Corp requires two-factor authentication")

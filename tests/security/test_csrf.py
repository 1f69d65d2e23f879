"""Cross-site request forgery: a signed-in browser's cookies alone never change anything.

Every URL pattern of the project (found at run time, as the tenancy walk finds them) is filled
with real slugs and ids of a seeded workspace and POSTed to as that workspace's owner, signed
in, without a CSRF token. Every page answers 403 from Django's CSRF check, every API operation
that changes data answers 403 `csrf-failed`, and the workspace is unchanged afterwards.

The intentional exemptions are listed below with their reasons; a new exemption fails the test
until it is listed (and explained in docs/security.md).
"""

import json
import logging
import os
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accord.api.testing import token_for
from conftest import PASSWORD
from tests.test_tenancy_leaks import (
    Walk,
    _operation_urls,
    acme_state,
    discover_routes,
)

# URL name -> why a forged POST there carries no authority.
EXEMPT_PAGES = {
    "email_unsubscribe": (
        "RFC 8058 one-click unsubscribe: mail clients POST without a CSRF token. The long "
        "random token in the URL is the credential; the signed-in session is not used."
    ),
}
# (method, API path) -> why a forged request there carries no authority.
EXEMPT_API = {
    ("post", "/api/v1/survey-responses"): (
        "Authenticated only by a one-time survey token sent in the X-Survey-Token header or "
        "the body, which a browser never adds by itself; the session is not used."
    ),
}
# Bearer-token API calls need no CSRF token: browsers never attach an Authorization header on
# their own, so a forged request has no credential (tested below).
UNSAFE = ("post", "put", "patch", "delete")
FORM = {
    "name": "CSRF probe",
    "title": "CSRF probe",
    "body": "CSRF probe",
    "email": "csrf@example.com",
    "role": "viewer",
    "action": "delete",
    "confirm": "on",
}
MINIMUM_PAGES = 150
MINIMUM_API_OPERATIONS = 150


def _signed_in_owner(acme: Any) -> Client:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(acme.owner, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _is_api(template: str) -> bool:
    return template.startswith("api/")


def test_every_page_refuses_a_post_without_the_csrf_token(acme_world, acme, globex, caplog):
    """A POST with the owner's session but no CSRF token is refused with 403 by the CSRF check
    on every page, and the workspace does not change."""
    before = acme_state(acme)
    client = _signed_in_owner(acme)
    walk = Walk(acme_world, globex)
    failures, exempt_seen, checked, unfillable = [], set(), 0, []
    for route in discover_routes():
        if _is_api(route.template):
            continue
        if getattr(route.callback, "csrf_exempt", False):
            exempt_seen.add(route.name)
            if route.name not in EXEMPT_PAGES:
                failures.append(f"/{route.template} is csrf_exempt without a listed reason")
            continue
        urls = walk.urls_for(route)[:2]
        if not urls:
            unfillable.append(route.template)
            continue
        for url in urls:
            caplog.clear()
            with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
                response = client.post(url, FORM)
            checked += 1
            refused_by_csrf = any(r.name == "django.security.csrf" for r in caplog.records)
            if response.status_code != 403 or not refused_by_csrf:
                failures.append(f"POST {url} -> {response.status_code} (CSRF check not applied)")
    assert not unfillable, unfillable
    assert not failures, "\n".join(failures)
    assert exempt_seen == set(EXEMPT_PAGES), "a listed exemption no longer exists: update it"
    assert checked >= MINIMUM_PAGES
    assert acme_state(acme) == before


def test_every_api_write_refuses_a_session_call_without_the_csrf_token(acme_world, acme, globex):
    """Session-authenticated API writes without the X-CSRFToken header answer 403 csrf-failed
    (problem+json), whatever the operation, and nothing changes."""
    before = acme_state(acme)
    client = _signed_in_owner(acme)
    walk = Walk(acme_world, globex)
    schema = Client().get("/api/v1/openapi.json").json()
    failures, checked = [], 0
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method not in UNSAFE:
                continue
            if (method, path) in EXEMPT_API:
                assert {"SessionAuth": []} not in operation.get("security", []), path
                continue
            url = _operation_urls(path, operation, walk)[0]
            response = getattr(client, method)(url, "{}", content_type="application/json")
            checked += 1
            kind = response.json().get("type", "") if response.status_code == 403 else ""
            if not kind.endswith("/csrf-failed"):
                failures.append(f"{method.upper()} {url} -> {response.status_code} {kind}")
    assert not failures, "\n".join(failures)
    assert checked >= MINIMUM_API_OPERATIONS
    assert acme_state(acme) == before


def test_a_bearer_token_needs_no_csrf_token(acme):
    """A client with a personal access token writes without any CSRF token: the token is not
    something a browser sends by itself."""
    client = Client(
        enforce_csrf_checks=True,
        headers={"Authorization": f"Bearer {token_for(acme, 'owner')}"},
    )
    response = client.post("/api/v1/functions", {"name": "Legal"}, content_type="application/json")
    assert response.status_code == 201


def test_a_session_write_with_the_csrf_token_is_accepted(acme):
    """The browser's own calls, which send the token, go through: the check is not a blanket
    refusal."""
    client = _signed_in_owner(acme)
    client.get("/w/acme/")  # a page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/functions",
        {"name": "Legal"},
        content_type="application/json",
        headers={"X-CSRFToken": token, "X-Accord-Workspace": "acme"},
    )
    assert response.status_code == 201


@pytest.mark.parametrize(("name", "reason"), sorted(EXEMPT_PAGES.items()))
def test_exempt_pages_do_not_act_on_the_session(name, reason, acme):
    """An exempt page acts only on its own credential: signed in as the owner, a POST with a
    made-up token is a 404 and changes nothing."""
    before = acme_state(acme)
    client = _signed_in_owner(acme)
    response = client.post(reverse(name, args=["not-a-real-token"]))
    assert response.status_code == 404, reason
    assert acme_state(acme) == before


def test_exemptions_are_all_resolvable_routes():
    """Every listed page exemption still names a URL pattern of the project."""
    names = {route.name for route in discover_routes()}
    assert set(EXEMPT_PAGES) <= names


# --- cookies and headers with production settings ------------------------------------------

PRODUCTION_NAMES = (
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
)


@pytest.fixture(scope="module")
def production_settings(tmp_path_factory) -> dict[str, Any]:
    """The security settings as `accord` computes them with ACCORD_HTTPS=true (read in a fresh
    process: settings are computed from the environment once, at start)."""
    code = (
        "import json; from django.conf import settings; import django; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {PRODUCTION_NAMES!r}}}))"
    )
    unwanted = ("DATABASE_URL", "DEBUG", "ACCORD_", "SECURE_", "DJANGO_SETTINGS_MODULE")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(unwanted)}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "accord.settings",
        "ACCORD_HTTPS": "true",
        "ACCORD_DATA_DIR": str(tmp_path_factory.mktemp("production")),
        "SITE_URL": "https://accord.example.com",
        "ALLOWED_HOSTS": "accord.example.com,testserver",
        "SECRET_KEY": "production-like-secret-key-" + "x" * 40,
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values = json.loads(done.stdout.strip().splitlines()[-1])
    if values["SECURE_PROXY_SSL_HEADER"] is not None:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_production_settings_make_cookies_secure_and_turn_on_hsts(production_settings):
    """With ACCORD_HTTPS=true: cookies only over HTTPS, the session cookie out of scripts'
    reach and not sent on cross-site subrequests, HSTS for a year, HTTP redirected."""
    assert production_settings["SESSION_COOKIE_SECURE"] is True
    assert production_settings["SESSION_COOKIE_HTTPONLY"] is True
    assert production_settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production_settings["CSRF_COOKIE_SECURE"] is True
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert production_settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


def test_signing_in_over_https_sets_a_secure_httponly_samesite_session_cookie(
    production_settings, acme, settings
):
    """A real sign-in with the production values answers with a session cookie marked Secure,
    HttpOnly and SameSite=Lax, and with HSTS, CSP, framing, referrer and nosniff headers."""
    for name, value in production_settings.items():
        setattr(settings, name, value)
    client = Client(enforce_csrf_checks=False)
    response = client.post(
        reverse("account_login"),
        {"login": "owner@acme.test", "password": PASSWORD},
        secure=True,
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert response.cookies[settings.CSRF_COOKIE_NAME]["secure"] is True
    page = client.get(response.url, secure=True)
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    policy = page["Content-Security-Policy"]
    script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'nonce-" in script_src
    assert "frame-ancestors 'none'" in policy
    assert page["X-Frame-Options"] == "DENY"
    assert page["Referrer-Policy"] == "same-origin"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Cross-Origin-Opener-Policy"] == "same-origin"


def test_plain_http_is_redirected_to_https_in_production(production_settings, db, settings):
    """Behind TLS, a plain-HTTP request is sent to its HTTPS address; the proxy's
    X-Forwarded-Proto header is believed."""
    for name, value in production_settings.items():
        setattr(settings, name, value)
    plain = Client().get("/accounts/login/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/accounts/login/"
    forwarded = Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert forwarded.status_code == 200

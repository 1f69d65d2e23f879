def test_healthz_reports_ok_after_a_database_round_trip(client, db):
    """/healthz answers JSON ok for load balancers without signing in, with the database and
    the worker queue checked."""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["queue"]["status"] == "ok"


def test_pages_send_a_content_security_policy(client, db):
    """Every page carries a strict CSP: no inline scripts or styles."""
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_not_found_and_forbidden_pages_explain_themselves(acme, login):
    """404 and 403 answer with Accord's own pages, not the framework's bare text."""
    client = login(acme.viewer)
    missing = client.get("/w/nowhere/")
    assert missing.status_code == 404
    assert b"We couldn't find that" in missing.content
    forbidden = client.get("/w/acme/people/import/")
    assert forbidden.status_code == 403
    assert b"Your role can't do that" in forbidden.content


def test_server_error_page_renders_without_a_request():
    """The 500 page needs no context, so it renders even when the database is down."""
    from django.template.loader import render_to_string

    assert "Something went wrong" in render_to_string("500.html")


def test_favicon_redirects_to_the_static_icon(client, db):
    """Browsers asking for /favicon.ico get the SVG icon."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url.endswith("accord/favicon.svg")

def test_healthz_reports_ok_after_a_database_round_trip(client, db):
    """/healthz answers JSON ok for load balancers without signing in."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_pages_send_a_content_security_policy(client, db):
    """Every page carries a strict CSP: no inline scripts or styles."""
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy

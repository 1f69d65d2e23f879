"""Guessing is limited: invalid API tokens per client address and per token prefix, and failed
sign-ins per account and per address (allauth's rate limits, ACCOUNT_RATE_LIMITS).

The counters live in the configured cache, the database cache, which every server process
shares; these tests run through Django's real middleware and that real cache table.
"""

import secrets

import pytest
from django.conf import settings as shipped
from django.test import Client
from django.urls import reverse

from accord.api.auth import ACCORD_TOKEN_FAILURE_WINDOW
from accord.api.testing import bearer_client, token_for
from conftest import PASSWORD

API = "/api/v1/workspace"


@pytest.fixture
def small_limits(settings):
    settings.ACCORD_TOKEN_FAILURES_PER_IP = 3
    settings.ACCORD_TOKEN_FAILURES_PER_PREFIX = 100


def _guess(address: str = "203.0.113.7", prefix: str = "acc_") -> Client:
    return Client(
        headers={"Authorization": f"Bearer {prefix}{secrets.token_urlsafe(32)}"},
        REMOTE_ADDR=address,
    )


def test_the_limits_are_kept_in_a_cache_shared_by_every_process():
    """Counters in a per-process memory cache would let each server process allow its own
    quota; the shipped cache is the database cache."""
    backend = shipped.CACHES["default"]["BACKEND"]
    assert backend == "django.core.cache.backends.db.DatabaseCache"


def test_invalid_tokens_from_one_address_are_cut_off_with_429_and_retry_after(acme, small_limits):
    """After the allowed number of invalid tokens, the address gets 429 problem+json with a
    Retry-After; before that each invalid token is a 401."""
    for _ in range(3):
        assert _guess().get(API).status_code == 401
    response = _guess().get(API)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "https://accord.dev/problems/rate-limited"
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= ACCORD_TOKEN_FAILURE_WINDOW
    assert response.json()["retry_after"] == retry_after


def test_a_valid_token_is_never_held_back(acme, small_limits):
    """Successful authentication is unaffected: the owner's valid token works even from an
    address that is cut off, while invalid tokens from there keep getting 429."""
    raw = token_for(acme, "owner")
    for _ in range(4):
        _guess().get(API)
    assert bearer_client(raw, REMOTE_ADDR="203.0.113.7").get(API).status_code == 200
    assert _guess().get(API).status_code == 429


def test_valid_tokens_from_other_addresses_are_unaffected(acme, small_limits):
    """The limit is per address: the owner's token works from another address meanwhile."""
    raw = token_for(acme, "owner")
    for _ in range(4):
        _guess().get(API)
    response = bearer_client(raw, REMOTE_ADDR="198.51.100.20").get(API)
    assert response.status_code == 200
    assert response.json()["slug"] == "acme"


def test_successful_requests_do_not_count_toward_the_limit(acme, small_limits):
    """Many requests with a valid token leave the whole allowance of failures intact."""
    client = bearer_client(token_for(acme, "owner"), REMOTE_ADDR="203.0.113.7")
    for _ in range(10):
        assert client.get(API).status_code == 200
    for _ in range(3):
        assert _guess().get(API).status_code == 401
    assert _guess().get(API).status_code == 429


def test_one_token_prefix_tried_from_many_addresses_is_cut_off(acme, settings):
    """Spreading guesses of one token (same prefix) over many addresses hits the per-prefix
    limit."""
    settings.ACCORD_TOKEN_FAILURES_PER_IP = 100
    settings.ACCORD_TOKEN_FAILURES_PER_PREFIX = 2
    prefix = "acc_Zq9xK1"
    assert _guess("192.0.2.1", prefix).get(API).status_code == 401
    assert _guess("192.0.2.2", prefix).get(API).status_code == 401
    assert _guess("192.0.2.3", prefix).get(API).status_code == 429
    assert _guess("192.0.2.4", "acc_other1").get(API).status_code == 401


def test_the_shipped_token_limit_stops_a_guesser(acme):
    """With the shipped numbers, a guesser from one address is cut off after at most 20
    invalid tokens."""
    statuses = [_guess().get(API).status_code for _ in range(21)]
    assert statuses[-1] == 429
    assert statuses.count(401) <= 20


# --- sign-in ---------------------------------------------------------------------------------


def _sign_in(client: Client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_repeated_failed_sign_ins_block_the_account_even_with_the_right_password(acme):
    """Five wrong passwords for one account block it for a while: the right password is then
    refused with a clear message, and no session is opened."""
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        response = _sign_in(client, "owner@acme.test", "wrong-password")
        assert b"not correct" in response.content
    response = _sign_in(client, "owner@acme.test", PASSWORD)
    assert b"Too many failed login attempts. Try again later." in response.content
    assert "_auth_user_id" not in client.session


def test_a_blocked_account_does_not_block_other_accounts(acme):
    """The per-account block leaves other people signing in from elsewhere alone."""
    for _ in range(5):
        _sign_in(Client(REMOTE_ADDR="203.0.113.9"), "owner@acme.test", "wrong-password")
    other = Client(REMOTE_ADDR="198.51.100.30")
    response = _sign_in(other, "member@acme.test", PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in other.session


def test_many_failed_sign_ins_from_one_address_block_that_address(acme):
    """Failures spread over many accounts from one address are limited per address too."""
    client = Client(REMOTE_ADDR="203.0.113.10")
    for number in range(10):
        _sign_in(client, f"nobody{number}@acme.test", "wrong-password")
    response = _sign_in(client, "viewer@acme.test", PASSWORD)
    assert b"Too many failed login attempts. Try again later." in response.content
    assert "_auth_user_id" not in client.session

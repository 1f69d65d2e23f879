"""Test helpers for API calls: real tokens, real HTTP through Django's test client."""

from typing import Any

from django.test import Client

from accord.api.actions import token_create


def token_for(tenant: Any, role: str = "owner", name: str = "Tests") -> str:
    """A new raw token acting as the tenant's user of that role."""
    membership = tenant.membership(role)
    _token, raw = token_create(membership=membership, actor=membership.user, name=name)
    return raw


def token_client(tenant: Any, role: str = "owner", **client_options: Any) -> Client:
    """A client that sends a fresh bearer token of the tenant's user of that role."""
    return bearer_client(token_for(tenant, role), **client_options)


def bearer_client(raw: str, **client_options: Any) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"}, **client_options)

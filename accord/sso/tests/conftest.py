from collections.abc import Iterator
from typing import Any

import pytest

from accord.sso.actions import sso_configure
from accord.sso.models import WorkspaceSso
from accord.sso.testing import LocalProvider, local_provider


@pytest.fixture(scope="module")
def provider() -> Iterator[LocalProvider]:
    with local_provider() as running:
        yield running


@pytest.fixture
def acme_sso(acme: Any, provider: LocalProvider, settings: Any) -> WorkspaceSso:
    """acme signs in people from acme.test and acme-labs.test through the local provider."""
    settings.ACCORD_SSO_ALLOW_LOCAL_ISSUERS = True
    return sso_configure(
        actor_membership=acme.membership("admin"),
        issuer=provider.issuer,
        client_id="accord-acme",
        client_secret="s3cret-for-acme-0001",
        domains="acme.test, acme-labs.test",
        join_role="member",
        enabled=True,
    )

"""A real OpenID Connect provider for tests: oidc-provider-mock (authlib + Flask) on loopback.

The provider is a full authorization server (discovery, authorize, token, userinfo, JWKS);
"mock" only means that its sign-in form lets the test choose who signs in.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests


@dataclass(frozen=True)
class LocalProvider:
    issuer: str

    def user_set(self, sub: str, **claims: Any) -> None:
        """Define what the provider says about `sub` (email, email_verified, name, …)."""
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        response.raise_for_status()

    def authorize(self, authorize_url: str, *, sub: str) -> str:
        """Sign `sub` in on the provider's form; return where it sends the browser back."""
        response = requests.post(
            authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10
        )
        assert response.status_code in {302, 303}, (response.status_code, response.text[:500])
        return str(response.headers["Location"])


def relative(url: str) -> str:
    """Path and query of an absolute URL, for Django's test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@contextmanager
def local_provider() -> Iterator[LocalProvider]:
    """Start the provider on 127.0.0.1 on a free port, in a thread; stop it afterwards."""
    import oidc_provider_mock
    import werkzeug.serving

    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, oidc_provider_mock.app(require_nonce=False), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        yield LocalProvider(issuer=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)

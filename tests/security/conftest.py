"""Fixtures of the security tests: a workspace seeded with one of everything.

`acme_world` is the tenancy walk's seed (tests/test_tenancy_leaks.py), reused so that path
parameters can name real records of every area.
"""

from tests.test_tenancy_leaks import acme_world  # noqa: F401  (a fixture)

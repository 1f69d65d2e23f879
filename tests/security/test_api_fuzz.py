"""Schemathesis fuzzes every operation of our own OpenAPI document.

Each operation gets a bounded number of generated requests, valid ones (positive) and invalid
ones (negative: wrong types, missing fields, bad path parameters), sent in-process through
Django's real WSGI handler with a workspace owner's personal access token. Path parameters
take real ids and slugs of a workspace seeded with one of everything (the tenancy walk's seed),
so requests reach records, not only 404s.

Expected for every request: never a 5xx, and the response conforms to the document (its status
code is documented for the operation, its content type is the documented one, its body and
headers match the documented schema). Every case runs in a savepoint that is rolled back, so
one case's DELETE does not starve the next one of records.

More examples: `ACCORD_FUZZ_EXAMPLES=50 pytest tests/security/test_api_fuzz.py`.
"""

import contextlib
import functools
import os
import re
import traceback
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accord.api.auth import WORKSPACE_HEADER
from accord.api.testing import token_for
from tests.test_tenancy_leaks import PARAM_MODELS, SLUG_PARAMS, AcmeData

# Valid requests per operation; invalid ones get half as many.
EXAMPLES = int(os.environ.get("ACCORD_FUZZ_EXAMPLES", "8"))
# Operations are dealt round-robin into this many tests, so pytest-xdist can share them out.
SHARDS = 6
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
MINIMUM_OPERATIONS = 300
UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


_detached = 0  # how many of the contexts below are open (they nest)


@contextlib.contextmanager
def _requests_inside_the_test_transaction() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request; the test client
    does not, and neither may this test (the connection holds the test's transaction)."""
    global _detached
    if _detached == 0:
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
    _detached += 1
    try:
        yield
    finally:
        _detached -= 1
        if _detached == 0:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


@functools.cache
def _schema() -> Any:
    with _requests_inside_the_test_transaction():
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


def _operations(shard: int) -> list[Any]:
    every = [result.ok() for result in _schema().get_all_operations()]
    return every[shard::SHARDS]


def _model_index(acme: AcmeData) -> dict[str, list[str]]:
    """Ids by normalised model name ("surveycycle", "meeting", …)."""
    return {label.split(".")[1]: ids for label, ids in acme.ids_by_model.items() if ids}


def path_candidates(name: str, acme: AcmeData) -> list[str]:
    """Real values for a path parameter, best guesses first; empty when none fits."""
    if name in SLUG_PARAMS:
        return acme.slugs_by_model.get(SLUG_PARAMS[name], [])[:3]
    base = name.removesuffix("_id")
    label = PARAM_MODELS.get(base)
    if label and acme.ids_by_model.get(label):
        return acme.ids_by_model[label][:3]
    normalised = base.replace("_", "")
    found = []
    for model, ids in _model_index(acme).items():
        if model == normalised or model.endswith(normalised):
            found += ids[:3]
    return found


def _body_candidates(name: str, acme: AcmeData) -> list[str]:
    named = {"lead": "person", "manager": "person", "owner": "person", "decider": "person"}
    return path_candidates(named.get(name, name), acme)


class Fuzz:
    """Runs one operation's cases and collects what went wrong, without stopping."""

    def __init__(self, acme: AcmeData, token: str) -> None:
        self.acme = acme
        self.headers = {"Authorization": f"Bearer {token}"}
        self.failures: dict[str, dict[str, str]] = {}
        self.statuses: Counter[tuple[str, int]] = Counter()

    def run(self, operation: Any) -> None:
        for mode, examples in (
            (GenerationMode.POSITIVE, EXAMPLES),
            (GenerationMode.NEGATIVE, max(EXAMPLES // 2, 1)),
        ):
            try:
                strategy = operation.as_strategy(generation_mode=mode)
            except Exception as error:  # an operation without anything to negate
                if mode is GenerationMode.NEGATIVE:
                    continue
                raise AssertionError(f"{operation.label}: {error}") from error
            self._explore(operation, strategy, mode, examples)

    def _explore(self, operation: Any, strategy: Any, mode: Any, examples: int) -> None:
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(data=st.data())
        def explore(data: Any) -> None:
            case = data.draw(strategy)
            self._aim(case, data, positive=mode is GenerationMode.POSITIVE)
            self._send(operation, case, mode)

        explore()

    def _aim(self, case: Any, data: Any, *, positive: bool) -> None:
        """Point the case at real records most of the time."""
        for name in list(case.path_parameters or {}):
            options = path_candidates(name, self.acme)
            if options and data.draw(st.integers(0, 3)) > 0:
                case.path_parameters[name] = data.draw(st.sampled_from(options))
        if positive and isinstance(case.body, dict):
            for name, value in list(case.body.items()):
                if isinstance(value, str) and UUID_TEXT.match(value):
                    options = _body_candidates(name, self.acme)
                    if options and data.draw(st.booleans()):
                        case.body[name] = data.draw(st.sampled_from(options))
        if case.headers is not None and data.draw(st.integers(0, 3)) > 0:
            # Tokens know their workspace; another slug is a (documented) 404 every time.
            case.headers.pop(WORKSPACE_HEADER, None)
            if positive:
                case.headers.pop("If-Match", None)

    def _send(self, operation: Any, case: Any, mode: Any) -> None:
        errors: list[str] = []

        def remember(sender: Any, request: Any = None, **kwargs: Any) -> None:
            errors.append(traceback.format_exc())

        signals.got_request_exception.connect(remember)
        try:
            with transaction.atomic():
                response = case.call(headers=self.headers)
                transaction.set_rollback(True)
        finally:
            signals.got_request_exception.disconnect(remember)
        self.statuses[(operation.label, response.status_code)] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=self.headers)
        except FailureGroup as group:
            # One report per operation and kind of failure is enough to act on.
            kinds = ",".join(sorted({type(failure).__name__ for failure in group.exceptions}))
            found = self.failures.setdefault(operation.label, {})
            if kinds not in found:
                server = f"\n{errors[-1][-3000:]}" if errors else ""
                found[kinds] = f"{kinds} ({mode.name.lower()} case){server}\n{str(group)[:3000]}"

    def report(self) -> str:
        return "\n\n".join(
            f"### {label}\n" + "\n---\n".join(messages.values())
            for label, messages in sorted(self.failures.items())
        )


@pytest.fixture
def fuzz(acme_world: AcmeData, acme: Any) -> Iterator[Fuzz]:
    with _requests_inside_the_test_transaction():
        yield Fuzz(acme_world, token_for(acme, "owner", name="Fuzzer"))


def test_the_document_has_every_area():
    """The fuzzed document is the one served at /api/v1/openapi.json, with all its operations."""
    total = sum(len(_operations(shard)) for shard in range(SHARDS))
    assert total >= MINIMUM_OPERATIONS


@pytest.mark.parametrize("shard", range(SHARDS))
def test_fuzzed_requests_get_documented_answers_and_never_a_server_error(fuzz, shard, capsys):
    """Generated valid and invalid requests never get a 5xx, and every answer matches the
    OpenAPI document: a documented status, content type, body and headers."""
    operations = _operations(shard)
    for operation in operations:
        fuzz.run(operation)
    answered = Counter(status for (_label, status) in fuzz.statuses.elements())
    reached = {label for (label, status) in fuzz.statuses if 200 <= status < 300}
    with capsys.disabled():
        print(
            f"\nshard {shard}: {len(operations)} operations, {answered.total()} requests, "
            f"statuses {dict(sorted(answered.items()))}, {len(reached)} operations answered 2xx"
        )
    if fuzz.failures:
        pytest.fail(f"{len(fuzz.failures)} operations failed:\n\n{fuzz.report()}", pytrace=False)
    assert reached, "no operation of the shard ever succeeded: the fuzzer is not authenticated"

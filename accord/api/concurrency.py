"""Optimistic concurrency over HTTP: ETag is the record's version, If-Match guards writes.

If-Match is optional: a write without it applies to whatever is stored (last write wins),
unless the body carries `version`. A present but malformed If-Match is a 400.
"""

import re

from django.http import HttpRequest, HttpResponse

from accord.api.problems import PreconditionFailed, Problem

# RFC 9110 entity-tag: optional W/ then a quoted string without quotes inside.
_ENTITY_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*')


def etag(version: int) -> str:
    return f'"{version}"'


def etag_set(response: HttpResponse, version: int) -> None:
    response["ETag"] = etag(version)


def if_match_parse(request: HttpRequest) -> list[str] | None:
    """The strong tags listed in If-Match, ["*"] for a wildcard, or None when absent."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    if header.strip() == "*":
        return ["*"]
    tags: list[str] = []
    position = 0
    while position < len(header):
        match = _ENTITY_TAG.match(header, position)
        if match is None:
            raise Problem(
                "malformed-request",
                'If-Match must be a quoted version as sent in ETag, e.g. If-Match: "3".',
            )
        # Weak tags never match under If-Match's strong comparison (RFC 9110 §13.1.1).
        if not match.group(1):
            tags.append(match.group(2))
        position = match.end()
        if position < len(header):
            if header[position] != ",":
                raise Problem(
                    "malformed-request",
                    'If-Match must be a quoted version as sent in ETag, e.g. If-Match: "3".',
                )
            position += 1
    return tags


def if_match_check(request: HttpRequest, current_version: int) -> None:
    """412 when If-Match is present and names none of the stored version."""
    tags = if_match_parse(request)
    if tags is None or tags == ["*"]:
        return
    if str(current_version) not in tags:
        raise PreconditionFailed(current_version)


def version_check(expected: int | None, current_version: int) -> None:
    """409 when a body `version` is given and is not the stored one."""
    if expected is not None and expected != current_version:
        from accord.org.actions import StaleVersion

        raise StaleVersion(current_version)

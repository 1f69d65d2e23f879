"""The API reference page, rendered on the server from the OpenAPI document."""

import re
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from ninja import NinjaAPI

from accord.api.problems import PROBLEM_TYPES, problem_type_uri

_METHOD_ORDER = {"get": 0, "post": 1, "put": 2, "patch": 3, "delete": 4}


@dataclass(frozen=True)
class DocField:
    name: str
    type: str
    required: bool
    description: str


@dataclass
class DocOperation:
    method: str
    path: str
    operation_id: str
    summary: str
    description: str
    parameters: list[DocField] = field(default_factory=list)
    body: list[DocField] = field(default_factory=list)
    responses: list[tuple[str, str]] = field(default_factory=list)
    authenticated: bool = True


@dataclass
class DocSection:
    tag: str
    operations: list[DocOperation] = field(default_factory=list)


def docs_page(request: HttpRequest, api: NinjaAPI, *, openapi_url: str) -> HttpResponse:
    schema = api.get_openapi_schema()
    return render(
        request,
        "api/docs.html",
        {
            "api": api,
            "openapi_url": openapi_url,
            "intro": [_markup(p) for p in api.description.split("\n\n") if p.strip()],
            "sections": docs_sections(schema),
            "problems": [
                (problem_type_uri(kind), status, title)
                for kind, (status, title) in PROBLEM_TYPES.items()
            ],
        },
    )


def _markup(paragraph: str) -> str:
    """The small Markdown subset the description uses: **bold** and `code`."""
    escaped = str(escape(paragraph.replace("\n", " ").strip()))
    bold = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
    return mark_safe(re.sub(r"`(.+?)`", r"<code>\1</code>", bold))  # noqa: S308 (escaped above)


def docs_sections(schema: dict[str, Any]) -> list[DocSection]:
    components = schema.get("components", {}).get("schemas", {})
    sections: dict[str, DocSection] = {}
    for path, operations in schema.get("paths", {}).items():
        for method, details in operations.items():
            tag = (details.get("tags") or ["other"])[0]
            section = sections.setdefault(tag, DocSection(tag=tag))
            section.operations.append(
                DocOperation(
                    method=method.upper(),
                    path=path,
                    operation_id=details.get("operationId", ""),
                    summary=_markup(details.get("summary", "")),
                    description=_markup(details.get("description", "")),
                    parameters=[
                        DocField(
                            name=f"{p['name']} ({p['in']})",
                            type=_type_of(p.get("schema", {}), components),
                            required=bool(p.get("required")),
                            description=p.get("description", "")
                            or p.get("schema", {}).get("description", ""),
                        )
                        for p in details.get("parameters", [])
                    ],
                    body=_body_fields(details, components),
                    responses=[
                        (str(status), response.get("description", ""))
                        for status, response in sorted(
                            details.get("responses", {}).items(), key=lambda item: str(item[0])
                        )
                    ],
                    authenticated=bool(details.get("security")),
                )
            )
    for section in sections.values():
        section.operations.sort(key=lambda op: (op.path, _METHOD_ORDER.get(op.method.lower(), 9)))
    return list(sections.values())


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        return dict(components.get(ref.rsplit("/", 1)[-1], {}))
    return schema


def _type_of(schema: dict[str, Any], components: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        properties = components.get(name, {}).get("properties")
        return "{" + ", ".join(properties) + "}" if properties else name
    if "anyOf" in schema:
        return " or ".join(_type_of(option, components) for option in schema["anyOf"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {_type_of(schema.get('items', {}), components)}"
    if schema.get("enum"):
        return " | ".join(str(value) for value in schema["enum"])
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return str(kind)


def _body_fields(details: dict[str, Any], components: dict[str, Any]) -> list[DocField]:
    content = details.get("requestBody", {}).get("content", {})
    body_schema = _resolve(content.get("application/json", {}).get("schema", {}), components)
    required = set(body_schema.get("required", []))
    return [
        DocField(
            name=name,
            type=_type_of(prop, components),
            required=name in required,
            description=prop.get("description", ""),
        )
        for name, prop in body_schema.get("properties", {}).items()
    ]

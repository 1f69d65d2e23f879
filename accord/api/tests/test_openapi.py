"""The OpenAPI document and the reference page built from it."""

import re

from django.test import Client

EXPECTED_PATHS = {
    "/api/v1/workspace": {"get", "patch"},
    "/api/v1/members": {"get"},
    "/api/v1/members/{member_id}": {"get", "patch", "delete"},
    "/api/v1/invitations": {"get", "post"},
    "/api/v1/invitations/{invitation_id}": {"delete"},
    "/api/v1/functions": {"get", "post"},
    "/api/v1/functions/{function_id}": {"get", "patch", "delete"},
    "/api/v1/functions/{function_id}/history": {"get"},
    "/api/v1/people": {"get", "post"},
    "/api/v1/people/{person_id}": {"get", "patch", "delete"},
    "/api/v1/people/{person_id}/history": {"get"},
    "/api/v1/history/{object_type}/{object_id}": {"get"},
    "/api/v1/audit": {"get"},
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_openapi_document_is_openapi_3_with_every_operation(db):
    """The document parses, declares OpenAPI 3, and lists every operation."""
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert re.fullmatch(r"3\.\d+\.\d+", schema["openapi"])
    assert schema["info"]["title"] == "Accord API"
    assert schema["info"]["version"] == "1"
    for path, methods in EXPECTED_PATHS.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), path


def test_openapi_document_is_structurally_valid(db):
    """Each operation has a unique id and responses; every $ref resolves; params are well-formed."""
    schema = Client().get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    operation_ids = []
    for path, operations in schema["paths"].items():
        assert path.startswith("/")
        template_params = set(re.findall(r"{(\w+)}", path))
        for method, operation in operations.items():
            assert method in HTTP_METHODS
            operation_ids.append(operation["operationId"])
            assert operation["responses"], (path, method)
            for status in operation["responses"]:
                assert re.fullmatch(r"[1-5]\d\d|default", str(status))
            in_path = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert in_path == template_params, (path, method)
            for parameter in operation.get("parameters", []):
                assert parameter["in"] in {"query", "header", "path", "cookie"}
                assert "schema" in parameter
                if parameter["in"] == "path":
                    assert parameter["required"] is True
            assert operation.get("security"), f"{method} {path} must require authentication"
    assert len(operation_ids) == len(set(operation_ids))
    for ref in _refs(schema):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[-1] in components, ref
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"


def test_errors_are_documented_as_problem_details(db):
    schema = Client().get("/api/v1/openapi.json").json()
    patch = schema["paths"]["/api/v1/people/{person_id}"]["patch"]
    for status in ("401", "403", "404", "409", "412", "422"):
        content = patch["responses"][status]["content"]
        assert "application/problem+json" in content
    assert any(p["name"] == "If-Match" for p in patch["parameters"])
    assert "Problem" in schema["components"]["schemas"]


def test_ids_are_documented_as_uuids(db):
    schema = Client().get("/api/v1/openapi.json").json()
    get_person = schema["paths"]["/api/v1/people/{person_id}"]["get"]
    person_id = next(p for p in get_person["parameters"] if p["name"] == "person_id")
    assert person_id["schema"]["format"] == "uuid"
    person = schema["components"]["schemas"]["PersonOut"]["properties"]
    assert person["id"]["format"] == "uuid"
    assert "pk" not in person


def test_docs_page_lists_every_operation_without_inline_code(db):
    """The reference renders on the server: no CDN, inline script or inline style (strict CSP)."""
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    schema = Client().get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method in operations:
            assert f'id="op-{operations[method]["operationId"]}"' in html, (method, path)
    assert "<style" not in html
    assert " style=" not in html
    assert "cdn" not in html.lower()
    for script in re.findall(r"<script[^>]*>", html):
        assert "src=" in script
        assert "nonce=" in script
    assert "Content-Security-Policy" in response.headers


def test_no_two_different_schemas_share_a_component_name(db, monkeypatch):
    """Ninja files every model under its class name in one components map: a second model of
    the same name silently replaces the first, and operations then document the wrong
    shape. Every component must come from one model only."""
    from ninja.openapi.schema import OpenAPISchema

    from accord.api.api import api

    clashes: set[str] = set()
    add = OpenAPISchema.add_schema_definitions

    def add_checked(self: OpenAPISchema, definitions: dict) -> None:
        for name, definition in definitions.items():
            if name in self.schemas and self.schemas[name] != definition:
                clashes.add(name)
        add(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", add_checked)
    api.get_openapi_schema()
    assert not clashes, f"Schema names used by different models: {sorted(clashes)}"

"""A server-rendered API reference built from the app's own OpenAPI schema.

Swagger UI needs CDN scripts that the CSP forbids (and there may be no internet), so
/api/v1/docs renders the schema as a plain page instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from progleton.web.deps import GET_HEAD, RendererDep

router = APIRouter(include_in_schema=False)

_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(slots=True)
class Param:
    """One documented request parameter."""

    name: str
    location: str
    type: str
    required: bool
    description: str
    constraints: str


@dataclass(slots=True)
class Endpoint:
    """One documented operation."""

    method: str
    path: str
    summary: str
    description: str
    anchor: str
    params: list[Param] = field(default_factory=list)
    responses: list[tuple[str, str, str]] = field(default_factory=list)  # status, desc, type


@dataclass(slots=True)
class SchemaDoc:
    """One documented response model."""

    name: str
    description: str
    fields: list[Param] = field(default_factory=list)


def type_name(schema: dict[str, Any]) -> str:
    """A short readable type for a JSON schema: 'array of ArticleSummary', 'integer | null'."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " | ".join(type_name(s) for s in schema[key])
    kind = schema.get("type")
    if kind == "array":
        return f"array of {type_name(schema.get('items', {}))}"
    if kind is None:
        return "any"
    fmt = schema.get("format")
    return f"{kind} ({fmt})" if fmt else str(kind)


def _constraints(schema: dict[str, Any]) -> str:
    labels = {
        "minimum": "≥ {}",
        "maximum": "≤ {}",
        "minLength": "min length {}",
        "maxLength": "max length {}",
        "default": "default {}",
    }
    found: list[str] = []
    for sub in [schema, *schema.get("anyOf", [])]:
        found += [fmt.format(sub[key]) for key, fmt in labels.items() if key in sub]
    return ", ".join(found)


def _param(raw: dict[str, Any]) -> Param:
    schema = raw.get("schema", {})
    return Param(
        name=str(raw.get("name", "")),
        location=str(raw.get("in", "")),
        type=type_name(schema),
        required=bool(raw.get("required", False)),
        description=str(raw.get("description") or schema.get("description") or ""),
        constraints=_constraints(schema),
    )


def _response_type(raw: dict[str, Any]) -> str:
    content = raw.get("content", {}).get("application/json")
    return type_name(content.get("schema", {})) if content else ""


def describe(openapi: dict[str, Any]) -> tuple[list[Endpoint], list[SchemaDoc]]:
    """Endpoints and response models of an OpenAPI document, in document order."""
    endpoints: list[Endpoint] = []
    for path, item in openapi.get("paths", {}).items():
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            endpoints.append(
                Endpoint(
                    method=method.upper(),
                    path=path,
                    summary=str(op.get("summary", "")),
                    description=str(op.get("description", "")),
                    anchor=str(op.get("operationId", f"{method}-{path}")),
                    params=[_param(p) for p in op.get("parameters", [])],
                    responses=[
                        (str(code), str(r.get("description", "")), _response_type(r))
                        for code, r in op.get("responses", {}).items()
                    ],
                )
            )
    schemas: list[SchemaDoc] = []
    for name, schema in openapi.get("components", {}).get("schemas", {}).items():
        required = set(schema.get("required", []))
        schemas.append(
            SchemaDoc(
                name=name,
                description=str(schema.get("description", "")),
                fields=[
                    Param(
                        name=prop,
                        location="",
                        type=type_name(sub),
                        required=prop in required,
                        description=str(sub.get("description", "")),
                        constraints="",
                    )
                    for prop, sub in schema.get("properties", {}).items()
                ],
            )
        )
    return endpoints, schemas


@router.api_route("/api/v1/docs", methods=GET_HEAD, name="api_docs")
def api_docs(request: Request, renderer: RendererDep) -> HTMLResponse:
    """The API reference page."""
    openapi: dict[str, Any] = request.app.openapi()
    endpoints, schemas = describe(openapi)
    return renderer.page(
        request,
        "apidocs.html",
        {
            "title": "API reference",
            "info": openapi.get("info", {}),
            "endpoints": endpoints,
            "schemas": schemas,
            "schema_names": {s.name for s in schemas},
        },
    )

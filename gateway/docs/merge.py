"""Merging the parts' OpenAPI documents into the one public document (pure).

Only `/api/v1` paths are kept. Component schemas are merged by name; when two parts use
one name for different schemas, the later part's is renamed with the part's name as
prefix, and its references follow.
"""

from collections.abc import Mapping
from typing import Any

from gateway.forwarding.routes import API_PREFIX

_REF_PREFIX = "#/components/schemas/"
# The document itself is not an operation of the API.
_NOT_OPERATIONS = frozenset({API_PREFIX + "/openapi.json"})


def _renamed(node: Any, renames: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            key: (
                _REF_PREFIX + renames.get(value[len(_REF_PREFIX) :], value[len(_REF_PREFIX) :])
                if key == "$ref" and isinstance(value, str) and value.startswith(_REF_PREFIX)
                else _renamed(value, renames)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_renamed(item, renames) for item in node]
    return node


def _prefixed(part: str, name: str) -> str:
    return part[:1].upper() + part[1:] + name


def merge_documents(
    info: Mapping[str, Any],
    documents: Mapping[str, Mapping[str, Any]],
    *,
    security_schemes: Mapping[str, Any],
) -> dict[str, Any]:
    """One OpenAPI 3.1 document from each part's (`documents`: part name -> document)."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    tags: dict[str, Any] = {}
    for part, document in documents.items():
        own_schemas = document.get("components", {}).get("schemas", {})
        renames = {
            name: _prefixed(part, name)
            for name, schema in own_schemas.items()
            if name in schemas and schemas[name] != schema
        }
        document = _renamed(document, renames)
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            schemas.setdefault(renames.get(name, name), schema)
        for path, operations in document.get("paths", {}).items():
            if path.startswith(API_PREFIX + "/") and path not in _NOT_OPERATIONS:
                paths.setdefault(path, {}).update(
                    {m: op for m, op in operations.items() if m not in paths.get(path, {})}
                )
        for tag in document.get("tags", []):
            tags.setdefault(tag["name"], tag)
    return {
        "openapi": "3.1.0",
        "info": dict(info),
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": dict(security_schemes),
        },
        "security": [{name: []} for name in security_schemes],
        "tags": list(tags.values()),
    }

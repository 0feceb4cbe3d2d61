"""The public document as a contract: the merged document the gateway serves, its
committed snapshot (`docs/openapi.json`), and what within v1 breaks a client (API.md: add
fields and endpoints freely, never rename or drop these).

Breaking, from an older document to a newer one:
- a path, an operation, a success response or a parameter removed;
- a field removed from an answer (a client reads it) or from a request body (bodies are
  closed: a client sending it would get a 422);
- an enum value removed, in an answer or a request;
- a new required request field or parameter.
Added paths, operations, optional request fields, answer fields and enum values are not.
"""

import asyncio
import json
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.support.databases import DatabaseFactory
from tests.support.suite import gateway_settings, running_suite

SNAPSHOT = Path(__file__).parents[2] / "docs" / "openapi.json"
DOCUMENT_PATH = "/api/v1/openapi.json"
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def served_document(workdir: Path) -> dict[str, Any]:
    """The merged document the gateway serves, of the whole suite run in-process."""

    async def fetch() -> dict[str, Any]:
        databases = DatabaseFactory("sqlite", workdir)
        try:
            settings = gateway_settings(databases, workdir / "gateway-data")
            async with running_suite(settings, databases) as suite:
                response = await suite.http.get(DOCUMENT_PATH)
        finally:
            databases.close()
        assert response.status_code == 200, response.text
        document: dict[str, Any] = response.json()
        return document

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, fetch()).result()


def as_text(document: Mapping[str, Any]) -> str:
    """The document as the snapshot holds it."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def breaking_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    return list(_Comparison(old, new).changes())


class _Comparison:
    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        self.old, self.new = old, new
        self.seen: set[tuple[str, str, str, str]] = set()

    def changes(self) -> Iterator[str]:
        for path, item in self.old["paths"].items():
            new_item = self.new["paths"].get(path)
            if new_item is None:
                yield f"removed path {path}"
                continue
            for method in (m for m in _METHODS if m in item):
                where = f"{method.upper()} {path}"
                if method not in new_item:
                    yield f"removed operation {where}"
                    continue
                yield from self._operation(where, item[method], new_item[method])

    def _operation(
        self, where: str, old: Mapping[str, Any], new: Mapping[str, Any]
    ) -> Iterator[str]:
        old_parameters = {(p["in"], p["name"]): p for p in old.get("parameters", [])}
        new_parameters = {(p["in"], p["name"]): p for p in new.get("parameters", [])}
        for key in old_parameters.keys() - new_parameters.keys():
            yield f"{where}: removed {key[0]} parameter {key[1]}"
        for key, parameter in new_parameters.items():
            if parameter.get("required") and not old_parameters.get(key, {}).get("required"):
                yield f"{where}: new required {key[0]} parameter {key[1]}"
        for key in old_parameters.keys() & new_parameters.keys():
            yield from self._values(
                f"{where} {key[1]}",
                old_parameters[key].get("schema", {}),
                new_parameters[key].get("schema", {}),
                request=True,
            )
        old_body, new_body = (
            _json_schema(old.get("requestBody")),
            _json_schema(new.get("requestBody")),
        )
        if old_body is not None and new_body is not None:
            yield from self._values(f"{where} body", old_body, new_body, request=True)
        for status, response in old.get("responses", {}).items():
            if not status.startswith("2"):
                continue
            new_response = new.get("responses", {}).get(status)
            if new_response is None:
                yield f"{where}: removed response {status}"
                continue
            old_schema, new_schema = _json_schema(response), _json_schema(new_response)
            if old_schema is not None and new_schema is not None:
                yield from self._values(f"{where} {status}", old_schema, new_schema, request=False)

    def _values(
        self, where: str, old: Mapping[str, Any], new: Mapping[str, Any], *, request: bool
    ) -> Iterator[str]:
        """What of the old schema's values the new one no longer carries (or, in a
        request, newly demands)."""
        old_ref, new_ref = old.get("$ref", ""), new.get("$ref", "")
        if old_ref or new_ref:
            # Each shared schema once per operation (and direction): cycles end, and a
            # change is named in every operation it reaches.
            key = (old_ref, new_ref, str(request), " ".join(where.split(" ", 2)[:2]))
            if key in self.seen:
                return
            self.seen.add(key)
        old, new = _flat(self.old, old), _flat(self.new, new)
        for value in old["enum"] - new["enum"] if new["enum"] else ():
            yield f"{where}: removed enum value {value!r}"
        for name, schema in old["properties"].items():
            if name not in new["properties"]:
                if not new["open"]:
                    yield f"{where}: removed field {name}"
                continue
            yield from self._values(
                f"{where}.{name}", schema, new["properties"][name], request=request
            )
        if request:
            for name in new["required"] - old["required"]:
                yield f"{where}: new required field {name}"
        for old_items in old["items"]:
            for new_items in new["items"]:
                yield from self._values(f"{where}[]", old_items, new_items, request=request)
        for old_values in old["maps"]:
            for new_values in new["maps"]:
                yield from self._values(f"{where}{{}}", old_values, new_values, request=request)


def _json_schema(holder: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if holder is None:
        return None
    schema: Mapping[str, Any] | None = (
        holder.get("content", {}).get("application/json", {}).get("schema")
    )
    return schema


def _resolve(document: Mapping[str, Any], schema: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _flat(document: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    """A schema's options (`anyOf`, `oneOf`, `allOf`) taken together: every property any
    option names, the enum values of all, what items and map values may be."""
    flat: dict[str, Any] = {
        "properties": {},
        "required": set(),
        "enum": set(),
        "items": [],
        "maps": [],
        "open": False,
    }
    stack = [schema]
    while stack:
        current = _resolve(document, stack.pop())
        for key in ("anyOf", "oneOf", "allOf"):
            stack.extend(current.get(key, []))
        kind = current.get("type")
        for name, child in current.get("properties", {}).items():
            flat["properties"].setdefault(name, child)
        flat["required"].update(current.get("required", []))
        flat["enum"].update(map(_hashable, current.get("enum", [])))
        if "const" in current:
            flat["enum"].add(_hashable(current["const"]))
        if isinstance(current.get("items"), dict):
            flat["items"].append(current["items"])
        extra = current.get("additionalProperties")
        if isinstance(extra, dict):
            flat["maps"].append(extra)
        if kind == "object" and "properties" not in current and extra is not False:
            flat["open"] = True
    return flat


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value

"""Error answers (problem+json, RFC 9457) as the tests check them."""

from typing import Any

import httpx

# Every part's answer to a stale `If-Match` (shared/etag.py).
CHANGED_SINCE_READ = "The resource changed since it was read; read it again."


def needs(permission: str) -> str:
    """Every part's answer to a caller without the permission (shared/auth/deps.py)."""
    return f"This operation needs the '{permission}' permission."


def assert_problem(
    response: httpx.Response,
    status: int,
    *fields: str,
    slug: str | None = None,
    detail: str | None = None,
) -> dict[str, Any]:
    """The answer is a problem of `status`; of type `/problems/<slug>` and with `detail`
    when given, and naming exactly `fields` in its `errors` when given. Answers the body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    if slug is not None:
        assert body["type"] == f"/problems/{slug}", body
    if detail is not None:
        assert body["detail"] == detail, body
    if fields:
        assert {error["field"] for error in body["errors"]} == set(fields), body
    return body

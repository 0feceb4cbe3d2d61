"""A forged, expired or wrongly signed token is 401 at the gateway and at every service
called directly; a role outside the policy is 403 — each part checks for itself."""

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.tokens.keys import load_signing_key
from tests.support.auth import TokenIssuer
from tests.support.suite import Suite

# A real route of each part that every practitioner role may call, and one a provider may not.
READ = {
    "gateway": "/api/v1/me",
    "identification": "/api/v1/cases",
    "risk": "/api/v1/risk-instruments",
    "referral": "/api/v1/referrals",
}
FORBIDDEN_TO_PROVIDER = {
    "gateway": ("POST", "/api/v1/organisations"),
    "identification": ("POST", "/api/v1/screenings"),
    "risk": ("POST", "/api/v1/risk-instruments/initial"),
    "referral": ("POST", "/api/v1/providers"),
}


def forged(suite: Suite) -> dict[str, str]:
    key = load_signing_key(suite.settings)
    ours = TokenIssuer(kid=key.kid, private_key=key.private_key)
    stranger = TokenIssuer(kid=key.kid, private_key=Ed25519PrivateKey.generate())
    valid = ours.token("police")
    head, payload, signature = valid.split(".")
    return {
        "wrongly signed": stranger.token("police"),
        "unknown key": TokenIssuer(kid="not-ours").token("police"),
        "expired": ours.token("police", expires_in=-120),
        "other audience": ours.token("police", audience="elsewhere"),
        "tampered": f"{head}.{payload[:-6]}AAAAAA.{signature}",
        "garbage": "not.a.token",
    }


def client_of(suite: Suite, part: str) -> httpx.AsyncClient:
    app = suite.app if part == "gateway" else suite.services[part]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{part}")


@pytest.mark.parametrize("part", list(READ))
async def test_bad_tokens_are_401_at_every_part(suite: Suite, part: str) -> None:
    async with client_of(suite, part) as client:
        for name, token in forged(suite).items():
            response = await client.get(READ[part], headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401, (part, name, response.text)
            assert response.headers["content-type"] == "application/problem+json"
        missing = await client.get(READ[part])
        assert missing.status_code == 401


@pytest.mark.parametrize("part", list(READ))
async def test_a_role_outside_the_policy_is_403_at_every_part(suite: Suite, part: str) -> None:
    _, token = await suite.user_token("provider")
    method, path = FORBIDDEN_TO_PROVIDER[part]
    async with client_of(suite, part) as client:
        response = await client.request(
            method, path, json={}, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 403, (part, response.text)
    assert response.json()["type"] == "/problems/forbidden"

"""A forged, expired or wrongly signed token is 401 at the gateway and at every service
called directly; a role outside the policy is 403 — each part checks for itself.

The forgeries are the classic attacks on JWT verifiers: `alg: none`, HS256 keyed with the
public key, an attacker's key under the real `kid`, a key embedded in the header (`jwk`)
or pointed at (`jku`), a path or SQL in `kid`, wrong `iss` or `aud`, no `exp`, a tampered
payload, and a refresh token presented as a bearer token.
"""

import base64
import hashlib
import hmac
import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from gateway.tokens.keys import load_signing_key
from tests.support.auth import TokenIssuer
from tests.support.suite import USER_PASSWORD, Suite

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


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _hand_made(header: dict[str, Any], claims: dict[str, Any], secret: bytes | None) -> str:
    """A JWT put together by hand: HMAC-SHA256 with `secret`, or no signature at all."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    if secret is None:
        return f"{signing_input}."
    digest = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(digest)}"


def forged(suite: Suite) -> dict[str, str]:
    key = load_signing_key(suite.settings)
    ours = TokenIssuer(kid=key.kid, private_key=key.private_key)
    attacker_key = Ed25519PrivateKey.generate()
    stranger = TokenIssuer(kid=key.kid, private_key=attacker_key)
    valid = ours.token("coordinator", county="national")
    head, payload, signature = valid.split(".")
    claims = jwt.decode(valid, options={"verify_signature": False})
    public_jwk = key.jwks["keys"][0]
    attacker_jwk = json.loads(OKPAlgorithm.to_jwk(attacker_key.public_key()))

    def attackers(**header: Any) -> str:
        return jwt.encode(claims, attacker_key, algorithm="EdDSA", headers=header)

    without_exp = {k: v for k, v in claims.items() if k != "exp"}
    return {
        "wrongly signed": stranger.token("police"),
        "unknown key": TokenIssuer(kid="not-ours").token("police"),
        "expired": ours.token("police", expires_in=-120),
        "other audience": ours.token("police", audience="elsewhere"),
        "other issuer": ours.token("police", issuer="someone-else"),
        "tampered": f"{head}.{payload[:-6]}AAAAAA.{signature}",
        "garbage": "not.a.token",
        "alg none": _hand_made({"alg": "none", "kid": key.kid}, claims, None),
        "alg None, typ JWT": _hand_made({"alg": "None", "typ": "JWT"}, claims, None),
        "HS256 keyed with the public key": _hand_made(
            {"alg": "HS256", "kid": key.kid}, claims, public_jwk["x"].encode()
        ),
        "HS256 keyed with the public key's bytes": _hand_made(
            {"alg": "HS256", "kid": key.kid},
            claims,
            base64.urlsafe_b64decode(public_jwk["x"] + "=="),
        ),
        "embedded jwk": attackers(kid="attacker", jwk=attacker_jwk),
        "embedded jwk under the real kid": attackers(kid=key.kid, jwk=attacker_jwk),
        "jku": attackers(kid="attacker", jku="http://attacker.example/jwks.json"),
        "kid with a path": attackers(kid="../../../../../../dev/null"),
        "kid with SQL": attackers(kid="x' UNION SELECT 'k' --"),
        "no exp": jwt.encode(
            without_exp, key.private_key, algorithm="EdDSA", headers={"kid": key.kid}
        ),
    }


@pytest.mark.parametrize("part", list(READ))
async def test_bad_tokens_are_401_at_every_part(suite: Suite, part: str) -> None:
    async with suite.direct(part) as client:
        for name, token in forged(suite).items():
            response = await client.get(READ[part], headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401, (part, name, response.text)
            assert response.headers["content-type"] == "application/problem+json"
        missing = await client.get(READ[part])
        assert missing.status_code == 401


@pytest.mark.parametrize("part", list(READ))
async def test_a_refresh_token_is_not_a_bearer_token_at_any_part(suite: Suite, part: str) -> None:
    user = await suite.user("police")
    login = await suite.login(user["username"], USER_PASSWORD)
    refresh = login.json()["refresh_token"]
    async with suite.direct(part) as client:
        response = await client.get(READ[part], headers={"Authorization": f"Bearer {refresh}"})
        assert response.status_code == 401, response.text
        access = login.json()["access_token"]
        assert (
            await client.get(READ[part], headers={"Authorization": f"Bearer {access}"})
        ).status_code == 200


@pytest.mark.parametrize("part", list(READ))
async def test_a_role_outside_the_policy_is_403_at_every_part(suite: Suite, part: str) -> None:
    _, token = await suite.user_token("provider")
    method, path = FORBIDDEN_TO_PROVIDER[part]
    async with suite.direct(part) as client:
        response = await client.request(
            method, path, json={}, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 403, (part, response.text)
    assert response.json()["type"] == "/problems/forbidden"

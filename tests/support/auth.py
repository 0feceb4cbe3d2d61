"""Tokens for tests, in the exact claim format the gateway issues, signed by a test key.

Services under test are given this key's JWKS, so their tests need no gateway.
"""

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

ISSUER = "nirm-gateway"
AUDIENCE = "nirm"


@dataclass
class TokenIssuer:
    kid: str = "test-key"
    private_key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)

    @property
    def jwks(self) -> dict[str, Any]:
        public = json.loads(OKPAlgorithm.to_jwk(self.private_key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "EdDSA"}]}

    @property
    def jwks_json(self) -> str:
        return json.dumps(self.jwks)

    def token(
        self,
        *roles: str,
        organisation_id: uuid.UUID | None = None,
        county: str = "RO-IS",
        organisation_kind: str = "police",
        subject_id: uuid.UUID | None = None,
        username: str = "tester",
        expires_in: int = 300,
        issuer: str = ISSUER,
        audience: str = AUDIENCE,
        **extra: Any,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": audience,
            "sub": str(subject_id or uuid.uuid4()),
            "name": username,
            "org": str(organisation_id or uuid.uuid4()),
            "org_kind": organisation_kind,
            "county": county,
            "roles": list(roles),
            "kind": "user",
            "typ": "access",
            "iat": now,
            "exp": now + expires_in,
            "jti": uuid.uuid4().hex,
            **extra,
        }
        return jwt.encode(claims, self.private_key, algorithm="EdDSA", headers={"kid": self.kid})

"""The gateway's token-signing key (Ed25519) and the public half it publishes as a JWKS.

The key comes from the `signing_key_pem` setting (replicas share it that way) or from
`signing_key.pem` in the data folder, made on first start with mode 0600. Its key id is
the RFC 7638 thumbprint of the public key, so every replica names the same key alike.
"""

import base64
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.settings import Settings

KEY_FILE = "signing_key.pem"
ALGORITHM = "EdDSA"


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@dataclass(frozen=True)
class SigningKey:
    private_key: Ed25519PrivateKey

    @cached_property
    def public_jwk(self) -> dict[str, str]:
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return {"crv": "Ed25519", "kty": "OKP", "x": _b64url(raw)}

    @cached_property
    def kid(self) -> str:
        canonical = json.dumps(self.public_jwk, sort_keys=True, separators=(",", ":"))
        return _b64url(hashlib.sha256(canonical.encode()).digest())

    @property
    def jwks(self) -> dict[str, Any]:
        return {"keys": [{**self.public_jwk, "kid": self.kid, "use": "sig", "alg": ALGORITHM}]}

    @property
    def jwks_json(self) -> str:
        """The JWKS to give the services inline (`NIRM_<PART>_JWKS_JSON`)."""
        return json.dumps(self.jwks)


def signing_key_from_pem(pem: bytes) -> SigningKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the gateway's signing key must be an Ed25519 private key")
    return SigningKey(key)


def load_signing_key(settings: Settings) -> SigningKey:
    """The configured key, or the data folder's, made there if it does not exist yet."""
    if settings.signing_key_pem is not None:
        # Environment files often carry a PEM on one line with `\n` escapes.
        pem = settings.signing_key_pem.get_secret_value().replace("\\n", "\n")
        return signing_key_from_pem(pem.encode())
    return signing_key_from_pem(_read_or_create(settings.data_dir / KEY_FILE))


def _read_or_create(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Written aside, then linked into place: never a half-written key, and when two
        # processes start at once the first link wins and both use that key.
        draft = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(pem)
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_bytes()

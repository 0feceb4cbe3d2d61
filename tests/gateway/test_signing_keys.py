"""The gateway's signing key: made once with owner-only permissions, shared by replicas
through a setting, and published as a JWKS the services verify tokens with."""

import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key

from gateway.settings import Settings
from gateway.tokens.keys import KEY_FILE, load_signing_key, signing_key_from_pem
from shared.auth.tokens import TokenVerifier
from tests.gateway.conftest import ADMIN_PASSWORD, Gateway
from tests.support.apps import SuiteTransport


def pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def test_the_key_is_made_on_first_start_readable_by_its_owner_only(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = load_signing_key(settings)
    path = tmp_path / "data" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [KEY_FILE]  # no draft left behind
    again = load_signing_key(settings)
    assert again.kid == first.kid
    assert again.jwks == first.jwks


def test_replicas_given_the_same_pem_sign_with_the_same_key(tmp_path) -> None:
    shared_pem = pem(Ed25519PrivateKey.generate())
    one = load_signing_key(Settings(data_dir=tmp_path / "a", signing_key_pem=shared_pem))
    two = load_signing_key(Settings(data_dir=tmp_path / "b", signing_key_pem=shared_pem))
    assert one.kid == two.kid
    assert not (tmp_path / "a").exists()  # nothing written when the key is given


def test_a_pem_on_one_line_with_escaped_newlines_is_accepted(tmp_path) -> None:
    multi_line = pem(Ed25519PrivateKey.generate())
    one_line = multi_line.replace("\n", "\\n")
    assert "\n" not in one_line
    settings = Settings(data_dir=tmp_path, signing_key_pem=one_line)
    assert load_signing_key(settings).kid == signing_key_from_pem(multi_line.encode()).kid


def test_the_jwks_holds_only_the_public_key() -> None:
    key = signing_key_from_pem(pem(Ed25519PrivateKey.generate()).encode())
    [entry] = key.jwks["keys"]
    assert entry == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": entry["x"],
        "kid": key.kid,
        "use": "sig",
        "alg": "EdDSA",
    }


def test_a_key_of_another_kind_is_refused() -> None:
    rsa = generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(ValueError, match="Ed25519"):
        signing_key_from_pem(pem(rsa).encode())


async def test_a_service_verifies_gateway_tokens_from_its_jwks_url(gateway: Gateway) -> None:
    suite = SuiteTransport({"gateway": gateway.app})
    verifier = TokenVerifier(
        issuer="nirm-gateway",
        audience="nirm",
        jwks_url="http://gateway/.well-known/jwks.json",
        transport=suite,
    )
    principal = await verifier.verify(await gateway.token("admin", ADMIN_PASSWORD))
    assert principal.username == "admin"
    assert principal.roles == frozenset({"admin"})
    assert principal.kind == "user"
    assert principal.issued_at > 0

"""How secrets are kept: passwords under argon2id at a cost fit for production, random
secrets under SHA-256, and no answer that tells an unknown user from a wrong password."""

from argon2 import PasswordHasher, Type

from gateway.identity import credentials


async def test_passwords_are_stored_under_argon2id_at_production_cost() -> None:
    hasher = credentials._hasher
    assert isinstance(hasher, PasswordHasher)
    assert hasher.type is Type.ID
    # OWASP's floor for argon2id: 19 MiB of memory and 2 passes.
    assert hasher.memory_cost >= 19 * 1024
    assert hasher.time_cost >= 2
    stored = await credentials.hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert await credentials.verify_password(stored, "correct horse battery")
    assert not await credentials.verify_password(stored, "wrong horse battery")


async def test_an_unknown_user_is_checked_like_a_wrong_password() -> None:
    assert not await credentials.verify_password(None, "anything")
    assert not await credentials.verify_password("not-a-hash", "anything")


def test_random_secrets_are_long_and_kept_as_digests() -> None:
    secret = credentials.new_secret()
    assert len(secret) >= 43  # 256 bits, base64url
    stored = credentials.digest(secret)
    assert secret not in stored
    assert credentials.matches_digest(secret, stored)
    assert not credentials.matches_digest(secret + "x", stored)

"""Secrets at rest: passwords under argon2, random secrets under SHA-256.

Passwords are chosen by people, so they get a slow, salted hash (argon2id), computed in a
worker thread so a login does not stall the event loop. Client secrets and refresh tokens
are 256 random bits: guessing them is hopeless already, so a fast digest suffices and lets
them be looked up by their hash.
"""

import asyncio
import functools
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


@functools.cache
def _unknown_user_hash() -> str:
    """Verified against when the username is unknown, so that answer takes as long as a
    wrong password and does not tell which usernames exist."""
    return _hasher.hash(secrets.token_urlsafe(16))


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; `None` (no such user) costs the same and is never true."""

    def check() -> bool:
        try:
            return _hasher.verify(password_hash or _unknown_user_hash(), password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check) and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def matches_digest(secret: str, expected_digest: str) -> bool:
    return hmac.compare_digest(digest(secret), expected_digest)

"""Personal data at rest: sealing values with AES-256-GCM, and blind indexes to match persons.

Owns the sealed format, key rotation and the normalisation behind duplicate matching; no
framework, no database. What is sealed: a person's identifying data, and every free-text
note a practitioner writes (screening answers, decision bases and notes, consents,
duplicate resolutions), since a note may name the person or others.

- A sealed value is `v1.<key id>.<base64url(nonce + ciphertext)>`. The key id travels with
  the value, so a value sealed with a retired key still opens, while every write seals with
  the current key. The AES-GCM additional data names the row and field the value belongs to
  (`context`, made by `bound_to`), so a sealed value copied into another row or field does
  not open.
- A blind index is HMAC-SHA256, under a key of its own, of a normalised value: equal facts
  give equal digests, so possible duplicates are found by comparing digests, never by
  decrypting anyone, and a stolen database reveals no plaintext through its indexes.
- Normalisation makes trivial differences not matter: case (casefold), diacritics
  (`Ștefănescu` = `Stefanescu`), punctuation and spacing; the words of a full name are
  compared in any order, since given and family names are often recorded swapped.
  Document numbers keep only letters and digits (`AB 12-34` = `ab1234`).
"""

import base64
import hashlib
import hmac
import os
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MatchKind = Literal["document", "name_and_birth_date"]

_FORMAT: Final = "v1"
_NONCE_BYTES: Final = 12


class SealError(Exception):
    """A sealed value that cannot be opened: unknown key, tampered, or not for this place."""


def key_id(key: bytes) -> str:
    """A short, stable, non-secret name for a key (not the key, nor usable to recover it)."""
    return hashlib.sha256(b"nirm-data-key-id:" + key).hexdigest()[:12]


def bound_to(kind: str, row_id: uuid.UUID, field: str) -> str:
    """The context of a sealed value: the kind of row (`person`, `consent`, ...), the row's
    id and the field, so the value opens only where it was written."""
    return f"{kind}:{row_id}:{field}"


@dataclass(frozen=True)
class MatchKey:
    kind: MatchKind
    digest: str


class PersonalDataProtector:
    def __init__(
        self, data_key: bytes, index_key: bytes, retired_data_keys: Sequence[bytes] = ()
    ) -> None:
        self.current_key_id = key_id(data_key)
        self._ciphers = {key_id(key): AESGCM(key) for key in (*retired_data_keys, data_key)}
        self._index_key = index_key

    def seal(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        cipher = self._ciphers[self.current_key_id]
        ciphertext = cipher.encrypt(nonce, plaintext.encode(), context.encode())
        body = base64.urlsafe_b64encode(nonce + ciphertext).decode().rstrip("=")
        return f"{_FORMAT}.{self.current_key_id}.{body}"

    def open(self, sealed: str, *, context: str) -> str:
        try:
            version, kid, body = sealed.split(".", 2)
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except ValueError as exc:
            raise SealError("not a sealed value") from exc
        cipher = self._ciphers.get(kid)
        if version != _FORMAT or cipher is None:
            raise SealError("sealed with an unknown key or format")
        try:
            plain = cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode())
        except InvalidTag as exc:
            raise SealError("the sealed value was altered or belongs elsewhere") from exc
        return plain.decode()

    def seal_optional(self, plaintext: str | None, *, context: str) -> str | None:
        """`seal`, keeping an absent value absent."""
        return None if plaintext is None else self.seal(plaintext, context=context)

    def open_optional(self, sealed: str | None, *, context: str) -> str | None:
        """`open`, keeping an absent value absent."""
        return None if sealed is None else self.open(sealed, context=context)

    def match_keys(
        self,
        *,
        given_name: str | None,
        family_name: str | None,
        birth_date: date | None,
        documents: Iterable[tuple[str, str, str]],
    ) -> set[MatchKey]:
        """The blind indexes of a person: one per document (type, number, country), and one
        for the full name with the birth date when both are known."""
        keys = {
            MatchKey("document", self._digest("document", document_text(*document)))
            for document in documents
        }
        name = full_name_text(given_name, family_name)
        if name and birth_date is not None:
            value = f"{name}|{birth_date.isoformat()}"
            keys.add(MatchKey("name_and_birth_date", self._digest("name_and_birth_date", value)))
        return keys

    def _digest(self, kind: MatchKind, value: str) -> str:
        message = f"{kind}\x1f{value}".encode()
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()


def _fold(value: str) -> str:
    """Casefolded, without diacritics, every run of non-alphanumerics turned into a space."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in letters).split())


def full_name_text(given_name: str | None, family_name: str | None) -> str:
    """The normalised full name: its folded words, sorted, so word order does not matter."""
    words = _fold(f"{given_name or ''} {family_name or ''}").split()
    return " ".join(sorted(words))


def document_text(kind: str, number: str, country: str) -> str:
    return f"{kind}|{_fold(number).replace(' ', '')}|{country.upper()}"

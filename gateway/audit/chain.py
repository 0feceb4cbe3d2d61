"""The hash chain of the audit log (pure; no I/O).

Each event's hash is SHA-256 over its canonical content — sorted-key, compact JSON of
every field but the hash itself — which includes the previous event's hash and the
event's sequence number. Changing a stored event breaks its own hash (or, rehashed, the
next event's link); deleting one leaves a gap in the sequence; deleting the newest ones
leaves the chain short of its head (the last sequence and hash, kept in a row of their
own, moved in the same transaction as each append).
"""

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

GENESIS_HASH = "0" * 64


def event_hash(content: Mapping[str, Any]) -> str:
    """The hash of an event's content (JSON-ready values, `prev_hash` among them)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class ChainBreak(StrEnum):
    ALTERED = "altered"  # the event's content does not hash to its stored hash
    BROKEN_LINK = "broken_link"  # it does not name the previous event's hash
    GAP = "gap"  # events before it are missing
    TRUNCATED = "truncated"  # the newest events are missing (no event to name)


@dataclass
class ChainCheck:
    """Walks the chain in sequence order, one event at a time, remembering the first
    break. Events may be fed in batches; memory does not grow with the log."""

    events: int = 0
    last_id: uuid.UUID | None = None
    last_sequence: int = 0
    last_hash: str = GENESIS_HASH
    first_bad: uuid.UUID | None = None
    problem: ChainBreak | None = None

    def feed(
        self, event_id: uuid.UUID, sequence: int, content: Mapping[str, Any], stored: str
    ) -> None:
        self.events += 1
        if self.problem is None:
            if sequence != self.last_sequence + 1:
                self._break(event_id, ChainBreak.GAP)
            elif content.get("prev_hash") != self.last_hash:
                self._break(event_id, ChainBreak.BROKEN_LINK)
            elif event_hash(content) != stored:
                self._break(event_id, ChainBreak.ALTERED)
        self.last_id, self.last_sequence, self.last_hash = event_id, sequence, stored

    def finish(self, head_sequence: int, head_hash: str) -> None:
        """The chain must end where its head says it does."""
        if self.problem is not None:
            return
        if self.last_sequence != head_sequence:
            self.problem = ChainBreak.TRUNCATED
        elif self.last_hash != head_hash:
            # The newest event rewritten, its hash recomputed: only the head shows it.
            self._break(self.last_id, ChainBreak.ALTERED)

    @property
    def valid(self) -> bool:
        return self.problem is None

    def _break(self, event_id: uuid.UUID | None, problem: ChainBreak) -> None:
        self.first_bad, self.problem = event_id, problem

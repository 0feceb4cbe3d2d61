"""The hash chain of the audit log: each event hashes its content with the previous hash,
so a change, a gap or a missing end is found by walking it."""

import uuid
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from gateway.audit.chain import GENESIS_HASH, ChainBreak, ChainCheck, event_hash


def chain(length: int) -> list[tuple[uuid.UUID, int, dict[str, Any], str]]:
    events, previous = [], GENESIS_HASH
    for sequence in range(1, length + 1):
        content = {"sequence": sequence, "action": "case.person.read", "prev_hash": previous}
        stored = event_hash(content)
        events.append((uuid.uuid4(), sequence, content, stored))
        previous = stored
    return events


def check(events, head_sequence: int | None = None, head_hash: str | None = None) -> ChainCheck:
    walk = ChainCheck()
    for event in events:
        walk.feed(*event)
    last = events[-1] if events else None
    walk.finish(
        head_sequence if head_sequence is not None else (last[1] if last else 0),
        head_hash if head_hash is not None else (last[3] if last else GENESIS_HASH),
    )
    return walk


def test_the_hash_is_of_the_canonical_content_whatever_the_key_order() -> None:
    assert event_hash({"a": 1, "b": "ț"}) == event_hash({"b": "ț", "a": 1})
    assert event_hash({"a": 1}) != event_hash({"a": 2})
    assert len(event_hash({})) == 64


def test_an_empty_log_is_a_valid_chain() -> None:
    walk = check([])
    assert (walk.valid, walk.events, walk.first_bad) == (True, 0, None)


@given(st.integers(min_value=1, max_value=30))
def test_an_untouched_chain_is_valid(length: int) -> None:
    walk = check(chain(length))
    assert (walk.valid, walk.events, walk.problem) == (True, length, None)


@given(st.integers(min_value=2, max_value=20), st.data())
def test_a_changed_event_is_the_first_bad_one(length: int, data: st.DataObject) -> None:
    events = chain(length)
    index = data.draw(st.integers(min_value=0, max_value=length - 1))
    event_id, sequence, content, stored = events[index]
    events[index] = (event_id, sequence, {**content, "action": "case.person.replace"}, stored)
    walk = check(events)
    assert (walk.valid, walk.first_bad, walk.problem) == (False, event_id, ChainBreak.ALTERED)


@given(st.integers(min_value=3, max_value=20), st.data())
def test_a_deleted_event_leaves_a_gap_before_the_next(length: int, data: st.DataObject) -> None:
    events = chain(length)
    index = data.draw(st.integers(min_value=0, max_value=length - 2))
    following = events[index + 1][0]
    del events[index]
    walk = check(events, head_sequence=length, head_hash=chain_head(events))
    assert (walk.valid, walk.first_bad, walk.problem) == (False, following, ChainBreak.GAP)


def chain_head(events) -> str:
    return str(events[-1][3])


def test_a_rehashed_event_breaks_the_next_events_link() -> None:
    events = chain(4)
    event_id, sequence, content, _ = events[1]
    forged = {**content, "action": "case.person.replace"}
    events[1] = (event_id, sequence, forged, event_hash(forged))
    walk = check(events, head_hash=chain_head(events))
    assert (walk.valid, walk.first_bad, walk.problem) == (
        False,
        events[2][0],
        ChainBreak.BROKEN_LINK,
    )


def test_a_rehashed_newest_event_is_shown_by_the_head() -> None:
    events = chain(3)
    head_hash = chain_head(events)
    event_id, sequence, content, _ = events[2]
    forged = {**content, "action": "case.person.replace"}
    events[2] = (event_id, sequence, forged, event_hash(forged))
    walk = check(events, head_hash=head_hash)
    assert (walk.valid, walk.first_bad, walk.problem) == (False, event_id, ChainBreak.ALTERED)


def test_missing_newest_events_are_a_truncated_chain() -> None:
    events = chain(5)
    walk = check(events[:3], head_sequence=5, head_hash=chain_head(events))
    assert (walk.valid, walk.first_bad, walk.problem, walk.events) == (
        False,
        None,
        ChainBreak.TRUNCATED,
        3,
    )

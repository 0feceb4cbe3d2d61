"""Requests that race for one resource, through the gateway, on SQLite and PostgreSQL: one
wins, the others get 409 or 412, and what is stored stays consistent.

Each race is run a few rounds, the requests sent at once (`asyncio.gather`), so that the
order in which they reach the database differs between rounds.
"""

import asyncio
from collections import Counter

import httpx
import pytest

from tests.suite.test_referral_flow import World
from tests.support.suite import Suite

ROUNDS = 3


@pytest.fixture
async def world(suite: Suite) -> World:
    return await World(suite).build()


def statuses(*responses: httpx.Response) -> list[int]:
    for response in responses:
        assert response.status_code < 500, response.text
    return sorted(r.status_code for r in responses)


async def referral_id_of(world: World) -> str:
    case_id = await world.presumed_case()
    await world.consent(case_id)
    response = await world.refer(case_id)
    assert response.status_code == 201, response.text
    await world.suite.settle()
    return str(response.json()["id"])


async def free_shelter_places(world: World) -> int:
    response = await world.suite.http.get(
        f"/api/v1/providers/{world.shelter['id']}", headers=world.coordinator
    )
    return int(response.json()["capacity"]["shelter"]["free"])


async def test_accept_and_withdraw_of_one_referral_at_once(suite: Suite, world: World) -> None:
    outcomes: Counter[str] = Counter()
    for _ in range(ROUNDS):
        referral_id = await referral_id_of(world)
        path = f"/api/v1/referrals/{referral_id}"
        etag = (await suite.http.get(path, headers=world.police)).headers["ETag"]
        places = await free_shelter_places(world)
        # Both answer the referral as they read it: exactly one of them can win.
        accepted, withdrawn = await asyncio.gather(
            suite.http.post(f"{path}/accept", headers={**world.shelter_staff, "If-Match": etag}),
            suite.http.post(f"{path}/withdraw", headers={**world.police, "If-Match": etag}),
        )
        assert statuses(accepted, withdrawn)[0] == 200
        assert statuses(accepted, withdrawn)[1] in (409, 412)
        stored = (await suite.http.get(path, headers=world.police)).json()
        if accepted.status_code == 200:
            assert stored["status"] == "accepted"
            assert await free_shelter_places(world) == places - 1
        else:
            assert stored["status"] == "withdrawn"
            assert await free_shelter_places(world) == places
        outcomes[stored["status"]] += 1
        if stored["status"] == "accepted":  # give the place back for the next round
            done = await suite.http.post(f"{path}/complete", headers=world.shelter_staff)
            assert done.status_code == 200, done.text
    assert sum(outcomes.values()) == ROUNDS


async def test_accept_and_withdraw_without_if_match_leave_places_and_status_agreeing(
    suite: Suite, world: World
) -> None:
    for _ in range(ROUNDS):
        referral_id = await referral_id_of(world)
        path = f"/api/v1/referrals/{referral_id}"
        places = await free_shelter_places(world)
        accepted, withdrawn = await asyncio.gather(
            suite.http.post(f"{path}/accept", headers=world.shelter_staff),
            suite.http.post(f"{path}/withdraw", headers=world.police),
        )
        # A withdrawal may also follow an acceptance; the loser of a race is told to read
        # the referral again (409).
        assert 200 in statuses(accepted, withdrawn)
        assert set(statuses(accepted, withdrawn)) <= {200, 409}
        stored = (await suite.http.get(path, headers=world.police)).json()
        if withdrawn.status_code == 200:
            assert stored["status"] == "withdrawn"
            assert await free_shelter_places(world) == places
        else:
            assert stored["status"] == "accepted"
            assert await free_shelter_places(world) == places - 1
            done = await suite.http.post(f"{path}/complete", headers=world.shelter_staff)
            assert done.status_code == 200, done.text


async def test_two_updates_of_one_case_with_the_same_etag(suite: Suite, world: World) -> None:
    for round_number in range(ROUNDS):
        case_id = await world.presumed_case()
        path = f"/api/v1/cases/{case_id}"
        etag = (await suite.http.get(path, headers=world.police)).headers["ETag"]
        counties = ("RO-CJ", "RO-TM")
        answers = await asyncio.gather(
            *(
                suite.http.patch(
                    path, json={"county": county}, headers={**world.police, "If-Match": etag}
                )
                for county in counties
            )
        )
        # The loser's ETag was current when checked (409: read it again) or no longer (412).
        assert statuses(*answers)[0] == 200, round_number
        assert statuses(*answers)[1] in (409, 412), round_number
        winner = next(a for a in answers if a.status_code == 200)
        stored = await suite.http.get(path, headers=world.police)
        assert stored.json()["county"] == winner.json()["county"]
        assert stored.headers["ETag"] == winner.headers["ETag"] != etag


async def test_a_consent_withdrawn_while_a_referral_is_made(suite: Suite, world: World) -> None:
    """Either the referral comes first and the withdrawal then withdraws it, or the
    withdrawal comes first and the referral is refused: never a referral left standing on
    a withdrawn consent."""
    for _ in range(ROUNDS):
        case_id = await world.presumed_case()
        consents = f"/api/v1/cases/{case_id}/consents"
        given = await suite.http.post(
            consents,
            json={"scope": "referral", "given": True, "method": "written"},
            headers=world.police,
        )
        assert given.status_code == 201, given.text
        withdrawal, referral = await asyncio.gather(
            suite.http.post(f"{consents}/{given.json()['id']}/withdraw", headers=world.police),
            world.refer(case_id),
        )
        assert withdrawal.status_code == 200, withdrawal.text
        await suite.settle()
        if referral.status_code == 201:
            stored = await suite.http.get(
                f"/api/v1/referrals/{referral.json()['id']}", headers=world.police
            )
            assert stored.json()["status"] == "withdrawn"
        else:
            assert referral.status_code == 409, referral.text
            assert referral.json()["type"] == "/problems/consent-required"
        listed = await suite.http.get(
            "/api/v1/referrals", params={"case_id": case_id}, headers=world.police
        )
        assert all(r["status"] == "withdrawn" for r in listed.json()["items"])

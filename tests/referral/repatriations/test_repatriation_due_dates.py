"""Completing a step counts the pending steps' due dates from it, in one write: a step
flagged overdue against its old date may fall overdue again against its new one, and a
step whose date stays keeps its flag."""

import uuid
from datetime import timedelta

from referral_svc.repatriations.repository import RepatriationRepository
from tests.support.referral import RepatriationWorld, due, flag_overdue


async def test_a_step_flagged_overdue_is_flagged_again_once_completing_another_moves_its_date(
    world: RepatriationWorld,
) -> None:
    service = world.service
    repatriation = await world.register(await world.adult_case())
    assert await flag_overdue(service, due(repatriation, "follow_up") + timedelta(days=1)) == 7

    moved = await world.done(repatriation["id"], "identity_documents", world.consul)

    # Every later step is now counted from the documents' completion: each has a new date.
    assert all(
        due(moved, s["step"]) != due(repatriation, s["step"])
        for s in moved["steps"]
        if s["status"] == "pending"
    )
    assert await flag_overdue(service, due(moved, "follow_up") + timedelta(days=1)) == 6


async def test_only_the_steps_whose_date_moves_lose_their_overdue_flag(
    world: RepatriationWorld,
) -> None:
    service = world.service
    repatriation = await world.register(await world.adult_case())
    last = due(repatriation, "follow_up")
    assert await flag_overdue(service, last + timedelta(days=1)) == 7

    async with service.app.state.database.sessions.begin() as session:
        await RepatriationRepository(session).move_due(
            uuid.UUID(repatriation["id"]),
            {
                "consent_to_return": due(repatriation, "consent_to_return") + timedelta(days=1),
                "travel_arranged": due(repatriation, "travel_arranged"),
            },
        )

    assert await flag_overdue(service, last + timedelta(days=2)) == 1
    *_, again = await service.events("repatriation.step_overdue")
    assert again["payload"]["step"] == "consent_to_return"

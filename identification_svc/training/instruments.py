"""The risk instrument versions a session taught, checked with the risk service that owns
them, with the coordinator's own token (so a draft shows only to those who may see it).

A version the risk service does not know is refused (422 naming the item); the risk
service down or failing is a 503 and nothing is recorded: a session is not stored with
versions nobody could check.
"""

from collections.abc import Sequence

from fastapi import Request

from identification_svc.training.exceptions import InstrumentVersionsUnknown
from identification_svc.training.schemas import InstrumentVersion
from shared.errors import FieldError
from shared.web import service_client


class RiskInstruments:
    def __init__(self, request: Request) -> None:
        self._request = request

    async def check(self, taught: Sequence[InstrumentVersion], token: str, field: str) -> None:
        """Raise `InstrumentVersionsUnknown` naming each version risk does not know."""
        if not taught:
            return
        # Resolved at call time: a session without instruments needs no risk service.
        client = service_client(self._request, "risk")
        errors = []
        for index, item in enumerate(taught):
            found = await client.get_json(
                f"/api/v1/risk-instruments/{item.instrument}/{item.version}", token=token
            )
            if found is None:
                errors.append(
                    FieldError(f"{field}.{index}", "is not a version the risk service knows")
                )
        if errors:
            raise InstrumentVersionsUnknown(errors)

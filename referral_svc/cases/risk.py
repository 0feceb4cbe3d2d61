"""The call this service makes to the risk service: one assessment by id, with the caller's
own token (so risk applies the caller's scope), for when the assessment's `risk.assessed`
event has not arrived yet. A dead or failing risk service is a 503, never a guess."""

import uuid
from typing import Annotated

from fastapi import Depends, Request
from pydantic import AwareDatetime, BaseModel, Field

from referral_svc.cases.schemas import RiskAssessed
from shared.web import PartApi


class _DomainResult(BaseModel):
    level: str = Field(max_length=8)


class _Assessment(BaseModel):
    """`GET /api/v1/risk-assessments/{id}` of the risk service, as far as it is kept here."""

    id: uuid.UUID
    case_id: uuid.UUID
    instrument: str = Field(max_length=50)
    level: str = Field(max_length=8)
    domains: dict[str, _DomainResult] = Field(default_factory=dict, max_length=20)
    measures: list[str] = Field(default_factory=list, max_length=50)
    assessed_at: AwareDatetime

    def as_event(self) -> RiskAssessed:
        return RiskAssessed(
            case_id=self.case_id,
            assessment_id=self.id,
            instrument=self.instrument,
            level=self.level,
            domains={name: result.level for name, result in self.domains.items()},
            measures=self.measures,
            assessed_at=self.assessed_at,
        )


class Risk(PartApi):
    part = "risk"

    async def assessment(self, assessment_id: uuid.UUID, token: str) -> RiskAssessed | None:
        """The assessment as the caller may see it there, in the shape of its event; None
        when absent or out of the caller's scope."""
        found = await self.client.get_model(
            f"/api/v1/risk-assessments/{assessment_id}",
            _Assessment,
            token=token,
            what="an unreadable assessment",
        )
        return found.as_event() if found is not None else None


async def risk(request: Request) -> Risk:
    return Risk(request)


RiskApi = Annotated[Risk, Depends(risk)]

"""Settings of the referral service (environment prefix `NIRM_REFERRAL_`)."""

from collections.abc import Mapping
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_settings import SettingsConfigDict

from referral_svc.repatriations.procedure import DEFAULT_TARGETS, Step, Target, TargetUnit
from shared.settings import ServiceSettings


class StepTarget(BaseModel):
    """How long after the previous step a repatriation step is due."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: int = Field(ge=0, le=366)
    unit: TargetUnit = TargetUnit.DAYS


def _over_defaults(configured: dict[Step, StepTarget]) -> dict[Step, StepTarget]:
    """Every step's target: those configured, referral.md's for the steps left out."""
    defaults = {
        step: StepTarget(amount=t.amount, unit=t.unit) for step, t in DEFAULT_TARGETS.items()
    }
    return {**defaults, **configured}


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NIRM_REFERRAL_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./.nirm-data/referral.db"
    # How often each replica looks for referrals past their deadline.
    expiry_interval_seconds: float = Field(default=60.0, gt=0)
    # How often each replica looks for repatriation steps past their due date.
    overdue_interval_seconds: float = Field(default=300.0, gt=0)
    # The repatriation steps' targets, JSON such as
    # {"identity_documents": {"amount": 10, "unit": "working_days"}}; steps left out keep
    # referral.md's (`procedure.DEFAULT_TARGETS`).
    repatriation_targets: Annotated[dict[Step, StepTarget], AfterValidator(_over_defaults)] = Field(
        default_factory=dict, validate_default=True
    )

    # Hosts a provider's webhook may name although they are, or resolve to, non-public
    # addresses (an NGO's server on a private network); JSON list of host names.
    webhook_allowed_hosts: list[str] = Field(default_factory=list)

    def step_targets(self) -> Mapping[Step, Target]:
        return {step: Target(t.amount, t.unit) for step, t in self.repatriation_targets.items()}

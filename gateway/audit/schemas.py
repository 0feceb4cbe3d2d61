"""Answers of the audit endpoints."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from gateway.audit.chain import ChainBreak
from shared.pagination import Page


class AuditEventOut(BaseModel):
    """One recorded request: who, what, when, from where and why."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    sequence: int = Field(description="Its place in the chain, from 1, without gaps")
    occurred_at: datetime = Field(description="When the answer was given")
    action: str = Field(examples=["case.person.read", "referral.accept", "users.create"])
    method: str
    path: str = Field(description="As requested, percent-encoded, query left out")
    status: int = Field(description="The status answered")
    actor_id: uuid.UUID | None = Field(description="The user's id or the API client's id")
    actor_kind: str | None = Field(examples=["user", "client"])
    actor_name: str | None = Field(
        description="The username or client name; for a refused sign-in, the one attempted"
    )
    organisation_id: uuid.UUID | None
    roles: list[str]
    resource_type: str | None = Field(examples=["case", "consent", "referral"])
    resource_id: uuid.UUID | None
    case_id: uuid.UUID | None
    request_id: str | None
    client_address: str | None = Field(description="The address the gateway saw")
    forwarded_for: str | None = Field(description="`X-Forwarded-For` as the client sent it")
    purpose: str | None = Field(description="`X-Purpose` as the client declared it")
    replayed: bool = Field(description="Answered from an earlier request's Idempotency-Key")
    warnings: list[str] | None = Field(
        default=None,
        description="Codes of the warnings the answer gave, such as `screener_not_trained`",
    )
    prev_hash: str
    hash: str


class AuditEventPage(Page[AuditEventOut]):
    """A page of audit events, newest first."""


class ChainVerification(BaseModel):
    valid: bool
    events: int = Field(description="How many events were checked")
    first_bad: uuid.UUID | None = Field(
        description="The first event that is altered, badly linked or follows a gap"
    )
    problem: ChainBreak | None = Field(
        description="What is wrong first: `altered`, `broken_link`, `gap`, or `truncated` "
        "(the newest events are missing; no event to name)"
    )
    head_sequence: int = Field(description="The chain's length by its head")
    head_hash: str = Field(
        description="The newest hash; kept outside the database, it shows a rewrite of the "
        "whole chain too"
    )

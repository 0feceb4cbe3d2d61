"""Routes of the audit log, for holders of `read_audit` (coordinators, auditors):
`GET /api/v1/audit-events` and `GET /api/v1/audit-events/verify`."""

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime, StringConstraints

from gateway.audit.actions import as_uuid
from gateway.audit.dependencies import Audit, AuditReader
from gateway.audit.exceptions import PeriodReversed, TimeOutOfRange
from gateway.audit.repository import AuditFilters
from gateway.audit.schemas import AuditEventOut, AuditEventPage, ChainVerification
from gateway.gatekeeper import authenticate
from shared.auth.deps import require
from shared.auth.policy import Permission
from shared.errors import error_responses
from shared.pagination import PageQuery

# Printable text only: a NUL or another control character matches nothing stored (and
# PostgreSQL refuses a NUL outright).
Actor = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$"
    ),
]
ActionName = Annotated[str, StringConstraints(max_length=64, pattern=r"^[a-z][a-z0-9._-]*$")]

router = APIRouter(
    prefix="/api/v1/audit-events",
    tags=["audit"],
    dependencies=[Depends(authenticate), Depends(require(Permission.READ_AUDIT))],
    responses=error_responses(401, 403, 422),
)


@router.get("")
async def list_audit_events(
    audit: Audit,
    reader: AuditReader,
    page: PageQuery,
    case_id: Annotated[uuid.UUID | None, Query(description="Events about this case")] = None,
    actor: Annotated[
        Actor | None, Query(description="A user's or client's id, or a username")
    ] = None,
    action: Annotated[
        ActionName | None, Query(description="One action, such as `case.person.read`")
    ] = None,
    from_: Annotated[
        AwareDatetime | None,
        Query(alias="from", description="At or after this time (RFC 3339, with offset)"),
    ] = None,
    to: Annotated[
        AwareDatetime | None, Query(description="Before this time (RFC 3339, with offset)")
    ] = None,
) -> AuditEventPage:
    """The audit log, newest first."""
    since, until = _utc(from_, "from"), _utc(to, "to")
    if since is not None and until is not None and until < since:
        raise PeriodReversed()
    actor_id = as_uuid(actor)
    filters = AuditFilters(
        case_id=case_id,
        actor_id=actor_id,
        actor_name=actor if actor is not None and actor_id is None else None,
        action=action,
        since=since,
        until=until,
    )
    events, cursor = await audit.events(reader, filters, page)
    return AuditEventPage(
        items=[AuditEventOut.model_validate(event) for event in events], next_cursor=cursor
    )


@router.get("/verify")
async def verify_audit_chain(audit: Audit) -> ChainVerification:
    """Recompute the hash chain from the first event to the head: `valid`, how many
    events were checked, and the first bad one. It reads the whole log."""
    return await audit.verify()


def _utc(value: datetime | None, field: str) -> datetime | None:
    """In UTC, as stored; a time that leaves the calendar there (year 1 at +01:00) is 422."""
    try:
        return None if value is None else value.astimezone(UTC)
    except OverflowError as exc:
        raise TimeOutOfRange(field) from exc

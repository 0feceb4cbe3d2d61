"""Every table of the gateway, imported so the metadata knows them all."""

from gateway.audit.models import AuditChainHead, AuditEvent
from gateway.idempotency.models import IdempotencyRecord
from gateway.identity.models import ApiClient, Organisation, User
from gateway.lockout.models import SignInFailures
from gateway.ratelimit.models import RateWindow
from gateway.tokens.models import RefreshToken

__all__ = [
    "ApiClient",
    "AuditChainHead",
    "AuditEvent",
    "IdempotencyRecord",
    "Organisation",
    "RateWindow",
    "RefreshToken",
    "SignInFailures",
    "User",
]

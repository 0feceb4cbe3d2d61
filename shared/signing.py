"""Signed deliveries: HMAC-SHA256 over a timestamp and the body, checked against replay.

Used for events between the parts and for webhooks to providers, so a receiver verifies
both the same way: header `X-NIRM-Signature: t=<unix seconds>,v1=<hex digest>`, the digest
taken over `<t>.<body>`; a signature older than the tolerance is refused.
"""

import hashlib
import hmac

SIGNATURE_HEADER = "X-NIRM-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(
    secret: str, body: bytes, header: str, now: int, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
        given = fields["v1"]
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, given)

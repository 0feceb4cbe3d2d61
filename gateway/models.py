"""Every table of the gateway, imported so the metadata knows them all."""

from gateway.identity.models import ApiClient, Organisation, User
from gateway.ratelimit.models import RateWindow
from gateway.tokens.models import RefreshToken

__all__ = ["ApiClient", "Organisation", "RateWindow", "RefreshToken", "User"]

"""Every table of the referral service, imported so the metadata knows them all."""

from referral_svc.db import EVENTS

__all__ = ["EVENTS"]

"""Every table of the identification service, imported so the metadata knows them all."""

from identification_svc.db import EVENTS

__all__ = ["EVENTS"]

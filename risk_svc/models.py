"""Every table of the risk service, imported so the metadata knows them all."""

from risk_svc.db import EVENTS

__all__ = ["EVENTS"]

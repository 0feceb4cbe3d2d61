"""Every table of the risk service, imported so the metadata knows them all."""

from risk_svc.assessments.models import Assessment
from risk_svc.cases.models import CaseAccess, CaseFacts
from risk_svc.db import EVENTS
from risk_svc.instruments.models import InstrumentItem, InstrumentVersion

__all__ = [
    "EVENTS",
    "Assessment",
    "CaseAccess",
    "CaseFacts",
    "InstrumentItem",
    "InstrumentVersion",
]

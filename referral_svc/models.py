"""Every table of the referral service, imported so the metadata knows them all."""

from referral_svc.alerts.models import Alert
from referral_svc.cases.models import CaseFacts, CaseRisk
from referral_svc.db import EVENTS
from referral_svc.providers.models import (
    Capacity,
    CoveredArea,
    DirectoryState,
    OfferedService,
    Provider,
)
from referral_svc.referrals.models import Referral
from referral_svc.repatriations.models import (
    Repatriation,
    RepatriationDetermination,
    RepatriationOrganisation,
    RepatriationStep,
)

__all__ = [
    "EVENTS",
    "Alert",
    "Capacity",
    "CaseFacts",
    "CaseRisk",
    "CoveredArea",
    "DirectoryState",
    "OfferedService",
    "Provider",
    "Referral",
    "Repatriation",
    "RepatriationDetermination",
    "RepatriationOrganisation",
    "RepatriationStep",
]

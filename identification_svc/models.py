"""Every table of the identification service, imported so the metadata knows them all."""

from identification_svc.cases.models import (
    Case,
    CaseAccess,
    CaseDecision,
    DuplicateResolution,
    PossibleDuplicate,
)
from identification_svc.catalogue.models import CatalogueIndicator, CatalogueVersion
from identification_svc.consents.models import Consent
from identification_svc.db import EVENTS
from identification_svc.persons.models import Person, PersonMatchKey
from identification_svc.screening.models import Screening
from identification_svc.training.models import PracticeCount, TrainingParticipant, TrainingSession

__all__ = [
    "EVENTS",
    "Case",
    "CaseAccess",
    "CaseDecision",
    "CatalogueIndicator",
    "CatalogueVersion",
    "Consent",
    "DuplicateResolution",
    "Person",
    "PersonMatchKey",
    "PossibleDuplicate",
    "PracticeCount",
    "Screening",
    "TrainingParticipant",
    "TrainingSession",
]

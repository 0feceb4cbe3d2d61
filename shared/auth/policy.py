"""The permission policy of the mechanism (who may do what), as one table.

Every part checks permissions through `has_permission`; the gateway and the services read
the same table, so a role's reach cannot differ between them. Resource-level scope (which
cases an organisation sees) is each service's repository's job, built on the helpers here.
"""

from enum import StrEnum


class Role(StrEnum):
    POLICE = "police"
    PROSECUTOR = "prosecutor"
    LABOUR_INSPECTOR = "labour_inspector"
    SOCIAL_WORKER = "social_worker"
    NGO_WORKER = "ngo_worker"
    PROVIDER = "provider"
    COORDINATOR = "coordinator"
    AUDITOR = "auditor"
    ADMIN = "admin"
    CONSULAR_OFFICER = "consular_officer"
    # The head of an organisation or unit: reads its organisation's training records.
    MANAGER = "manager"
    SYSTEM = "system"


class OrganisationKind(StrEnum):
    """What an organisation taking part in the mechanism is (API.md, Identity)."""

    POLICE = "police"
    PROSECUTION = "prosecution"
    LABOUR_INSPECTORATE = "labour_inspectorate"
    SOCIAL_SERVICES = "social_services"
    CHILD_PROTECTION = "child_protection"
    NGO = "ngo"
    PROVIDER = "provider"
    NATIONAL_AGENCY = "national_agency"
    MINISTRY_IT = "ministry_it"
    CONSULATE = "consulate"
    INTERNATIONAL_ORG = "international_org"


class Permission(StrEnum):
    READ_REFERENCE = "read_reference"
    SUBMIT_SCREENING = "submit_screening"
    READ_CASES = "read_cases"
    MANAGE_CASES = "manage_cases"
    READ_PERSONAL_DATA = "read_personal_data"
    DECIDE_IDENTIFICATION = "decide_identification"
    RECORD_CONSENT = "record_consent"
    ASSESS_RISK = "assess_risk"
    READ_RISK = "read_risk"
    CREATE_REFERRAL = "create_referral"
    ANSWER_REFERRAL = "answer_referral"
    READ_REFERRALS = "read_referrals"
    UPDATE_CAPACITY = "update_capacity"
    MANAGE_PROVIDERS = "manage_providers"
    READ_PROVIDERS = "read_providers"
    MANAGE_CATALOGUES = "manage_catalogues"
    WORK_REPATRIATION = "work_repatriation"
    READ_REPATRIATIONS = "read_repatriations"
    CANCEL_REPATRIATION = "cancel_repatriation"
    HANDLE_ALERTS = "handle_alerts"
    READ_STATISTICS = "read_statistics"
    READ_AUDIT = "read_audit"
    MANAGE_ACCOUNTS = "manage_accounts"
    MANAGE_TRAINING = "manage_training"
    READ_ORGANISATION_TRAINING = "read_organisation_training"
    PRACTISE_SCREENING = "practise_screening"


R = Role
P = Permission

# The front-line practitioners: they screen, open cases, record consent and refer.
_PRACTITIONERS = frozenset(
    {R.POLICE, R.PROSECUTOR, R.LABOUR_INSPECTOR, R.SOCIAL_WORKER, R.NGO_WORKER, R.COORDINATOR}
)
_ALL_STAFF = _PRACTITIONERS | {R.PROVIDER, R.AUDITOR, R.ADMIN}

POLICY: dict[Permission, frozenset[Role]] = {
    P.READ_REFERENCE: _ALL_STAFF,
    P.SUBMIT_SCREENING: _PRACTITIONERS,
    P.READ_CASES: _PRACTITIONERS | {R.PROVIDER, R.CONSULAR_OFFICER},
    P.MANAGE_CASES: _PRACTITIONERS,
    P.READ_PERSONAL_DATA: _PRACTITIONERS | {R.PROVIDER},
    P.DECIDE_IDENTIFICATION: frozenset({R.POLICE, R.PROSECUTOR, R.COORDINATOR}),
    P.RECORD_CONSENT: _PRACTITIONERS,
    P.ASSESS_RISK: frozenset({R.POLICE, R.SOCIAL_WORKER, R.NGO_WORKER, R.COORDINATOR}),
    # A prosecutor sees outcomes and indicators, not health details: no risk assessments.
    P.READ_RISK: (_PRACTITIONERS - {R.PROSECUTOR}) | {R.PROVIDER, R.CONSULAR_OFFICER},
    P.CREATE_REFERRAL: _PRACTITIONERS,
    P.ANSWER_REFERRAL: frozenset({R.PROVIDER, R.COORDINATOR}),
    P.READ_REFERRALS: _PRACTITIONERS | {R.PROVIDER, R.CONSULAR_OFFICER},
    P.UPDATE_CAPACITY: frozenset({R.PROVIDER, R.COORDINATOR, R.ADMIN}),
    P.MANAGE_PROVIDERS: frozenset({R.COORDINATOR, R.ADMIN}),
    P.READ_PROVIDERS: _ALL_STAFF | {R.CONSULAR_OFFICER},
    P.MANAGE_CATALOGUES: frozenset({R.COORDINATOR}),
    P.WORK_REPATRIATION: frozenset(
        {R.CONSULAR_OFFICER, R.COORDINATOR, R.PROVIDER, R.SOCIAL_WORKER}
    ),
    # Whoever sees a case sees its repatriation; consulates see those they work on.
    P.READ_REPATRIATIONS: _PRACTITIONERS | {R.PROVIDER, R.CONSULAR_OFFICER},
    P.CANCEL_REPATRIATION: frozenset({R.COORDINATOR}),
    # Read and acknowledge the alerts raised for coordinators.
    P.HANDLE_ALERTS: frozenset({R.COORDINATOR}),
    P.READ_STATISTICS: _PRACTITIONERS | {R.AUDITOR},
    P.READ_AUDIT: frozenset({R.COORDINATOR, R.AUDITOR}),
    P.MANAGE_ACCOUNTS: frozenset({R.ADMIN}),
    # Record training sessions and attendance, issue certificates, read training coverage.
    P.MANAGE_TRAINING: frozenset({R.COORDINATOR}),
    # The training records of an organisation's members: its managers (coordinators: within
    # their scope).
    P.READ_ORGANISATION_TRAINING: frozenset({R.MANAGER, R.COORDINATOR}),
    # Vignettes and practice screenings: whoever screens, and a provider's staff, who meet
    # victims too; a practice stores nothing.
    P.PRACTISE_SCREENING: _PRACTITIONERS | {R.PROVIDER},
}

ROLES = frozenset(r.value for r in Role)
NATIONAL = "national"


def has_permission(roles: frozenset[str], permission: Permission) -> bool:
    allowed = POLICY[permission]
    return any(role in allowed for role in roles)

"""The bench's data set: a national caseload of several years, generated from a seed.

The organisations and their people are made through the gateway's admin API, as a
deployment would make them. The caseload — cases with their screenings and decisions,
consents, risk assessments, referrals and the directory of providers — is written
straight into each part's database before the services start: through the API it would
take hours. What is written is what the parts would have written themselves: screenings
evaluated by the real engine, assessments scored by the real instrument, notes sealed with
the identification service's key, each part's copy of a case's facts as its events carry
them, and access granted to the organisations a case was referred to.
"""

import base64
import random
import sys
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import selectinload

from bench.bench_matching import generated_provider
from identification_svc.cases.models import Case, CaseAccess, CaseDecision
from identification_svc.catalogue.v1 import INDICATORS_V1
from identification_svc.consents.models import Consent
from identification_svc.persons.protection import PersonalDataProtector, bound_to
from identification_svc.screening.models import Screening
from identification_svc.screening.rules import RULE_SET_VERSION, Indicator, evaluate
from referral_svc.cases.models import CaseFacts as ReferralCaseFacts
from referral_svc.cases.models import CaseRisk
from referral_svc.providers.models import Capacity, CoveredArea, OfferedService, Provider
from referral_svc.referrals.models import Referral
from risk_svc.assessments.models import Assessment
from risk_svc.assessments.scoring import Answer, score
from risk_svc.cases.models import CaseAccess as RiskCaseAccess
from risk_svc.cases.models import CaseFacts as RiskCaseFacts
from risk_svc.instruments.models import InstrumentVersion
from services.datadir import DataDir
from shared.db import Database
from shared.geo import COUNTIES

SEED = 20261203
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
FIRST_DAY = datetime(2019, 1, 1, tzinfo=UTC)
PASSWORD = "bench-user-password-0001"
CHUNK = 2000

STATUSES = {"potential": 20, "presumed": 35, "identified": 30, "not_identified": 5, "closed": 10}
GENDERS = {"female": 70, "male": 26, "other": 1, "unknown": 3}
FORMS = ("sexual", "labour", "begging", "criminal_activities", "domestic_servitude")
CITIZENSHIPS = {"RO": 85, "MD": 5, "UA": 3, "BG": 2, "IN": 2, "NP": 2, "VN": 1}
REFERRAL_STATUSES = {"sent": 10, "accepted": 45, "declined": 10, "completed": 25, "expired": 5}
PRACTITIONER_KINDS = ("police", "social_services", "ngo", "child_protection", "prosecution")
REFERRAL_SERVICES = ("shelter", "psychological", "legal", "medical", "material")


@dataclass(frozen=True)
class Sizes:
    cases: int = 100_000
    providers: int = 20_000
    organisations: int = 40
    provider_organisations: int = 20


@dataclass
class Actor:
    username: str
    organisation_id: uuid.UUID
    county: str
    roles: list[str]


@dataclass
class Actors:
    """The people the bench acts as, and the organisations that own the caseload."""

    police: Actor
    coordinator: Actor
    providers: list[Actor]
    practitioner_organisations: list[tuple[uuid.UUID, str]]
    all: list[Actor] = field(default_factory=list)


def progress(label: str, done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r  {label:<28} [{'#' * filled}{'.' * (width - filled)}] {done:>7}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


async def make_actors(gateway: str, admin_password: str, sizes: Sizes) -> Actors:
    """Organisations across the counties and kinds, and a user for each role the flows
    act in, made through the gateway's admin API."""
    rng = random.Random(SEED)
    counties = sorted(COUNTIES)
    async with httpx.AsyncClient(base_url=gateway, timeout=60.0, trust_env=False) as client:
        token = await _token(client, "admin", admin_password)
        admin = {"Authorization": f"Bearer {token}"}

        async def organisation(name: str, kind: str, county: str) -> uuid.UUID:
            body = {"name": name, "kind": kind, "county": county}
            response = await client.post("/api/v1/organisations", json=body, headers=admin)
            response.raise_for_status()
            return uuid.UUID(response.json()["id"])

        async def user(username: str, organisation_id: uuid.UUID, county: str, *roles: str):
            body = {
                "username": username,
                "password": PASSWORD,
                "full_name": username.replace(".", " ").title(),
                "organisation_id": str(organisation_id),
                "roles": list(roles),
            }
            response = await client.post("/api/v1/users", json=body, headers=admin)
            if response.is_error:
                raise RuntimeError(f"user {username}: {response.status_code} {response.text}")
            return Actor(username, organisation_id, county, list(roles))

        practitioners = []
        for index in range(sizes.organisations):
            kind = PRACTITIONER_KINDS[index % len(PRACTITIONER_KINDS)]
            county = "RO-IS" if index == 0 else rng.choice(counties)
            practitioners.append(
                (await organisation(f"Bench {kind} {index}", kind, county), county)
            )
        police = await user("bench.police", practitioners[0][0], "RO-IS", "police")
        agency = await organisation("Bench national agency", "national_agency", "national")
        coordinator = await user("bench.coordinator", agency, "national", "coordinator")
        providers = []
        for index in range(sizes.provider_organisations):
            county = rng.choice(counties)
            provider_org = await organisation(f"Bench provider {index}", "provider", county)
            providers.append(
                await user(f"bench.provider.{index}", provider_org, county, "provider")
            )
    return Actors(police, coordinator, providers, practitioners, [police, coordinator, *providers])


async def _token(client: httpx.AsyncClient, username: str, password: str) -> str:
    response = await client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": password},
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


async def tokens(gateway: str, actors: Iterable[Actor]) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=gateway, timeout=60.0, trust_env=False) as client:
        return {actor.username: await _token(client, actor.username, PASSWORD) for actor in actors}


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Rows:
    """Rows to write, by table, in the order the foreign keys need."""

    tables: dict[Table, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, model: Any, row: dict[str, Any]) -> None:
        self.tables.setdefault(model.__table__, []).append(row)

    def count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


async def write(database: Database, rows: Rows, label: str) -> None:
    total, done, shown = rows.count(), 0, -1
    for table, table_rows in rows.tables.items():
        for start in range(0, len(table_rows), CHUNK):
            async with database.sessions.begin() as session:
                await session.execute(insert(table), table_rows[start : start + CHUNK])
            done += len(table_rows[start : start + CHUNK])
            if done * 20 // total > shown or done == total:
                shown = done * 20 // total
                progress(label, done, total)


class Caseload:
    """Every part's rows of the same generated cases."""

    def __init__(
        self,
        actors: Actors,
        sizes: Sizes,
        protector: PersonalDataProtector,
        loaded_at: datetime,
    ) -> None:
        self.actors = actors
        self.loaded_at = loaded_at
        self.sizes = sizes
        self.protector = protector
        self.rng = random.Random(SEED)
        self.identification = Rows()
        self.risk = Rows()
        self.referral = Rows()
        self.directory: list[dict[str, Any]] = []
        # Cases the measurements act on: the police unit's own, an adult's, assessed.
        self.samples: dict[str, str] = {}

    def providers(self) -> None:
        """The directory: seeded providers shaped like the real one, each acting through
        one of the bench's provider organisations (whose users accept referrals)."""
        rng = random.Random(SEED + 1)
        organisations = [actor.organisation_id for actor in self.actors.providers]
        for index in range(self.sizes.providers):
            facts = generated_provider(rng, index)
            provider_id = _uuid(rng)
            until = facts.accreditation_valid_until
            row = {
                "id": provider_id,
                "name": facts.name,
                "kind": facts.kind,
                "organisation_id": organisations[index % len(organisations)],
                "accepts_adults": facts.accepts_adults,
                "accepts_children": facts.accepts_children,
                "genders": sorted(facts.genders),
                "languages": sorted(facts.languages),
                "specialisations": sorted(facts.specialisations),
                "accreditation_number": f"AC-{index:05}" if until else None,
                "accreditation_valid_until": until.replace(year=2099) if until else None,
                "active": facts.active,
                "median_accept_hours": facts.median_response_hours,
                "version": 1,
                "created_at": NOW,
                "updated_at": NOW,
            }
            self.referral.add(Provider, row)
            for service in facts.services:
                self.referral.add(OfferedService, {"provider_id": provider_id, "service": service})
            for area in ["national"] if facts.national else sorted(facts.counties):
                self.referral.add(CoveredArea, {"provider_id": provider_id, "area": area})
            for service, free in facts.free_capacity.items():
                self.referral.add(
                    Capacity,
                    {"provider_id": provider_id, "service": service, "total": 20, "free": free},
                )
            if facts.active and until:
                self.directory.append({**row, "services": set(facts.services)})

    def cases(self, screenings: "ScreeningPool", assessments: "AssessmentPool") -> None:
        rng = self.rng
        counties = sorted(COUNTIES)
        county_weights = [rng.randint(1, 20) for _ in counties]
        organisations = self.actors.practitioner_organisations
        span = (NOW - FIRST_DAY).total_seconds()
        referable = [p for p in self.directory if p["services"] & set(REFERRAL_SERVICES)]
        for index in range(self.sizes.cases):
            # A tenth of the caseload is the bench police unit's own.
            organisation_id, _ = organisations[0] if index % 10 == 0 else rng.choice(organisations)
            status = _pick(rng, STATUSES)
            is_child = rng.random() < 0.25
            citizenship = _pick(rng, CITIZENSHIPS)
            opened = FIRST_DAY + timedelta(seconds=rng.random() * span)
            updated = min(NOW, opened + timedelta(days=rng.random() * 90))
            facts = {
                "id": _uuid(rng),
                "status": status,
                "is_child": is_child,
                "county": rng.choices(counties, weights=county_weights)[0],
                "exploitation_forms": sorted(rng.sample(FORMS, rng.choice((1, 1, 1, 2)))),
                "gender": _pick(rng, GENDERS),
                "citizenship": citizenship,
                "is_foreign": citizenship != "RO",
                "organisation_id": organisation_id,
                "opened": opened,
                "updated": updated,
                "version": 1 if status in ("potential", "presumed") else 2,
            }
            self._identification(facts, screenings)
            assessment = self._risk(facts, assessments)
            referral = self._referral(facts, referable, assessment)
            if referral is not None:
                self._referred(facts, referral)
            own = organisation_id == self.actors.police.organisation_id
            if own and assessment and not is_child and status in ("presumed", "identified"):
                self.samples.setdefault("police_case", str(facts["id"]))
                self.samples.setdefault("assessed_case", str(facts["id"]))

    def _identification(self, facts: dict[str, Any], screenings: "ScreeningPool") -> None:
        rng = self.rng
        screener = _uuid(rng)
        result = screenings.pick(rng, facts["is_child"], facts["status"] == "potential")
        screening_id = _uuid(rng)
        reflection = facts["is_foreign"] and facts["status"] in ("presumed", "identified")
        self.identification.add(
            Case,
            {
                "id": facts["id"],
                "status": facts["status"],
                "is_child": facts["is_child"],
                "county": facts["county"],
                "exploitation_forms": facts["exploitation_forms"],
                "gender": facts["gender"],
                "citizenship": facts["citizenship"],
                "is_foreign": facts["is_foreign"],
                "opened_by_organisation_id": facts["organisation_id"],
                "opened_by": screener,
                "reflection_start": facts["opened"] if reflection else None,
                "reflection_end": facts["opened"] + timedelta(days=90) if reflection else None,
                "created_at": facts["opened"],
                "updated_at": facts["updated"],
                "row_version": facts["version"],
            },
        )
        self.identification.add(
            Screening,
            {
                "id": screening_id,
                "case_id": facts["id"],
                "organisation_id": facts["organisation_id"],
                "screened_by": screener,
                "catalogue_version": 1,
                "rule_set_version": RULE_SET_VERSION,
                "exploitation_forms": facts["exploitation_forms"],
                "subject": {
                    "age": 15 if facts["is_child"] else 27,
                    "possibly_minor": False,
                    "gender": facts["gender"],
                    "citizenship": facts["citizenship"],
                },
                "context": {
                    "county": facts["county"],
                    "country_of_exploitation": None,
                    "setting": "police_operation",
                    "act_recorded": facts["is_child"],
                },
                "answers": result.answers,
                "answer_notes_sealed": None,
                "outcome": result.outcome,
                "result": result.result,
                "created_at": facts["opened"],
            },
        )
        opening_status = "potential" if facts["status"] == "potential" else "presumed"
        self._decision(facts, "opened", None, opening_status, screening_id, facts["opened"])
        if facts["status"] not in ("potential", "presumed"):
            self._decision(
                facts, facts["status"], opening_status, facts["status"], None, facts["updated"]
            )

    def _decision(
        self,
        facts: dict[str, Any],
        decision: str,
        from_status: str | None,
        to_status: str,
        screening_id: uuid.UUID | None,
        when: datetime,
    ) -> None:
        decision_id = _uuid(self.rng)
        basis = f"Screening outcome: {to_status}." if screening_id else "Formal assessment."
        self.identification.add(
            CaseDecision,
            {
                "id": decision_id,
                "case_id": facts["id"],
                "decision": decision,
                "from_status": from_status,
                "to_status": to_status,
                "basis_sealed": self.protector.seal(
                    basis, context=bound_to("case_decision", decision_id, "basis")
                ),
                "note_sealed": None,
                "authority": None,
                "closing_reason": "assistance_completed" if to_status == "closed" else None,
                "screening_id": screening_id,
                "decided_by": _uuid(self.rng),
                "decided_by_name": "bench",
                "roles": ["police"],
                "organisation_id": facts["organisation_id"],
                "decided_at": when,
            },
        )

    def _risk(self, facts: dict[str, Any], assessments: "AssessmentPool") -> dict[str, Any] | None:
        rng = self.rng
        self.risk.add(
            RiskCaseFacts,
            {
                "case_id": facts["id"],
                "version": facts["version"],
                "status": facts["status"],
                "is_child": facts["is_child"],
                "county": facts["county"],
                "organisation_id": facts["organisation_id"],
                "updated_at": facts["updated"],
            },
        )
        self.referral.add(
            ReferralCaseFacts,
            {
                "case_id": facts["id"],
                "version": facts["version"],
                "status": facts["status"],
                "is_child": facts["is_child"],
                "county": facts["county"],
                "gender": facts["gender"],
                "exploitation_forms": facts["exploitation_forms"],
                "organisation_id": facts["organisation_id"],
                "is_foreign": facts["is_foreign"],
                "updated_at": facts["updated"],
            },
        )
        if facts["status"] == "potential" or rng.random() > 0.8:
            return None
        assessed = min(NOW, facts["opened"] + timedelta(hours=rng.random() * 72))
        scored = assessments.pick(rng, facts["is_child"])
        assessment = {
            "id": _uuid(rng),
            "case_id": facts["id"],
            "instrument_version_id": assessments.version_id,
            "instrument": "initial",
            "version": 1,
            "is_child": facts["is_child"],
            "answers": scored.answers,
            "judgement": None,
            "created_at": assessed,
            "assessor_id": _uuid(rng),
            "assessor_organisation_id": facts["organisation_id"],
            "domains": scored.domains,
            "computed_level": scored.level,
            "level": scored.level,
            "critical_items": scored.critical_items,
            "unknown_items": [],
            "incomplete": False,
            "measures": scored.measures,
            "reassess_by": assessed + timedelta(days=30),
        }
        self.risk.add(Assessment, assessment)
        self.referral.add(
            CaseRisk,
            {
                "case_id": facts["id"],
                "instrument": "initial",
                "assessment_id": assessment["id"],
                "level": scored.level,
                "domains": {d["domain"]: d["level"] for d in scored.domains},
                "measures": scored.measures,
                "assessed_at": assessed,
            },
        )
        return assessment

    def _referral(
        self,
        facts: dict[str, Any],
        referable: Sequence[dict[str, Any]],
        assessment: dict[str, Any] | None,
    ) -> dict[str, Any] | None:
        rng = self.rng
        if assessment is None or facts["status"] == "not_identified" or rng.random() > 0.75:
            return None
        age_key = "accepts_children" if facts["is_child"] else "accepts_adults"
        for _ in range(20):
            provider = rng.choice(referable)
            if provider[age_key]:
                break
        service = rng.choice(sorted(provider["services"] & set(REFERRAL_SERVICES)))
        status = _pick(rng, REFERRAL_STATUSES)
        created = assessment["created_at"] + timedelta(hours=rng.random() * 48)
        if status == "sent":
            # Still waiting, so sent within its deadline before the load: an older one
            # would have been expired by the job (and counts among the expired).
            created = self.loaded_at - timedelta(hours=rng.random() * 48)
        answered = created + timedelta(hours=rng.random() * 72)
        referral = {
            "id": _uuid(rng),
            "case_id": facts["id"],
            "provider_id": provider["id"],
            "provider_organisation_id": provider["organisation_id"],
            "referrer_organisation_id": facts["organisation_id"],
            "referrer_id": _uuid(rng),
            "services": [service],
            "urgency": "high" if assessment["level"] == "high" else "normal",
            "status": status,
            "respond_by": created + timedelta(hours=72),
            "note": None,
            "decline_reason": "no_capacity" if status == "declined" else None,
            "status_note": None,
            "next_best": None,
            "version": 1 if status == "sent" else 2,
            "created_at": created,
            "updated_at": created if status == "sent" else answered,
            "accepted_at": answered if status in ("accepted", "completed") else None,
            "closed_at": answered if status in ("declined", "completed", "expired") else None,
        }
        self.referral.add(Referral, referral)
        return referral

    def _referred(self, facts: dict[str, Any], referral: dict[str, Any]) -> None:
        """What the referral's events gave the other parts: access for the provider's
        organisation; and the adult's consent the referral needed."""
        organisation_id = referral["provider_organisation_id"]
        standing = referral["status"] in ("sent", "accepted")
        self.identification.add(
            CaseAccess,
            {
                "case_id": facts["id"],
                "organisation_id": organisation_id,
                "source": "referral",
                "source_id": referral["id"],
                "source_status": referral["status"],
                "active": standing,
                "updated_at": referral["updated_at"],
            },
        )
        self.risk.add(
            RiskCaseAccess,
            {
                "case_id": facts["id"],
                "organisation_id": organisation_id,
                "granted_at": referral["created_at"],
            },
        )
        if not facts["is_child"]:
            self.identification.add(
                Consent,
                {
                    "id": _uuid(self.rng),
                    "case_id": facts["id"],
                    "scope": "referral",
                    "given": True,
                    "method": "written",
                    "note_sealed": None,
                    "childs_views": False,
                    "recorded_by": referral["referrer_id"],
                    "organisation_id": facts["organisation_id"],
                    "recorded_at": referral["created_at"] - timedelta(minutes=5),
                    "withdrawn_at": None,
                    "withdrawn_by": None,
                    "withdrawal_note_sealed": None,
                    "row_version": 1,
                },
            )


@dataclass(frozen=True)
class Scored:
    answers: list[dict[str, Any]]
    outcome: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    domains: list[dict[str, Any]] = field(default_factory=list)
    level: str = ""
    critical_items: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)


class ScreeningPool:
    """Answer sets evaluated by the real engine, by population and outcome."""

    def __init__(self, size: int = 200) -> None:
        rng = random.Random(SEED + 2)
        indicators = [
            Indicator(code=item.code, dimension=item.dimension, strengths=dict(item.strengths))  # type: ignore[arg-type]
            for item in INDICATORS_V1
        ]
        codes = [indicator.code for indicator in indicators]
        self.pool: dict[tuple[bool, str], list[Scored]] = {}
        attempts = 0
        while sum(len(v) for v in self.pool.values()) < size and attempts < 50 * size:
            attempts += 1
            child = attempts % 4 == 0
            yes = rng.sample(codes, rng.randint(2, 12))
            answers = dict.fromkeys(yes, "yes")
            result = evaluate(
                indicators,
                answers,  # type: ignore[arg-type]
                age=15 if child else 27,
                possibly_minor=False,
                exploitation_forms=(),
                act_recorded=child,
            )
            if result.outcome == "no_indication":
                continue
            self.pool.setdefault((child, result.outcome), []).append(
                Scored(
                    [{"indicator": code, "answer": "yes"} for code in yes],
                    result.outcome,
                    result.to_dict(),
                )
            )

    def pick(self, rng: random.Random, child: bool, potential: bool) -> Scored:
        outcome = "potential_victim" if potential else "presumed_victim"
        choices = self.pool.get((child, outcome)) or self.pool[(child, "presumed_victim")]
        return rng.choice(choices)


class AssessmentPool:
    """Answer sets of the `initial` instrument scored by the real scoring, by population."""

    def __init__(self, version: InstrumentVersion, size: int = 100) -> None:
        rng = random.Random(SEED + 3)
        instrument = version.to_instrument()
        self.version_id = version.id
        self.pool: dict[bool, list[Scored]] = {False: [], True: []}
        for index in range(size):
            child = index % 4 == 0
            items = [item for item in version.items if child or not item.child_only]
            answers: dict[str, Answer] = {
                item.code: "yes" if rng.random() < 0.25 else "no"
                for item in sorted(items, key=lambda i: i.position)
            }
            result = score(
                instrument,
                answers,
                is_child=child,
                judgement=None,
                assessed_at=NOW,
            )
            self.pool[child].append(
                Scored(
                    [{"item": code, "answer": answer} for code, answer in answers.items()],
                    domains=[
                        {"domain": name, "score": d.score, "level": d.level}
                        for name, d in result.domains.items()
                    ],
                    level=result.level,
                    critical_items=list(result.critical_items),
                    measures=list(result.measures),
                )
            )

    def pick(self, rng: random.Random, child: bool) -> Scored:
        return rng.choice(self.pool[child])


async def initial_instrument(database: Database) -> InstrumentVersion:
    async with database.sessions() as session:
        version = await session.scalar(
            select(InstrumentVersion)
            .where(InstrumentVersion.code == "initial", InstrumentVersion.status == "published")
            .options(selectinload(InstrumentVersion.items))
        )
    assert version is not None, "the risk migrations publish the initial instrument"
    return version


def protector_of(data_dir: DataDir) -> PersonalDataProtector:
    def key(name: str) -> bytes:
        return base64.b64decode(data_dir.key(f"identification_{name}"))

    return PersonalDataProtector(key("data_key"), key("index_key"), [])


@dataclass
class Loaded:
    rows: dict[str, int]
    samples: dict[str, str]
    # Each provider's id -> the username of a person acting for it.
    provider_staff: dict[str, str]


async def load(
    urls: dict[str, str],
    data_dir: DataDir,
    actors: Actors,
    sizes: Sizes,
    report: Callable[[str], None],
) -> Loaded:
    """Generate the caseload and write it into the identification, risk and referral
    databases (the services not running yet)."""
    databases = {name: Database(urls[name]) for name in ("identification", "risk", "referral")}
    try:
        caseload = Caseload(actors, sizes, protector_of(data_dir), datetime.now(UTC))
        report(f"generating {sizes.providers:,} providers and {sizes.cases:,} cases")
        caseload.providers()
        caseload.cases(ScreeningPool(), AssessmentPool(await initial_instrument(databases["risk"])))
        written = {}
        for name, rows in (
            ("referral", caseload.referral),
            ("identification", caseload.identification),
            ("risk", caseload.risk),
        ):
            await write(databases[name], rows, f"{name} ({rows.count():,} rows)")
            written[name] = rows.count()
        staff = {actor.organisation_id: actor.username for actor in actors.providers}
        return Loaded(
            written,
            caseload.samples,
            {str(p["id"]): staff[p["organisation_id"]] for p in caseload.directory},
        )
    finally:
        for database in databases.values():
            await database.dispose()


def since(days: int) -> date:
    return (NOW - timedelta(days=days)).date()

"""Use cases of referrals: sending one (behind the consent gate), answering and closing it,
and what the mechanism does by itself — a child's referral to child protection, expiry
past the deadline, withdrawal when consent is withdrawn.

Every status change goes through `_move`: the state machine's table (states.py) says
whether it may happen, a conditional update makes it happen at most once whoever races,
the provider's places and answer time follow it in the same transaction, and the change is
announced.
Services flush; the request scope (or the event inbox, or the expiry job) commits.
"""

import statistics
import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from referral_svc.alerts.models import AlertKind
from referral_svc.alerts.service import AlertService
from referral_svc.cases.identification import Identification
from referral_svc.cases.models import CaseFacts, CaseRisk
from referral_svc.cases.service import SAFETY_DOMAIN, CaseFactsService, case_for_matching
from referral_svc.providers import matching
from referral_svc.providers.exceptions import NotReferable
from referral_svc.providers.repository import ProviderRepository
from referral_svc.providers.schemas import ProviderMatch
from referral_svc.providers.snapshot import DirectorySnapshot
from referral_svc.referrals.disclosure import CASE_FACTS, facts_for_provider
from referral_svc.referrals.exceptions import (
    NoFreePlace,
    NoReferralConsent,
    ReferralNotFound,
    UnknownProvider,
)
from referral_svc.referrals.models import Referral
from referral_svc.referrals.notices import ReferralNotices
from referral_svc.referrals.repository import ReferralRepository
from referral_svc.referrals.schemas import (
    ReferralCase,
    ReferralCreate,
    ReferralFilters,
    ReferralOut,
)
from referral_svc.referrals.states import (
    OPEN_STATUSES,
    ActorKind,
    ReferralAction,
    ReferralStatus,
    Urgency,
    default_urgency,
    respond_by,
    transition,
)
from referral_svc.vocabulary import REFERRAL_CONSENT
from shared.auth.policy import Permission, Role
from shared.auth.principal import Principal
from shared.errors import ChangedMeanwhile
from shared.etag import check_if_match
from shared.events.outbox import Outbox
from shared.pagination import PageParams

S = ReferralStatus
A = ReferralAction
_SYSTEM = frozenset({ActorKind.SYSTEM})
# A child's case "has" child protection while such a referral is not turned down.
_HOLDING = (S.SENT, S.ACCEPTED, S.COMPLETED)


def actor_kinds(
    principal: Principal, referral: Referral, case: CaseFacts | None
) -> frozenset[ActorKind]:
    """How the caller stands to the referral, for the state machine's "who may"."""
    kinds = set()
    if (
        principal.has_role(Role.PROVIDER)
        and principal.organisation_id == referral.provider_organisation_id
    ):
        kinds.add(ActorKind.PROVIDER_STAFF)
    if principal.has_role(Role.COORDINATOR) and (
        principal.sees_all_cases
        or (case is not None and case.county == principal.coordinated_county)
    ):
        kinds.add(ActorKind.COORDINATOR)
    if (
        principal.can(Permission.CREATE_REFERRAL)
        and principal.organisation_id == referral.referrer_organisation_id
    ):
        kinds.add(ActorKind.REFERRER)
    return frozenset(kinds)


class ReferralService:
    def __init__(self, session: AsyncSession, outbox: Outbox, directory: DirectorySnapshot) -> None:
        self.session = session
        self.directory = directory
        self.referrals = ReferralRepository(session)
        self.cases = CaseFactsService(session)
        self.providers = ProviderRepository(session)
        self.notices = ReferralNotices(session, outbox)
        self.alerts = AlertService(session, outbox)

    # --- a practitioner's referral

    async def create(
        self,
        principal: Principal,
        payload: ReferralCreate,
        identification: Identification,
        now: datetime,
    ) -> Referral:
        # The consent gate: asked of identification now, failing closed (no answer, 503) —
        # before anything is written, so that no transaction waits for another part while
        # holding a write (on SQLite, the whole database's). A child needs no consent.
        cases = CaseFactsService(self.session, identification)
        known = await cases.cases.newest(payload.case_id)
        consenting = (
            None
            if known is not None and known.is_child
            else await identification.current_consent(
                payload.case_id, REFERRAL_CONSENT, principal.token
            )
        )
        case = await cases.get(principal, payload.case_id)
        risk = await cases.risk(case.case_id)
        found = await self.providers.directory(
            provider_ids=[payload.provider_id], active_only=False
        )
        organisation_id = await self.providers.organisation_of(payload.provider_id)
        if not found or organisation_id is None:
            raise UnknownProvider()
        failed = matching.check_referable(
            case_for_matching(case, risk), payload.services, found[0], now.date()
        )
        if failed:
            raise NotReferable(failed)
        if not case.is_child and not consenting:
            raise NoReferralConsent()
        return await self._open(
            case,
            risk,
            payload.provider_id,
            organisation_id,
            payload.services,
            requested=payload.urgency,
            note=payload.note,
            referrer=principal,
            now=now,
        )

    # --- answering and closing

    async def act(
        self,
        principal: Principal,
        referral: Referral,
        action: ReferralAction,
        now: datetime,
        *,
        if_match: str | None = None,
        note: str | None = None,
        decline_reason: str | None = None,
    ) -> Referral:
        check_if_match(if_match, referral.id, referral.version)
        case = await self.cases.cases.newest(referral.case_id)
        kinds = actor_kinds(principal, referral, case)
        if not await self._move(
            referral, action, kinds, now, note=note, decline_reason=decline_reason
        ):
            raise ChangedMeanwhile("referral")
        return referral

    # --- what the mechanism does by itself

    async def refer_child_to_protection(self, case: CaseFacts, now: datetime) -> Referral | None:
        """Send a child's case to the child-protection service of the child's county,
        unless the case has such a referral standing; with none in the directory, alert
        the coordinators (and fail nothing else)."""
        standing = await self.referrals.services_of_case(case.case_id, _HOLDING)
        if any(matching.CHILD_PROTECTION in services for services in standing):
            return None
        risk = await self.cases.risk(case.case_id)
        child = case_for_matching(case, risk)
        candidates = [
            p
            for p in await self.directory.covering(self.providers, child.county)
            if p.kind == matching.CHILD_PROTECTION
        ]
        needs = [matching.CHILD_PROTECTION]
        result = matching.match(child, needs, candidates, today=now.date(), limit=1)
        if result.matches:
            provider_id = uuid.UUID(result.matches[0].provider_id)
            organisation_id = await self.providers.organisation_of(provider_id)
            if organisation_id is not None:
                return await self._open(
                    case,
                    risk,
                    provider_id,
                    organisation_id,
                    needs,
                    requested=None,
                    note=None,
                    referrer=None,
                    now=now,
                )
        await self.alerts.raise_alert(
            AlertKind.NO_CHILD_PROTECTION_SERVICE,
            case.case_id,
            case.county,
            "No active, accredited child-protection service covers the child's county.",
            now,
        )
        return None

    async def withdraw_for_consent(
        self, case_id: uuid.UUID, withdrawn_at: datetime, now: datetime
    ) -> int:
        """The adult withdrew consent to referral: withdraw the case's open referrals made
        before that (a later one rests on a consent given again). A child's referrals need
        no consent and stand."""
        case = await self.cases.cases.newest(case_id)
        if case is not None and case.is_child:
            return 0
        withdrawn = 0
        for referral in await self.referrals.open_of_case(case_id, withdrawn_at):
            note = "The person withdrew consent to referral."
            if await self._move(referral, A.WITHDRAW, _SYSTEM, now, note=note):
                withdrawn += 1
        return withdrawn

    async def expire(self, referral_id: uuid.UUID, now: datetime) -> bool:
        """Expire a referral left unanswered past its deadline, and alert the coordinators
        of its county with the next best match; whether this call expired it."""
        referral = await self.referrals.by_id(referral_id)
        if referral is None or referral.status != S.SENT or referral.respond_by > now:
            return False
        if not await self._move(referral, A.EXPIRE, _SYSTEM, now):
            return False
        case = await self.cases.cases.newest(referral.case_id)
        await self.alerts.raise_alert(
            AlertKind.REFERRAL_EXPIRED,
            referral.case_id,
            case.county if case is not None else None,
            f"Referral {referral.id} was not answered by {referral.respond_by.isoformat()}.",
            now,
            referral_id=referral.id,
            next_best=referral.next_best,
        )
        return True

    # --- reading

    async def get(self, principal: Principal, referral_id: uuid.UUID) -> Referral:
        referral = await self.referrals.get(principal, referral_id, fresh=True)
        if referral is None:
            raise ReferralNotFound()
        return referral

    async def page(
        self, principal: Principal, filters: ReferralFilters, page: PageParams
    ) -> tuple[list[ReferralOut], str | None]:
        rows, cursor = await self.referrals.filtered_page(principal, filters, page)
        return await self.views(principal, rows), cursor

    async def views(self, principal: Principal, referrals: Sequence[Referral]) -> list[ReferralOut]:
        """The referrals as the caller may see them, with the case facts it may see."""
        case_ids = {r.case_id for r in referrals}
        facts = await self.cases.cases.facts_of(case_ids)
        risks = await self.cases.cases.latest_risk(case_ids)
        return [
            _view(r, facts.get(r.case_id), risks.get(r.case_id), _shown_facts(principal, r))
            for r in referrals
        ]

    # --- the one way a referral is made and moved

    async def _open(
        self,
        case: CaseFacts,
        risk: CaseRisk | None,
        provider_id: uuid.UUID,
        provider_organisation_id: uuid.UUID,
        services: Sequence[str],
        *,
        requested: Urgency | None,
        note: str | None,
        referrer: Principal | None,
        now: datetime,
    ) -> Referral:
        urgency = default_urgency(case.is_child, risk.level if risk else None, requested)
        referral = Referral(
            id=uuid.uuid4(),
            case_id=case.case_id,
            provider_id=provider_id,
            provider_organisation_id=provider_organisation_id,
            referrer_organisation_id=referrer.organisation_id if referrer else None,
            referrer_id=referrer.subject_id if referrer else None,
            services=sorted(set(services)),
            urgency=urgency,
            status=S.SENT,
            respond_by=respond_by(now, urgency),
            note=note,
            version=1,
            created_at=now,
            updated_at=now,
        )
        self.referrals.add(referral)
        await self.referrals.flush()
        await self.notices.changed(referral, None)
        return referral

    async def _move(
        self,
        referral: Referral,
        action: ReferralAction,
        kinds: Collection[ActorKind],
        now: datetime,
        *,
        note: str | None = None,
        decline_reason: str | None = None,
    ) -> bool:
        """Take `action` on the referral for a caller standing to it as `kinds`; False when
        someone else moved it first. The state machine refuses what may not happen (409,
        403); `NoFreePlace` when an acceptance finds no place left."""
        previous = ReferralStatus(referral.status)
        target = transition(previous, action, kinds)
        changes = await self._changes(referral, target, now, note, decline_reason)
        if not await self.referrals.move(referral, target, changes):
            return False
        await self._follow_places(referral, previous, target)
        if target == S.ACCEPTED:
            await self._weigh_answer_time(referral)
        await self.notices.changed(referral, previous)
        return True

    async def _changes(
        self,
        referral: Referral,
        target: ReferralStatus,
        now: datetime,
        note: str | None,
        decline_reason: str | None,
    ) -> dict[str, Any]:
        """What moving to `target` writes besides the status and version: the times, the
        note and reason, and for a referral turned down the next best match."""
        changes: dict[str, Any] = {"updated_at": now, "status_note": note}
        if target == S.ACCEPTED:
            changes["accepted_at"] = now
        if target not in OPEN_STATUSES:
            changes["closed_at"] = now
        if decline_reason is not None:
            changes["decline_reason"] = decline_reason
        if target in (S.DECLINED, S.EXPIRED):
            changes["next_best"] = await self._next_best(referral, now.date())
        return changes

    async def _weigh_answer_time(self, referral: Referral) -> None:
        """The provider's answer time (ranked by matching) with this acceptance counted."""
        hours = await self.referrals.recent_accept_hours(referral.provider_id)
        await self.providers.set_median_accept_hours(referral.provider_id, statistics.median(hours))

    async def _follow_places(
        self, referral: Referral, previous: ReferralStatus, target: ReferralStatus
    ) -> None:
        """An accepted referral holds a place of each residential service it is for: it
        takes them on acceptance and gives them back when it ends."""
        residential = sorted(matching.RESIDENTIAL_SERVICES.intersection(referral.services))
        if target == S.ACCEPTED:
            for service in residential:
                if not await self.providers.take_place(referral.provider_id, service):
                    raise NoFreePlace(service)
        elif previous == S.ACCEPTED:
            for service in residential:
                await self.providers.give_back_place(referral.provider_id, service)

    async def _next_best(self, referral: Referral, today: date) -> dict[str, Any] | None:
        """The best match left for the referral's services, leaving out every provider
        that turned the case down (this one included)."""
        case = await self.cases.cases.newest(referral.case_id)
        if case is None:
            return None
        person = case_for_matching(case, await self.cases.risk(case.case_id))
        turned_down = await self.referrals.providers_turned_down(case.case_id)
        left_out = {str(p) for p in turned_down | {referral.provider_id}}
        nearby = await self.directory.covering(self.providers, person.county)
        candidates = [p for p in nearby if p.id not in left_out]
        result = matching.match(person, referral.services, candidates, today=today, limit=1)
        if not result.matches:
            return None
        best = result.matches[0]
        return ProviderMatch(
            provider_id=uuid.UUID(best.provider_id),
            name=best.name,
            score=best.score,
            reasons=list(best.reasons),
        ).model_dump(mode="json")


def _shown_facts(principal: Principal, referral: Referral) -> frozenset[str]:
    """Every fact for the referring side; a provider's staff see what its services need."""
    if principal.can(Permission.CREATE_REFERRAL) or principal.sees_all_cases:
        return frozenset(CASE_FACTS)
    return facts_for_provider(referral.services)


def _view(
    referral: Referral, case: CaseFacts | None, risk: CaseRisk | None, shown: frozenset[str]
) -> ReferralOut:
    known: dict[str, Any] = {}
    if case is not None:
        known |= {
            "is_child": case.is_child,
            "gender": case.gender,
            "county": case.county,
            "exploitation_forms": case.exploitation_forms,
        }
    if risk is not None:
        known |= {"risk_level": risk.level, "safety_level": risk.domains.get(SAFETY_DOMAIN)}
    return ReferralOut(
        id=referral.id,
        case_id=referral.case_id,
        provider_id=referral.provider_id,
        provider_organisation_id=referral.provider_organisation_id,
        referrer_organisation_id=referral.referrer_organisation_id,
        origin="practitioner" if referral.referrer_organisation_id else "mechanism",
        services=referral.services,
        status=ReferralStatus(referral.status),
        urgency=Urgency(referral.urgency),
        respond_by=referral.respond_by,
        note=referral.note,
        decline_reason=referral.decline_reason,
        status_note=referral.status_note,
        next_best=ProviderMatch.model_validate(referral.next_best) if referral.next_best else None,
        case=ReferralCase.model_validate({k: v for k, v in known.items() if k in shown}),
        created_at=referral.created_at,
        updated_at=referral.updated_at,
        accepted_at=referral.accepted_at,
        closed_at=referral.closed_at,
    )

"""Use cases of training: sessions and attendance, the records a practitioner and an
organisation's managers read, certificates, practice screenings, coverage statistics, and
the check behind the training warning of a screening.

- A session records what was taught (the catalogue version, checked here; the risk
  instrument versions, checked with the risk service), where and when, by whom, to which
  professional categories, and its participants: users of the suite by user id, or
  attendees without an account, each with the organisation they came from, completion and
  an optional score. Names (participants', trainers') are sealed like notes.
- A user who reads their own record brings its organisation facts up to date from their
  token (the gateway's signed word on where they work now).
- A practice screening is evaluated as a real one is (`screening.service.evaluated`),
  explained, compared with its vignette, and counted; it writes no screening, case, person
  or event.
- The training warning asks one question of the database: whether the screener completed
  a training on the current catalogue version.
"""

import json
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from identification_svc.catalogue.service import CatalogueService
from identification_svc.fields import ATTENDEE_ORGANISATION_KINDS
from identification_svc.persons.protection import PersonalDataProtector
from identification_svc.screening.schemas import ProfileResult, ScreeningWarning
from identification_svc.screening.service import evaluated
from identification_svc.training import coverage, feedback
from identification_svc.training.certificate import CertificateFacts, render
from identification_svc.training.exceptions import (
    AlreadyParticipating,
    HeldNowhere,
    OrganisationTrainingNotFound,
    ParticipantNotFound,
    ParticipantsRepeated,
    TrainingNotCompleted,
    TrainingSessionNotFound,
    UnknownCatalogueVersion,
    UnknownVignette,
    VignetteNotFound,
    VignetteOfAnotherVersion,
)
from identification_svc.training.instruments import RiskInstruments
from identification_svc.training.models import TrainingParticipant, TrainingSession
from identification_svc.training.repository import (
    CoverageRepository,
    ParticipantRepository,
    PracticeRepository,
    SessionRepository,
)
from identification_svc.training.schemas import (
    MyTraining,
    OrganisationTraining,
    OrganisationTrainingRecord,
    ParticipantChange,
    ParticipantIn,
    PracticeScreeningCreate,
    PracticeScreeningOut,
    TrainingSessionChange,
    TrainingSessionCreate,
    TrainingStatisticsCell,
    TrainingStatisticsOut,
    VignetteComparison,
    participant_name,
    session_trainers,
)
from identification_svc.training.vignettes import BY_CODE, Vignette, for_catalogue
from shared.auth.policy import NATIONAL, Permission
from shared.auth.principal import Principal
from shared.db import new_id, utcnow
from shared.errors import FieldError
from shared.etag import check_if_match
from shared.geo import is_county
from shared.language import LanguageCode
from shared.pagination import PageParams
from shared.statistics import THRESHOLD, Period
from shared.statistics_api import settle

NO_VIGNETTE = "none"


def _check_place(online: bool, county: str | None) -> None:
    if online and county is not None:
        raise HeldNowhere("An online session has no county.")
    if not online and county is None:
        raise HeldNowhere("A session is held in a county, or online.")


def _check_participants(participants: Sequence[ParticipantIn]) -> None:
    errors: list[FieldError] = []
    seen: set[uuid.UUID] = set()
    for index, participant in enumerate(participants):
        if participant.user_id is None:
            continue
        if participant.user_id in seen:
            errors.append(FieldError(f"participants.{index}.user_id", "is given twice"))
        seen.add(participant.user_id)
    if errors:
        raise ParticipantsRepeated(errors)


def _token_organisation(principal: Principal) -> tuple[uuid.UUID, str, str] | None:
    """The organisation a user's token names, if its facts are ones a record can hold."""
    kind, county = principal.organisation_kind, principal.county
    if kind not in ATTENDEE_ORGANISATION_KINDS or not (county == NATIONAL or is_county(county)):
        return None
    return principal.organisation_id, kind, county


class TrainingService:
    def __init__(
        self,
        session: AsyncSession,
        protector: PersonalDataProtector,
        instruments: RiskInstruments,
    ) -> None:
        self.protector = protector
        self.instruments = instruments
        self.sessions = SessionRepository(session)
        self.participants = ParticipantRepository(session)

    async def create_session(
        self, principal: Principal, data: TrainingSessionCreate
    ) -> TrainingSession:
        _check_place(data.online, data.county)
        if not await self.sessions.catalogue_exists(data.catalogue_version):
            raise UnknownCatalogueVersion()
        _check_participants(data.participants)
        await self.instruments.check(
            data.instrument_versions, principal.token, "instrument_versions"
        )
        now = utcnow()
        row = TrainingSession(
            id=new_id(),
            held_on=data.held_on,
            online=data.online,
            county=data.county,
            catalogue_version=data.catalogue_version,
            instrument_versions=[i.model_dump() for i in data.instrument_versions],
            categories=list(dict.fromkeys(data.categories)),
            recorded_by=principal.subject_id,
            organisation_id=principal.organisation_id,
            created_at=now,
            updated_at=now,
            participants=[],
        )
        self._seal_trainers(row, data.trainers)
        row.participants = [self._participant(principal, row, p, now) for p in data.participants]
        self.sessions.add(row)
        await self.sessions.flush()
        return row

    async def page(
        self,
        principal: Principal,
        params: PageParams,
        *,
        catalogue_version: int | None,
        county: str | None,
    ) -> tuple[Sequence[TrainingSession], str | None]:
        statement = self.sessions.listed(
            principal, catalogue_version=catalogue_version, county=county
        )
        return await self.sessions.page(
            statement, params, key=TrainingSession.created_at, descending=True
        )

    async def get(self, principal: Principal, session_id: uuid.UUID) -> TrainingSession:
        row = await self.sessions.get(principal, session_id)
        if row is None:
            raise TrainingSessionNotFound()
        return row

    async def change_session(
        self,
        principal: Principal,
        session_id: uuid.UUID,
        changes: TrainingSessionChange,
        if_match: str | None,
    ) -> TrainingSession:
        row = await self.get(principal, session_id)
        check_if_match(if_match, row.id, row.row_version)
        given = changes.model_fields_set
        online = changes.online if changes.online is not None else row.online
        county = changes.county if "county" in given else row.county
        _check_place(online, county)
        if changes.catalogue_version is not None and not await self.sessions.catalogue_exists(
            changes.catalogue_version
        ):
            raise UnknownCatalogueVersion()
        if changes.instrument_versions is not None:
            await self.instruments.check(
                changes.instrument_versions, principal.token, "instrument_versions"
            )
            row.instrument_versions = [i.model_dump() for i in changes.instrument_versions]
        row.online, row.county = online, county
        if changes.held_on is not None:
            row.held_on = changes.held_on
        if changes.catalogue_version is not None:
            row.catalogue_version = changes.catalogue_version
        if changes.categories is not None:
            row.categories = list(dict.fromkeys(changes.categories))
        if changes.trainers is not None:
            self._seal_trainers(row, changes.trainers)
        row.updated_at = utcnow()
        await self.sessions.flush()
        return row

    async def add_participant(
        self, principal: Principal, session_id: uuid.UUID, data: ParticipantIn
    ) -> TrainingParticipant:
        row = await self.get(principal, session_id)
        if data.user_id is not None and await self.participants.in_session(row.id, data.user_id):
            raise AlreadyParticipating()
        participant = self._participant(principal, row, data, utcnow())
        self.participants.add(participant)
        await self.participants.flush()
        return participant

    async def change_participant(
        self,
        principal: Principal,
        session_id: uuid.UUID,
        participant_id: uuid.UUID,
        changes: ParticipantChange,
        if_match: str | None,
    ) -> TrainingParticipant:
        row = await self.get(principal, session_id)
        participant = next((p for p in row.participants if p.id == participant_id), None)
        if participant is None:
            raise ParticipantNotFound()
        check_if_match(if_match, participant.id, participant.row_version)
        if changes.name is not None:
            participant.name_sealed = self._sealed_name(participant, changes.name)
        if changes.organisation is not None:
            participant.organisation_id = changes.organisation.id
            participant.organisation_kind = changes.organisation.kind
            participant.county = changes.organisation.county
        if changes.completed is not None:
            participant.completed = changes.completed
        if "score" in changes.model_fields_set:
            participant.score = changes.score
        participant.updated_at = utcnow()
        await self.participants.flush()
        return participant

    async def certificate(
        self,
        principal: Principal,
        session_id: uuid.UUID,
        participant_id: uuid.UUID,
        language: LanguageCode,
    ) -> str:
        participant = await self.participants.get(principal, participant_id)
        if participant is None or participant.session_id != session_id:
            raise ParticipantNotFound()
        if not participant.completed:
            raise TrainingNotCompleted()
        held = participant.session
        facts = CertificateFacts(
            participant_id=participant.id,
            name=participant_name(participant, self.protector),
            held_on=held.held_on,
            county=None if held.online else held.county,
            catalogue_version=held.catalogue_version,
            instrument_versions=[(i["instrument"], i["version"]) for i in held.instrument_versions],
            trainers=session_trainers(held, self.protector),
            issued_on=utcnow().date(),
        )
        return render(facts, language)

    async def my_training(self, principal: Principal) -> MyTraining:
        current = await self.sessions.current_version_number()
        if principal.kind != "user":
            return MyTraining(
                user_id=principal.subject_id,
                current_catalogue_version=current,
                trained_on_current_version=False,
                records=[],
            )
        organisation = _token_organisation(principal)
        if organisation is not None:
            await self.participants.bring_up_to_date(principal.subject_id, organisation, utcnow())
        rows = await self.participants.of_user(principal)
        return MyTraining(
            user_id=principal.subject_id,
            current_catalogue_version=current,
            trained_on_current_version=any(
                row.completed and row.session.catalogue_version == current for row in rows
            ),
            records=[MyTraining.record_of(row, self.protector) for row in rows],
        )

    async def organisation_training(
        self, principal: Principal, organisation_id: uuid.UUID, params: PageParams
    ) -> OrganisationTraining:
        if not (
            principal.can(Permission.MANAGE_TRAINING)
            or principal.organisation_id == organisation_id
        ):
            raise OrganisationTrainingNotFound()
        rows, cursor = await self.participants.page(
            self.participants.of_organisation(principal, organisation_id),
            params,
            key=TrainingParticipant.recorded_at,
            descending=True,
        )
        return OrganisationTraining(
            organisation_id=organisation_id,
            current_catalogue_version=await self.sessions.current_version_number(),
            members_trained_on_current_version=await self.participants.trained_on_current(
                principal, organisation_id
            ),
            items=[OrganisationTrainingRecord.of(row, self.protector) for row in rows],
            next_cursor=cursor,
        )

    def _participant(
        self,
        principal: Principal,
        session: TrainingSession,
        data: ParticipantIn,
        now: datetime,
    ) -> TrainingParticipant:
        participant = TrainingParticipant(
            id=new_id(),
            session_id=session.id,
            user_id=data.user_id,
            organisation_id=data.organisation.id,
            organisation_kind=data.organisation.kind,
            county=data.organisation.county,
            completed=data.completed,
            score=data.score,
            recorded_by=principal.subject_id,
            recorded_at=now,
            updated_at=now,
        )
        participant.name_sealed = self._sealed_name(participant, data.name)
        return participant

    def _sealed_name(self, participant: TrainingParticipant, name: str) -> str:
        return self.protector.seal(name, context=participant.sealed_context("name"))

    def _seal_trainers(self, row: TrainingSession, trainers: Sequence[str]) -> None:
        row.trainers_sealed = self.protector.seal(
            json.dumps(list(trainers)), context=row.sealed_context("trainers")
        )


class ScreenerTraining:
    """The training warning's check (`screening.service.ScreenerCheck`): a user with no
    completed training on the current catalogue version is warned; an API client, which
    stands for a system, is not."""

    def __init__(self, session: AsyncSession) -> None:
        self.participants = ParticipantRepository(session)

    async def warnings_for(self, principal: Principal) -> list[ScreeningWarning] | None:
        if principal.kind != "user":
            return None
        current, trained = await self.participants.completed_current(principal.subject_id)
        if trained:
            return None
        return [
            ScreeningWarning(
                code="screener_not_trained",
                detail="You have completed no training on the current indicator catalogue "
                "version. The screening is recorded as usual; ask your coordinator for the "
                "next session.",
                catalogue_version=current,
            )
        ]


class PracticeService:
    def __init__(self, session: AsyncSession, catalogues: CatalogueService) -> None:
        self.catalogues = catalogues
        self.practice = PracticeRepository(session)

    @staticmethod
    def vignettes(catalogue_version: int | None) -> tuple[Vignette, ...]:
        return for_catalogue(catalogue_version)

    @staticmethod
    def vignette(code: str) -> Vignette:
        vignette = BY_CODE.get(code)
        if vignette is None:
            raise VignetteNotFound()
        return vignette

    async def practise(
        self, principal: Principal, data: PracticeScreeningCreate, language: LanguageCode
    ) -> PracticeScreeningOut:
        vignette = None
        version = data.catalogue_version
        if data.vignette is not None:
            vignette = BY_CODE.get(data.vignette)
            if vignette is None:
                raise UnknownVignette()
            if version is not None and version != vignette.catalogue_version:
                raise VignetteOfAnotherVersion(vignette)
            version = vignette.catalogue_version
        catalogue = await self.catalogues.pinned(version)
        result = evaluated(catalogue, data)
        comparison = None
        matched = NO_VIGNETTE
        if vignette is not None:
            answers = {answer.indicator: answer.answer for answer in data.answers}
            found = feedback.compare(vignette, result, answers)
            matched = "yes" if found.outcome_matches else "no"
            comparison = VignetteComparison(
                code=vignette.code,
                title=vignette.title[language],
                expected_outcome=vignette.expected_outcome,
                expected_population=vignette.expected_population,
                outcome_matches=found.outcome_matches,
                population_matches=found.population_matches,
                expected_yes=list(vignette.expected_yes),
                missed=list(found.missed),
                unexpected=list(found.unexpected),
                teaching_note=vignette.teaching_note[language],
            )
        organisation = _token_organisation(principal)
        kind, county = organisation[1:] if organisation else (coverage.UNKNOWN, coverage.UNKNOWN)
        await self.practice.count(
            coverage.PracticeRow(
                day=utcnow().date(),
                catalogue_version=catalogue.version,
                vignette=vignette.code if vignette else NO_VIGNETTE,
                matched=matched,
                organisation_kind=kind,
                county=county,
                count=1,
            )
        )
        evaluation = result.to_dict()
        return PracticeScreeningOut(
            catalogue_version=catalogue.version,
            rule_set_version=result.rule_set_version,
            outcome=result.outcome,
            population=result.population,
            decisive_profile=result.decisive_profile,
            profiles={
                code: ProfileResult.model_validate(profile)
                for code, profile in evaluation["profiles"].items()
            },
            language=language,
            explanation=feedback.explain(result, language),
            vignette=comparison,
        )


class CoverageService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = CoverageRepository(session)

    async def statistics(
        self,
        measure: coverage.Measure,
        group_by: Sequence[coverage.Dimension],
        period: Period,
    ) -> TrainingStatisticsOut:
        statuses = await self.repository.catalogue_statuses()
        published = [version for version, status in statuses.items() if status == "published"]
        current = max(published, default=None)
        counted = await self._counted(measure, period, statuses, current)
        # Settling the suppression counts every grouping: off the event loop.
        dimensions = coverage.MEASURES[measure]
        statistics = await settle(counted, width=len(dimensions))
        asked = sorted({dimensions.index(dimension) for dimension in group_by})
        table = statistics.table(asked)
        names = [dimensions[index] for index in asked]
        return TrainingStatisticsOut(
            measure=measure,
            group_by=names,
            period_from=period.first,
            period_to=period.last,
            threshold=THRESHOLD,
            current_catalogue_version=current,
            cells=[
                TrainingStatisticsCell(**dict(zip(names, key, strict=True)), count=shown)
                for key, shown in table.cells.items()
            ],
            total=table.total,
        )

    async def _counted(
        self,
        measure: coverage.Measure,
        period: Period,
        statuses: dict[int, str],
        current: int | None,
    ) -> Counter[coverage.Key]:
        if measure == "trained_workers":
            return coverage.trained_workers(await self.repository.completions(), period)
        if measure == "retired_version_workers":
            completions = await self.repository.completions()
            return coverage.retired_version_workers(completions, statuses, period)
        if measure == "screening_organisations":
            screened = await self.repository.screening_organisations(*period.moments())
            trained = await self.repository.trained_versions()
            return coverage.screening_organisations(screened, trained, current)
        rows = await self.repository.practice(period.first, period.last)
        return coverage.practice_screenings(rows, period)

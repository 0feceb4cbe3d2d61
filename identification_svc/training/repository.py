"""Every query on training records, practice counts and training coverage.

`SessionRepository.visible_to` and `ParticipantRepository.visible_to` are the access
rules: a national coordinator sees every session and participant; a regional coordinator
the sessions its organisation recorded or held in its county, and the participants of
those and of organisations in its county; a manager the participants of its organisation;
and every user their own participant records. Coverage reads every record (only suppressed
counts of them leave the service).
"""

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, false, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from identification_svc.catalogue.models import PUBLISHED, CatalogueVersion
from identification_svc.screening.models import Screening
from identification_svc.training.coverage import Completion, PracticeRow
from identification_svc.training.models import PracticeCount, TrainingParticipant, TrainingSession
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.db import dialect_insert
from shared.pagination import PageParams, paginate


def current_version() -> ColumnElement[int]:
    """The current catalogue version (the latest published), as a scalar subquery."""
    return (
        select(func.max(CatalogueVersion.version))
        .where(CatalogueVersion.status == PUBLISHED)
        .scalar_subquery()
    )


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @staticmethod
    def visible_to(principal: Principal) -> ColumnElement[bool]:
        if not principal.can(Permission.MANAGE_TRAINING):
            return false()
        if principal.sees_all_cases:
            return true()
        scope = [TrainingSession.organisation_id == principal.organisation_id]
        county = principal.coordinated_county
        if county is not None:
            scope.append(TrainingSession.county == county)
        return or_(*scope)

    def add(self, *rows: TrainingSession | TrainingParticipant) -> None:
        self.session.add_all(rows)

    async def catalogue_exists(self, version: int) -> bool:
        """Whether the catalogue version exists (a draft may be taught before it is
        published; only coordinators, who record sessions, see drafts)."""
        statement = select(CatalogueVersion.id).where(CatalogueVersion.version == version)
        return await self.session.scalar(statement) is not None

    async def current_version_number(self) -> int | None:
        version: int | None = await self.session.scalar(select(current_version()))
        return version

    async def get_visible(
        self, principal: Principal, session_id: uuid.UUID, *, participants: bool = True
    ) -> TrainingSession | None:
        statement = select(TrainingSession).where(
            TrainingSession.id == session_id, self.visible_to(principal)
        )
        if participants:
            statement = statement.options(selectinload(TrainingSession.participants))
        found: TrainingSession | None = await self.session.scalar(statement)
        return found

    async def page(
        self,
        principal: Principal,
        params: PageParams,
        *,
        catalogue_version: int | None,
        county: str | None,
    ) -> tuple[Sequence[TrainingSession], str | None]:
        statement = select(TrainingSession).where(self.visible_to(principal))
        if catalogue_version is not None:
            statement = statement.where(TrainingSession.catalogue_version == catalogue_version)
        if county is not None:
            statement = statement.where(TrainingSession.county == county)
        return await paginate(
            self.session,
            statement,
            params,
            key=TrainingSession.created_at,
            row_id=TrainingSession.id,
            key_of=lambda row: (row.created_at, row.id),
            descending=True,
        )


class ParticipantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @staticmethod
    def visible_to(principal: Principal) -> ColumnElement[bool]:
        scope: list[ColumnElement[bool]] = []
        if principal.kind == "user":
            scope.append(TrainingParticipant.user_id == principal.subject_id)
        if principal.can(Permission.READ_ORGANISATION_TRAINING):
            if principal.sees_all_cases:
                return true()
            scope.append(TrainingParticipant.organisation_id == principal.organisation_id)
            county = principal.coordinated_county
            if county is not None:
                scope.append(TrainingParticipant.county == county)
        if principal.can(Permission.MANAGE_TRAINING):
            sessions = select(TrainingSession.id).where(SessionRepository.visible_to(principal))
            scope.append(TrainingParticipant.session_id.in_(sessions))
        return or_(*scope) if scope else false()

    async def get_visible(
        self, principal: Principal, session_id: uuid.UUID, participant_id: uuid.UUID
    ) -> TrainingParticipant | None:
        statement = (
            select(TrainingParticipant)
            .where(
                TrainingParticipant.id == participant_id,
                TrainingParticipant.session_id == session_id,
                self.visible_to(principal),
            )
            .options(selectinload(TrainingParticipant.session))
        )
        found: TrainingParticipant | None = await self.session.scalar(statement)
        return found

    async def of_user(self, principal: Principal) -> Sequence[TrainingParticipant]:
        """The caller's own records, newest session first."""
        statement = (
            select(TrainingParticipant)
            .join(TrainingParticipant.session)
            .where(TrainingParticipant.user_id == principal.subject_id, self.visible_to(principal))
            .options(selectinload(TrainingParticipant.session))
            .order_by(TrainingSession.held_on.desc(), TrainingParticipant.recorded_at.desc())
        )
        return (await self.session.scalars(statement)).all()

    async def page_of_organisation(
        self, principal: Principal, organisation_id: uuid.UUID, params: PageParams
    ) -> tuple[Sequence[TrainingParticipant], str | None]:
        statement = (
            select(TrainingParticipant)
            .where(
                TrainingParticipant.organisation_id == organisation_id,
                self.visible_to(principal),
            )
            .options(selectinload(TrainingParticipant.session))
        )
        return await paginate(
            self.session,
            statement,
            params,
            key=TrainingParticipant.recorded_at,
            row_id=TrainingParticipant.id,
            key_of=lambda row: (row.recorded_at, row.id),
            descending=True,
        )

    async def trained_on_current(self, principal: Principal, organisation_id: uuid.UUID) -> int:
        """How many people of the organisation the caller may see completed a training on
        the current version (a user once; an attendee without an account per record)."""
        person = func.coalesce(TrainingParticipant.user_id, TrainingParticipant.id)
        statement = (
            select(func.count(func.distinct(person)))
            .join(TrainingParticipant.session)
            .where(
                TrainingParticipant.organisation_id == organisation_id,
                TrainingParticipant.completed.is_(True),
                TrainingSession.catalogue_version == current_version(),
                self.visible_to(principal),
            )
        )
        return int(await self.session.scalar(statement) or 0)

    async def completed_current(self, user_id: uuid.UUID) -> tuple[int | None, bool]:
        """The current catalogue version, and whether the user completed a training on it:
        one statement, an indexed lookup (the participants' `user_id` index) — the check
        behind the training warning of a screening."""
        current = current_version()
        trained = (
            select(TrainingParticipant.id)
            .join(TrainingParticipant.session)
            .where(
                TrainingParticipant.user_id == user_id,
                TrainingParticipant.completed.is_(True),
                TrainingSession.catalogue_version == current,
            )
            .exists()
        )
        row = (await self.session.execute(select(current, trained))).one()
        return row[0], bool(row[1])

    async def in_session(self, session_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        statement = select(TrainingParticipant.id).where(
            TrainingParticipant.session_id == session_id, TrainingParticipant.user_id == user_id
        )
        return await self.session.scalar(statement) is not None

    async def bring_up_to_date(
        self, user_id: uuid.UUID, organisation: tuple[uuid.UUID, str, str], now: datetime
    ) -> None:
        """Give the user's records the organisation (id, kind, county) of their token, where
        they differ."""
        organisation_id, kind, county = organisation
        await self.session.execute(
            update(TrainingParticipant)
            .where(
                TrainingParticipant.user_id == user_id,
                or_(
                    TrainingParticipant.organisation_id.is_distinct_from(organisation_id),
                    TrainingParticipant.organisation_kind != kind,
                    TrainingParticipant.county != county,
                ),
            )
            .values(
                organisation_id=organisation_id,
                organisation_kind=kind,
                county=county,
                updated_at=now,
                row_version=TrainingParticipant.row_version + 1,
            )
            .execution_options(synchronize_session=False)
        )


class PracticeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count(self, row: PracticeRow) -> None:
        """Count one practice screening (an upsert: replicas count each once)."""
        values = {
            "day": row.day,
            "catalogue_version": row.catalogue_version,
            "vignette": row.vignette,
            "matched": row.matched,
            "organisation_kind": row.organisation_kind,
            "county": row.county,
        }
        await self.session.execute(
            dialect_insert(self.session)(PracticeCount)
            .values(**values, count=row.count)
            .on_conflict_do_update(
                index_elements=list(values), set_={"count": PracticeCount.count + row.count}
            )
        )


class CoverageRepository:
    """The facts coverage statistics count; no scope applies (see the module doc)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def completions(self) -> list[Completion]:
        person = func.coalesce(TrainingParticipant.user_id, TrainingParticipant.id)
        statement = (
            select(
                person,
                TrainingParticipant.organisation_kind,
                TrainingParticipant.county,
                TrainingSession.catalogue_version,
                TrainingSession.held_on,
                TrainingParticipant.recorded_at,
            )
            .join(TrainingParticipant.session)
            .where(TrainingParticipant.completed.is_(True))
        )
        return [Completion(*row) for row in await self.session.execute(statement)]

    async def catalogue_statuses(self) -> dict[int, str]:
        statement = select(CatalogueVersion.version, CatalogueVersion.status)
        return dict((await self.session.execute(statement)).all())

    async def trained_versions(self) -> dict[uuid.UUID, set[int]]:
        """The catalogue versions each organisation's members completed a training on."""
        statement = (
            select(TrainingParticipant.organisation_id, TrainingSession.catalogue_version)
            .join(TrainingParticipant.session)
            .where(
                TrainingParticipant.completed.is_(True),
                TrainingParticipant.organisation_id.is_not(None),
            )
            .distinct()
        )
        versions: dict[uuid.UUID, set[int]] = {}
        for organisation_id, version in await self.session.execute(statement):
            if organisation_id is not None:
                versions.setdefault(organisation_id, set()).add(version)
        return versions

    async def screening_organisations(
        self, screened_from: datetime | None, screened_before: datetime | None
    ) -> list[tuple[uuid.UUID, str | None, str | None]]:
        """Each organisation that screened in the period, once, with the kind and county of
        its latest screening there."""
        latest = select(
            Screening.organisation_id,
            Screening.organisation_kind,
            Screening.organisation_county,
            func.row_number()
            .over(partition_by=Screening.organisation_id, order_by=Screening.created_at.desc())
            .label("rank"),
        )
        if screened_from is not None:
            latest = latest.where(Screening.created_at >= screened_from)
        if screened_before is not None:
            latest = latest.where(Screening.created_at < screened_before)
        ranked = latest.subquery()
        statement = select(
            ranked.c.organisation_id, ranked.c.organisation_kind, ranked.c.organisation_county
        ).where(ranked.c.rank == 1)
        return [(org, kind, county) for org, kind, county in await self.session.execute(statement)]

    async def practice(self, first: date | None, last: date | None) -> list[PracticeRow]:
        statement = select(
            PracticeCount.day,
            PracticeCount.catalogue_version,
            PracticeCount.vignette,
            PracticeCount.matched,
            PracticeCount.organisation_kind,
            PracticeCount.county,
            PracticeCount.count,
        )
        if first is not None:
            statement = statement.where(PracticeCount.day >= first)
        if last is not None:
            statement = statement.where(PracticeCount.day <= last)
        return [PracticeRow(*row) for row in await self.session.execute(statement)]

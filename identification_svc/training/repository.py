"""Every query on training records, practice counts and training coverage.

`SessionRepository.visible` and `ParticipantRepository.visible` are the access rules, built
on their conditions (`scope`), which the participants' rule and counts take as they are: a
national coordinator sees every session and participant; a regional coordinator the
sessions its organisation recorded or held in its county, and the participants of those
and of organisations in its county; a manager the participants of its organisation; and
every user their own participant records. Coverage reads every record (only suppressed
counts of them leave the service).
"""

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true, update
from sqlalchemy.orm import selectinload

from identification_svc.catalogue.models import PUBLISHED, CatalogueVersion
from identification_svc.screening.models import Screening
from identification_svc.training.coverage import Completion, PracticeRow
from identification_svc.training.models import PracticeCount, TrainingParticipant, TrainingSession
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.db import dialect_insert
from shared.repository import Repository


def current_version() -> ColumnElement[int]:
    """The current catalogue version (the latest published), as a scalar subquery."""
    return (
        select(func.max(CatalogueVersion.version))
        .where(CatalogueVersion.status == PUBLISHED)
        .scalar_subquery()
    )


class SessionRepository(Repository[TrainingSession]):
    model = TrainingSession
    resource = "training session"

    @staticmethod
    def scope(principal: Principal) -> ColumnElement[bool]:
        if not principal.can(Permission.MANAGE_TRAINING):
            return false()
        if principal.sees_all_cases:
            return true()
        scope = [TrainingSession.organisation_id == principal.organisation_id]
        county = principal.coordinated_county
        if county is not None:
            scope.append(TrainingSession.county == county)
        return or_(*scope)

    def visible(self, principal: Principal) -> Select[TrainingSession]:
        return select(TrainingSession).where(self.scope(principal))

    async def catalogue_exists(self, version: int) -> bool:
        """Whether the catalogue version exists (a draft may be taught before it is
        published; only coordinators, who record sessions, see drafts)."""
        statement = select(CatalogueVersion.id).where(CatalogueVersion.version == version)
        return await self.session.scalar(statement) is not None

    async def current_version_number(self) -> int | None:
        version: int | None = await self.session.scalar(select(current_version()))
        return version

    async def get(
        self, principal: Principal, key: Any, *, fresh: bool = False
    ) -> TrainingSession | None:
        """The session with its participants, if `principal` may see it."""
        statement = (
            self.visible(principal)
            .where(TrainingSession.id == key)
            .options(selectinload(TrainingSession.participants))
        )
        if fresh:
            statement = statement.execution_options(populate_existing=True)
        found: TrainingSession | None = await self.session.scalar(statement)
        return found

    def listed(
        self, principal: Principal, *, catalogue_version: int | None, county: str | None
    ) -> Select[TrainingSession]:
        """The visible sessions, of one catalogue version or county if given."""
        statement = self.visible(principal)
        if catalogue_version is not None:
            statement = statement.where(TrainingSession.catalogue_version == catalogue_version)
        if county is not None:
            statement = statement.where(TrainingSession.county == county)
        return statement


class ParticipantRepository(Repository[TrainingParticipant]):
    model = TrainingParticipant
    resource = "participant"

    @staticmethod
    def scope(principal: Principal) -> ColumnElement[bool]:
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
            sessions = select(TrainingSession.id).where(SessionRepository.scope(principal))
            scope.append(TrainingParticipant.session_id.in_(sessions))
        return or_(*scope) if scope else false()

    def visible(self, principal: Principal) -> Select[TrainingParticipant]:
        """The participant records `principal` may see, each with its session."""
        return (
            select(TrainingParticipant)
            .where(self.scope(principal))
            .options(selectinload(TrainingParticipant.session))
        )

    async def of_user(self, principal: Principal) -> Sequence[TrainingParticipant]:
        """The caller's own records, newest session first."""
        statement = (
            self.visible(principal)
            .join(TrainingParticipant.session)
            .where(TrainingParticipant.user_id == principal.subject_id)
            .order_by(TrainingSession.held_on.desc(), TrainingParticipant.recorded_at.desc())
        )
        return (await self.session.scalars(statement)).all()

    def of_organisation(
        self, principal: Principal, organisation_id: uuid.UUID
    ) -> Select[TrainingParticipant]:
        """The visible records of the members of one organisation."""
        return self.visible(principal).where(TrainingParticipant.organisation_id == organisation_id)

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
                self.scope(principal),
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


class PracticeRepository(Repository[PracticeCount]):
    model = PracticeCount

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


class CoverageRepository(Repository[TrainingParticipant]):
    """The facts coverage statistics count; no scope applies (see the module doc)."""

    model = TrainingParticipant

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

"""Every query on instrument versions, and the one rule of which versions a caller sees."""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, bindparam, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from risk_svc.instruments.models import InstrumentVersion, Status
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.pagination import PageParams, paginate

_PUBLISHED = select(InstrumentVersion.id, InstrumentVersion.version).where(
    InstrumentVersion.code == bindparam("code"), InstrumentVersion.status == "published"
)


class InstrumentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @staticmethod
    def visible(principal: Principal) -> ColumnElement[bool]:
        """Drafts are work in progress of the coordinators who may publish them; every
        reader sees published and retired versions (stored assessments name them)."""
        if principal.can(Permission.MANAGE_CATALOGUES):
            return true()
        return InstrumentVersion.status != "draft"

    def _select(self, principal: Principal) -> Select[InstrumentVersion]:
        return (
            select(InstrumentVersion)
            .where(self.visible(principal))
            .options(selectinload(InstrumentVersion.items))
        )

    async def page(
        self,
        principal: Principal,
        params: PageParams,
        *,
        code: str | None,
        status: Status | None,
    ) -> tuple[Sequence[InstrumentVersion], str | None]:
        statement = self._select(principal)
        if code is not None:
            statement = statement.where(InstrumentVersion.code == code)
        if status is not None:
            statement = statement.where(InstrumentVersion.status == status)
        return await paginate(
            self.session,
            statement,
            params,
            key=InstrumentVersion.created_at,
            row_id=InstrumentVersion.id,
            key_of=lambda row: (row.created_at, row.id),
        )

    async def get(self, principal: Principal, code: str, version: int) -> InstrumentVersion | None:
        statement = self._select(principal).where(
            InstrumentVersion.code == code, InstrumentVersion.version == version
        )
        row: InstrumentVersion | None = await self.session.scalar(statement)
        return row

    async def with_status(
        self, principal: Principal, code: str, status: Status
    ) -> Sequence[InstrumentVersion]:
        """The versions of `code` in `status`, newest first."""
        statement = (
            self._select(principal)
            .where(InstrumentVersion.code == code, InstrumentVersion.status == status)
            .order_by(InstrumentVersion.version.desc())
        )
        return (await self.session.scalars(statement)).all()

    async def published_version(self, code: str) -> tuple[uuid.UUID, int] | None:
        """The id and number of the version of `code` published now (built once: asked by
        every assessment)."""
        row = (await self.session.execute(_PUBLISHED, {"code": code})).first()
        return None if row is None else (row[0], row[1])

    async def highest_version(self, code: str) -> int:
        """The highest version number of `code` in any status (0 when it has none); only
        for numbering a new version, so it is not scoped."""
        highest = await self.session.scalar(
            select(func.max(InstrumentVersion.version)).where(InstrumentVersion.code == code)
        )
        return int(highest or 0)

    def add(self, row: InstrumentVersion) -> None:
        self.session.add(row)

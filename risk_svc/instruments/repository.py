"""Every query on instrument versions, and the one rule of which versions a caller sees."""

import uuid
from collections.abc import Sequence

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from risk_svc.instruments.models import InstrumentVersion, Status
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.errors import ChangedMeanwhile
from shared.pagination import PageParams
from shared.repository import Repository

_PUBLISHED = select(InstrumentVersion.id, InstrumentVersion.version).where(
    InstrumentVersion.code == bindparam("code"), InstrumentVersion.status == "published"
)


class InstrumentRepository(Repository[InstrumentVersion]):
    model = InstrumentVersion
    resource = "instrument"

    def visible(self, principal: Principal) -> Select[InstrumentVersion]:
        """Drafts are work in progress of the coordinators who may publish them; every
        reader sees published and retired versions (stored assessments name them)."""
        statement = super().visible(principal).options(selectinload(InstrumentVersion.items))
        if principal.can(Permission.MANAGE_CATALOGUES):
            return statement
        return statement.where(InstrumentVersion.status != "draft")

    async def page_versions(
        self,
        principal: Principal,
        params: PageParams,
        *,
        code: str | None,
        status: Status | None,
    ) -> tuple[Sequence[InstrumentVersion], str | None]:
        statement = self.visible(principal)
        if code is not None:
            statement = statement.where(InstrumentVersion.code == code)
        if status is not None:
            statement = statement.where(InstrumentVersion.status == status)
        return await self.page(statement, params, key=InstrumentVersion.created_at)

    async def get_version(
        self, principal: Principal, code: str, version: int
    ) -> InstrumentVersion | None:
        statement = self.visible(principal).where(
            InstrumentVersion.code == code, InstrumentVersion.version == version
        )
        row: InstrumentVersion | None = await self.session.scalar(statement)
        return row

    async def with_status(
        self, principal: Principal, code: str, status: Status
    ) -> Sequence[InstrumentVersion]:
        """The versions of `code` in `status`, newest first."""
        statement = (
            self.visible(principal)
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

    async def flush(self) -> None:
        """As every repository's, and a version number or the one draft slot taken by
        another coordinator meanwhile is the same "changed meanwhile"."""
        try:
            await super().flush()
        except IntegrityError as exc:
            raise ChangedMeanwhile(self.resource) from exc

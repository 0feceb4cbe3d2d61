"""Every query on catalogue versions and their indicators.

`visible` says which versions a caller may see: drafts are work in progress of the
coordinators who may publish them, so nobody else sees one (not even in the list), and
nobody screens against one.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import selectinload

from identification_svc.catalogue.models import DRAFT, PUBLISHED, CatalogueVersion
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.repository import Repository

_LATEST_PUBLISHED = (
    select(CatalogueVersion.version)
    .where(CatalogueVersion.status == PUBLISHED)
    .order_by(CatalogueVersion.version.desc())
    .limit(1)
)


class CatalogueRepository(Repository[CatalogueVersion]):
    model = CatalogueVersion
    resource = "catalogue version"

    def visible(self, principal: Principal) -> Select[CatalogueVersion]:
        statement = select(CatalogueVersion)
        if principal.can(Permission.MANAGE_CATALOGUES):
            return statement
        return statement.where(CatalogueVersion.status != DRAFT)

    async def get(
        self, principal: Principal, key: Any, *, fresh: bool = False
    ) -> CatalogueVersion | None:
        """The version numbered `key`, with its indicators, if `principal` may see it."""
        statement = (
            self.visible(principal)
            .where(CatalogueVersion.version == key)
            .options(selectinload(CatalogueVersion.indicators))
        )
        if fresh:
            statement = statement.execution_options(populate_existing=True)
        version: CatalogueVersion | None = await self.session.scalar(statement)
        return version

    async def by_version(self, version: int) -> CatalogueVersion | None:
        """A version whatever its status, with its indicators (to pin it to a screening)."""
        return await self._one(CatalogueVersion.version == version, indicators=True)

    async def latest_published_version(self) -> int | None:
        """Asked by every screening that names no version: built once."""
        version: int | None = await self.session.scalar(_LATEST_PUBLISHED)
        return version

    async def latest_published(self) -> CatalogueVersion | None:
        version = await self.latest_published_version()
        return None if version is None else await self.by_version(version)

    async def draft(self) -> CatalogueVersion | None:
        return await self._one(CatalogueVersion.status == DRAFT, indicators=False)

    async def published(self) -> Sequence[CatalogueVersion]:
        statement = select(CatalogueVersion).where(CatalogueVersion.status == PUBLISHED)
        return (await self.session.scalars(statement)).all()

    async def next_version(self) -> int:
        highest = await self.session.scalar(select(func.max(CatalogueVersion.version)))
        return (highest or 0) + 1

    async def _one(
        self, *conditions: ColumnElement[bool], indicators: bool
    ) -> CatalogueVersion | None:
        statement = select(CatalogueVersion).where(*conditions)
        if indicators:
            statement = statement.options(selectinload(CatalogueVersion.indicators))
        version: CatalogueVersion | None = await self.session.scalar(statement)
        return version

"""Use cases of the indicator catalogues: read, draft, edit a draft, publish; and the
pinning of a version to a screening.

A published version never changes: a change is a new version, drafted from the latest
published one, edited, then published, which retires the version it replaces. Retired
versions stay readable, and screenings may still pin them (a device that went offline with
the old version syncs its screenings without losing them); drafts are never screened with.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import cast

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from identification_svc.catalogue.exceptions import (
    CatalogueFrozen,
    CatalogueNotFound,
    CatalogueNotPublished,
    ChangesDoNotApply,
    DraftExists,
    EmptyCatalogue,
    NoCataloguePublished,
    NothingToDraftFrom,
)
from identification_svc.catalogue.models import (
    DRAFT,
    PUBLISHED,
    RETIRED,
    CatalogueIndicator,
    CatalogueVersion,
)
from identification_svc.catalogue.repository import CatalogueRepository
from identification_svc.catalogue.schemas import CatalogueChanges
from identification_svc.screening.rules import Indicator, Profile, Strength
from shared.auth.principal import Principal
from shared.db import new_id, utcnow
from shared.errors import FieldError
from shared.etag import check_if_match
from shared.pagination import PageParams


@dataclass(frozen=True)
class PinnedCatalogue:
    """A version a screening is evaluated with, in the engine's terms."""

    version: int
    indicators: tuple[Indicator, ...]

    @cached_property
    def codes(self) -> frozenset[str]:
        return frozenset(indicator.code for indicator in self.indicators)


class PinnedCatalogues:
    """The published and retired versions read so far, one app's memory of them.

    Their indicators never change once published (a change is a new version), so each is
    read from the database once per process; drafts are never kept. Which version is the
    latest published is asked of the database every time: another replica may have
    published one.
    """

    def __init__(self) -> None:
        self._by_version: dict[int, PinnedCatalogue] = {}

    def get(self, version: int) -> PinnedCatalogue | None:
        return self._by_version.get(version)

    def keep(self, pinned: PinnedCatalogue) -> None:
        self._by_version[pinned.version] = pinned


def engine_indicators(rows: Sequence[CatalogueIndicator]) -> tuple[Indicator, ...]:
    return tuple(
        Indicator(
            code=row.code,
            dimension=row.dimension,
            strengths=cast(dict[Profile, Strength | None], row.strengths),
        )
        for row in rows
    )


class CatalogueService:
    def __init__(self, session: AsyncSession, pinned: PinnedCatalogues) -> None:
        self.repository = CatalogueRepository(session)
        self._pinned = pinned

    async def page(
        self, principal: Principal, params: PageParams
    ) -> tuple[Sequence[CatalogueVersion], str | None]:
        statement = self.repository.visible(principal)
        return await self.repository.page(
            statement, params, key=CatalogueVersion.created_at, descending=True
        )

    async def get(self, principal: Principal, version: int) -> CatalogueVersion:
        found = await self.repository.get(principal, version)
        if found is None:
            raise CatalogueNotFound(version)
        return found

    async def pinned(self, version: int | None) -> PinnedCatalogue:
        """The version a screening asked for (default: the latest published); a draft or
        an unknown version is a 422 on `catalogue_version`."""
        if version is None:
            version = await self.repository.latest_published_version()
            if version is None:
                raise NoCataloguePublished()
        pinned = self._pinned.get(version)
        if pinned is None:
            found = await self.repository.by_version(version)
            if found is None or found.status == DRAFT:
                raise CatalogueNotPublished(version)
            pinned = PinnedCatalogue(found.version, engine_indicators(found.indicators))
            self._pinned.keep(pinned)
        return pinned

    async def create_draft(self, principal: Principal) -> CatalogueVersion:
        if await self.repository.draft() is not None:
            raise DraftExists()
        source = await self.repository.latest_published()
        if source is None:
            raise NothingToDraftFrom()
        now = utcnow()
        draft = CatalogueVersion(
            id=new_id(),
            version=await self.repository.next_version(),
            status=DRAFT,
            dimensions=source.dimensions,
            created_at=now,
            created_by=principal.subject_id,
            updated_at=now,
            indicators=[
                CatalogueIndicator(
                    code=row.code,
                    dimension=row.dimension,
                    strengths=dict(row.strengths),
                    label=dict(row.label),
                    guidance=dict(row.guidance),
                )
                for row in source.indicators
            ],
        )
        self.repository.add(draft)
        try:
            await self.repository.flush()
        except IntegrityError as exc:
            # Another coordinator's draft won the race for the single draft slot.
            raise DraftExists() from exc
        return draft

    async def change_draft(
        self,
        principal: Principal,
        version: int,
        changes: CatalogueChanges,
        if_match: str | None,
    ) -> CatalogueVersion:
        draft = await self._draft(principal, version, if_match)
        by_code = {row.code: row for row in draft.indicators}
        _check_changes(changes, set(by_code))
        for code in changes.remove:
            draft.indicators.remove(by_code.pop(code))
        for edit in changes.indicators:
            row = by_code.get(edit.code)
            if row is None:
                row = CatalogueIndicator(code=edit.code)
                draft.indicators.append(row)
            row.dimension = edit.dimension
            row.strengths = edit.strengths.model_dump()
            row.label = edit.label.model_dump()
            row.guidance = edit.guidance.model_dump()
        draft.updated_at = utcnow()
        await self.repository.flush()
        return draft

    async def publish(
        self, principal: Principal, version: int, if_match: str | None
    ) -> CatalogueVersion:
        draft = await self._draft(principal, version, if_match)
        if not draft.indicators:
            raise EmptyCatalogue()
        now = utcnow()
        for previous in await self.repository.published():
            previous.status = RETIRED
            previous.retired_at = now
            previous.updated_at = now
        draft.status = PUBLISHED
        draft.published_at = now
        draft.published_by = principal.subject_id
        draft.updated_at = now
        await self.repository.flush()
        return draft

    async def _draft(
        self, principal: Principal, version: int, if_match: str | None
    ) -> CatalogueVersion:
        found = await self.get(principal, version)
        check_if_match(if_match, found.id, found.row_version)
        if found.status != DRAFT:
            raise CatalogueFrozen(version)
        return found


def _check_changes(changes: CatalogueChanges, existing: set[str]) -> None:
    """Edits a schema cannot judge alone: each code once, removals of codes the draft has."""
    errors: list[FieldError] = []
    seen: set[str] = set()
    for index, edit in enumerate(changes.indicators):
        if edit.code in seen:
            errors.append(FieldError(f"indicators.{index}.code", "is given twice"))
        seen.add(edit.code)
    removed: set[str] = set()
    for index, code in enumerate(changes.remove):
        if code not in existing:
            errors.append(FieldError(f"remove.{index}", "is not an indicator of this draft"))
        elif code in seen or code in removed:
            errors.append(FieldError(f"remove.{index}", "is given twice or also edited"))
        removed.add(code)
    if errors:
        raise ChangesDoNotApply(errors)

"""Instrument use cases: read versions, a coordinator's draft → edit → publish cycle, and
the published version an assessment is scored by.

Publishing a version retires the one published before it, so each instrument has one
current version; a published or retired version's content never changes.
"""

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from risk_svc.assessments.scoring import Instrument
from risk_svc.instruments.exceptions import (
    DraftExists,
    InconsistentDraft,
    InstrumentNotPublished,
    InstrumentVersionNotFound,
    NoSuchVersion,
    NothingToDraftFrom,
    VersionNotEditable,
    VersionNotPublished,
)
from risk_svc.instruments.models import InstrumentItem, InstrumentVersion, Status
from risk_svc.instruments.repository import InstrumentRepository
from risk_svc.instruments.schemas import RiskInstrumentDraftChange
from shared.auth.principal import Principal
from shared.errors import FieldError
from shared.etag import check_if_match
from shared.pagination import PageParams


@dataclass(frozen=True)
class PublishedInstrument:
    """A published version as assessments are scored by it."""

    id: uuid.UUID
    code: str
    version: int
    instrument: Instrument


class PinnedInstruments:
    """The versions assessments were scored by so far, one app's memory of them: a
    published version's content never changes, so each is read once per process. Which
    version of an instrument is published is asked of the database every time: another
    replica may have published a new one."""

    def __init__(self) -> None:
        self._by_id: dict[uuid.UUID, PublishedInstrument] = {}

    async def published(
        self, repository: InstrumentRepository, principal: Principal, code: str
    ) -> PublishedInstrument | None:
        current = await repository.published_version(code)
        if current is None:
            return None
        version_id, version = current
        pinned = self._by_id.get(version_id)
        if pinned is None:
            row = await repository.get_version(principal, code, version)
            if row is None or row.status != "published":
                # Published in another process and retired again meanwhile: not pinned.
                return None
            pinned = PublishedInstrument(row.id, row.code, row.version, row.to_instrument())
            self._by_id[version_id] = pinned
        return pinned


class InstrumentService:
    def __init__(self, session: AsyncSession, pinned: PinnedInstruments) -> None:
        self.instruments = InstrumentRepository(session)
        self.pinned = pinned

    async def page(
        self,
        principal: Principal,
        params: PageParams,
        *,
        code: str | None,
        status: Status | None,
    ) -> tuple[Sequence[InstrumentVersion], str | None]:
        return await self.instruments.page_versions(principal, params, code=code, status=status)

    async def get(self, principal: Principal, code: str, version: int) -> InstrumentVersion:
        row = await self.instruments.get_version(principal, code, version)
        if row is None:
            raise InstrumentVersionNotFound(code, version)
        return row

    async def for_assessment(
        self, principal: Principal, code: str, version: int | None
    ) -> PublishedInstrument:
        """The published version to score by: `version`, or the current one when omitted."""
        current = await self.pinned.published(self.instruments, principal, code)
        if current is None:
            raise InstrumentNotPublished(code)
        if version is None or version == current.version:
            return current
        other = await self.instruments.get_version(principal, code, version)
        if other is None:
            raise NoSuchVersion(code, version)
        raise VersionNotPublished(other, current.version)

    async def create_draft(
        self, principal: Principal, code: str, now: datetime
    ) -> InstrumentVersion:
        """A new draft version of `code`, a copy of its published version."""
        published = await self.instruments.with_status(principal, code, "published")
        if not published:
            raise NothingToDraftFrom(code)
        drafts = await self.instruments.with_status(principal, code, "draft")
        if drafts:
            raise DraftExists(drafts[0])
        source = published[0]
        draft = InstrumentVersion(
            code=code,
            version=await self.instruments.highest_version(code) + 1,
            status="draft",
            label=source.label,
            domains=source.domains,
            measures=source.measures,
            measure_rules=source.measure_rules,
            created_at=now,
            updated_at=now,
            items=_item_rows([_item_json(item) for item in source.items]),
        )
        self.instruments.add(draft)
        await self.instruments.flush()
        return draft

    async def update_draft(
        self,
        principal: Principal,
        code: str,
        version: int,
        change: RiskInstrumentDraftChange,
        if_match: str | None,
        now: datetime,
    ) -> InstrumentVersion:
        row = await self._draft(principal, code, version, if_match)
        domains = _replaced(change.domains, row.domains)
        items = _replaced(change.items, [_item_json(item) for item in row.items])
        measures = _replaced(change.measures, row.measures)
        measure_rules = _replaced(change.measure_rules, row.measure_rules)
        errors = _inconsistencies(domains, items, measures, measure_rules)
        if errors:
            raise InconsistentDraft(errors)
        if change.label is not None:
            row.label = change.label.model_dump()
        row.domains = domains
        row.measures = measures
        row.measure_rules = measure_rules
        row.updated_at = now
        if change.items is not None:
            # Old rows go first: the new ones reuse their (version, code) pairs.
            row.items.clear()
            await self.instruments.flush()
            row.items.extend(_item_rows(items))
        await self.instruments.flush()
        return row

    async def publish(
        self,
        principal: Principal,
        code: str,
        version: int,
        if_match: str | None,
        now: datetime,
    ) -> InstrumentVersion:
        """Publish a draft; the version published so far is retired."""
        row = await self._draft(principal, code, version, if_match)
        for previous in await self.instruments.with_status(principal, code, "published"):
            previous.status = "retired"
            previous.retired_at = now
            previous.updated_at = now
        row.status = "published"
        row.published_at = now
        row.updated_at = now
        await self.instruments.flush()
        return row

    async def _draft(
        self, principal: Principal, code: str, version: int, if_match: str | None
    ) -> InstrumentVersion:
        row = await self.get(principal, code, version)
        if row.status != "draft":
            raise VersionNotEditable(row)
        check_if_match(if_match, row.id, row.row_version)
        return row


def _replaced(
    parts: Sequence[BaseModel] | None, current: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    return current if parts is None else [part.model_dump() for part in parts]


def _item_json(item: InstrumentItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "domain": item.domain,
        "weight": item.weight,
        "critical": item.critical,
        "child_only": item.child_only,
        "label": item.label,
    }


def _item_rows(items: list[dict[str, Any]]) -> list[InstrumentItem]:
    return [InstrumentItem(position=position, **item) for position, item in enumerate(items)]


def _inconsistencies(
    domains: list[dict[str, Any]],
    items: list[dict[str, Any]],
    measures: list[dict[str, Any]],
    measure_rules: list[dict[str, Any]],
) -> list[FieldError]:
    """What would keep the draft from being a consistent instrument, by field."""
    errors = _duplicates("domains", domains) + _duplicates("items", items)
    errors += _duplicates("measures", measures)
    domain_codes = {domain["code"] for domain in domains}
    item_codes = {item["code"] for item in items}
    measure_codes = {measure["code"] for measure in measures}
    used_domains = {item["domain"] for item in items}
    used_measures = {rule["measure"] for rule in measure_rules}
    errors += [
        FieldError(f"items.{n}.domain", f"Domain '{item['domain']}' is not declared.")
        for n, item in enumerate(items)
        if item["domain"] not in domain_codes
    ]
    errors += [
        FieldError(f"domains.{n}.code", f"Domain '{domain['code']}' has no item.")
        for n, domain in enumerate(domains)
        if domain["code"] not in used_domains
    ]
    errors += [
        FieldError(f"measures.{n}.code", f"Measure '{measure['code']}' has no rule.")
        for n, measure in enumerate(measures)
        if measure["code"] not in used_measures
    ]
    for n, rule in enumerate(measure_rules):
        if rule["measure"] not in measure_codes:
            errors.append(
                FieldError(
                    f"measure_rules.{n}.measure", f"Measure '{rule['measure']}' has no label."
                )
            )
        when = rule["when"]
        if "domain" in when and when["domain"] not in domain_codes:
            errors.append(
                FieldError(f"measure_rules.{n}.when.domain", f"No domain '{when['domain']}'.")
            )
        unknown_items = sorted(set(when.get("items", ())) - item_codes)
        if unknown_items:
            errors.append(
                FieldError(f"measure_rules.{n}.when.items", f"No items {', '.join(unknown_items)}.")
            )
    return errors


def _duplicates(field: str, entries: list[dict[str, Any]]) -> list[FieldError]:
    counts = Counter(entry["code"] for entry in entries)
    return [
        FieldError(f"{field}.{n}.code", f"'{entry['code']}' appears more than once.")
        for n, entry in enumerate(entries)
        if counts[entry["code"]] > 1
    ]

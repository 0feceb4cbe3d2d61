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
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from risk_svc.assessments.scoring import Instrument
from risk_svc.instruments.models import InstrumentItem, InstrumentVersion, Status
from risk_svc.instruments.repository import InstrumentRepository
from risk_svc.instruments.schemas import RiskInstrumentDraftChange
from shared.auth.principal import Principal
from shared.errors import Conflict, FieldError, NotFound, Problem, ValidationProblem
from shared.etag import check_if_match
from shared.pagination import PageParams


class VersionNotEditable(Conflict):
    def __init__(self, row: InstrumentVersion) -> None:
        super().__init__(
            f"Version {row.version} of '{row.code}' is {row.status}: only a draft changes."
        )


class InconsistentDraft(Problem):
    slug = "validation"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("The draft would not be a consistent instrument.", errors=errors)


async def list_instruments(
    session: AsyncSession,
    principal: Principal,
    params: PageParams,
    *,
    code: str | None,
    status: Status | None,
) -> tuple[Sequence[InstrumentVersion], str | None]:
    return await InstrumentRepository(session).page(principal, params, code=code, status=status)


async def get_instrument(
    session: AsyncSession, principal: Principal, code: str, version: int
) -> InstrumentVersion:
    row = await InstrumentRepository(session).get(principal, code, version)
    if row is None:
        raise NotFound(f"No version {version} of instrument '{code}'.")
    return row


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
            row = await repository.get(principal, code, version)
            if row is None or row.status != "published":
                # Published in another process and retired again meanwhile: not pinned.
                return None
            pinned = PublishedInstrument(row.id, row.code, row.version, row.to_instrument())
            self._by_id[version_id] = pinned
        return pinned


async def instrument_for_assessment(
    session: AsyncSession,
    principal: Principal,
    code: str,
    version: int | None,
    pinned: PinnedInstruments,
) -> PublishedInstrument:
    """The published version to score by: `version`, or the current one when omitted."""
    repository = InstrumentRepository(session)
    current = await pinned.published(repository, principal, code)
    if current is None:
        raise ValidationProblem("instrument", f"No published instrument '{code}'.")
    if version is None or version == current.version:
        return current
    other = await repository.get(principal, code, version)
    if other is None:
        raise ValidationProblem("version", f"Instrument '{code}' has no version {version}.")
    raise ValidationProblem(
        "version",
        f"Version {version} of '{code}' is {other.status}; assessments use the published "
        f"version {current.version}.",
    )


async def create_draft(
    session: AsyncSession, principal: Principal, code: str, now: datetime
) -> InstrumentVersion:
    """A new draft version of `code`, a copy of its published version."""
    repository = InstrumentRepository(session)
    published = await repository.with_status(principal, code, "published")
    if not published:
        raise NotFound(f"No published instrument '{code}' to start a draft from.")
    drafts = await repository.with_status(principal, code, "draft")
    if drafts:
        raise Conflict(f"Version {drafts[0].version} of '{code}' is already a draft; edit it.")
    source = published[0]
    draft = InstrumentVersion(
        code=code,
        version=await repository.highest_version(code) + 1,
        status="draft",
        label=source.label,
        domains=source.domains,
        measures=source.measures,
        measure_rules=source.measure_rules,
        created_at=now,
        updated_at=now,
        items=_item_rows([_item_json(item) for item in source.items]),
    )
    repository.add(draft)
    await _flush(session)
    return draft


async def update_draft(
    session: AsyncSession,
    principal: Principal,
    code: str,
    version: int,
    change: RiskInstrumentDraftChange,
    if_match: str | None,
    now: datetime,
) -> InstrumentVersion:
    row = await _draft(session, principal, code, version, if_match)
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
        await _flush(session)
        row.items.extend(_item_rows(items))
    await _flush(session)
    return row


async def publish(
    session: AsyncSession,
    principal: Principal,
    code: str,
    version: int,
    if_match: str | None,
    now: datetime,
) -> InstrumentVersion:
    """Publish a draft; the version published so far is retired."""
    row = await _draft(session, principal, code, version, if_match)
    for previous in await InstrumentRepository(session).with_status(principal, code, "published"):
        previous.status = "retired"
        previous.retired_at = now
        previous.updated_at = now
    row.status = "published"
    row.published_at = now
    row.updated_at = now
    await _flush(session)
    return row


async def _draft(
    session: AsyncSession, principal: Principal, code: str, version: int, if_match: str | None
) -> InstrumentVersion:
    row = await get_instrument(session, principal, code, version)
    if row.status != "draft":
        raise VersionNotEditable(row)
    check_if_match(if_match, row.id, row.row_version)
    return row


async def _flush(session: AsyncSession) -> None:
    try:
        await session.flush()
    except (IntegrityError, StaleDataError) as exc:
        raise Conflict("The instrument changed meanwhile; read it again.") from exc


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

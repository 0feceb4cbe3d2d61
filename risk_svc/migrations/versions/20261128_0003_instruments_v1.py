"""Data: publish version 1 of the instruments `initial` and `pre_return` (instruments/v1.py).

Revision ID: risk_0003
Revises: risk_0002
Create Date: 2026-11-28
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from risk_svc.instruments.v1 import INSTRUMENTS, MEASURES, Label
from shared.db import JSONType, UTCDateTime

revision: str = "risk_0003"
down_revision: str | None = "risk_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables as this revision knows them, not as the models may later describe them.
versions = sa.table(
    "risk_instrument_versions",
    sa.column("id", sa.Uuid()),
    sa.column("code", sa.String()),
    sa.column("version", sa.Integer()),
    sa.column("status", sa.String()),
    sa.column("label", JSONType),
    sa.column("domains", JSONType),
    sa.column("measures", JSONType),
    sa.column("measure_rules", JSONType),
    sa.column("row_version", sa.Integer()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
    sa.column("published_at", UTCDateTime()),
)
items = sa.table(
    "risk_instrument_items",
    sa.column("id", sa.Uuid()),
    sa.column("instrument_version_id", sa.Uuid()),
    sa.column("position", sa.Integer()),
    sa.column("code", sa.String()),
    sa.column("domain", sa.String()),
    sa.column("weight", sa.Integer()),
    sa.column("critical", sa.Boolean()),
    sa.column("child_only", sa.Boolean()),
    sa.column("label", JSONType),
)


def _label(label: Label) -> dict[str, str]:
    return {"ro": label.ro, "en": label.en}


def upgrade() -> None:
    now = datetime.now(UTC)
    version_rows: list[dict[str, Any]] = []
    item_rows: list[dict[str, Any]] = []
    for definition in INSTRUMENTS:
        version_id = uuid.uuid4()
        measures = dict.fromkeys(rule.measure for rule in definition.measure_rules)
        version_rows.append(
            {
                "id": version_id,
                "code": definition.code,
                "version": definition.version,
                "status": "published",
                "label": _label(definition.label),
                "domains": [
                    {"code": code, "label": _label(label)}
                    for code, label in definition.domains.items()
                ],
                "measures": [{"code": code, "label": _label(MEASURES[code])} for code in measures],
                "measure_rules": [rule.to_dict() for rule in definition.measure_rules],
                "row_version": 1,
                "created_at": now,
                "updated_at": now,
                "published_at": now,
            }
        )
        item_rows += [
            {
                "id": uuid.uuid4(),
                "instrument_version_id": version_id,
                "position": position,
                "code": item.code,
                "domain": item.domain,
                "weight": item.weight,
                "critical": item.critical,
                "child_only": item.child_only,
                "label": _label(item.label),
            }
            for position, item in enumerate(definition.items)
        ]
    op.bulk_insert(versions, version_rows)
    op.bulk_insert(items, item_rows)


def downgrade() -> None:
    for definition in INSTRUMENTS:
        seeded = sa.and_(versions.c.code == definition.code, versions.c.version == 1)
        seeded_ids = sa.select(versions.c.id).where(seeded).scalar_subquery()
        op.execute(items.delete().where(items.c.instrument_version_id == seeded_ids))
        op.execute(versions.delete().where(seeded))

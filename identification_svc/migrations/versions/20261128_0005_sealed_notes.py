"""Free-text notes sealed at rest, like the person's data: the basis and note of decisions,
the notes of consents and their withdrawals, and the notes of screening answers (moved out
of the answers into one sealed value per screening).

A note may name the person or others, so it is personal data. Rows written before this
revision are sealed here with the service's own keys, read from its environment
(`NIRM_IDENTIFICATION_DATA_KEY`, `NIRM_IDENTIFICATION_INDEX_KEY`); the downgrade opens them
again. When rows exist and the keys are not set, both refuse before changing anything,
rather than leave plaintext behind or lose notes. (Version 1 has no production data; this
keeps development databases usable.)

The contexts sealed values are bound to (`<kind>:<row id>:<field>`) and the JSON of answer
notes are written out here as they are at this revision, as the tables are.

Revision ID: identification_0005
Revises: identification_0004
Create Date: 2026-11-28
"""

import json
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from identification_svc.persons.protection import PersonalDataProtector
from shared.db import JSONType

revision: str = "identification_0005"
down_revision: str | None = "identification_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plain column -> sealed column, per table.
RENAMED = {
    "case_decisions": {"basis": "basis_sealed", "note": "note_sealed"},
    "consents": {"note": "note_sealed", "withdrawal_note": "withdrawal_note_sealed"},
}
CONTEXT_KIND = {"case_decisions": "case_decision", "consents": "consent"}
ANSWER_NOTES = "answer_notes_sealed"


def _table(name: str, columns: Sequence[str]) -> sa.TableClause:
    return sa.table(name, sa.column("id", sa.Uuid()), *(sa.column(c, sa.Text()) for c in columns))


screenings_before = sa.table(
    "screenings", sa.column("id", sa.Uuid()), sa.column("answers", JSONType)
)
screenings_after = sa.table(
    "screenings",
    sa.column("id", sa.Uuid()),
    sa.column("answers", JSONType),
    sa.column(ANSWER_NOTES, sa.Text()),
)


def _context(kind: str, row_id: uuid.UUID, field: str) -> str:
    return f"{kind}:{row_id}:{field}"


def _protector() -> PersonalDataProtector:
    # Imported here: only a database that holds notes needs the service's keys.
    from identification_svc.app import MissingKey, protector_from
    from identification_svc.settings import Settings

    try:
        return protector_from(Settings())
    except MissingKey as exc:
        raise RuntimeError(
            f"The database holds notes to seal or open, which needs the service's keys: {exc}"
        ) from exc


def _rows(table: sa.TableClause) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in op.get_bind().execute(sa.select(table))]


def upgrade() -> None:
    plain = {name: _rows(_table(name, list(columns))) for name, columns in RENAMED.items()}
    # Every stored answer has a `note` key (null when none was given): all lose it.
    screenings = [
        row for row in _rows(screenings_before) if any("note" in a for a in row["answers"])
    ]
    holds_notes = any(
        a.get("note") is not None for row in screenings for a in row["answers"]
    ) or any(
        row[column] is not None
        for name, rows in plain.items()
        for row in rows
        for column in RENAMED[name]
    )
    protector = _protector() if holds_notes else None

    for name, columns in RENAMED.items():
        for column, sealed_column in columns.items():
            op.alter_column(name, column, new_column_name=sealed_column)
    op.add_column("screenings", sa.Column(ANSWER_NOTES, sa.Text(), nullable=True))

    bind = op.get_bind()
    for row in screenings:
        notes = {a["indicator"]: a["note"] for a in row["answers"] if a.get("note") is not None}
        sealed_notes = None
        if notes:
            assert protector is not None
            sealed_notes = protector.seal(
                json.dumps(notes), context=_context("screening", row["id"], "answer_notes")
            )
        answers = [{k: v for k, v in a.items() if k != "note"} for a in row["answers"]]
        bind.execute(
            screenings_after.update()
            .where(screenings_after.c.id == row["id"])
            .values(answers=answers, **{ANSWER_NOTES: sealed_notes})
        )
    if protector is None:
        return
    for name, rows in plain.items():
        table = _table(name, list(RENAMED[name].values()))
        for row in rows:
            values = {
                sealed_column: protector.seal_optional(
                    row[column], context=_context(CONTEXT_KIND[name], row["id"], column)
                )
                for column, sealed_column in RENAMED[name].items()
            }
            bind.execute(table.update().where(table.c.id == row["id"]).values(**values))


def downgrade() -> None:
    sealed = {
        name: _rows(_table(name, list(columns.values()))) for name, columns in RENAMED.items()
    }
    screenings = _rows(screenings_after)
    holds_notes = any(row[ANSWER_NOTES] is not None for row in screenings) or any(sealed.values())
    protector = _protector() if holds_notes else None

    bind = op.get_bind()
    for row in screenings:
        notes: dict[str, str] = {}
        if row[ANSWER_NOTES] is not None:
            assert protector is not None
            context = _context("screening", row["id"], "answer_notes")
            notes = json.loads(protector.open(row[ANSWER_NOTES], context=context))
        answers = [{**a, "note": notes.get(a["indicator"])} for a in row["answers"]]
        bind.execute(
            screenings_after.update()
            .where(screenings_after.c.id == row["id"])
            .values(answers=answers)
        )
    op.drop_column("screenings", ANSWER_NOTES)
    for name, columns in RENAMED.items():
        for column, sealed_column in columns.items():
            op.alter_column(name, sealed_column, new_column_name=column)
    if protector is None:
        return
    for name, rows in sealed.items():
        table = _table(name, list(RENAMED[name]))
        for row in rows:
            values = {
                column: protector.open_optional(
                    row[sealed_column], context=_context(CONTEXT_KIND[name], row["id"], column)
                )
                for column, sealed_column in RENAMED[name].items()
            }
            bind.execute(table.update().where(table.c.id == row["id"]).values(**values))

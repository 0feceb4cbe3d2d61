"""The shipped internal secret is a development convenience: every part refuses it unless
its database is SQLite (the embedded suite on one machine), naming the variable to set."""

import base64
import os

import pytest
from pydantic import ValidationError

from services.registry import PARTS
from shared.settings import DEFAULT_INTERNAL_SECRET

POSTGRES = "postgresql+asyncpg://nirm@db:5432/nirm"


def settings_of(part_name: str, **values: str):
    part = next(p for p in PARTS if p.name == part_name)
    keys = {key: base64.b64encode(os.urandom(32)).decode() for key in part.keys}
    return part.settings_class()(**keys, **values)


@pytest.mark.parametrize("part_name", [p.name for p in PARTS])
def test_the_default_secret_is_refused_with_postgresql(part_name: str) -> None:
    with pytest.raises(ValidationError) as refused:
        settings_of(part_name, database_url=POSTGRES)
    assert f"NIRM_{part_name.upper()}_INTERNAL_SECRET" in str(refused.value)
    own = settings_of(part_name, database_url=POSTGRES, internal_secret="x" * 32)
    assert own.internal_secret == "x" * 32


@pytest.mark.parametrize("part_name", [p.name for p in PARTS])
def test_the_default_secret_is_accepted_with_sqlite(part_name: str) -> None:
    embedded = settings_of(part_name, database_url="sqlite+aiosqlite:///./.nirm-data/x.db")
    assert embedded.internal_secret == DEFAULT_INTERNAL_SECRET

"""Migration `identification_0005` seals the notes written before it, with the service's keys
from its environment, and its downgrade opens them again; without the keys it refuses and
changes nothing."""

from typing import Any

import pytest

from identification_svc.app import create_app
from services.registry import part
from shared.db import downgrade, migrate
from tests.support.apps import client_for
from tests.support.auth import TokenIssuer
from tests.support.databases import DatabaseFactory, _in_thread
from tests.support.identification import (
    PRESUMED,
    Callers,
    Service,
    answers,
    new_key,
    settings_for,
)

BEFORE_SEALING = "identification_0004"
SCREENING_NOTE = "Costel Marin drove her to Verona"
BASIS = "Report of Viorica Stan"
NOTE = "Viorica's sister is in Padova"
CONSENT_NOTE = "Signed before Aurel Dinu"


class Keys:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.data_key, self.index_key = new_key(), new_key()
        self.monkeypatch = monkeypatch

    def set(self) -> None:
        self.monkeypatch.setenv("NIRM_IDENTIFICATION_DATA_KEY", self.data_key)
        self.monkeypatch.setenv("NIRM_IDENTIFICATION_INDEX_KEY", self.index_key)

    def unset(self) -> None:
        self.monkeypatch.delenv("NIRM_IDENTIFICATION_DATA_KEY", raising=False)
        self.monkeypatch.delenv("NIRM_IDENTIFICATION_INDEX_KEY", raising=False)


async def with_service(url: str, issuer: TokenIssuer, keys: Keys, work: Any) -> Any:
    settings = settings_for(url, issuer, data_key=keys.data_key, index_key=keys.index_key)
    app = create_app(settings)
    async with client_for(app) as client:
        return await work(Service(app, client))


async def raw(url: str, issuer: TokenIssuer, keys: Keys, statement: str) -> list[tuple[Any, ...]]:
    async def read(service: Service) -> list[tuple[Any, ...]]:
        return await service.sql(statement)

    return await with_service(url, issuer, keys, read)


async def test_notes_are_sealed_by_the_migration_and_opened_by_its_downgrade(
    fresh_databases: DatabaseFactory, issuer: TokenIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = Keys(monkeypatch)
    police = Callers(issuer)("police")
    url = fresh_databases.new("identification")
    migrations = part("identification").migrations

    async def record(service: Service) -> dict[str, Any]:
        body = {
            "subject": {"age": 30},
            "answers": [
                {**a, "note": SCREENING_NOTE} if a["indicator"] == "EX.01" else a
                for a in answers(PRESUMED)
            ],
        }
        screening = (await service.screen(police, body)).json()
        case = (
            await service.send(
                "POST", "/api/v1/cases", police, {"basis": BASIS, "note": NOTE, "subject": {}}
            )
        ).json()
        consent = {"scope": "referral", "given": True, "method": "written", "note": CONSENT_NOTE}
        await service.send("POST", f"/api/v1/cases/{case['id']}/consents", police, consent)
        return {"screening": screening, "case": case}

    async def read_back(service: Service) -> dict[str, Any]:
        screening = await service.client.get(
            f"/api/v1/screenings/{made['screening']['id']}", headers=police.headers
        )
        consents = await service.client.get(
            f"/api/v1/cases/{made['case']['id']}/consents", headers=police.headers
        )
        return {
            "answers": screening.json()["answers"],
            "case": await service.case(police, made["case"]["id"]),
            "consent_note": consents.json()["items"][0]["note"],
        }

    made = await with_service(url, issuer, keys, record)
    before = await with_service(url, issuer, keys, read_back)

    keys.set()
    _in_thread(downgrade, migrations, url, BEFORE_SEALING)
    decisions = await raw(url, issuer, keys, "SELECT basis, note FROM case_decisions")
    assert sorted(decisions, key=str) == sorted(
        [("Screening outcome: presumed victim.", None), (BASIS, NOTE)], key=str
    )
    assert await raw(url, issuer, keys, "SELECT note FROM consents") == [(CONSENT_NOTE,)]
    assert SCREENING_NOTE in repr(await raw(url, issuer, keys, "SELECT answers FROM screenings"))

    keys.unset()
    with pytest.raises(RuntimeError, match="NIRM_IDENTIFICATION_DATA_KEY"):
        _in_thread(migrate, migrations, url)
    assert await raw(url, issuer, keys, "SELECT note FROM consents") == [(CONSENT_NOTE,)]

    keys.set()
    _in_thread(migrate, migrations, url)
    tables = ("case_decisions", "consents", "screenings")
    dump = repr([await raw(url, issuer, keys, f"SELECT * FROM {t}") for t in tables])
    for secret in ("Costel", "Viorica", "Aurel"):
        assert secret not in dump
    assert await with_service(url, issuer, keys, read_back) == before


async def test_an_empty_database_goes_down_and_up_without_keys(
    fresh_databases: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    Keys(monkeypatch).unset()
    url = fresh_databases.new("identification")
    migrations = part("identification").migrations
    _in_thread(downgrade, migrations, url, BEFORE_SEALING)
    _in_thread(migrate, migrations, url)

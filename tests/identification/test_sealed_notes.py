"""Practitioners' notes are personal data: sealed at rest like names (no plaintext in any
table), and read back whole by whoever may see them."""

from typing import Any

from tests.support.identification import PRESUMED, Caller, Service, answers

NOTES = {
    "answer": "Mirela said Dorin Popa kept her passport",
    "basis": "Statement of Mirela Vasilescu, 12 March",
    "opening note": "Her aunt Floarea Ionescu brought her in",
    "decision": "Identified after the hearing with Radu Stan",
    "decision note": "Interpreter: Ana Lungu",
    "consent": "Explained to Mirela in Romanian with Ana Lungu",
    "withdrawal": "Mirela called from Constanța to withdraw",
    "resolution": "Same person as in the Bacău file of Gheorghe Iancu",
}
PERSON = {
    "given_name": "Mirela",
    "documents": [{"type": "passport", "number": "X1", "country": "RO"}],
}


async def noted_cases(service: Service, police: Caller) -> dict[str, Any]:
    """A case with every kind of note, and a second one linked to it."""
    body = {
        "exploitation_forms": [],
        "subject": {"age": 30, "gender": "female"},
        "context": {"county": "RO-IS", "setting": "border_check"},
        "answers": [
            {**a, "note": NOTES["answer"]} if a["indicator"] == "DR.01" else a
            for a in answers(PRESUMED)
        ],
    }
    screened = await service.screen(police, body)
    assert screened.status_code == 201, screened.text
    case_id = screened.json()["case_id"]
    opened = await service.send(
        "POST",
        "/api/v1/cases",
        police,
        {"basis": NOTES["basis"], "note": NOTES["opening note"], "subject": {"age": 30}},
    )
    other_id = opened.json()["id"]
    decided = await service.send(
        "POST",
        f"/api/v1/cases/{case_id}/decisions",
        police,
        {
            "status": "identified",
            "basis": NOTES["decision"],
            "note": NOTES["decision note"],
            "authority": "IPJ Iași",
        },
    )
    assert decided.status_code == 201, decided.text
    consent = await service.send(
        "POST",
        f"/api/v1/cases/{case_id}/consents",
        police,
        {"scope": "referral", "given": True, "method": "verbal", "note": NOTES["consent"]},
    )
    consent_id = consent.json()["id"]
    withdrawn = await service.send(
        "POST",
        f"/api/v1/cases/{case_id}/consents/{consent_id}/withdraw",
        police,
        {"note": NOTES["withdrawal"]},
    )
    assert withdrawn.status_code == 200, withdrawn.text
    for case in (case_id, other_id):
        await service.send("PUT", f"/api/v1/cases/{case}/person", police, PERSON)
    linked = await service.send(
        "POST",
        f"/api/v1/cases/{case_id}/duplicates/{other_id}",
        police,
        {"resolution": "linked", "note": NOTES["resolution"]},
    )
    assert linked.status_code == 201, linked.text
    return {
        "case": case_id,
        "other": other_id,
        "screening": screened.json()["id"],
        "consent": consent_id,
    }


async def test_no_table_holds_a_note_in_plaintext(service: Service, police: Caller) -> None:
    await noted_cases(service, police)
    tables = (
        "screenings",
        "cases",
        "case_decisions",
        "consents",
        "duplicate_resolutions",
        "possible_duplicates",
        "persons",
        "outbox",
    )
    dump = repr([await service.sql(f"SELECT * FROM {table}") for table in tables])
    for name in ("Mirela", "Dorin", "Floarea", "Radu Stan", "Ana Lungu", "Gheorghe", "Constanța"):
        assert name not in dump, name
    sealed = await service.sql(
        "SELECT basis_sealed, note_sealed FROM case_decisions WHERE note_sealed IS NOT NULL"
    )
    assert sealed
    assert all(value.startswith("v1.") for row in sealed for value in row)
    [(notes,)] = await service.sql(
        "SELECT answer_notes_sealed FROM screenings WHERE answer_notes_sealed IS NOT NULL"
    )
    assert notes.startswith("v1.")


async def test_every_note_reads_back_whole(service: Service, police: Caller) -> None:
    ids = await noted_cases(service, police)
    screening = (
        await service.client.get(f"/api/v1/screenings/{ids['screening']}", headers=police.headers)
    ).json()
    notes = {a["indicator"]: a["note"] for a in screening["answers"]}
    assert notes["DR.01"] == NOTES["answer"]
    assert notes["DR.02"] is None

    case = await service.case(police, ids["case"])
    identified = next(d for d in case["decisions"] if d["decision"] == "identified")
    assert (identified["basis"], identified["note"]) == (NOTES["decision"], NOTES["decision note"])
    assert case["linked_cases"][0]["note"] == NOTES["resolution"]
    other = await service.case(police, ids["other"])
    assert (other["decisions"][0]["basis"], other["decisions"][0]["note"]) == (
        NOTES["basis"],
        NOTES["opening note"],
    )
    assert other["linked_cases"][0]["note"] == NOTES["resolution"]

    listed = await service.client.get(
        f"/api/v1/cases/{ids['case']}/consents", headers=police.headers
    )
    [consent] = listed.json()["items"]
    assert (consent["note"], consent["withdrawal_note"]) == (NOTES["consent"], NOTES["withdrawal"])


async def test_a_note_is_sealed_anew_each_time_even_when_it_repeats(
    service: Service, police: Caller
) -> None:
    for _ in range(2):
        await service.send(
            "POST", "/api/v1/cases", police, {"basis": NOTES["basis"], "subject": {"age": 30}}
        )
    rows = await service.sql("SELECT basis_sealed FROM case_decisions")
    assert len({value for (value,) in rows}) == 2

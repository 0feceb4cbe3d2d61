"""The certificate of completion: a self-contained printable page, every value escaped."""

import uuid
from datetime import date

from identification_svc.training.certificate import CertificateFacts, render

FACTS = CertificateFacts(
    participant_id=uuid.uuid4(),
    name='Ana <script>alert("x")</script> Pop',
    held_on=date(2026, 11, 20),
    county="RO-IS",
    catalogue_version=1,
    instrument_versions=[("initial", 1)],
    trainers=["Maria & Ion"],
    issued_on=date(2026, 12, 3),
)


def test_the_page_names_the_person_and_what_was_taught_with_every_value_escaped() -> None:
    page = render(FACTS, "en")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    assert "Ana &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Pop" in page
    assert "Maria &amp; Ion" in page
    for text in ("Certificate of completion", "Iași", "version 1", "initial version 1"):
        assert text in page
    assert str(FACTS.participant_id) in page
    assert "2026-11-20" in page
    assert "http" not in page  # nothing fetched from anywhere


def test_in_romanian_and_online() -> None:
    page = render(
        CertificateFacts(**{**FACTS.__dict__, "county": None, "instrument_versions": []}), "ro"
    )
    assert '<html lang="ro">' in page
    assert "Certificat de absolvire" in page
    assert "<dd>Online</dd>" in page
    assert "Instrumente" not in page

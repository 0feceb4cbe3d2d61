"""The certificate of completion, as a printable HTML page (pure: no database, no framework).

One self-contained page in Romanian or English: styles inline, no script, no image, no
asset fetched from anywhere, every recorded value HTML-escaped (a name is whatever a
coordinator typed). Its number is the participant record's id, so a certificate shown on
paper can be checked against the record.
"""

import html
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from shared.geo import COUNTIES

_TEXT: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "title": "Certificate of completion",
        "certifies": "This certifies that",
        "completed": (
            "completed the training on the national identification and referral mechanism "
            "for victims of trafficking in human beings."
        ),
        "held_on": "Held on",
        "place": "Place",
        "online": "Online",
        "catalogue": "Indicator catalogue taught",
        "version": "version",
        "instruments": "Risk instruments taught",
        "trainers": "Trainers",
        "number": "Certificate number",
        "issued_on": "Issued on",
    },
    "ro": {
        "title": "Certificat de absolvire",
        "certifies": "Se certifică faptul că",
        "completed": (
            "a absolvit instruirea privind mecanismul național de identificare și referire a "
            "victimelor traficului de persoane."
        ),
        "held_on": "Data",
        "place": "Locul",
        "online": "Online",
        "catalogue": "Catalogul de indicatori predat",
        "version": "versiunea",
        "instruments": "Instrumente de evaluare a riscului predate",
        "trainers": "Formatori",
        "number": "Numărul certificatului",
        "issued_on": "Eliberat la",
    },
}

_STYLE: Final = (
    "body{font-family:Georgia,serif;margin:0;background:#fff;color:#111}"
    "main{max-width:46rem;margin:2rem auto;padding:3rem;border:6px double #345}"
    "h1{text-align:center;font-size:2rem;margin:0 0 2rem}"
    ".name{text-align:center;font-size:1.6rem;font-weight:bold;margin:1rem 0}"
    "p{text-align:center;line-height:1.5}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem;margin-top:2rem}"
    "dt{font-weight:bold}dd{margin:0}"
    "@media print{main{margin:0 auto;border-width:4px}}"
)


@dataclass(frozen=True)
class CertificateFacts:
    participant_id: uuid.UUID
    name: str
    held_on: date
    county: str | None  # None: online
    catalogue_version: int
    instrument_versions: Sequence[tuple[str, int]]
    trainers: Sequence[str]
    issued_on: date


def render(facts: CertificateFacts, language: str) -> str:
    text = _TEXT[language]

    def row(label: str, value: str) -> str:
        return f"<dt>{_e(text[label])}</dt><dd>{_e(value)}</dd>"

    place = text["online"] if facts.county is None else COUNTIES.get(facts.county, facts.county)
    rows = [
        row("held_on", facts.held_on.isoformat()),
        row("place", place),
        row("catalogue", f"{text['version']} {facts.catalogue_version}"),
    ]
    if facts.instrument_versions:
        taught = ", ".join(f"{code} {text['version']} {v}" for code, v in facts.instrument_versions)
        rows.append(row("instruments", taught))
    if facts.trainers:
        rows.append(row("trainers", ", ".join(facts.trainers)))
    rows += [
        row("number", str(facts.participant_id)),
        row("issued_on", facts.issued_on.isoformat()),
    ]
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{_e(text['title'])}</title><style>{_STYLE}</style></head><body><main>"
        f"<h1>{_e(text['title'])}</h1>"
        f"<p>{_e(text['certifies'])}</p>"
        f'<p class="name">{_e(facts.name)}</p>'
        f"<p>{_e(text['completed'])}</p>"
        f"<dl>{''.join(rows)}</dl>"
        "</main></body></html>"
    )


def _e(value: str) -> str:
    return html.escape(value, quote=True)

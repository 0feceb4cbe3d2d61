"""Training vignettes, as data: short cases to practise screening on, with the answers and
outcome a trainer expects and a teaching note, in Romanian and English.

Each vignette is written against one catalogue version (its indicator codes are that
version's) and never changes once shipped: a practice result compares a trainee's answers
with it, and must mean the same tomorrow. A later catalogue version gets vignettes of its
own, under new codes (`V2-01`, ...). The facts a trainee reads are the story and the
subject's and context's facts; the expected answers, outcome and note are shown only with
the result of a practice screening. `tests/identification/training/test_vignettes.py`
evaluates every vignette's expected answers with the real engine and catalogue version 1,
so the expected outcome is the engine's, not a trainer's guess.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from identification_svc.screening.rules import Outcome, Population

Labels = Mapping[str, str]


@dataclass(frozen=True)
class Vignette:
    code: str
    catalogue_version: int
    title: Labels
    facts: Labels
    exploitation_forms: tuple[str, ...]
    age: int | None
    possibly_minor: bool
    gender: str
    citizenship: str | None
    setting: str
    act_recorded: bool
    # The indicators a trainer answers "yes"; every other indicator is "no".
    expected_yes: tuple[str, ...]
    expected_outcome: Outcome
    expected_population: Population
    teaching_note: Labels


def _labels(*, ro: str, en: str) -> Labels:
    return MappingProxyType({"ro": ro, "en": en})


VIGNETTES: Final[tuple[Vignette, ...]] = (
    Vignette(
        code="V1-01",
        catalogue_version=1,
        title=_labels(ro="Culesul de căpșuni", en="The strawberry harvest"),
        facts=_labels(
            ro=(
                "Un bărbat de 34 de ani se întoarce din Italia. A fost recrutat în satul lui "
                "pentru muncă la o fermă de legume, cu 1.200 de euro pe lună; a primit 150 "
                "de euro în patru luni. A muncit 14 ore pe zi, fără zile libere. La sosire, "
                "șeful i-a luat pașaportul „ca să-l păstreze”, iar când a cerut banii a "
                "fost bătut."
            ),
            en=(
                "A 34-year-old man returns from Italy. He was recruited in his village for "
                "work on a vegetable farm at 1,200 euros a month; in four months he was paid "
                "150 euros. He worked 14 hours a day with no day off. On arrival the boss "
                "took his passport 'for safekeeping', and when he asked for his money he was "
                "beaten."
            ),
        ),
        exploitation_forms=("labour",),
        age=34,
        possibly_minor=False,
        gender="male",
        citizenship="RO",
        setting="border_check",
        act_recorded=True,
        expected_yes=("DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"),
        expected_outcome="presumed_victim",
        expected_population="adult",
        teaching_note=_labels(
            ro=(
                "Recrutare înșelătoare (un indicator puternic și unul mediu), condiții de "
                "exploatare (ore excesive, plată mică) și constrângere la destinație (două "
                "indicatoare puternice): toate cele trei grupuri ale regulii 2 pentru un "
                "adult. Victimă prezumată: referiți acum."
            ),
            en=(
                "Deceptive recruitment (one strong indicator and one medium), exploitative "
                "conditions (excessive hours, low pay) and coercion at destination (two "
                "strong indicators): all three groups of rule 2 for an adult. A presumed "
                "victim: refer now."
            ),
        ),
    ),
    Vignette(
        code="V1-02",
        catalogue_version=1,
        title=_labels(ro="Hotelul care nu exista", en="The hotel that did not exist"),
        facts=_labels(
            ro=(
                "O tânără de 22 de ani a răspuns online la un anunț pentru un post de "
                "recepționeră într-un hotel din Germania. La sosire i s-a spus că hotelul nu "
                "există și că va lucra într-un club. A refuzat și a sunat la consulat chiar "
                "în prima noapte; nimeni nu a reținut-o."
            ),
            en=(
                "A 22-year-old woman answered an online advertisement for a receptionist's "
                "job in a hotel in Germany. On arrival she was told there was no hotel and "
                "that she would work in a club. She refused and called the consulate that "
                "first night; nobody held her back."
            ),
        ),
        exploitation_forms=(),
        age=22,
        possibly_minor=False,
        gender="female",
        citizenship="RO",
        setting="consulate",
        act_recorded=True,
        expected_yes=("DR.01",),
        expected_outcome="potential_victim",
        expected_population="adult",
        teaching_note=_labels(
            ro=(
                "Un singur indicator puternic nu face o dimensiune prezentă, dar este un "
                "semnal: victimă potențială. Protejați persoana, continuați evaluarea și "
                "reluați screeningul când aflați mai mult."
            ),
            en=(
                "One strong indicator alone makes no dimension present, but it is a signal: "
                "a potential victim. Protect the person, assess further and screen again "
                "when more is known."
            ),
        ),
    ),
    Vignette(
        code="V1-03",
        catalogue_version=1,
        title=_labels(ro="Muncitorul sezonier", en="The seasonal worker"),
        facts=_labels(
            ro=(
                "Un bărbat de 45 de ani lucrează la cules în alt județ, cu contract și "
                "salariu plătit. Spune că în satul lui „așa se face”, că acasă nu are de "
                "lucru și că patronul l-a amenințat că le spune consătenilor că e leneș "
                "dacă pleacă înainte de termen."
            ),
            en=(
                "A 45-year-old man picks fruit in another county, with a contract and his "
                "wages paid. He says that in his village 'this is how it is done', that there "
                "is no work at home, and that the employer threatened to tell his village he "
                "is lazy if he leaves before the end of the season."
            ),
        ),
        exploitation_forms=("labour",),
        age=45,
        possibly_minor=False,
        gender="male",
        citizenship="RO",
        setting="labour_inspection",
        act_recorded=False,
        expected_yes=("VR.15", "VR.16", "CD.15"),
        expected_outcome="no_indication",
        expected_population="adult",
        teaching_note=_labels(
            ro=(
                "Doar indicatoare slabe: niciunul nu face o dimensiune prezentă și nu există "
                "un indicator puternic. Nicio indicație de trafic din aceste răspunsuri; "
                "persoana poate avea totuși nevoie de alt sprijin."
            ),
            en=(
                "Weak indicators only: none makes a dimension present and there is no "
                "strong indicator. No trafficking indication from these answers; the person "
                "may still need other support."
            ),
        ),
    ),
    Vignette(
        code="V1-04",
        catalogue_version=1,
        title=_labels(ro="„Iubitul”", en="The 'boyfriend'"),
        facts=_labels(
            ro=(
                "O fată de 16 ani a fost dusă de „iubitul” ei într-un apartament din alt "
                "oraș. Acolo a fost pusă să întrețină relații sexuale cu bărbați, iar banii "
                "i-a luat el. Dormea pe jos, într-o cameră cu alte trei fete."
            ),
            en=(
                "A 16-year-old girl was taken by her 'boyfriend' to a flat in another town. "
                "There she was made to have sex with men, and he took the money. She slept "
                "on the floor of a room shared with three other girls."
            ),
        ),
        exploitation_forms=("sexual",),
        age=16,
        possibly_minor=False,
        gender="female",
        citizenship="RO",
        setting="police_operation",
        act_recorded=True,
        expected_yes=("EX.14", "EX.02"),
        expected_outcome="presumed_victim",
        expected_population="child",
        teaching_note=_labels(
            ro=(
                "Pentru un copil nu este nevoie de mijloace: condițiile de exploatare "
                "(un indicator puternic și unul mediu) și actul (a fost transportată) fac "
                "din ea o victimă prezumată. Referirea la protecția copilului este "
                "obligatorie; nu este nevoie de consimțământ."
            ),
            en=(
                "For a child no means is needed: exploitative conditions (one strong "
                "indicator and one medium) and the act (she was transported) make her a "
                "presumed victim. Referral to child protection is mandatory; no consent is "
                "needed."
            ),
        ),
    ),
    Vignette(
        code="V1-05",
        catalogue_version=1,
        title=_labels(ro="Băiatul de la semafor", en="The boy at the traffic lights"),
        facts=_labels(
            ro=(
                "Un băiat fără acte, care pare să aibă 13-15 ani, cerșește la o intersecție. "
                "Spune că l-a adus „unchiul” din alt județ și că seara trebuie să-i dea toți "
                "banii. Locuiește cu alți copii într-o magazie fără căldură. Vârsta lui nu "
                "poate fi stabilită."
            ),
            en=(
                "A boy without documents, who looks 13 to 15, begs at a crossroads. He says "
                "his 'uncle' brought him from another county and that every evening he must "
                "hand over all the money. He lives with other children in an unheated shed. "
                "His age cannot be established."
            ),
        ),
        exploitation_forms=("begging",),
        age=None,
        possibly_minor=True,
        gender="male",
        citizenship=None,
        setting="social_services",
        act_recorded=True,
        expected_yes=("EX.12", "EX.02"),
        expected_outcome="presumed_victim",
        expected_population="child",
        teaching_note=_labels(
            ro=(
                "Vârsta este incertă și există motive să credeți că e minor: este tratat ca "
                "un copil (Convenția Consiliului Europei, art. 10(3)). Cerșitul forțat cu "
                "predarea banilor este un indicator puternic de exploatare; cu actul "
                "înregistrat, regula pentru copil este îndeplinită."
            ),
            en=(
                "The age is uncertain and there are reasons to believe he is a minor: he is "
                "treated as a child (Council of Europe Convention, art. 10(3)). Forced "
                "begging with the proceeds handed over is a strong exploitation indicator; "
                "with the act recorded, the child rule holds."
            ),
        ),
    ),
    Vignette(
        code="V1-06",
        catalogue_version=1,
        title=_labels(ro="Clubul din Cipru", en="The club in Cyprus"),
        facts=_labels(
            ro=(
                "O femeie de 27 de ani a plecat în Cipru pentru un post de chelneriță, cu "
                "un salariu promis de 1.500 de euro. I s-au luat actele la aeroport și era "
                "ținută încuiată în apartament între ture. Spune că nu își putea alege "
                "clienții și că patronul îi lua o parte din bani. Despre celelalte condiții "
                "nu a vrut încă să vorbească."
            ),
            en=(
                "A 27-year-old woman went to Cyprus for a waitressing job at a promised "
                "1,500 euros. Her documents were taken at the airport and she was kept "
                "locked in the flat between shifts. She says she could not choose her "
                "clients and that the boss took part of her money. She did not yet want to "
                "talk about her other conditions."
            ),
        ),
        exploitation_forms=("sexual",),
        age=27,
        possibly_minor=False,
        gender="female",
        citizenship="RO",
        setting="hotline",
        act_recorded=True,
        expected_yes=("DR.01", "DR.02", "CD.01", "CD.03", "EX.10", "EX.11"),
        expected_outcome="potential_victim",
        expected_population="adult",
        teaching_note=_labels(
            ro=(
                "Recrutarea înșelătoare și constrângerea la destinație sunt prezente, dar "
                "două indicatoare medii nu fac prezente condițiile de exploatare: victimă "
                "potențială, căreia îi lipsește grupul „exploatare”. Reveniți asupra "
                "condițiilor de trai și de muncă: încă un indicator mediu ar face-o victimă "
                "prezumată."
            ),
            en=(
                "Deceptive recruitment and coercion at destination are present, but two "
                "medium indicators do not make exploitative conditions present: a potential "
                "victim, missing the 'exploitation' group. Go back to her living and working "
                "conditions: one more medium indicator would make her a presumed victim."
            ),
        ),
    ),
)

BY_CODE: Final[Mapping[str, Vignette]] = MappingProxyType({v.code: v for v in VIGNETTES})


def for_catalogue(version: int | None) -> tuple[Vignette, ...]:
    """The vignettes of one catalogue version, or all of them, in code order."""
    return tuple(v for v in VIGNETTES if version is None or v.catalogue_version == version)

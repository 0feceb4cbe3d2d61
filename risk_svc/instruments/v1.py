"""Version 1 of the risk instruments, `initial` and `pre_return`, as data (domain/risk.md):
items with their domains, weights, critical and child-only flags and labels in Romanian
and English, the domain labels, and the recommended measures with their labels.

The measure rules belong to each instrument version: a published version never changes,
so neither do the measures its stored assessments recommend. This module is the seed the
service publishes from; the scoring engine never imports it, it receives an `Instrument`
built from stored rows (`InstrumentDefinition.to_instrument()` builds the same here).

Pre-return measures: the measure table of risk.md is written for `initial`; its conditions
name the safety, re_trafficking, health, legal and child domains and SAF/LEG/CHI items,
none of which `pre_return` has. Only the generic rule carries over: any child ->
`child_protection`. A `high` pre-return level is acted on by the repatriation procedure
itself (it blocks travel), not by a measure here.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from risk_svc.assessments.scoring import (
    AnyItemYes,
    ChildAssessed,
    CriticalItemYes,
    DomainLevelAtLeast,
    Instrument,
    Item,
    MeasureRule,
)


@dataclass(frozen=True, slots=True)
class Label:
    ro: str
    en: str


@dataclass(frozen=True, slots=True)
class ItemDefinition:
    code: str
    domain: str
    weight: int
    label: Label
    critical: bool = False
    child_only: bool = False

    def to_item(self) -> Item:
        return Item(self.code, self.domain, self.weight, self.critical, self.child_only)


@dataclass(frozen=True, slots=True)
class InstrumentDefinition:
    code: str
    version: int
    label: Label
    domains: Mapping[str, Label]
    items: tuple[ItemDefinition, ...]
    measure_rules: tuple[MeasureRule, ...]

    def to_instrument(self) -> Instrument:
        return Instrument(
            self.code,
            self.version,
            tuple(item.to_item() for item in self.items),
            self.measure_rules,
        )


MEASURES: Final[Mapping[str, Label]] = {
    "secure_shelter": Label(
        ro="Găzduire într-un adăpost securizat, dacă este posibil în afara județului în care "
        "acționează exploatatorii.",
        en="Placement in a secure shelter, if possible outside the county where the exploiters "
        "operate.",
    ),
    "police_protection": Label(
        ro="Se solicită poliției măsuri de protecție; protecția martorilor, dacă persoana "
        "participă la o procedură penală.",
        en="Ask the police for protection measures; witness protection if the person takes "
        "part in criminal proceedings.",
    ),
    "victim_coordination": Label(
        ro="Programul de coordonare a victimelor al agenției naționale informează persoana pe "
        "tot parcursul procedurilor.",
        en="The national agency's victim coordination programme keeps the person informed "
        "throughout the proceedings.",
    ),
    "reintegration_plan": Label(
        ro="Plan de reintegrare: sprijin pentru formare profesională, sprijin financiar și "
        "mediere familială.",
        en="Reintegration plan: vocational training, financial support and family mediation.",
    ),
    "urgent_medical": Label(
        ro="Îngrijiri medicale sau psihiatrice urgente, chiar astăzi.",
        en="Urgent medical or psychiatric care, today.",
    ),
    "medical_psych_support": Label(
        ro="Asistență medicală și psihologică.",
        en="Medical and psychological assistance.",
    ),
    "non_removal_alert": Label(
        ro="Perioadă de reflecție: persoana nu este îndepărtată de pe teritoriul țării cât timp "
        "se desfășoară identificarea; se anunță autoritatea pentru imigrări.",
        en="Reflection period: no removal from the country while identification is under way; "
        "notify the immigration authority.",
    ),
    "non_punishment_review": Label(
        ro="Se solicită procurorului să analizeze nepedepsirea persoanei pentru faptele "
        "săvârșite în timpul exploatării.",
        en="Ask the prosecutor to consider not punishing the person for acts committed while "
        "being exploited.",
    ),
    "child_protection": Label(
        ro="Se sesizează în 24 de ore direcția generală de asistență socială și protecția "
        "copilului (DGASPC) din județ; se asigură numirea unui tutore.",
        en="Notify the county child-protection service (DGASPC) within 24 hours; make sure a "
        "guardian is appointed.",
    ),
    "emergency_placement": Label(
        ro="Plasament în regim de urgență, dispus de serviciul de protecție a copilului.",
        en="Emergency placement by the child-protection service.",
    ),
}


INITIAL: Final = InstrumentDefinition(
    code="initial",
    version=1,
    label=Label(ro="Evaluarea inițială a riscului", en="Initial risk assessment"),
    domains={
        "safety": Label(ro="Siguranță", en="Safety"),
        "re_trafficking": Label(ro="Risc de retraficare", en="Risk of re-trafficking"),
        "health": Label(ro="Sănătate", en="Health"),
        "legal": Label(ro="Situație juridică", en="Legal situation"),
        "child": Label(ro="Riscuri specifice copilului", en="Child-specific risks"),
    },
    items=(
        ItemDefinition(
            "SAF-01",
            "safety",
            3,
            Label(
                ro="Exploatatorii știu unde se află persoana în prezent.",
                en="The exploiters know where the person is now.",
            ),
        ),
        ItemDefinition(
            "SAF-02",
            "safety",
            3,
            Label(
                ro="Persoana a fost amenințată după ce a ieșit din situația de exploatare.",
                en="The person has been threatened since leaving the exploitation.",
            ),
            critical=True,
        ),
        ItemDefinition(
            "SAF-03",
            "safety",
            3,
            Label(
                ro="Membri ai familiei persoanei au fost amenințați sau vătămați.",
                en="Members of the person's family have been threatened or harmed.",
            ),
        ),
        ItemDefinition(
            "SAF-04",
            "safety",
            2,
            Label(
                ro="Cel puțin un exploatator este în libertate (nu este reținut sau arestat).",
                en="At least one exploiter is at large (not in custody).",
            ),
        ),
        ItemDefinition(
            "SAF-05",
            "safety",
            2,
            Label(
                ro="Exploatatorii fac parte dintr-un grup infracțional organizat.",
                en="The exploiters belong to an organised criminal group.",
            ),
        ),
        ItemDefinition(
            "SAF-06",
            "safety",
            1,
            Label(
                ro="Persoana este martor sau persoană vătămată într-o procedură penală.",
                en="The person is a witness or an injured party in criminal proceedings.",
            ),
        ),
        ItemDefinition(
            "SAF-07",
            "safety",
            2,
            Label(
                ro="Persoana datorează bani recrutorului sau exploatatorilor.",
                en="The person owes money to the recruiter or the exploiters.",
            ),
        ),
        ItemDefinition(
            "RET-01",
            "re_trafficking",
            3,
            Label(
                ro="Persoana a mai fost traficată sau exploatată în trecut.",
                en="The person has been trafficked or exploited before.",
            ),
        ),
        ItemDefinition(
            "RET-02",
            "re_trafficking",
            2,
            Label(
                ro="Persoana nu are o locuință sigură.",
                en="The person has no safe accommodation.",
            ),
        ),
        ItemDefinition(
            "RET-03",
            "re_trafficking",
            2,
            Label(
                ro="Persoana nu are venituri sau alte mijloace de subzistență.",
                en="The person has no income or other means of subsistence.",
            ),
        ),
        ItemDefinition(
            "RET-04",
            "re_trafficking",
            3,
            Label(
                ro="Persoana este încă în legătură cu recrutorul sau cu exploatatorii.",
                en="The person is still in contact with the recruiter or the exploiters.",
            ),
        ),
        ItemDefinition(
            "RET-05",
            "re_trafficking",
            2,
            Label(
                ro="Persoana dorește să se întoarcă la același angajator, în același loc sau la "
                "același „partener”.",
                en="The person wishes to go back to the same employer, place or “partner”.",
            ),
        ),
        ItemDefinition(
            "RET-06",
            "re_trafficking",
            2,
            Label(
                ro="Familia respinge persoana sau a fost implicată în recrutarea acesteia.",
                en="The person's family rejects them or was involved in their recruitment.",
            ),
        ),
        ItemDefinition(
            "HEA-01",
            "health",
            3,
            Label(
                ro="Persoana are o leziune sau o afecțiune care necesită îngrijiri medicale "
                "urgente.",
                en="The person has an injury or a condition that needs urgent medical care.",
            ),
            critical=True,
        ),
        ItemDefinition(
            "HEA-02",
            "health",
            3,
            Label(
                ro="Persoana are gânduri de sinucidere sau de autovătămare.",
                en="The person has thoughts of suicide or of harming themselves.",
            ),
            critical=True,
        ),
        ItemDefinition(
            "HEA-03",
            "health",
            2,
            Label(
                ro="Persoana este însărcinată.",
                en="The person is pregnant.",
            ),
        ),
        ItemDefinition(
            "HEA-04",
            "health",
            2,
            Label(
                ro="Persoana are o dependență de alcool, droguri sau alte substanțe.",
                en="The person is dependent on alcohol, drugs or other substances.",
            ),
        ),
        ItemDefinition(
            "HEA-05",
            "health",
            2,
            Label(
                ro="Persoana are o boală cronică sau infecțioasă netratată.",
                en="The person has a chronic or infectious disease that is not being treated.",
            ),
        ),
        ItemDefinition(
            "LEG-01",
            "legal",
            1,
            Label(
                ro="Persoana nu are acte de identitate sau documente de călătorie.",
                en="The person has no identity or travel documents.",
            ),
        ),
        ItemDefinition(
            "LEG-02",
            "legal",
            3,
            Label(
                ro="Persoana se află în ședere ilegală și riscă să fie îndepărtată de pe "
                "teritoriul țării.",
                en="The person is staying irregularly and is at risk of removal from the country.",
            ),
        ),
        ItemDefinition(
            "LEG-03",
            "legal",
            2,
            Label(
                ro="Persoana este cercetată sau acuzată pentru fapte săvârșite în timp ce era "
                "exploatată.",
                en="The person is under investigation or has been charged for acts committed "
                "while being exploited.",
            ),
        ),
        ItemDefinition(
            "CHI-01",
            "child",
            3,
            Label(
                ro="Copilul este neînsoțit sau separat de părinți ori de reprezentantul legal.",
                en="The child is unaccompanied or separated from their parents or legal guardian.",
            ),
            critical=True,
            child_only=True,
        ),
        ItemDefinition(
            "CHI-02",
            "child",
            3,
            Label(
                ro="Un părinte sau tutorele copilului este suspectat că este implicat în trafic "
                "sau în exploatare.",
                en="A parent or guardian of the child is suspected of being involved in the "
                "trafficking or exploitation.",
            ),
            critical=True,
            child_only=True,
        ),
        ItemDefinition(
            "CHI-03",
            "child",
            3,
            Label(
                ro="Copilul a mai dispărut în trecut de acasă sau dintr-un serviciu de protecție.",
                en="The child has gone missing from home or from care before.",
            ),
            child_only=True,
        ),
        ItemDefinition(
            "CHI-04",
            "child",
            2,
            Label(
                ro="Copilului nu i s-a numit un tutore sau un reprezentant legal.",
                en="No legal guardian or representative has been appointed for the child.",
            ),
            child_only=True,
        ),
    ),
    measure_rules=(
        MeasureRule("secure_shelter", DomainLevelAtLeast("safety", "high")),
        MeasureRule("police_protection", DomainLevelAtLeast("safety", "high")),
        MeasureRule("victim_coordination", AnyItemYes(("SAF-06",))),
        MeasureRule("reintegration_plan", DomainLevelAtLeast("re_trafficking", "medium")),
        MeasureRule("urgent_medical", CriticalItemYes("health")),
        MeasureRule("medical_psych_support", DomainLevelAtLeast("health", "medium")),
        MeasureRule("non_removal_alert", AnyItemYes(("LEG-02",))),
        MeasureRule("non_punishment_review", AnyItemYes(("LEG-03",))),
        MeasureRule("child_protection", ChildAssessed()),
        MeasureRule("emergency_placement", AnyItemYes(("CHI-01", "CHI-02"))),
    ),
)


PRE_RETURN: Final = InstrumentDefinition(
    code="pre_return",
    version=1,
    label=Label(
        ro="Evaluarea riscului înainte de întoarcere",
        en="Risk assessment before return",
    ),
    domains={"return": Label(ro="Riscuri la întoarcere", en="Risks on return")},
    items=(
        ItemDefinition(
            "PRR-01",
            "return",
            3,
            Label(
                ro="Exploatatorii sau asociații acestora acționează în locul de întoarcere.",
                en="The exploiters or their associates are active at the place of return.",
            ),
            critical=True,
        ),
        ItemDefinition(
            "PRR-02",
            "return",
            3,
            Label(
                ro="Familia din locul de întoarcere a fost implicată în traficarea persoanei.",
                en="The family at the place of return was involved in the trafficking.",
            ),
            critical=True,
        ),
        ItemDefinition(
            "PRR-03",
            "return",
            2,
            Label(
                ro="Familia nu vrea sau nu poate să primească persoana.",
                en="The family is unwilling or unable to receive the person.",
            ),
        ),
        ItemDefinition(
            "PRR-04",
            "return",
            2,
            Label(
                ro="În locul de întoarcere nu este disponibil niciun furnizor de asistență.",
                en="No assistance provider is available at the place of return.",
            ),
        ),
        ItemDefinition(
            "PRR-05",
            "return",
            1,
            Label(
                ro="Persoana riscă să fie stigmatizată sau respinsă de comunitate.",
                en="The person risks stigma or rejection by the community.",
            ),
        ),
        ItemDefinition(
            "PRR-06",
            "return",
            2,
            Label(
                ro="Persoana are datorii față de recrutori în locul de întoarcere.",
                en="The person has debts to recruiters at the place of return.",
            ),
        ),
        ItemDefinition(
            "PRR-07",
            "return",
            2,
            Label(
                ro="Persoana are nevoie de îngrijiri medicale pe durata călătoriei sau la sosire.",
                en="The person needs medical care during the journey or on arrival.",
            ),
        ),
        ItemDefinition(
            "PRR-08",
            "return",
            3,
            Label(
                ro="Persoana nu dorește să se întoarcă.",
                en="The person does not want to return.",
            ),
            critical=True,
        ),
    ),
    measure_rules=(MeasureRule("child_protection", ChildAssessed()),),
)


INSTRUMENTS: Final[tuple[InstrumentDefinition, ...]] = (INITIAL, PRE_RETURN)

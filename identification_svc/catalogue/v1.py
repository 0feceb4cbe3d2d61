"""Indicator catalogue version 1, as data.

Owns the content of the first published catalogue: the 72 indicators of the national
indicator set (the ILO/EC "Operational indicators of trafficking in human beings" lists for
labour, with the national additions for sexual exploitation, begging and criminal
activities), each with its dimension, its strength under every screening profile, and a
Romanian and English label and line of guidance for the practitioner who asks the question.

A published catalogue never changes (a change is a new version), so this module is only the
seed of version 1: the service writes these rows once and reads them back from its database.
The screening engine does not import this module; it evaluates whatever rows a screening
pinned.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

VERSION: Final = 1

DIMENSIONS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "DR": MappingProxyType(
            {
                "ro": "Recrutare prin înșelăciune (inclusiv transfer și transport)",
                "en": "Deceptive recruitment (including transfer and transport)",
            }
        ),
        "CR": MappingProxyType(
            {
                "ro": "Recrutare prin constrângere",
                "en": "Coercive recruitment",
            }
        ),
        "VR": MappingProxyType(
            {
                "ro": "Recrutare prin abuz de vulnerabilitate",
                "en": "Recruitment by abuse of vulnerability",
            }
        ),
        "EX": MappingProxyType(
            {
                "ro": "Condiții de exploatare",
                "en": "Exploitative conditions",
            }
        ),
        "CD": MappingProxyType(
            {
                "ro": "Constrângere la destinație",
                "en": "Coercion at destination",
            }
        ),
        "VD": MappingProxyType(
            {
                "ro": "Abuz de vulnerabilitate la destinație",
                "en": "Abuse of vulnerability at destination",
            }
        ),
    }
)


@dataclass(frozen=True)
class IndicatorDefinition:
    """One catalogue row: what is asked, where it counts and how much, per profile."""

    code: str
    dimension: str
    strengths: Mapping[str, str | None]
    label: Mapping[str, str]
    guidance: Mapping[str, str]


# The marks are written in the column order of the published table (indicators.md), so a
# reviewer can compare a row with the table at a glance.
_MARK_COLUMNS: Final = ("AL", "CL", "AS", "CS")
_STRENGTH_OF_MARK: Final[Mapping[str, str | None]] = {
    "S": "strong",
    "M": "medium",
    "W": "weak",
    "—": None,
}


def _define(
    code: str, marks: str, *, en: tuple[str, str], ro: tuple[str, str]
) -> IndicatorDefinition:
    strengths = {
        profile: _STRENGTH_OF_MARK[mark]
        for profile, mark in zip(_MARK_COLUMNS, marks.split(), strict=True)
    }
    return IndicatorDefinition(
        code=code,
        dimension=code.split(".", 1)[0],
        strengths=MappingProxyType(strengths),
        label=MappingProxyType({"ro": ro[0], "en": en[0]}),
        guidance=MappingProxyType({"ro": ro[1], "en": en[1]}),
    )


INDICATORS_V1: Final[tuple[IndicatorDefinition, ...]] = (
    # DR — deceptive recruitment (including transfer and transport)
    _define(
        "DR.01",
        "S S S S",
        en=(
            "Deceived about the nature of the job, the location or the employer",
            "Ask what job, place and employer the person was promised and compare it with "
            "what they actually found on arrival.",
        ),
        ro=(
            "Înșelăciune privind natura muncii, locul sau angajatorul",
            "Întrebați ce muncă, ce loc și ce angajator i s-au promis persoanei și comparați "
            "cu ceea ce a găsit de fapt la sosire.",
        ),
    ),
    _define(
        "DR.02",
        "M M M M",
        en=(
            "Deceived about wages or earnings",
            "Ask how much the person was told they would earn and how, and whether they were "
            "actually paid that.",
        ),
        ro=(
            "Înșelăciune privind salariul sau câștigurile",
            "Întrebați cât și în ce mod i s-a spus persoanei că va câștiga și dacă a primit de "
            "fapt acești bani.",
        ),
    ),
    _define(
        "DR.03",
        "M M M M",
        en=(
            "Deceived about the conditions of work (for sexual exploitation: the conditions "
            "of prostitution)",
            "Ask what hours, tasks, rest and safety were promised (for sexual exploitation: "
            "what the person was told about clients, acts and earnings) and what the reality "
            "was.",
        ),
        ro=(
            "Înșelăciune privind condițiile de muncă (pentru exploatarea sexuală: condițiile "
            "prostituției)",
            "Întrebați ce program, sarcini, odihnă și siguranță i s-au promis (pentru "
            "exploatarea sexuală: ce i s-a spus despre clienți, acte și câștiguri) și cum a "
            "fost în realitate.",
        ),
    ),
    _define(
        "DR.04",
        "M M M M",
        en=(
            "Deceived about the content or legality of the contract",
            "Ask whether the person signed or was shown a contract in a language they "
            "understand, and whether it turned out different, void or never registered.",
        ),
        ro=(
            "Înșelăciune privind conținutul sau legalitatea contractului",
            "Întrebați dacă persoana a semnat sau a văzut un contract într-o limbă pe care o "
            "înțelege și dacă acesta s-a dovedit diferit, nul sau neînregistrat.",
        ),
    ),
    _define(
        "DR.05",
        "M M M M",
        en=(
            "Deceived about housing and living conditions",
            "Ask where the person was told they would live and at what cost, and compare it "
            "with where and how they actually lived.",
        ),
        ro=(
            "Înșelăciune privind locuința și condițiile de trai",
            "Întrebați unde i s-a spus persoanei că va locui și cu ce costuri și comparați cu "
            "locul și condițiile în care a trăit de fapt.",
        ),
    ),
    _define(
        "DR.06",
        "M M M M",
        en=(
            "Deceived about documents or migration status",
            "Ask what the person was told about visas, work permits or identity papers, and "
            "whether these turned out to be false, missing or not valid for work.",
        ),
        ro=(
            "Înșelăciune privind documentele sau situația legală de ședere",
            "Întrebați ce i s-a spus persoanei despre vize, permise de muncă sau acte de "
            "identitate și dacă acestea s-au dovedit false, inexistente sau nevalabile pentru "
            "muncă.",
        ),
    ),
    _define(
        "DR.07",
        "M M M M",
        en=(
            "Deceived about travel and recruitment conditions",
            "Ask who organised and paid for the journey and the recruitment, what it was "
            "supposed to cost, and whether unexpected fees or debts appeared.",
        ),
        ro=(
            "Înșelăciune privind condițiile de călătorie și de recrutare",
            "Întrebați cine a organizat și a plătit călătoria și recrutarea, cât trebuia să "
            "coste și dacă au apărut taxe sau datorii neprevăzute.",
        ),
    ),
    _define(
        "DR.08",
        "M M M M",
        en=(
            "Deceived about family reunification",
            "Ask whether the person was promised that they would join family members, or be "
            "joined by them, and whether that promise was kept.",
        ),
        ro=(
            "Înșelăciune privind reîntregirea familiei",
            "Întrebați dacă persoanei i s-a promis că se va reuni cu membri ai familiei sau că "
            "aceștia o vor urma și dacă promisiunea a fost respectată.",
        ),
    ),
    _define(
        "DR.09",
        "M M M M",
        en=(
            "Deceived through promises of marriage or adoption",
            "Ask whether a partner, a fiancé or a would-be adoptive family persuaded the "
            "person to leave, and what happened after arrival.",
        ),
        ro=(
            "Înșelăciune prin promisiuni de căsătorie sau de adopție",
            "Întrebați dacă un partener, un logodnic sau o presupusă familie adoptivă a convins "
            "persoana să plece și ce s-a întâmplat după sosire.",
        ),
    ),
    _define(
        "DR.10",
        "W S W S",
        en=(
            "Deceived about access to education",
            "Ask whether schooling, training or an apprenticeship was promised, and whether "
            "the person has actually been able to attend.",
        ),
        ro=(
            "Înșelăciune privind accesul la educație",
            "Întrebați dacă i s-au promis școlarizare, formare sau ucenicie și dacă persoana a "
            "putut de fapt să le urmeze.",
        ),
    ),
    # CR — coercive recruitment
    _define(
        "CR.01",
        "S S S S",
        en=(
            "Violence on the person during recruitment or travel",
            "Ask whether the person was hit, hurt or sexually assaulted to make them leave, "
            "travel or accept the job, and look for injuries.",
        ),
        ro=(
            "Violență asupra persoanei în timpul recrutării sau al călătoriei",
            "Întrebați dacă persoana a fost lovită, rănită sau agresată sexual pentru a o face "
            "să plece, să călătorească sau să accepte munca și observați eventualele leziuni.",
        ),
    ),
    _define(
        "CR.02",
        "M S M S",
        en=(
            "Threats of violence against the person during recruitment or travel",
            "Ask whether anyone threatened to harm the person if they refused to go or tried "
            "to turn back.",
        ),
        ro=(
            "Amenințări cu violența împotriva persoanei în timpul recrutării sau al călătoriei",
            "Întrebați dacă cineva a amenințat că îi va face rău persoanei dacă refuză să plece "
            "sau dacă încearcă să renunțe.",
        ),
    ),
    _define(
        "CR.03",
        "M S M S",
        en=(
            "Abduction, forced marriage, forced adoption or sale of the person",
            "Ask whether the person was taken against their will, married or adopted without "
            "free consent, or handed over to someone in exchange for money or goods.",
        ),
        ro=(
            "Răpire, căsătorie forțată, adopție forțată sau vânzarea persoanei",
            "Întrebați dacă persoana a fost luată împotriva voinței sale, căsătorită sau "
            "adoptată fără consimțământ liber ori predată cuiva în schimbul unor bani sau "
            "bunuri.",
        ),
    ),
    _define(
        "CR.04",
        "M S M S",
        en=(
            "Debt bondage arising from recruitment or travel",
            "Ask whether the person started the journey owing money to the recruiter or the "
            "transporter, and whether that debt is used to make them accept the work.",
        ),
        ro=(
            "Servitute pentru datorii născute din recrutare sau călătorie",
            "Întrebați dacă persoana a pornit la drum datorând bani recrutorului sau "
            "transportatorului și dacă datoria este folosită pentru a o obliga să accepte "
            "munca.",
        ),
    ),
    _define(
        "CR.05",
        "M M M M",
        en=(
            "Confiscation of documents during recruitment or travel",
            "Ask whether the recruiter or anyone on the journey took the person's passport or "
            "identity card, and whether they got it back.",
        ),
        ro=(
            "Confiscarea documentelor în timpul recrutării sau al călătoriei",
            "Întrebați dacă recrutorul sau altcineva pe parcursul călătoriei i-a luat "
            "persoanei pașaportul ori cartea de identitate și dacă i le-a restituit.",
        ),
    ),
    _define(
        "CR.06",
        "M M M M",
        en=(
            "Isolation, confinement or surveillance during recruitment or travel",
            "Ask whether the person was locked in, watched or kept from contacting anyone "
            "while being recruited or transported.",
        ),
        ro=(
            "Izolare, sechestrare sau supraveghere în timpul recrutării sau al călătoriei",
            "Întrebați dacă persoana a fost încuiată, păzită sau împiedicată să ia legătura cu "
            "cineva în timpul recrutării sau al transportului.",
        ),
    ),
    _define(
        "CR.07",
        "M M M M",
        en=(
            "Threat of denunciation to the authorities during recruitment or travel",
            "Ask whether the person was told they would be reported to the police or to "
            "immigration, or deported, if they did not comply.",
        ),
        ro=(
            "Amenințarea cu denunțarea la autorități în timpul recrutării sau al călătoriei",
            "Întrebați dacă i s-a spus persoanei că va fi denunțată poliției sau autorităților "
            "de imigrări ori expulzată dacă nu se supune.",
        ),
    ),
    _define(
        "CR.08",
        "M M M M",
        en=(
            "Threat to inform the family, the community or the public during recruitment or travel",
            "Ask whether the person was threatened with having photos, their activities or "
            "their situation revealed to their family, their community or online.",
        ),
        ro=(
            "Amenințarea cu informarea familiei, a comunității sau a publicului în timpul "
            "recrutării sau al călătoriei",
            "Întrebați dacă persoana a fost amenințată că fotografii, activitățile ori situația "
            "sa vor fi dezvăluite familiei, comunității sau pe internet.",
        ),
    ),
    _define(
        "CR.09",
        "M M M M",
        en=(
            "Violence or threats against the family during recruitment or travel",
            "Ask whether relatives were harmed or threatened to make the person leave or "
            "accept the offer.",
        ),
        ro=(
            "Violență sau amenințări împotriva familiei în timpul recrutării sau al călătoriei",
            "Întrebați dacă rudele persoanei au fost agresate sau amenințate pentru ca "
            "persoana să plece ori să accepte oferta.",
        ),
    ),
    _define(
        "CR.10",
        "M M M M",
        en=(
            "Withholding of money during recruitment or travel",
            "Ask whether the recruiter kept the person's money, savings or advance payments "
            "so that they could not refuse or go back.",
        ),
        ro=(
            "Reținerea banilor în timpul recrutării sau al călătoriei",
            "Întrebați dacă recrutorul a păstrat banii, economiile sau avansurile persoanei "
            "astfel încât aceasta să nu poată refuza sau să nu se poată întoarce.",
        ),
    ),
    # VR — recruitment by abuse of vulnerability
    _define(
        "VR.01",
        "M M M M",
        en=(
            "Abuse of a difficult family situation",
            "Ask whether the recruiter knew of and used family problems such as violence, "
            "illness, debts or pressure from a relative to persuade the person.",
        ),
        ro=(
            "Profitarea de o situație familială dificilă",
            "Întrebați dacă recrutorul cunoștea și a folosit probleme familiale precum "
            "violența, boala, datoriile sau presiunea unei rude pentru a convinge persoana.",
        ),
    ),
    _define(
        "VR.02",
        "M M M M",
        en=(
            "Abuse of irregular status",
            "Ask whether the person lacked the right to stay or to work, and whether the "
            "recruiter used that to impose the offer or its terms.",
        ),
        ro=(
            "Profitarea de șederea ilegală",
            "Întrebați dacă persoana nu avea drept de ședere sau de muncă și dacă recrutorul a "
            "folosit acest lucru pentru a impune oferta sau condițiile ei.",
        ),
    ),
    _define(
        "VR.03",
        "M M M M",
        en=(
            "Abuse of lack of education or of the language",
            "Check whether the person can read, write and understand the language of the "
            "contract or of the country, and whether the recruiter took advantage of that.",
        ),
        ro=(
            "Profitarea de lipsa educației sau de necunoașterea limbii",
            "Verificați dacă persoana știe să citească, să scrie și înțelege limba contractului "
            "sau a țării și dacă recrutorul a profitat de acest lucru.",
        ),
    ),
    _define(
        "VR.04",
        "M M M M",
        en=(
            "Abuse of lack of information",
            "Ask what the person knew before leaving about the destination country, its wages, "
            "rights and services, and who was their only source of information.",
        ),
        ro=(
            "Profitarea de lipsa de informare",
            "Întrebați ce știa persoana, înainte de plecare, despre țara de destinație, "
            "salarii, drepturi și servicii și cine era singura sa sursă de informații.",
        ),
    ),
    _define(
        "VR.05",
        "M M M M",
        en=(
            "Control by exploiters",
            "Ask whether the recruiters already controlled parts of the person's life, such as "
            "housing, money, phone or contacts, before the departure.",
        ),
        ro=(
            "Controlul exercitat de exploatatori",
            "Întrebați dacă recrutorii controlau deja, înainte de plecare, aspecte din viața "
            "persoanei, precum locuința, banii, telefonul sau contactele.",
        ),
    ),
    _define(
        "VR.06",
        "M M M M",
        en=(
            "Economic hardship used for recruitment",
            "Ask whether poverty, unemployment or debt left the person little choice but to "
            "accept the offer.",
        ),
        ro=(
            "Dificultăți economice folosite la recrutare",
            "Întrebați dacă sărăcia, șomajul sau datoriile i-au lăsat persoanei puține "
            "alternative în afară de a accepta oferta.",
        ),
    ),
    _define(
        "VR.07",
        "M M M M",
        en=(
            "False information about successful migration",
            "Ask whether the person was shown stories, photos or examples of others who "
            "supposedly grew rich abroad, to persuade them to go.",
        ),
        ro=(
            "Informații false despre reușita migrației",
            "Întrebați dacă persoanei i s-au arătat povești, fotografii sau exemple ale altora "
            "care s-ar fi îmbogățit în străinătate, pentru a o convinge să plece.",
        ),
    ),
    _define(
        "VR.08",
        "M — M —",
        en=(
            "False information about the law and the authorities",
            "Ask what the person was told about the police, the law or their rights, for "
            "instance that the police are corrupt or that they would be jailed for working.",
        ),
        ro=(
            "Informații false despre lege și autorități",
            "Întrebați ce i s-a spus persoanei despre poliție, lege sau drepturile sale, de "
            "exemplu că poliția este coruptă sau că va fi închisă pentru că a muncit.",
        ),
    ),
    _define(
        "VR.09",
        "M M M M",
        en=(
            "Family situation at recruitment",
            "Ask about the person's family responsibilities and circumstances, such as "
            "children to support, a sick relative, or the loss of a parent or partner.",
        ),
        ro=(
            "Situația familială la recrutare",
            "Întrebați despre responsabilitățile și situația familială a persoanei, de exemplu "
            "copii de întreținut, o rudă bolnavă sau pierderea unui părinte ori partener.",
        ),
    ),
    _define(
        "VR.10",
        "M M M M",
        en=(
            "Personal situation at recruitment",
            "Note personal circumstances that made the person easier to recruit, such as "
            "disability, illness, addiction, homelessness or pregnancy.",
        ),
        ro=(
            "Situația personală la recrutare",
            "Notați împrejurările personale care au făcut persoana mai ușor de recrutat, "
            "precum dizabilitatea, boala, dependența, lipsa locuinței sau sarcina.",
        ),
    ),
    _define(
        "VR.11",
        "M M M M",
        en=(
            "Psychological and emotional dependency",
            "Ask whether the person was emotionally attached to or dependent on the recruiter, "
            "for example a partner, a relative or a supposed lover who promised a life "
            "together.",
        ),
        ro=(
            "Dependență psihologică și emoțională",
            "Întrebați dacă persoana era atașată sau dependentă emoțional de recrutor, de "
            "exemplu un partener, o rudă sau un presupus iubit care i-a promis o viață "
            "împreună.",
        ),
    ),
    _define(
        "VR.12",
        "M M M M",
        en=(
            "Relationship with the authorities or legal status at recruitment",
            "Ask whether fear of the authorities, a criminal record, a pending case or an "
            "uncertain legal status made the person accept the offer.",
        ),
        ro=(
            "Relația cu autoritățile sau statutul juridic la recrutare",
            "Întrebați dacă teama de autorități, cazierul, un proces în curs sau un statut "
            "juridic incert au determinat persoana să accepte oferta.",
        ),
    ),
    _define(
        "VR.13",
        "M M M M",
        en=(
            "Difficulties in the past used for recruitment",
            "Ask, with care, about earlier abuse, time in institutional care, violence or "
            "exploitation that may have been used to recruit the person.",
        ),
        ro=(
            "Dificultăți din trecut folosite la recrutare",
            "Întrebați, cu grijă, despre abuzuri, perioade de instituționalizare, violență sau "
            "exploatare din trecut care ar fi putut fi folosite la recrutarea persoanei.",
        ),
    ),
    _define(
        "VR.14",
        "M M M M",
        en=(
            "Difficulty organising the travel",
            "Ask whether the person could have travelled alone or depended entirely on the "
            "recruiter for tickets, documents, route and money.",
        ),
        ro=(
            "Dificultatea de a-și organiza călătoria",
            "Întrebați dacă persoana ar fi putut călători singură sau a depins în întregime de "
            "recrutor pentru bilete, documente, traseu și bani.",
        ),
    ),
    _define(
        "VR.15",
        "W M W M",
        en=(
            "Abuse of cultural or religious beliefs",
            "Ask whether rituals, oaths, curses, religious duties or family honour were used "
            "to bind the person to the recruiter.",
        ),
        ro=(
            "Profitarea de convingeri culturale sau religioase",
            "Întrebați dacă ritualuri, jurăminte, blesteme, obligații religioase sau onoarea "
            "familiei au fost folosite pentru a lega persoana de recrutor.",
        ),
    ),
    _define(
        "VR.16",
        "W M W M",
        en=(
            "General context in the place of origin",
            "Note the wider circumstances in the place of origin, such as conflict, natural "
            "disaster, discrimination or a community where such recruitment is common.",
        ),
        ro=(
            "Contextul general din locul de origine",
            "Notați contextul mai larg din locul de origine, precum conflicte, dezastre "
            "naturale, discriminare sau o comunitate în care astfel de recrutări sunt "
            "frecvente.",
        ),
    ),
    # EX — exploitative conditions
    _define(
        "EX.01",
        "S S M M",
        en=(
            "Excessive working days or hours",
            "Ask how many hours a day and days a week the person works or worked, and whether "
            "they could take breaks, days off or sick leave.",
        ),
        ro=(
            "Zile sau ore de muncă excesive",
            "Întrebați câte ore pe zi și câte zile pe săptămână lucrează sau a lucrat persoana "
            "și dacă putea lua pauze, zile libere sau concediu medical.",
        ),
    ),
    _define(
        "EX.02",
        "M M M M",
        en=(
            "Bad living conditions",
            "Ask where and with how many people the person sleeps, and whether they have "
            "enough food, water, heating, hygiene and privacy.",
        ),
        ro=(
            "Condiții de trai precare",
            "Întrebați unde și cu câte persoane doarme persoana și dacă are suficientă hrană, "
            "apă, căldură, igienă și intimitate.",
        ),
    ),
    _define(
        "EX.03",
        "M M M M",
        en=(
            "Hazardous work",
            "Ask whether the work exposes the person to dangerous machines, chemicals, "
            "heights, extreme temperatures or unsafe sexual practices, without protection or "
            "training.",
        ),
        ro=(
            "Muncă periculoasă",
            "Întrebați dacă munca expune persoana la utilaje periculoase, substanțe chimice, "
            "lucru la înălțime, temperaturi extreme sau practici sexuale nesigure, fără "
            "protecție ori instruire.",
        ),
    ),
    _define(
        "EX.04",
        "M M M M",
        en=(
            "Low or no pay",
            "Ask how much the person is actually paid, how often and into whose hands, and "
            "compare it with the hours worked and the local minimum wage.",
        ),
        ro=(
            "Plată redusă sau absentă",
            "Întrebați cât este plătită efectiv persoana, cât de des și cui se dau banii și "
            "comparați cu orele lucrate și cu salariul minim local.",
        ),
    ),
    _define(
        "EX.05",
        "M M M M",
        en=(
            "Labour law or the signed contract not respected",
            "Compare the person's actual duties, pay, hours and leave with the contract and "
            "with the labour law of the country where they work.",
        ),
        ro=(
            "Nerespectarea legislației muncii sau a contractului semnat",
            "Comparați sarcinile, plata, programul și concediul efective ale persoanei cu "
            "contractul și cu legislația muncii din țara în care lucrează.",
        ),
    ),
    _define(
        "EX.06",
        "M — M —",
        en=(
            "No social protection",
            "Ask whether the person is registered for social security, health insurance and "
            "pension, or works entirely undeclared.",
        ),
        ro=(
            "Lipsa protecției sociale",
            "Întrebați dacă persoana este înregistrată pentru asigurări sociale, de sănătate și "
            "pensie sau lucrează complet nedeclarat.",
        ),
    ),
    _define(
        "EX.07",
        "M M M M",
        en=(
            "Very bad working conditions",
            "Ask about humiliation, lack of drinking water or toilets, lack of protective "
            "equipment and any other degrading treatment at work.",
        ),
        ro=(
            "Condiții de muncă foarte grele",
            "Întrebați despre umilințe, lipsa apei potabile sau a toaletelor, lipsa "
            "echipamentului de protecție și orice alt tratament degradant la locul de muncă.",
        ),
    ),
    _define(
        "EX.08",
        "M M M M",
        en=(
            "Wage manipulation",
            "Ask whether fines, deductions for food, housing, transport or tools, or "
            "unexplained calculations reduce the pay to little or nothing.",
        ),
        ro=(
            "Manipularea salariului",
            "Întrebați dacă amenzi, rețineri pentru hrană, cazare, transport sau unelte ori "
            "calcule neexplicate reduc plata la foarte puțin sau la nimic.",
        ),
    ),
    _define(
        "EX.09",
        "W M W M",
        en=(
            "No access to education",
            "Ask whether the person, above all a child, goes to school or training, and what "
            "prevents them from going.",
        ),
        ro=(
            "Lipsa accesului la educație",
            "Întrebați dacă persoana, mai ales un copil, merge la școală sau la cursuri de "
            "formare și ce o împiedică să meargă.",
        ),
    ),
    _define(
        "EX.10",
        "— — M S",
        en=(
            "No choice of clients or of sexual acts",
            "Ask whether the person can refuse a client, a sexual act or unprotected sex, and "
            "what happens if they refuse.",
        ),
        ro=(
            "Lipsa posibilității de a alege clienții sau actele sexuale",
            "Întrebați dacă persoana poate refuza un client, un act sexual sau un contact "
            "sexual neprotejat și ce se întâmplă dacă refuză.",
        ),
    ),
    _define(
        "EX.11",
        "— — M S",
        en=(
            "Earnings taken by the exploiters",
            "Ask who collects the money paid by clients and how much of it, if anything, the "
            "person is allowed to keep.",
        ),
        ro=(
            "Câștigurile luate de exploatatori",
            "Întrebați cine încasează banii plătiți de clienți și cât din ei, dacă ceva, are "
            "voie persoana să păstreze.",
        ),
    ),
    _define(
        "EX.12",
        "S S — —",
        en=(
            "Forced to beg and to hand over the proceeds",
            "Ask whether the person is made to beg, who sets the place, the hours and the "
            "daily amount, and who takes the money.",
        ),
        ro=(
            "Obligarea la cerșetorie și la predarea banilor obținuți",
            "Întrebați dacă persoana este pusă să cerșească, cine stabilește locul, orele și "
            "suma zilnică și cine ia banii.",
        ),
    ),
    _define(
        "EX.13",
        "S S — —",
        en=(
            "Forced to commit offences for another person's profit",
            "Ask whether the person is made to steal, sell drugs, commit fraud or other "
            "offences, and who receives the proceeds.",
        ),
        ro=(
            "Obligarea la comiterea de infracțiuni în folosul altcuiva",
            "Întrebați dacă persoana este pusă să fure, să vândă droguri, să comită fraude sau "
            "alte infracțiuni și cine primește câștigurile.",
        ),
    ),
    _define(
        "EX.14",
        "— — — S",
        en=(
            "Child used in prostitution, pornography or other sexual activity for another "
            "person's benefit",
            "Any involvement of a child in sexual activity in exchange for money, goods or "
            "lodging, or for another person's benefit, is exploitation; ask who arranges it "
            "and who profits.",
        ),
        ro=(
            "Copil folosit în prostituție, pornografie sau alte activități sexuale în folosul "
            "altcuiva",
            "Orice implicare a unui copil în activități sexuale în schimbul banilor, bunurilor "
            "sau cazării ori în folosul altcuiva este exploatare; întrebați cine o organizează "
            "și cine profită.",
        ),
    ),
    # CD — coercion at destination
    _define(
        "CD.01",
        "S S S S",
        en=(
            "Confiscation of documents at destination",
            "Ask who holds the person's passport, identity card or residence papers now, and "
            "whether the person can get them back whenever they want.",
        ),
        ro=(
            "Confiscarea documentelor la destinație",
            "Întrebați cine deține acum pașaportul, cartea de identitate sau actele de ședere "
            "ale persoanei și dacă persoana le poate recupera oricând dorește.",
        ),
    ),
    _define(
        "CD.02",
        "S S S S",
        en=(
            "Debt bondage at destination",
            "Ask whether the person owes money to the employer or the exploiters, how the debt "
            "arose and grows, and whether they must work until it is paid.",
        ),
        ro=(
            "Servitute pentru datorii la destinație",
            "Întrebați dacă persoana datorează bani angajatorului sau exploatatorilor, cum a "
            "apărut și cum crește datoria și dacă trebuie să muncească până o achită.",
        ),
    ),
    _define(
        "CD.03",
        "S S S S",
        en=(
            "Isolation, confinement or surveillance at destination",
            "Ask whether the person can leave the workplace or the housing freely, go out "
            "alone, keep a phone and contact family or friends.",
        ),
        ro=(
            "Izolare, sechestrare sau supraveghere la destinație",
            "Întrebați dacă persoana poate părăsi liber locul de muncă sau locuința, poate "
            "ieși singură, își poate păstra telefonul și poate lua legătura cu familia sau "
            "prietenii.",
        ),
    ),
    _define(
        "CD.04",
        "S S S S",
        en=(
            "Violence on the person at destination",
            "Ask whether the person has been beaten, hurt, raped or deprived of food or sleep "
            "at the destination, and look for injuries.",
        ),
        ro=(
            "Violență asupra persoanei la destinație",
            "Întrebați dacă persoana a fost bătută, rănită, violată sau privată de hrană ori de "
            "somn la destinație și observați eventualele leziuni.",
        ),
    ),
    _define(
        "CD.05",
        "M S M S",
        en=(
            "Forced into illicit or criminal activities",
            "Ask whether the person has been made to take part, against their will, in illegal "
            "activities such as theft, drug dealing or document fraud.",
        ),
        ro=(
            "Constrângerea la activități ilicite sau infracționale",
            "Întrebați dacă persoana a fost obligată să participe, împotriva voinței sale, la "
            "activități ilegale precum furturi, trafic de droguri sau fraude cu documente.",
        ),
    ),
    _define(
        "CD.06",
        "M S S S",
        en=(
            "Forced tasks or clients",
            "Ask whether the person is made to perform tasks or to serve clients they did not "
            "agree to, and what happens if they refuse.",
        ),
        ro=(
            "Sarcini sau clienți impuși",
            "Întrebați dacă persoana este obligată să îndeplinească sarcini sau să servească "
            "clienți cu care nu a fost de acord și ce se întâmplă dacă refuză.",
        ),
    ),
    _define(
        "CD.07",
        "M M M M",
        en=(
            "Forced to act against peers",
            "Ask whether the person is made to watch, punish, recruit or report on other "
            "workers or victims.",
        ),
        ro=(
            "Obligarea de a acționa împotriva altor persoane aflate în aceeași situație",
            "Întrebați dacă persoana este pusă să supravegheze, să pedepsească, să recruteze "
            "sau să denunțe alți lucrători ori alte victime.",
        ),
    ),
    _define(
        "CD.08",
        "M M M M",
        en=(
            "Forced to lie to the authorities or to the family",
            "Ask whether the person was told what to say to the police, inspectors or "
            "relatives, and whether they are afraid to tell the truth now.",
        ),
        ro=(
            "Obligarea de a minți autoritățile sau familia",
            "Întrebați dacă i s-a spus persoanei ce să declare poliției, inspectorilor sau "
            "rudelor și dacă îi este teamă să spună adevărul acum.",
        ),
    ),
    _define(
        "CD.09",
        "M M M M",
        en=(
            "Threat of denunciation to the authorities at destination",
            "Ask whether the person has been threatened with arrest, deportation or "
            "prosecution if they complain, leave or speak to anyone.",
        ),
        ro=(
            "Amenințarea cu denunțarea la autorități la destinație",
            "Întrebați dacă persoana a fost amenințată cu arestarea, expulzarea sau urmărirea "
            "penală dacă se plânge, pleacă sau vorbește cu cineva.",
        ),
    ),
    _define(
        "CD.10",
        "M M M M",
        en=(
            "Threat of worse working conditions",
            "Ask whether the person was told they would get harder work, longer hours, less "
            "food or pay, or be sold on, if they did not obey.",
        ),
        ro=(
            "Amenințarea cu înrăutățirea condițiilor de muncă",
            "Întrebați dacă i s-a spus persoanei că va primi munci mai grele, mai multe ore, "
            "mai puțină hrană sau plată ori că va fi vândută altcuiva dacă nu se supune.",
        ),
    ),
    _define(
        "CD.11",
        "M S M S",
        en=(
            "Threats of violence against the person at destination",
            "Ask whether the person has been threatened with beatings, rape, weapons or death "
            "at the destination.",
        ),
        ro=(
            "Amenințări cu violența împotriva persoanei la destinație",
            "Întrebați dacă persoana a fost amenințată cu bătaia, cu violul, cu arme sau cu "
            "moartea la destinație.",
        ),
    ),
    _define(
        "CD.12",
        "M S M S",
        en=(
            "Under strong influence",
            "Look for signs that the person is controlled through drugs, alcohol, emotional "
            "manipulation or a bond with the exploiter, and ask who decides for them.",
        ),
        ro=(
            "Sub o influență puternică",
            "Observați dacă persoana este controlată prin droguri, alcool, manipulare "
            "emoțională sau o legătură cu exploatatorul și întrebați cine decide în locul ei.",
        ),
    ),
    _define(
        "CD.13",
        "M M M M",
        en=(
            "Violence or threats against the family at destination",
            "Ask whether the exploiters know where the person's family lives and have harmed "
            "or threatened relatives to keep the person working.",
        ),
        ro=(
            "Violență sau amenințări împotriva familiei la destinație",
            "Întrebați dacă exploatatorii știu unde locuiește familia persoanei și dacă au "
            "agresat sau amenințat rudele pentru a o ține la muncă.",
        ),
    ),
    _define(
        "CD.14",
        "M M M M",
        en=(
            "Withholding of wages",
            "Ask whether pay is held back, postponed to the end of a season, or kept by the "
            "employer or a third person on the pretext of keeping it safe.",
        ),
        ro=(
            "Reținerea salariului",
            "Întrebați dacă plata este reținută, amânată până la sfârșitul sezonului sau "
            "păstrată de angajator ori de o terță persoană sub pretextul păstrării în "
            "siguranță.",
        ),
    ),
    _define(
        "CD.15",
        "W M W M",
        en=(
            "Threat to inform the family, the community or the public at destination",
            "Ask whether the person has been threatened with the disclosure of their work, "
            "photos or videos to their family, their community or online.",
        ),
        ro=(
            "Amenințarea cu informarea familiei, a comunității sau a publicului la destinație",
            "Întrebați dacă persoana a fost amenințată cu dezvăluirea activității sale, a "
            "fotografiilor sau a înregistrărilor video către familie, comunitate sau pe "
            "internet.",
        ),
    ),
    # VD — abuse of vulnerability at destination
    _define(
        "VD.01",
        "M M M M",
        en=(
            "Dependency on exploiters",
            "Ask whether the person relies on the employer or the exploiters for housing, "
            "food, transport, translation or drugs, and has no one else to turn to.",
        ),
        ro=(
            "Dependența de exploatatori",
            "Întrebați dacă persoana depinde de angajator sau de exploatatori pentru locuință, "
            "hrană, transport, traducere sau droguri și nu are la cine altcineva să apeleze.",
        ),
    ),
    _define(
        "VD.02",
        "M M M M",
        en=(
            "Difficulty living in an unknown area",
            "Ask whether the person knows the address where they live or work, speaks the "
            "local language and could find help on their own.",
        ),
        ro=(
            "Dificultatea de a trăi într-un loc necunoscut",
            "Întrebați dacă persoana cunoaște adresa unde locuiește sau lucrează, vorbește "
            "limba locală și ar putea găsi singură ajutor.",
        ),
    ),
    _define(
        "VD.03",
        "M M M M",
        en=(
            "Economic hardship at destination",
            "Ask whether debts, a family that depends on the person's money or the lack of any "
            "other income keep the person in the situation.",
        ),
        ro=(
            "Dificultăți economice la destinație",
            "Întrebați dacă datoriile, o familie care depinde de banii persoanei sau lipsa "
            "oricărui alt venit o țin în această situație.",
        ),
    ),
    _define(
        "VD.04",
        "M M M M",
        en=(
            "Family situation at destination",
            "Ask whether family members take part in the exploitation, benefit from it, or "
            "would reject the person if they went home.",
        ),
        ro=(
            "Situația familială la destinație",
            "Întrebați dacă membri ai familiei sunt implicați în exploatare, beneficiază de ea "
            "sau ar respinge persoana dacă s-ar întoarce acasă.",
        ),
    ),
    _define(
        "VD.05",
        "M M M M",
        en=(
            "Relationship with the authorities or legal status at destination",
            "Ask whether an irregular stay, missing papers or distrust of the police stop the "
            "person from seeking help.",
        ),
        ro=(
            "Relația cu autoritățile sau statutul juridic la destinație",
            "Întrebați dacă șederea ilegală, lipsa actelor sau neîncrederea în poliție "
            "împiedică persoana să ceară ajutor.",
        ),
    ),
    _define(
        "VD.06",
        "W M W M",
        en=(
            "Difficulties in the past, at destination",
            "Ask, with care, whether earlier abuse, trauma or time in institutional care "
            "makes the person accept treatment that others would refuse.",
        ),
        ro=(
            "Dificultăți din trecut, la destinație",
            "Întrebați, cu grijă, dacă abuzuri, traume sau perioade de instituționalizare din "
            "trecut o fac pe persoană să accepte un tratament pe care alții l-ar refuza.",
        ),
    ),
    _define(
        "VD.07",
        "W M W M",
        en=(
            "Personal characteristics",
            "Note characteristics that increase the person's dependence at the destination, "
            "such as young age, disability, illness, pregnancy or addiction.",
        ),
        ro=(
            "Caracteristici personale",
            "Notați caracteristicile care sporesc dependența persoanei la destinație, precum "
            "vârsta mică, dizabilitatea, boala, sarcina sau dependența de substanțe.",
        ),
    ),
)

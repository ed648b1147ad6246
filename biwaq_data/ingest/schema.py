"""The data contract: tables, columns, types, allowed values and header aliases.

`docs/data.md` documents the same contract for people; a test in `tests/test_loading.py`
keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..formatting import normalise_key  # noqa: F401 (schema.normalise_key is used by callers)

PROGRAMME_START = "2023-01-01"

PARTICIPANT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "gender": ("female", "male", "non_binary", "unknown"),
    "employment_status": ("unemployed", "inactive", "employed"),
    "education": ("isced_0_2", "isced_3_4", "isced_5_8", "unknown"),
    "referral_source": ("jobcenter", "quartiersmanagement", "company", "self", "other"),
}
OUTCOMES: tuple[str, ...] = ("employment", "vocational_training", "improved_prospects")
"""Outcome kinds in rank order: a person counts once, under the first that applies."""
BEST_OUTCOMES: tuple[str, ...] = OUTCOMES + ("in_support", "no_outcome")
SERVICES: tuple[str, ...] = (
    "counselling",
    "job_search",
    "application_documents",
    "application_training",
    "digital_skills",
    "internship",
    "construction_project",
    "further_training_referral",
)
AGE_GROUPS: tuple[str, ...] = ("under_18", "18_29", "30_54", "55_plus")
#: Status upon leaving (within four weeks of exit) and six months after leaving (ESF Plus monitoring record).
LEAVING_STATUSES: tuple[str, ...] = ("employed", "education_training", "job_seeking", "inactive", "unknown")
SIZE_CLASSES: tuple[str, ...] = ("micro", "small", "medium", "large")
#: Windows of the ESF Plus result indicators: upon leaving = within 28 days of exit, six months = 183 days.
WINDOW_DAYS = 28
SIX_MONTHS_DAYS = 183


@dataclass(frozen=True)
class Column:
    """One column of a table.

    kind: "id" (text), "text", "category", "date", "bool", "int", "float", "ortsteil".
    """

    name: str
    kind: str
    required: bool = True
    aliases: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    value_aliases: dict[str, str] = field(default_factory=dict)
    default: object = None  # used when an optional column is absent




_GENDER = {
    "w": "female", "weiblich": "female", "frau": "female", "f": "female",
    "m": "male", "maennlich": "male", "mann": "male",
    "d": "non_binary", "divers": "non_binary", "nichtbinaer": "non_binary", "x": "non_binary",
    "nonbinary": "non_binary",
    "unbekannt": "unknown", "keineangabe": "unknown", "oa": "unknown", "ohneangabe": "unknown",
}
_EMPLOYMENT = {
    "arbeitslos": "unemployed", "arbeitslosgemeldet": "unemployed", "langzeitarbeitslos": "unemployed",
    "nichterwerbstaetig": "inactive", "inaktiv": "inactive", "nichterwerbsperson": "inactive",
    "erwerbstaetig": "employed", "beschaeftigt": "employed", "selbststaendig": "employed",
    "erwerbstaetiginklselbststaendig": "employed",
}
_EDUCATION = {
    "isced02": "isced_0_2", "02": "isced_0_2", "isced0": "isced_0_2", "isced1": "isced_0_2",
    "isced2": "isced_0_2",
    "isced34": "isced_3_4", "34": "isced_3_4", "isced3": "isced_3_4", "isced4": "isced_3_4",
    "isced58": "isced_5_8", "58": "isced_5_8", "isced5": "isced_5_8", "isced6": "isced_5_8",
    "isced7": "isced_5_8", "isced8": "isced_5_8",
    "unbekannt": "unknown", "keineangabe": "unknown",
}
_REFERRAL = {
    "jc": "jobcenter", "qm": "quartiersmanagement", "unternehmen": "company", "betrieb": "company",
    "arbeitgeber": "company", "selbst": "self", "eigeninitiative": "self", "selbstmelder": "self",
    "sonstige": "other", "sonstiges": "other", "andere": "other",
}
_OUTCOME = {
    "beschaeftigung": "employment", "arbeit": "employment", "arbeitsaufnahme": "employment",
    "job": "employment", "ausbildung": "vocational_training", "berufsausbildung": "vocational_training",
    "ausbildungsbeginn": "vocational_training", "verbesserteperspektive": "improved_prospects",
    "verbesserteperspektiven": "improved_prospects",
    "verbessertebeschaeftigungsfaehigkeit": "improved_prospects",
    "perspektiveverbessert": "improved_prospects",
}
_LEAVING = {
    "erwerbstaetig": "employed", "beschaeftigt": "employed", "beschaeftigung": "employed", "arbeit": "employed",
    "selbststaendig": "employed", "inbeschaeftigung": "employed", "erwerbstaetiginklselbststaendig": "employed",
    "inschulischeroderberuflicherbildung": "education_training",
    "schulischeoderberuflichebildung": "education_training", "bildung": "education_training",
    "ausbildung": "education_training", "schule": "education_training", "weiterbildung": "education_training",
    "umschulung": "education_training", "inbildung": "education_training",
    "arbeitsuchend": "job_seeking", "arbeitssuchend": "job_seeking", "aufarbeitsuche": "job_seeking",
    "arbeitsuche": "job_seeking", "arbeitslos": "job_seeking",
    "nichterwerbstaetig": "inactive", "inaktiv": "inactive",
    "unbekannt": "unknown", "keineangabe": "unknown",
}
_SIZE = {"kleinst": "micro", "kleinstunternehmen": "micro", "klein": "small", "kleinunternehmen": "small",
         "kleinesunternehmen": "small",
         "mittel": "medium", "mittleresunternehmen": "medium", "gross": "large", "grossunternehmen": "large"}
_SERVICE = {
    "beratung": "counselling", "stellensuche": "job_search", "jobsuche": "job_search",
    "bewerbungsunterlagen": "application_documents", "bewerbungstraining": "application_training",
    "digitalkompetenz": "digital_skills", "digitalemedien": "digital_skills",
    "praktikum": "internship", "bauprojekt": "construction_project", "baustelle": "construction_project",
    "weiterbildung": "further_training_referral", "weiterbildungsvermittlung": "further_training_referral",
}

PARTICIPANT_COLUMNS: tuple[Column, ...] = (
    Column("participant_id", "id", aliases=("Teilnehmer-ID", "TN-ID", "Teilnehmernummer", "ID", "Pseudonym")),
    Column("provider", "text", aliases=("Träger", "Traeger", "Projektträger")),
    Column("entry_date", "date", aliases=("Eintrittsdatum", "Eintritt", "Eintritt am")),
    Column("exit_date", "date", required=False, aliases=("Austrittsdatum", "Austritt", "Austritt am")),
    Column("ortsteil", "ortsteil", aliases=("Ortsteil", "Ortsteil-Nr.", "Ortsteilnummer", "Wohnort (Ortsteil)")),
    Column("gender", "category", aliases=("Geschlecht",), categories=PARTICIPANT_CATEGORIES["gender"],
           value_aliases=_GENDER),
    Column("birth_year", "int", aliases=("Geburtsjahr", "Jahrgang")),
    Column("birth_date", "date", required=False, aliases=("Geburtsdatum", "geboren am")),
    Column("employment_status", "category", aliases=("Erwerbsstatus", "Erwerbsstatus bei Eintritt"),
           categories=PARTICIPANT_CATEGORIES["employment_status"], value_aliases=_EMPLOYMENT),
    Column("long_term_unemployed", "bool", aliases=("Langzeitarbeitslos", "langzeitarbeitslos (>12 Monate)")),
    Column("migration_background", "bool", aliases=("Migrationshintergrund",)),
    Column("third_country_national", "bool", required=False,
           aliases=("Drittstaatsangehörig", "Drittstaatsangehörigkeit", "Drittstaatsangehoerig")),
    Column("education", "category", required=False, aliases=("Bildungsniveau", "Bildung", "ISCED"),
           categories=PARTICIPANT_CATEGORIES["education"], value_aliases=_EDUCATION, default="unknown"),
    Column("referral_source", "category", required=False,
           aliases=("Zugangsweg", "Zugang", "Zuweisung", "Zuweisung durch"),
           categories=PARTICIPANT_CATEGORIES["referral_source"], value_aliases=_REFERRAL, default="other"),
    # ESF Plus monitoring record (all optional; a missing column makes its indicators "nicht erhoben")
    Column("exit_status", "category", required=False,
           aliases=("Status bei Austritt", "Verbleib bei Austritt", "Status nach Austritt (4 Wochen)"),
           categories=LEAVING_STATUSES, value_aliases=_LEAVING),
    Column("qualification_gained", "bool", required=False,
           aliases=("Qualifikation erlangt", "Abschluss erlangt", "Qualifizierung erlangt")),
    Column("status_6m", "category", required=False,
           aliases=("Status 6 Monate nach Austritt", "Verbleib nach 6 Monaten", "Status nach 6 Monaten"),
           categories=LEAVING_STATUSES, value_aliases=_LEAVING),
    Column("improved_situation_6m", "bool", required=False,
           aliases=("Verbesserte Arbeitsmarktsituation nach 6 Monaten", "Situation verbessert (6 Monate)")),
    Column("disability", "bool", required=False, aliases=("Behinderung", "mit Behinderung")),
    Column("minority", "bool", required=False, aliases=("Minderheit", "Angehörige einer Minderheit")),
    Column("homeless", "bool", required=False,
           aliases=("Obdachlos", "obdachlos oder von Wohnungslosigkeit betroffen", "Wohnungslos")),
)
#: Optional participant columns of the monitoring record (docs/data.md, docs/indicators.md).
MONITORING_COLUMNS: tuple[str, ...] = ("birth_date", "exit_status", "qualification_gained", "status_6m",
                                       "improved_situation_6m", "disability", "minority", "homeless")

OUTCOME_COLUMNS: tuple[Column, ...] = (
    PARTICIPANT_COLUMNS[0],
    Column("outcome", "category", aliases=("Ergebnis", "Verbleib"), categories=OUTCOMES, value_aliases=_OUTCOME),
    Column("outcome_date", "date", aliases=("Ergebnisdatum", "Datum", "Datum des Ergebnisses")),
    Column("employment_kind", "text", required=False, aliases=("Art der Beschäftigung", "Beschäftigungsart")),
    Column("sector", "text", required=False, aliases=("Branche", "Wirtschaftszweig")),
)

SERVICE_COLUMNS: tuple[Column, ...] = (
    PARTICIPANT_COLUMNS[0],
    Column("service", "category", aliases=("Leistung", "Angebot", "Maßnahme"), categories=SERVICES,
           value_aliases=_SERVICE),
    Column("start_date", "date", aliases=("Beginn", "Startdatum", "Beginn am", "Datum")),
    Column("hours", "float", required=False, aliases=("Stunden", "Umfang (Stunden)", "Std.")),
)

# --- targets (Zielwerte from the funding approval; optional table, see docs/steering.md) ---------------------
TARGET_COUNT_MEASURES: tuple[str, ...] = ("participants", "employment", "vocational_training", "improved_prospects",
                                          "work_or_training")
TARGET_RATE_MEASURES: tuple[str, ...] = ("placement_rate",)
TARGET_INDICATOR_MEASURES: tuple[str, ...] = (
    "EECO01", "EECO02", "EECO03", "EECO04", "EECO05", "EECO06", "EECO07", "EECO08", "EECO09", "EECO10", "EECO11",
    "EECO13", "EECO14", "EECR02", "EECR04")
TARGET_MEASURES: tuple[str, ...] = TARGET_COUNT_MEASURES + TARGET_RATE_MEASURES + TARGET_INDICATOR_MEASURES
_MEASURE = {
    "teilnehmende": "participants", "eintritte": "participants", "teilnehmer": "participants",
    "beschaeftigung": "employment", "arbeitsaufnahme": "employment", "ausbildung": "vocational_training",
    "verbesserteperspektive": "improved_prospects", "verbesserteperspektiven": "improved_prospects",
    "arbeitoderausbildung": "work_or_training", "integrationen": "work_or_training",
    "integrationeninarbeitoderausbildung": "work_or_training",
    "vermittlungsquote": "placement_rate", "integrationsquote": "placement_rate",
}
TARGET_COLUMNS: tuple[Column, ...] = (
    Column("provider", "text", required=False, aliases=("Träger", "Traeger", "Projektträger")),
    Column("measure", "category", aliases=("Kennzahl", "Zielgröße", "Indikator", "Messgröße"),
           categories=TARGET_MEASURES, value_aliases=_MEASURE),
    Column("due_date", "date", aliases=("Fällig am", "Stichtag", "Zieldatum", "Termin", "Meilenstein")),
    Column("target", "float", aliases=("Zielwert", "Soll", "Planwert", "Ziel")),
    Column("start_date", "date", required=False, aliases=("Beginn", "Förderbeginn", "Laufzeitbeginn"),
           default="01.01.2023 (Programmbeginn)"),
)
ENTERPRISE_COLUMNS: tuple[Column, ...] = (
    Column("enterprise_id", "id", aliases=("Unternehmens-ID", "Betriebs-ID", "Unternehmen-ID")),
    Column("provider", "text", aliases=("Träger", "Traeger", "Projektträger")),
    Column("ortsteil", "ortsteil", aliases=("Ortsteil", "Ortsteil-Nr.", "Ortsteilnummer")),
    Column("size_class", "category", aliases=("Größenklasse", "Unternehmensgröße", "Größe"),
           categories=SIZE_CLASSES, value_aliases=_SIZE),
    Column("support_start", "date", aliases=("Beginn der Unterstützung", "Unterstützung ab", "Beginn")),
    Column("support_end", "date", required=False, aliases=("Ende der Unterstützung", "Unterstützung bis", "Ende")),
    Column("support_kind", "text", required=False, aliases=("Art der Unterstützung", "Unterstützung", "Leistung")),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "participants": PARTICIPANT_COLUMNS,
    "outcomes": OUTCOME_COLUMNS,
    "services": SERVICE_COLUMNS,
    "targets": TARGET_COLUMNS,
    "enterprises": ENTERPRISE_COLUMNS,  # optional table (EECO19)
}

TRUE_WORDS = frozenset({"ja", "j", "yes", "y", "true", "wahr", "1", "x"})
FALSE_WORDS = frozenset({"nein", "n", "no", "false", "falsch", "0"})


def header_lookup(columns: tuple[Column, ...]) -> dict[str, str]:
    """Map every normalised header spelling (English name or German alias) to the column name."""
    lookup: dict[str, str] = {}
    for col in columns:
        for spelling in (col.name, *col.aliases):
            lookup.setdefault(normalise_key(spelling), col.name)
    return lookup


def category_lookup(col: Column) -> dict[str, str]:
    """Map every normalised spelling of a category value to its canonical code."""
    lookup = {normalise_key(c): c for c in col.categories}
    lookup.update(col.value_aliases)
    return lookup

"""All German user-facing text of the data layer, kept in one place.

Pages import labels and definitions from here, so a figure and its definition
always use the same words. Keys are the English identifiers used in code.
"""

from __future__ import annotations

APP_TITLE = "BIWAQ Duisburg – Wirkungsdashboard"
PROGRAMME = "BIWAQ Duisburg"

# --- category labels -------------------------------------------------------

CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "gender": {
        "female": "Frauen",
        "male": "Männer",
        "non_binary": "nicht-binär",
        "unknown": "ohne Angabe",
    },
    "employment_status": {
        "unemployed": "arbeitslos",
        "inactive": "nicht erwerbstätig",
        "employed": "erwerbstätig",
    },
    "education": {
        "isced_0_2": "ISCED 0–2",
        "isced_3_4": "ISCED 3–4",
        "isced_5_8": "ISCED 5–8",
        "unknown": "unbekannt",
    },
    "referral_source": {
        "jobcenter": "Jobcenter",
        "quartiersmanagement": "Quartiersmanagement",
        "company": "Unternehmen",
        "self": "Eigeninitiative",
        "other": "Sonstige",
    },
    "outcome": {
        "employment": "Beschäftigung",
        "vocational_training": "Ausbildung",
        "improved_prospects": "Verbesserte Perspektive",
    },
    "best_outcome": {
        "employment": "Beschäftigung",
        "vocational_training": "Ausbildung",
        "improved_prospects": "Verbesserte Perspektive",
        "in_support": "noch in Betreuung",
        "no_outcome": "ohne Ergebnis",
    },
    "service": {
        "counselling": "Beratung",
        "job_search": "Stellensuche",
        "application_documents": "Bewerbungsunterlagen",
        "application_training": "Bewerbungstraining",
        "digital_skills": "Digitalkompetenz",
        "internship": "Praktikum",
        "construction_project": "Bauprojekt",
        "further_training_referral": "Weiterbildung",
    },
    "age_group": {
        "under_18": "unter 18",
        "18_29": "18–29",
        "30_54": "30–54",
        "55_plus": "55 und älter",
    },
    "migration_background": {True: "mit Migrationshintergrund", False: "ohne Migrationshintergrund"},
    "long_term_unemployed": {True: "langzeitarbeitslos", False: "nicht langzeitarbeitslos"},
    "employment_filter": {
        "unemployed": "arbeitslos (inkl. langzeitarbeitslos)",
        "long_term_unemployed": "langzeitarbeitslos",
        "inactive": "nicht erwerbstätig",
        "employed": "erwerbstätig",
    },
}

# --- column headers (German names users see and may use in their files) ----

COLUMN_LABELS: dict[str, str] = {
    "participant_id": "Teilnehmer-ID",
    "provider": "Träger",
    "entry_date": "Eintrittsdatum",
    "exit_date": "Austrittsdatum",
    "ortsteil": "Ortsteil",
    "ortsteil_nr": "Ortsteil-Nr.",
    "bezirk": "Stadtbezirk",
    "gender": "Geschlecht",
    "birth_year": "Geburtsjahr",
    "employment_status": "Erwerbsstatus bei Eintritt",
    "long_term_unemployed": "Langzeitarbeitslos",
    "migration_background": "Migrationshintergrund",
    "third_country_national": "Drittstaatsangehörig",
    "education": "Bildungsniveau",
    "referral_source": "Zugangsweg",
    "outcome": "Ergebnis",
    "outcome_date": "Ergebnisdatum",
    "employment_kind": "Art der Beschäftigung",
    "sector": "Branche",
    "service": "Leistung",
    "start_date": "Beginn",
    "hours": "Stunden",
    "age_group": "Altersgruppe",
    "best_outcome": "Bestes Ergebnis",
}

TABLE_LABELS = {"participants": "Teilnehmende", "outcomes": "Ergebnisse", "services": "Leistungen"}

# --- metric labels and definitions (shown next to every figure) ------------

METRIC_LABELS: dict[str, str] = {
    "participants": "Teilnehmende",
    "unemployed": "arbeitslos bei Eintritt",
    "long_term_unemployed": "langzeitarbeitslos bei Eintritt",
    "migration_background": "mit Migrationshintergrund",
    "employment": "in Beschäftigung",
    "vocational_training": "in Ausbildung",
    "improved_prospects": "verbesserte Perspektive",
    "with_outcome": "mit Ergebnis",
    "placement_rate": "Vermittlungsquote",
    "outcome_rate": "Ergebnisquote",
    "active": "aktiv in Betreuung",
    "leavers": "Ausgetretene",
    "entries": "Eintritte",
    "exits": "Austritte",
    "outcomes": "Ergebnisse",
    "cumulative_participants": "Teilnehmende kumuliert",
    "persons": "Personen",
    "hours": "Stunden",
}

METRIC_DEFINITIONS: dict[str, str] = {
    "participants": "Personen mit Eintritt im gewählten Zeitraum (je Person und Projekt einmal gezählt).",
    "unemployed": "Teilnehmende, die bei Eintritt arbeitslos gemeldet waren (inkl. langzeitarbeitslos). "
    "Nenner: alle Teilnehmenden.",
    "long_term_unemployed": "Teilnehmende, die bei Eintritt länger als 12 Monate arbeitslos waren.",
    "migration_background": "Teilnehmende mit Migrationshintergrund (Selbstauskunft bei Eintritt).",
    "employment": "Personen, deren bestes Ergebnis eine Beschäftigung ist (jede Person zählt einmal, "
    "Rangfolge Beschäftigung > Ausbildung > verbesserte Perspektive).",
    "vocational_training": "Personen, deren bestes Ergebnis der Beginn einer Ausbildung ist.",
    "improved_prospects": "Personen, deren bestes Ergebnis eine verbesserte Arbeitsmarktperspektive ist "
    "(BIWAQ-Ergebnisindikator).",
    "with_outcome": "Personen mit mindestens einem Ergebnis (Summe der drei Ergebnisse, ohne Doppelzählung).",
    "placement_rate": "(Beschäftigung + Ausbildung) ÷ alle Teilnehmenden im Zeitraum. "
    "Nenner: alle Eintritte, nicht nur Ausgetretene.",
    "outcome_rate": "Personen mit mindestens einem Ergebnis ÷ alle Teilnehmenden der Gruppe.",
    "active": "Personen, die am Monatsende eingetreten und noch nicht ausgetreten sind.",
    "leavers": "Teilnehmende mit Austrittsdatum.",
    "entries": "Eintritte im Monat.",
    "exits": "Austritte im Monat.",
    "outcomes": "Personen, deren erstes Ergebnis in den Monat fällt.",
    "cumulative_participants": "Summe aller Eintritte bis einschließlich des Monats.",
}

PERIOD_NOTE = "Zeitraum bezieht sich auf das Eintrittsdatum; Ergebnisse werden bis zum Datenstand gezählt."

# --- validation messages -----------------------------------------------------

RULE_MESSAGES: dict[str, str] = {
    "missing_required": "Pflichtwert fehlt.",
    "unknown_category": "Unbekannter Wert. Erlaubt sind: {allowed}.",
    "invalid_date": "Kein gültiges Datum. Erwartet z. B. 31.03.2025 oder 2025-03-31.",
    "invalid_number": "Keine gültige Zahl.",
    "invalid_bool": "Erwartet ja oder nein.",
    "duplicate_id": "Teilnehmer-ID kommt doppelt vor (zuerst in Zeile {first_row}); nur die erste Zeile wird gezählt.",
    "unknown_person": "Teilnehmer-ID ist in den Teilnehmenden nicht vorhanden.",
    "rejected_person": "Die Person wurde in den Teilnehmenden abgelehnt (Zeile {row}); dieser Eintrag wird daher nicht gezählt.",
    "before_entry": "Datum liegt vor dem Eintrittsdatum der Person ({entry}).",
    "exit_before_entry": "Austrittsdatum liegt vor dem Eintrittsdatum ({entry}).",
    "future_date": "Datum liegt in der Zukunft (nach {today}).",
    "before_programme": "Datum liegt vor Programmbeginn (01.01.2023).",
    "unknown_ortsteil": "Unbekannter Ortsteil.",
    "unknown_ortsteil_suggest": "Unbekannter Ortsteil. Meinten Sie „{suggestion}“?",
    "ltu_not_unemployed": "Langzeitarbeitslos ist „ja“, aber der Erwerbsstatus ist nicht „arbeitslos“.",
    "birth_year_implausible": "Geburtsjahr ist unplausibel (erwartet {low}–{high}).",
    "negative_hours": "Stunden dürfen nicht negativ sein.",
    "optional_column_missing": "Spalte fehlt; alle Werte gelten als „{default}“.",
    "unknown_column": "Unbekannte Spalte, wird nicht verwendet.",
}

SEVERITY_LABELS = {"error": "Fehler (Zeile nicht gezählt)", "warning": "Hinweis"}

ISSUE_COLUMNS_DE = {
    "file": "Datei",
    "row": "Zeile",
    "column": "Spalte",
    "value": "Wert",
    "message": "Meldung",
    "severity": "Schwere",
    "rule": "Regel",
}

# --- DataError messages -----------------------------------------------------

ERR_SOURCE_MISSING = "Datenquelle nicht gefunden: {path}"
ERR_TABLE_MISSING = "Tabelle „{table}“ fehlt: erwartet eine Datei {table}.csv, .xlsx oder .parquet in {path} bzw. ein Tabellenblatt „{table}“."
ERR_COLUMN_MISSING = "{file}: Pflichtspalte „{column}“ fehlt (auch nicht unter den Namen {aliases} gefunden)."
ERR_UNREADABLE = "{file}: Datei kann nicht gelesen werden ({reason})."
ERR_EMPTY = "{file}: Die Datei ist leer."
ERR_HEADER_ONLY = "{file}: Die Datei enthält nur die Kopfzeile, keine Datenzeilen."
ERR_ENCODING = "{file}: Zeichenkodierung nicht erkannt (erwartet UTF-8 oder Windows-1252)."
ERR_NOT_TEXT = "{file}: Die Datei ist keine Textdatei (CSV), obwohl sie so heißt. Bitte als CSV, Excel (.xlsx) oder Parquet exportieren."
ERR_UNSUPPORTED = "{file}: Dateityp wird nicht unterstützt (erlaubt: .csv, .xlsx, .parquet)."
ERR_NO_USABLE_ROWS = "{file}: keine einzige Zeile ist gültig."

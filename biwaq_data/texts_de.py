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
    "exit_status": {
        "employed": "erwerbstätig (inkl. selbstständig)",
        "education_training": "in schulischer oder beruflicher Bildung",
        "job_seeking": "arbeitsuchend",
        "inactive": "nicht erwerbstätig",
        "unknown": "unbekannt",
    },
    "size_class": {"micro": "Kleinstunternehmen", "small": "kleines Unternehmen", "medium": "mittleres Unternehmen",
                   "large": "Großunternehmen"},
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
    "birth_date": "Geburtsdatum",
    "exit_status": "Status bei Austritt",
    "qualification_gained": "Qualifikation erlangt",
    "status_6m": "Status 6 Monate nach Austritt",
    "improved_situation_6m": "Verbesserte Arbeitsmarktsituation nach 6 Monaten",
    "disability": "Behinderung",
    "minority": "Minderheit",
    "homeless": "Obdachlos",
    "enterprise_id": "Unternehmens-ID",
    "size_class": "Größenklasse",
    "support_start": "Beginn der Unterstützung",
    "support_end": "Ende der Unterstützung",
    "support_kind": "Art der Unterstützung",
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

TABLE_LABELS = {"participants": "Teilnehmende", "outcomes": "Ergebnisse", "services": "Leistungen",
                "enterprises": "Unternehmen"}

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
    "placement_rate": "Anteil der Unterstützten in Arbeit oder Ausbildung",
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

# Where long words of the card labels may break on a phone (soft hyphen), instead of mid-syllable.
CARD_LABEL_BREAKS = {"langzeitarbeitslos": "langzeit\u00adarbeitslos", "Migrationshintergrund": "Migrations\u00adhintergrund",
                     "Vermittlungsquote": "Vermittlungs\u00adquote", "Ergebnisquote": "Ergebnis\u00adquote",
                     "Perspektive": "Perspek\u00adtive", "Ausgetretene": "Ausge\u00adtretene"}

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
    "Nenner: alle Unterstützten (Eintritte), auch noch Betreute und gerade Eingetretene – keine "
    "„Vermittlungsquote“ über Ausgetretene. Die Übergangsquote über Ausgetretene steht auf der Seite "
    "ESF-Plus-Indikatoren (BIWAQ-R2).",
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
    "after_datenstand": ("Datum liegt nach dem Datenstand ({datenstand}); Daten mit diesem Stand können es noch "
                         "nicht enthalten. Datenstand prüfen oder die Zeile korrigieren."),
    "before_programme": "Datum liegt vor Programmbeginn (01.01.2023).",
    "unknown_ortsteil": "Unbekannter Ortsteil.",
    "unknown_ortsteil_suggest": "Unbekannter Ortsteil. Meinten Sie „{suggestion}“?",
    "ltu_not_unemployed": "Langzeitarbeitslos ist „ja“, aber der Erwerbsstatus ist nicht „arbeitslos“.",
    "birth_year_implausible": "Geburtsjahr ist unplausibel (erwartet {low}–{high}).",
    "birth_date_after_entry": "Geburtsdatum liegt nach dem Eintrittsdatum ({entry}).",
    "age_over_100": "Alter bei Eintritt über 100 Jahre (Geburtsdatum bzw. Geburtsjahr prüfen).",
    "birth_year_mismatch": "Geburtsjahr passt nicht zum Geburtsdatum ({year}); das Geburtsdatum wird verwendet.",
    "exit_status_in_project": ("Status bei Austritt angegeben, aber die Person ist zum Datenstand {datenstand} noch "
                               "im Projekt (kein Austritt); der Wert wird nicht gezählt."),
    "end_before_start": "Ende der Unterstützung liegt vor dem Beginn ({start}).",
    "status_6m_too_early": ("Status 6 Monate nach Austritt angegeben, aber der Austritt liegt weniger als sechs "
                            "Monate vor dem Datenstand {datenstand}; der Wert wird nicht gezählt."),
    "negative_hours": "Stunden dürfen nicht negativ sein.",
    "optional_column_missing": "Spalte fehlt; alle Werte gelten als „{default}“.",
    "optional_default_filled": "Leere Zelle; der Wert gilt als „{default}“ (die Zeile wird gezählt).",
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
ERR_UNSUPPORTED = "{file}: Dateityp wird nicht unterstützt (erlaubt: .csv, .xlsx, .parquet)."
ERR_NO_USABLE_ROWS = "{file}: keine einzige Zeile ist gültig."

# --- dashboard (pages and sidebar) ------------------------------------------

PAGE_TITLES = {
    "overview": "Überblick",
    "impact": "Wirkung",
    "breakdown": "Aufschlüsselung",
    "trends": "Zeitverlauf",
    "services": "Leistungen",
    "neighbourhoods": "Quartiere",
    "data": "Daten",
    "indicators": "ESF-Plus-Indikatoren",
}
FILTER_LABELS = {
    "period": "Zeitraum (Eintrittsdatum)",
    "providers": "Träger",
    "bezirke": "Stadtbezirk",
    "ortsteile": "Ortsteil",
    "employment": "Erwerbsstatus bei Eintritt",
    "migration_background": "Migrationshintergrund",
    "genders": "Geschlecht",
    "age_groups": "Altersgruppe bei Eintritt",
}
FILTER_HEADER = "Filter"
FILTER_RESET = "Alle Filter zurücksetzen"
FILTER_LINK_HINT = "Die Filter stehen in der Adresse dieser Seite: ein kopierter Link öffnet dieselbe Ansicht."
FILTER_ALL = "alle"  # placeholder of an empty filter (nothing chosen = no restriction)
CHOOSE = "Bitte auswählen"  # placeholder of other empty selections
FILTERS_NOT_HERE = ("Die Filter gelten nicht für diese Seite. Ihre Auswahl bleibt erhalten und gilt wieder auf den "
                    "anderen Seiten.")
MIGRATION_CHOICES = {"all": "alle", "yes": "mit", "no": "ohne"}
FILTER_LINK_IGNORED = "Aus dem Link nicht übernommen – {label}: {reason}."
FILTER_REASON_UNKNOWN = "„{value}“ gibt es hier nicht"
FILTER_REASON_BAD_DATE = "„{value}“ ist kein gültiges Datum (erwartet z. B. 2024-01-31)"
FILTER_REASON_OUT_OF_RANGE = "„{value}“ liegt außerhalb der Daten ({first} – {last})"
FILTER_REASON_REVERSED = "der Beginn {start} liegt nach dem Ende {end}; es gilt der ganze Zeitraum"
NO_FILTERS = "keine (alle Teilnehmenden)"
ACTIVE_FILTERS = "Aktive Filter"
DRILL_LABEL = "Auswahl auf dieser Seite"
DATENSTAND = "Datenstand"
PERIOD = "Zeitraum"
SOURCE = "Quelle"
SNAPSHOT = "Datenversion"
SAMPLE_SOURCE = "Beispieldaten (synthetisch)"
EMPTY_SELECTION = ("Für diese Filterauswahl gibt es keine Teilnehmenden. "
                   "Bitte Filter in der Seitenleiste lockern oder zurücksetzen.")
TABLE_VIEW = "Daten als Tabelle"
DOWNLOAD_CSV = "CSV herunterladen"
DOWNLOAD_XLSX = "Excel herunterladen"
CHART_DESCRIPTION = "Beschreibung"
DEFINITION = "Definition"
DATA_ISSUES_NOTE = "{n} Zeilen der Datenquelle wurden wegen Fehlern nicht gezählt (Details auf der Seite „Daten“)."

QUOTE_HEADING = "Zitierfähiger Text"
QUOTE_HELP = ("Aus den aktuellen Zahlen erzeugt, mit Auswahl, Quelle und Datenstand. „Text kopieren“ legt ihn "
              "in die Zwischenablage.")
QUOTE_COPY = "Text kopieren"
QUOTE_COPIED = "Kopiert"
QUOTE_COPY_FAILED = "Kopieren nicht möglich: Text markieren und mit Strg+C kopieren."
QUOTE_TEMPLATE = (
    "{lead} {participants} Menschen unterstützt. {unemployed_sentence}"
    "{migration} von ihnen haben einen Migrationshintergrund. "
    "{employment} Teilnehmende haben eine Arbeit gefunden, {training} eine Ausbildung begonnen und "
    "{improved} ihre Chancen auf dem Arbeitsmarkt verbessert.{rate_sentence}{leaver_sentence} "
    "Quelle: {source}, Datenstand {datenstand}."
)
#: The share sentence of the quote; left out where the share is not shown ("/": a rounded base below 50).
QUOTE_RATE = (" Damit liegt der Anteil der Unterstützten in Arbeit oder Ausbildung bei {placement_rate} (Nenner: alle "
              "{participants} Unterstützten, auch noch Betreute).")
# lead of the quote: the selection first, then programme and period ("In Marxloh hat BIWAQ Duisburg seit …")
QUOTE_LEAD = "{intro} hat {programme}"
QUOTE_LEAD_SELECTION = "{selection} hat {programme} {period}"
QUOTE_INTRO_SINCE = "Seit {month_year}"
QUOTE_INTRO_PERIOD = "Vom {start} bis zum {end}"
QUOTE_PLACE_ORTSTEIL = "In {names}"
QUOTE_PLACE_BEZIRK = "Im Stadtbezirk {names}"
QUOTE_PLACE_BEZIRKE = "In den Stadtbezirken {names}"
QUOTE_SELECTION = "In der Auswahl „{filters}“"
QUOTE_AND = " und "
QUOTE_UNEMPLOYED = "{unemployed} waren bei Eintritt arbeitslos, {ltu} davon langzeitarbeitslos. "
QUOTE_SOURCE = "{programme}, Wirkungsdashboard ({source})"
QUOTE_LEAVERS = (" Von den {leavers} Ausgetretenen, deren Austritt mindestens 28 Tage zurückliegt, waren "
                 "{integration_rate} innerhalb von 28 Tagen nach Austritt in Arbeit oder in schulischer oder "
                 "beruflicher Bildung.")
#: Appended to the press paragraph when its figures are rounded (free combination, issue 13).
QUOTE_ROUNDED = " (Zahlen aus Gründen der statistischen Geheimhaltung auf Vielfache von zehn gerundet.)"
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember")

FUNNEL_STAGE_LABELS = {
    "participants": "Unterstützt",
    "with_outcome": "Mit Ergebnis",
    "work_or_training": "Arbeit oder Ausbildung",
    "employment": "Arbeit",
}
SHARE_OF_INITIAL = "Anteil an allen"
SHARE_OF_PREVIOUS = "Anteil an Vorstufe"

METRIC_LABELS.update({"in_support": "noch in Betreuung", "no_outcome": "ohne Ergebnis ausgetreten"})
METRIC_DEFINITIONS.update({
    "in_support": "Teilnehmende ohne Ergebnis, die zum Datenstand noch nicht ausgetreten sind.",
    "no_outcome": "Teilnehmende, die ohne Ergebnis ausgetreten sind.",
    "leavers": "Teilnehmende mit Austrittsdatum bis zum Datenstand (Nenner der ESF-Plus-Ergebnisindikatoren).",
})

# =============================================================================
# --- Import, snapshots and exports (issue 6: importing.py, snapshots.py, export.py, reading.py) ---
# =============================================================================

# What a file really is when its name says otherwise (used in ERR_WRONG_TYPE).
FILE_KIND_LABELS: dict[str, str] = {
    "xlsx": "eine Excel-Arbeitsmappe (.xlsx)",
    "xls": "eine Datei im alten Excel-Format (.xls) oder eine kennwortgeschützte Excel-Datei",
    "parquet": "eine Parquet-Datei",
    "png": "ein Bild (PNG)",
    "jpeg": "ein Bild (JPEG)",
    "gif": "ein Bild (GIF)",
    "pdf": "ein PDF-Dokument",
    "docx": "ein Word-Dokument",
    "zip": "ein ZIP-Archiv",
    "text": "eine Textdatei (CSV)",
    "binary": "keine Textdatei",
}
FILE_KIND_HINTS: dict[str, str] = {
    "xlsx": "Bitte mit der Endung .xlsx hochladen oder in Excel „Speichern unter → CSV UTF-8“ wählen.",
    "xls": "Bitte in Excel als „Excel-Arbeitsmappe (.xlsx)“ ohne Kennwort speichern.",
    "parquet": "Bitte mit der Endung .parquet hochladen.",
    "text": "Bitte mit der Endung .csv hochladen.",
}
HINT_EXPORT_AGAIN = "Bitte die Tabelle als CSV, Excel-Arbeitsmappe (.xlsx) oder Parquet exportieren und erneut hochladen."

ERR_WRONG_TYPE = "{file}: Die Datei hat die Endung „{suffix}“, ist aber {kind}. {hint}"
ERR_ENCODING_MIXED = ("{file}: Zeile {line} hat eine andere Zeichenkodierung als der Rest der Datei (Byte {byte} ist "
                      "kein UTF-8, z. B. ein Umlaut aus Windows-1252). Bitte diese Zeile korrigieren oder die Datei "
                      "einheitlich als „CSV UTF-8“ speichern.")
ERR_ENCODING_AT = ("{file}: Zeichenkodierung nicht erkannt (erwartet UTF-8 oder Windows-1252); erstes unlesbares "
                   "Zeichen in Zeile {line} (Byte 0x{byte}). Bitte in Excel „Speichern unter → CSV UTF-8 (durch "
                   "Trennzeichen getrennt)“ wählen.")
ERR_CSV_FIELDS = ("{file}: Zeile {line} hat {found} Felder, die Kopfzeile aber nur {expected} (Trennzeichen „{sep}“ "
                  "in einem Wert ohne Anführungszeichen?).")
ERR_CSV_BROKEN = ("{file}: Die CSV-Datei ist fehlerhaft aufgebaut und kann nicht gelesen werden (z. B. ein nicht "
                  "geschlossenes Anführungszeichen).")
ERR_XLSX_BROKEN = ("{file}: Die Excel-Datei ist beschädigt oder kennwortgeschützt und kann nicht gelesen werden. "
                   "Bitte in Excel ohne Kennwort als „Excel-Arbeitsmappe (.xlsx)“ speichern.")
ERR_TOO_MANY_ROWS = "{file}: {rows} Zeilen sind mehr als erlaubt ({limit}). Bitte die Datei prüfen."
ERR_TOO_MANY_COLUMNS = ("{file}: {n} Spalten sind mehr als erlaubt ({limit}); erwartet werden die Spalten der "
                        "Datenbeschreibung. Bitte das richtige Trennzeichen und die richtige Tabelle wählen.")
ERR_JUNK_EARLY = ("{file}: Keine der ersten {n} Zeilen ist gültig; die Datei wird nicht weiter gelesen. Passt sie "
                  "zur Datenbeschreibung (Spalten, Trennzeichen, Datumsformat)? Die Probleme dieser Zeilen stehen "
                  "im Prüfbericht.")
ERR_XLSX_BOMB = ("{file}: Die Excel-Datei wird nicht gelesen, weil sie entpackt viel zu groß wäre ({detail}). So "
                 "sieht keine normale Exportdatei aus. Bitte die Tabellen als CSV exportieren oder in Excel neu "
                 "speichern.")
XLSX_BOMB_SIZE = "{size} MB statt höchstens {limit} MB"
XLSX_BOMB_RATIO = "Teil „{part}“: {size} MB aus {packed} MB, {ratio}-fach gepackt, erlaubt ist höchstens {limit}-fach"
XLSX_BOMB_PARTS = "{n} Teile"
ERR_PARQUET_BROKEN = "{file}: Die Parquet-Datei ist beschädigt und kann nicht gelesen werden."
ERR_SHEET_MISSING = "{file}: Tabellenblatt fehlt: „{table}“ (Blattnamen z. B. „{names}“; vorhanden: {sheets})."
ERR_TOO_LARGE = ("{file}: Die Datei ist {size} MB groß; erlaubt sind höchstens {limit} MB je Datei. Bitte die "
                 "Datei aufteilen oder als Parquet exportieren.")
ERR_NO_FILES = "Keine Datei hochgeladen."
ERR_TABLE_UNKNOWN = ("{file}: Es ist nicht erkennbar, welche Tabelle die Datei enthält. Der Dateiname sollte "
                     "„teilnehmende“, „ergebnisse“ oder „leistungen“ (bzw. participants, outcomes, services) "
                     "enthalten.")
ERR_TABLE_TWICE = "Die Tabelle „{table}“ ist mehrfach hochgeladen: {files}. Bitte nur eine Datei je Tabelle."
ERR_TABLES_MISSING = ("Es fehlt: {tables}. Bitte alle drei Tabellen hochladen – als einzelne Dateien (z. B. "
                      "teilnehmende.csv, ergebnisse.csv, leistungen.csv) oder als eine Arbeitsmappe mit je einem "
                      "Tabellenblatt.")
ERR_UNEXPECTED = ("Beim Prüfen von {files} ist ein unerwarteter Fehler aufgetreten ({reason}). Es wurde nichts "
                  "verändert. Bitte die Dateien prüfen und den Fehler mit dieser Meldung melden.")

WARN_FORMULA_CACHED = ("Zelle {cell} enthält die Formel „{formula}“. Sie wird nicht berechnet; verwendet wird der in "
                       "der Datei gespeicherte Wert „{value}“.")
WARN_FORMULA_EMPTY = ("Zelle {cell} enthält die Formel „{formula}“ ohne gespeicherten Wert. Sie wird nicht "
                      "berechnet; die Zelle gilt als leer.")
WARN_TEXT_FORMULA = ("Der Wert beginnt mit „=“ und sieht wie eine Formel aus. Er wird nur als Text gelesen und in "
                     "Exporten entschärft.")
WARN_MOJIBAKE = ("Umlaute sehen falsch kodiert aus (z. B. „Ã¤“ statt „ä“). Bitte die Datei als „CSV UTF-8“ speichern "
                 "und erneut hochladen.")

# Import report (check_upload) shown before anything changes.
IMPORT_COUNT_COLUMNS_DE = {"table": "Tabelle", "file": "Datei", "read": "gelesen", "accepted": "übernommen",
                           "rejected": "abgelehnt"}
IMPORT_ISSUES_SHEET = "Prüfbericht"
IMPORT_SUMMARY_SHEET = "Übersicht"
ERR_IMPORT_LIMIT = ("{files}: Die Prüfung wurde abgebrochen, weil sie mehr als {memory} MB Speicher oder mehr als "
                    "{seconds} Sekunden gebraucht hätte. Bitte die Dateien prüfen (richtige Tabellen? keine leeren "
                    "Zeilen bis zum Blattende?) und als CSV exportieren.")
ERR_IMPORT_MEMORY = ("{files}: Die Prüfung wurde abgebrochen, weil sie mehr Speicher gebraucht hätte, als für eine "
                     "Prüfung erlaubt ist. Es wurde nichts verändert. Bitte die Dateien prüfen (richtige Tabellen? "
                     "keine leeren Zeilen bis zum Blattende?) und als CSV exportieren.")
ISSUES_MORE = "… und {n} weitere Zeilen mit demselben Problem ({message})"
REPORT_CUT_SHEET = ("Hier abgeschnitten: Ein Excel-Blatt fasst nicht alle {total} Probleme. Gezeigt sind die ersten "
                    "{shown} (bis {file}, Zeile {row}); alle stehen im „Prüfbericht (CSV)“.")

# Snapshots (stored versions of accepted imports).
SNAPSHOT_SOURCE = "Import vom {created} ({files})"
ERR_SNAPSHOT_NOT_ACCEPTED = "Der Import enthält keinen gültigen Datensatz und kann nicht übernommen werden."
ERR_SNAPSHOT_UNKNOWN = "Version „{id}“ nicht gefunden."
ERR_SNAPSHOT_WRITE = "Der Import konnte nicht gespeichert werden ({reason}); die bisherige Version bleibt aktiv."
SNAPSHOT_NONE = "Beispieldaten (kein Import)"
SNAPSHOT_FOLDER = "kein Import (Datenordner)"
# Snapshot store: checks of what is served and errors of every store operation (issue 17).
ERR_SNAPSHOT_MANIFEST = ("Die Beschreibung (manifest.json) der Version „{id}“ fehlt oder ist beschädigt; die Version "
                         "wird nicht angezeigt.")
ERR_SNAPSHOT_ACTIVE_MISSING = ("Die aktive Version „{id}“ ist im Datenordner nicht (mehr) vorhanden oder unvollständig.")
ERR_SNAPSHOT_ACTIVE_POINTER = "Die Datei ACTIVE im Datenordner ist beschädigt; welche Version aktiv ist, ist unklar."
ERR_SNAPSHOT_FILE_MISSING = "In Version „{id}“ fehlt die Datei „{file}“."
ERR_SNAPSHOT_FILE_CHANGED = ("In Version „{id}“ stimmt die Datei „{file}“ nicht mehr mit ihrer Prüfsumme überein "
                             "(verändert, ersetzt oder beschädigt).")
ERR_SNAPSHOT_FILE_UNREADABLE = "In Version „{id}“ kann die Datei „{file}“ nicht gelesen werden ({reason})."
ERR_SNAPSHOT_ROWS = ("Version „{id}“: „{file}“ ergibt {found} gültige Zeilen, gespeichert wurden {expected}; die "
                     "Version wird nicht angezeigt.")
ERR_SNAPSHOT_LOAD = "Version „{id}“ kann nicht geladen werden: {reason}"
ERR_SNAPSHOT_LAYOUT = ("Version „{id}“: „{file}“ hat nicht den gespeicherten Aufbau ({problem}); die Version "
                       "wird nicht angezeigt.")
ERR_SNAPSHOT_NOT_VERIFIED = "Version „{id}“ ist beschädigt und kann nicht aktiviert werden: {reason}"
ERR_STORE_READ_ONLY = "Der Datenordner ist schreibgeschützt oder es fehlen Schreibrechte"
ERR_STORE_FULL = "Der Datenträger des Datenordners ist voll"
ERR_STORE_QUOTA = "Das Speicherkontingent des Datenordners ist erschöpft"
ERR_STORE_MISSING = "Der Datenordner fehlt oder ist nicht erreichbar"
ERR_STORE_OTHER = "Systemfehler beim Zugriff auf den Datenordner ({code})"
ERR_SNAPSHOT_ACTIVATE = "Die Version konnte nicht aktiviert werden ({reason}); die bisherige Version bleibt aktiv."
ERR_SNAPSHOT_CLEANUP = "Reste abgebrochener Importe konnten nicht entfernt werden ({reason})."
STORE_BROKEN_BANNER = ("**Die aktiven Daten werden nicht angezeigt, weil sie die Prüfung nicht bestehen.** {problem} "
                       "Es werden keine Zahlen gezeigt, bis eine geprüfte Version aktiv ist.")
STORE_BROKEN_HINT_MANAGER = ("Auf der Seite „Daten“ kann eine andere Version aktiviert oder ein neuer Import "
                             "hochgeladen werden.")
STORE_BROKEN_HINT_OTHERS = "Bitte die Datenverwaltung informieren."
VERIFY_OK = "OK      {id}  ({files} Dateien geprüft)"
VERIFY_FAILED = "FEHLER  {id}  {problem}"
VERIFY_NONE = "Keine Versionen im Datenordner {root}."

# Exports: the block of notes in every CSV and the "Hinweise" sheet of every Excel file.
EXPORT_NOTES_SHEET = "Hinweise"
EXPORT_META_LABELS = {
    "datenstand": "Datenstand",
    "snapshot_id": "Snapshot-ID",
    "source": "Quelle",
    "created": "Erstellt am",
    "filters": "Auswahl",
    "definitions": "Definitionen",
    "files": "Dateien (SHA-256)",
    "error": "Fehler",
    "cut": "Abgeschnitten",
}
EXPORT_BOOL_LABELS = {True: "ja", False: "nein"}
EXPORT_EMPTY = "–"
EXPORT_SHEET_FALLBACK = "Tabelle"
UNNAMED_COLUMN = "Spalte {letter}"

# --- Anmeldung und Rollen (ui/auth.py, docs/access.md) -------------------------

ROLE_LABELS = {"press": "Presse", "analyst": "Analyse", "data_manager": "Datenverwaltung"}
AUTH_SIGN_IN = "Anmelden"
AUTH_SIGN_IN_AGAIN = "Erneut anmelden"
AUTH_SIGN_OUT = "Abmelden"
AUTH_SIGN_IN_TEXT = ("Das Dashboard zeigt Auswertungen zu den Teilnehmenden des BIWAQ-Programms in Duisburg. Dazu "
                     "gehören besonders geschützte personenbezogene Daten, deshalb ist es nur nach Anmeldung mit "
                     "Ihrem Dienstkonto zugänglich. Was Sie sehen, richtet sich nach Ihrer Rolle (Presse, Analyse "
                     "oder Datenverwaltung).")
AUTH_SIGN_IN_HINT = "Sie werden zur Anmeldeseite der Stadt weitergeleitet und danach hierher zurückgebracht."
AUTH_NO_ROLE_TITLE = "Kein Zugriff"
AUTH_NO_ROLE = ("Sie sind als {user} angemeldet, für dieses Dashboard ist Ihrem Konto aber keine Rolle zugeordnet. "
                "Bitte wenden Sie sich an die BIWAQ-Koordination, wenn Sie Zugriff benötigen, und melden Sie sich "
                "danach erneut an.")
AUTH_EXPIRED_TITLE = "Anmeldung abgelaufen"
AUTH_EXPIRED = "Ihre Anmeldung liegt mehr als {hours} Stunden zurück. Bitte melden Sie sich erneut an."
AUTH_CONFIG_BROKEN = ("Die Anmeldung ist falsch eingerichtet ({reason}). Aus Datenschutzgründen wird nichts "
                      "angezeigt. Bitte die Konfiguration nach docs/access.md prüfen.")
AUTH_CONFIG_UNREADABLE = ".streamlit/secrets.toml kann nicht gelesen werden"
AUTH_CONFIG_ROLES_WITHOUT_AUTH = "Rollen sind eingerichtet, aber der Abschnitt [auth] fehlt"
AUTH_CONFIG_REQUIRED = "BIWAQ_REQUIRE_SIGN_IN ist gesetzt, aber der Abschnitt [auth] fehlt"
AUTH_PAGE_REFUSED = ("Diese Seite ist für Ihre Rolle ({role}) nicht freigegeben. Bitte wählen Sie eine Seite aus der "
                     "Navigation.")
AUTH_SIGNED_IN_AS = "Angemeldet als **{user}** · Rolle: {role}"
AUTH_OFF_NOTE = "Anmeldung ist nicht eingerichtet – nur für lokale Nutzung mit Beispieldaten"
AUTH_OFF_REAL_DATA = ("Anmeldung ist nicht eingerichtet, es werden aber nicht die Beispieldaten angezeigt. Echte "
                      "Daten nur mit Anmeldung bereitstellen (docs/access.md).")

# =============================================================================
# --- Quartiere: map and neighbourhood view (issue 5: places.geometry, figures.areas, ui/maps.py, pages/quartiere.py) ---
# =============================================================================

OSM_ATTRIBUTION = "© OpenStreetMap contributors"
NEIGHBOURHOOD_TEXTS: dict[str, str] = {
    "intro": "Wo erreicht BIWAQ die Menschen? Ein Kreis je Ortsteil: Fläche ∝ Teilnehmende, Farbe = "
             "Anteil in Arbeit/Ausbildung. Ein Klick auf einen Kreis oder einen Stadtbezirk nimmt ihn in die Auswahl auf, ein "
             "zweiter Klick nimmt ihn wieder heraus; dieselbe Auswahl geht auch über die Liste neben der Karte.",
    "map_heading": "Karte",
    "legend_bubbles": "Ortsteil (Fläche ∝ Teilnehmende)",
    "legend_empty": "Ortsteil ohne Teilnehmende",
    "legend_bubbles_grey": "Anteil in Arbeit/Ausbildung geschützt (*)",
    "legend_bubbles_grey_rounded": "Anteil in Arbeit/Ausbildung nicht ausgewiesen (/)",
    "legend_bubbles_withheld": "Zahl geschützt (*)",
    "legend_bezirke": "Stadtbezirk",
    "legend_osm_outlines": "Ortsteilgrenze (OSM, {n} von 46)",
    "legend_official": "Ortsteil (amtliche Grenze)",
    "colorbar": "Anteil in Arbeit/Ausbildung",
    "hover_participants": "Teilnehmende",
    "hover_per_1000": "je 1.000 Einwohner",
    "hover_per_1000_unknown": "Einwohnerzahl nicht bekannt",
    "hover_no_participants": "keine Teilnehmenden in der Auswahl",
    "hover_unplaced": "davon ohne Kartenpunkt",
    "hover_click": "Klicken zum Auswählen",
    "map_description": "Karte von Duisburg ohne Kachel-Hintergrund: die 7 Stadtbezirke als Flächen, Ortsteilgrenzen "
                       "soweit vorhanden, je Ortsteil ein Kreis (Fläche ∝ Teilnehmende, Farbe = Anteil in Arbeit/Ausbildung, "
                       "Farbskala oben rechts; grau: Quote geschützt). Ausgewählte Quartiere sind schwarz "
                       "umrandet. Die Tabelle enthält "
                       "dieselben Zahlen je Ortsteil, auch für die Ortsteile ohne Kartenpunkt.",
    "map_description_official": "Karte von Duisburg ohne Kachel-Hintergrund: alle Ortsteile mit amtlicher Grenze "
                                "als Flächen, Farbe = Anteil in Arbeit/Ausbildung (Farbskala oben rechts; grau: geschützt, "
                                "weiß: keine Teilnehmenden); graue Kreise: Fläche ∝ Teilnehmende. Ausgewählte "
                                "Quartiere sind schwarz umrandet. Die Tabelle enthält dieselben Zahlen je Ortsteil.",
    "map_source": "Kartengrundlage: {attribution}, ODbL 1.0 (Stadtgrenze, Stadtbezirke, {n_osm} von 46 "
                  "Ortsteilgrenzen; Stand 2019). Ortsteilpunkte: Flächenmittelpunkte der OSM-Grenzen bzw. "
                  "Koordinaten aus Wikipedia.",
    "map_source_official": "Ortsteilgrenzen: {path} (Einstellung {env}, Ortsteilnummer aus Eigenschaft „{prop}“, "
                           "{n} von 46 Ortsteilen). Stadtbezirke: {attribution}, ODbL 1.0.",
    "unplaced": "Ohne Kartenpunkt (Lage nicht bekannt), aber im Stadtbezirk und in der Tabelle mitgezählt: "
                "{items}.",
    "unplaced_item": "{ortsteil} ({bezirk}: {participants} Teilnehmende)",
    "unplaced_none": "Alle 46 Ortsteile haben einen Kartenpunkt.",
    "official_problem": "Amtliche Ortsteilgrenzen ({env}) nicht verwendet: {reason} Die Karte zeigt die "
                        "OSM-Grenzen.",
    "official_partial": "Hinweis zu den amtlichen Ortsteilgrenzen: {details}",
    "selection_label": "Quartiere auswählen (auch per Klick auf die Karte)",
    "selection_placeholder": "ganz Duisburg",
    "selection_help": "Stadtbezirke und Ortsteile; ein Stadtbezirk umfasst alle seine Ortsteile. Gleiche Auswahl "
                      "wie Klicks auf die Karte; mit ✕ leeren.",
    "option_bezirk": "Stadtbezirk {name}",
    "option_ortsteil": "{name} ({nr}, {bezirk})",
    "selection_heading": "Auswahl: {names}",
    "selection_all": "Ganz Duisburg (keine Auswahl)",
    "selection_filtered": "Alle Quartiere der Filterauswahl",
    "selection_empty": "In der Auswahl gibt es mit den aktiven Filtern keine Teilnehmenden.",
    # the three views below the map (st.tabs bound to ?ansicht=…; only the open one is computed and drawn)
    "tab_selection": "Auswahl im Detail", "tab_density": "Je 1.000 Einwohner",
    "tab_compare": "Zwei Quartiere vergleichen",
    "funnel_heading": "Vom Eintritt zum Ergebnis",
    "funnel_description": "Trichter für die Auswahl: alle Unterstützten, davon mit Ergebnis, davon in Arbeit oder "
                          "Ausbildung, davon in Arbeit; mit Anteil an allen und an der Vorstufe.",
    "composition_heading": "Zusammensetzung",
    "composition_by": "Aufschlüsseln nach",
    "composition_description": "Gestapelte Balken: Teilnehmende der Auswahl je {dimension}, aufgeteilt nach "
                               "bestem Ergebnis; grau: ohne Ergebnis oder noch in Betreuung.",
    "density_heading": "Teilnehmende je 1.000 Einwohner",
    "density_intro": "Nur wo die Einwohnerzahl bekannt ist. Teilnehmende zählen über den ganzen Zeitraum, "
                     "Einwohner zu einem Stichtag.",
    "density_stichtag_warning": "Achtung: Die Stichtage der Einwohnerzahlen unterscheiden sich ({dates}). Die Werte "
                                "sind daher nur eingeschränkt vergleichbar.",
    "density_source": "Quelle der Einwohnerzahlen: {sources}. Melderegister (Hauptwohnsitz); die amtlichen "
                      "IT.NRW-Zahlen sind niedriger.",
    "density_description": "Liegende Balken: Teilnehmende je 1.000 Einwohner, je Ortsteil mit bekannter "
                           "Einwohnerzahl und für ganz Duisburg; der Stichtag steht im Namen.",
    "density_none": "Für keinen Ortsteil mit Teilnehmenden ist eine Einwohnerzahl hinterlegt.",
    "density_axis": "Teilnehmende je 1.000 Einwohner",
    "density_label": "{name} (Einwohner Stand {stichtag})",
    "population_cite": "Wikipedia (de), Artikel {ortsteil}; Datenherkunft: Stadt Duisburg, Einwohnerstatistik",
    "population_cite_city": "NRZ 01/2024 (Einwohnermelderegister der Stadt Duisburg)",
    "city_total": "Duisburg gesamt",
    "compare_heading": "Vergleich zweier Quartiere",
    "compare_a": "Quartier A",
    "compare_b": "Quartier B",
    "compare_help": "Ein oder mehrere Ortsteile; mehrere werden zusammengezählt.",
    "compare_description": "Gruppierte liegende Balken: oben Personen (Teilnehmende und beste Ergebnisse), unten "
                           "Quoten in Prozent, je Quartier eine Farbe (Quartier A jeweils oben).",
    "compare_persons": "Personen",
    "compare_rates": "Quoten",
    "compare_none": "Für den Vergleich in Quartier A und/oder B mindestens einen Ortsteil wählen.",
    "col_area": "Quartier",
    "col_ortsteil": "Ortsteil",
    "col_ortsteil_nr": "Ortsteil-Nr.",
    "col_bezirk": "Stadtbezirk",
    "col_has_point": "Kartenpunkt",
    "col_population": "Einwohner",
    "col_stichtag": "Stichtag Einwohner",
    "col_per_1000": "je 1.000 Einwohner",
    "col_source": "Quelle Einwohner",
    "yes": "ja",
    "no": "nein",
    "selection_density": "je 1.000 Einwohner",
    "selection_density_help": "Teilnehmende der Auswahl ÷ Einwohner × 1.000. Einwohner: {einwohner} (Stichtag "
                              "{stichtag}); Quelle: {sources}.",
    "selection_density_unknown": "Für {names} ist keine Einwohnerzahl hinterlegt; Teilnehmende je 1.000 Einwohner "
                                 "gibt es nur für Marxloh, Obermarxloh und Hochfeld.",
    "col_sources": "Quellen Einwohner",
}
NEIGHBOURHOOD_DIMENSIONS: dict[str, str] = {
    "gender": "Geschlecht",
    "age_group": "Altersgruppe",
    "employment_status": "Erwerbsstatus bei Eintritt",
    "long_term_unemployed": "Langzeitarbeitslosigkeit",
    "migration_background": "Migrationshintergrund",
    "education": "Bildungsniveau",
    "referral_source": "Zugangsweg",
}
OFFICIAL_BOUNDARY_ERRORS: dict[str, str] = {
    "not_found": "Die Datei {path} gibt es nicht.",
    "unreadable": "Die Datei {path} ist keine lesbare GeoJSON-Datei ({reason}).",
    "not_collection": "Die Datei {path} enthält keine GeoJSON-FeatureCollection.",
    "no_property": "Kein Objekt der Datei hat die Eigenschaft „{prop}“ (vorhanden: {available}). Bitte "
                   "BIWAQ_ORTSTEILE_GEOJSON_PROPERTY auf die Eigenschaft mit der dreistelligen Ortsteilnummer setzen.",
    "crs": "Das Koordinatenreferenzsystem {crs} wird nicht unterstützt; bitte als WGS84 (EPSG:4326) oder "
           "ETRS89/UTM 32N (EPSG:25832) exportieren.",
    "no_features": "Kein Objekt der Datei hat eine gültige Ortsteilnummer und eine Fläche (Polygon/MultiPolygon).",
    "outside": "Die Koordinaten liegen nicht in Duisburg (erwartet Längen-/Breitengrad in WGS84).",
}
OFFICIAL_BOUNDARY_NOTES: dict[str, str] = {
    "skipped": "Übersprungen, weil ohne gültige Ortsteilnummer oder ohne Fläche: {n} (Werte: {values}).",
    "missing": "Ohne Grenze in der Datei (als Kreis gezeigt, soweit ein Punkt bekannt ist): {n} – {names}.",
    "utm": "Koordinaten aus ETRS89/UTM 32N (EPSG:25832) in Längen-/Breitengrad umgerechnet.",
    "merged": "Ortsteile, die aus mehreren Objekten zusammengefasst wurden: {n}.",
}

# =============================================================================
# --- Publication mode, ESF Plus indicators, press kit (issue 7: publication.py, indicators.py, presskit.py) ---
# =============================================================================

PUBLICATION_TOTAL_LABEL = "Insgesamt"

# --- publication mode (dashboard) -------------------------------------------
PUBLICATION_TOGGLE = "Veröffentlichungsmodus"
PUBLICATION_HELP = ("Statistische Geheimhaltung: Für das Programm, jeden Träger, jeden Stadtbezirk, jeden Ortsteil, "
                    "jedes Jahr und jedes Quartal werden exakte Zahlen gezeigt; Werte 1 und 2 und Werte, aus denen sie "
                    "sich über alle diese Auswahlen hinweg errechnen ließen, sind durch * ersetzt. Jede andere "
                    "Kombination von Filtern wird auf Vielfache von zehn gerundet (wie in den interaktiven Angeboten "
                    "der Statistik der Bundesagentur für Arbeit). Downloads und Pressemappe sind immer geschützt.")
#: Footnote under rounded figures (free combinations in publication mode), once per page.
PUBLICATION_ROUNDED_FOOTNOTE = ("Gerundet: Zum Zweck der statistischen Geheimhaltung sind die Zahlen dieser Auswahl "
                                "(bei den Kennzahlen die mit „gerundet“ markierten) jede für sich auf ein Vielfaches "
                                "von zehn gerundet (0–4 → 0, 5–14 → 10, …); Summen können "
                                "daher von der Summe der Einzelwerte abweichen, Anteile sind aus den gerundeten Zahlen "
                                "berechnet. Exakt sind nur das Gesamtprogramm und, je Träger, Stadtbezirk, Ortsteil, "
                                "Jahr und Quartal, die Kennzahlen, die auch das Gesamtprogramm ausweist.")
PUBLICATION_ROUNDED_BADGE = "gerundet"
#: Footnote where a share of rounded counts is not shown (biwaq_data.publish.rounding.MIN_SHARE_BASE).
PUBLICATION_UNRELIABLE_FOOTNOTE = ("/ = keine Angabe, da Zahlenwert nicht sicher genug: Anteile aus gerundeten "
                                   "Zahlen werden erst ab einer gerundeten Basis von 50 Personen ausgewiesen; "
                                   "darunter kann das Runden allein einen Anteil um bis zu 80 Prozentpunkte "
                                   "verschieben (ab 50 um höchstens 18).")
#: Footnote for the statistical gender (divers / ohne Angabe assigned to Frauen / Männer).
PUBLICATION_GENDER_FOOTNOTE = ("Personen mit den Geschlechtsangaben „divers“ und „ohne Angabe“ sind aus Gründen der "
                               "statistischen Geheimhaltung nach einem festen Zufallsverfahren den Kategorien Frauen "
                               "und Männer zugeordnet.")
#: Footnote marker text next to withheld bars/points in charts.
PUBLICATION_CHART_MARKER = "*"
PUBLICATION_CHART_HOVER = "aus Gründen der Geheimhaltung nicht ausgewiesen (*)"
#: Marker and hover next to a share not shown because its rounded base is below 50 persons.
PUBLICATION_UNRELIABLE_MARKER = "/"
PUBLICATION_UNRELIABLE_HOVER = "nicht ausgewiesen, da aus zu wenigen Personen gerundet (/)"
PUBLICATION_FORCED = "Diese Seite zeigt immer veröffentlichungsfähige Zahlen (Veröffentlichungsmodus)."
PUBLICATION_OFF_NOTE = ("Veröffentlichungsmodus ist aus: Kleinstwerte sind sichtbar. Nicht weitergeben; "
                        "Downloads bleiben geschützt.")

# =============================================================================
# --- Steuerung: Soll-Ist, Kohorten, Zeitraumvergleich (issue 16: ingest.targets, figures.targets,
# --- figures.cohorts, figures.periods, pages/soll_ist.py, pages/kohorten.py, docs/steering.md) ---
# =============================================================================

COLUMN_LABELS.update({"measure": "Kennzahl", "due_date": "Fällig am", "target": "Zielwert"})
TABLE_LABELS["targets"] = "Zielwerte"
PAGE_TITLES.update({"targets": "Soll-Ist", "cohorts": "Kohorten"})
RULE_MESSAGES.update({
    "target_negative": "Der Zielwert darf nicht negativ sein.",
    "target_rate_range": "Eine Quote als Zielwert muss zwischen 0 und 100 (Prozent) liegen.",
    "due_before_start": "Das Fälligkeitsdatum liegt nicht nach dem Beginn des Zielzeitraums.",
    "duplicate_target": "Dieses Ziel (Träger, Kennzahl, Fälligkeit) steht schon in Zeile {first_row}; nur die erste Zeile zählt.",
    "target_unknown_provider": "Diesen Träger gibt es in den Teilnehmenden nicht; der Ist-Wert ist 0.",
})
TARGET_MEASURE_LABELS = {
    "participants": "Teilnehmende (Eintritte)",
    "employment": "in Beschäftigung",
    "vocational_training": "in Ausbildung",
    "improved_prospects": "verbesserte Perspektive",
    "work_or_training": "in Arbeit oder Ausbildung",
    "placement_rate": "Vermittlungsquote",
}
TARGET_ALL_PROVIDERS = "Programm gesamt"
TARGET_STATUS_LABELS = {"met": "erreicht", "on_track": "im Plan", "at_risk": "gefährdet", "behind": "im Rückstand",
                        "missed": "verfehlt"}
TARGET_STATUS_ICONS = {"met": "✔", "on_track": "●", "at_risk": "▲", "behind": "▼", "missed": "✖"}
TARGET_STATUS_BADGE_COLOURS = {"met": "green", "on_track": "blue", "at_risk": "orange", "behind": "red",
                               "missed": "violet"}
TARGET_SUMMARY_LABEL = "Ziele nach Status"
TARGET_COLUMNS_DE = {
    "provider": "Träger", "measure": "Kennzahl", "due_date": "Fällig am", "status": "Status", "actual": "Ist",
    "target": "Soll", "share_reached": "erreicht", "share_time": "Zeit verstrichen", "forecast": "Prognose",
    "forecast_low": "Prognose von", "forecast_high": "Prognose bis", "months_used": "Monate für Prognose",
    "monthly_rate": "Zuwachs je Monat", "note": "Hinweis",
}
TARGET_NO_FORECAST = {
    "due": "Frist abgelaufen: keine Prognose, der Ist-Wert ist das Ergebnis.",
    "short": "Weniger als drei volle Monate Verlauf: keine Prognose.",
    "withheld": "Prognose aus Gründen der Geheimhaltung nicht ausgewiesen.",
}
TARGET_PAGE_INTRO = ("Zielwerte aus dem Zuwendungsbescheid (Tabelle „Zielwerte“) gegen den Ist-Stand zum Datenstand, je "
                     "Träger und Kennzahl. Die Filter der Seitenleiste gelten hier nicht (Ziele gelten für den ganzen "
                     "Träger und die ganze Laufzeit); nur die Träger-Auswahl grenzt die Zeilen ein.")
TARGET_NONE = ("Es sind keine Zielwerte geladen. Eine Tabelle „Zielwerte“ (Datei zielwerte.csv/targets.csv oder "
               "Tabellenblatt „Zielwerte“) mit den Spalten Träger, Kennzahl, Fällig am, Zielwert ergänzt diese Seite.")
TARGET_TABLE_HEADING = "Ziele und Stand"
TARGET_CHART_HEADING = "Zielerreichung und Prognose"
TARGET_CHART = ("Balken: Anteil des Ziels, der zum Datenstand erreicht ist (100 % = Ziel); Raute: Prognose zum "
                "Fälligkeitstermin mit Spanne; senkrechter Strich: Anteil der verstrichenen Zeit. Farbe = Status.")
TARGET_RULES = (
    "**Ist**: dieselbe Zählung wie auf den anderen Seiten, für den ganzen Träger (bzw. das Programm) zum Datenstand "
    "(Personen mit Eintritt bis zum Datenstand; Ergebnisse je Person einmal unter dem besten Ergebnis). "
    "**erreicht** = Ist ÷ Soll. **Zeit verstrichen** = (Datenstand − Beginn) ÷ (Fälligkeit − Beginn); Beginn ohne "
    "Angabe: 01.01.2023.\n\n"
    "**Prognose** (Fortschreibung der jüngsten Laufrate): mittlerer monatlicher Zuwachs der letzten bis zu sechs "
    "vollen Kalendermonate vor dem Datenstand, fortgeschrieben bis zur Fälligkeit: Ist + Zuwachs je Monat × "
    "verbleibende Monate. **Spanne**: dasselbe mit dem kleinsten und dem größten Monatszuwachs dieser Monate. Mit "
    "weniger als drei vollen Monaten Verlauf wird nicht hochgerechnet. Quoten: Zähler und Nenner werden getrennt "
    "fortgeschrieben.\n\n"
    "**Status**: *erreicht* – Ist ≥ Soll (bei Quoten erst nach Fristablauf); *verfehlt* – Frist abgelaufen und Ist < Soll; "
    "sonst *im Plan* – Prognose ≥ Soll; *gefährdet* – Prognose < Soll, aber obere Spanne ≥ Soll; *im Rückstand* – "
    "auch die obere Spanne < Soll. Ohne Prognose: *im Plan*, wenn der erreichte Anteil mindestens dem Zeitanteil "
    "entspricht, *gefährdet* bis 10 Prozentpunkte darunter, sonst *im Rückstand* (Quoten: Ist ≥ Soll, ≥ 90 % des Solls, "
    "darunter).")
TARGET_PUBLICATION_NOTE = ("Veröffentlichungsmodus: Ist-Werte kommen aus den geschützten Kennzahlen des jeweiligen Trägers "
                           "(1 und 2 und daraus errechenbare Werte = *). Ist ein Ist-Wert geschützt, entfallen auch "
                           "Anteil und Prognose; die Spanne entfällt, wenn ein Monatszuwachs 1 oder 2 beträgt.")
TARGET_EXPORT_NOTE = "Zielwerte gehören nicht zu den Veröffentlichungen: Pressemappe und Kennzahlen-Downloads enthalten sie nicht."

COHORT_PAGE_INTRO = ("Teilnehmende nach Eintrittsquartal (Kohorte). Anteile nur für Kohorten, deren Zeitfenster zum "
                     "Datenstand für alle Mitglieder abgelaufen ist; sonst „offen“. Die Filter der Seitenleiste gelten.")
COHORT_TABLE_HEADING = "In Arbeit oder Ausbildung innerhalb von 3, 6 und 12 Monaten nach Eintritt"
COHORT_CHART = ("Linien: Anteil der Kohorte mit Beschäftigung oder Ausbildung innerhalb von 3, 6 bzw. 12 Monaten "
                "nach Eintritt, je Eintrittsquartal. Offene Zeitfenster fehlen (kein niedriger Wert, sondern noch "
                "nicht messbar), ebenso geheim gehaltene Werte (* in der Tabelle).")
COHORT_OPEN = "offen"
COHORT_COLUMNS_DE = {"cohort": "Eintrittsquartal", "persons": "Teilnehmende", "reached_3": "bis 3 Monate",
                     "share_3": "Anteil 3 Monate", "reached_6": "bis 6 Monate", "share_6": "Anteil 6 Monate",
                     "reached_12": "bis 12 Monate", "share_12": "Anteil 12 Monate"}
COHORT_DEFINITION = (
    "**Kohorte**: Eintritt im Kalenderquartal. **Innerhalb von n Monaten**: ein Ergebnis Beschäftigung oder "
    "Ausbildung mit Datum bis Eintrittsdatum + n Kalendermonate. Nenner: alle Teilnehmenden der Kohorte, auch "
    "Ausgetretene ohne Ergebnis. **Offen**: das Fenster des spätesten möglichen Eintritts im Quartal "
    "(Quartalsende + n Monate) endet nach dem Datenstand.")
SURVIVAL_HEADING = "Zeit bis zum ersten Ergebnis"
# Kohorten's two views, tabs bound to the link (?ansicht=…)
COHORT_VIEWS = {"cohorts": "Kohorten nach Eintrittsquartal", "survival": SURVIVAL_HEADING}
SURVIVAL_GROUP = "Kurven je"
SURVIVAL_GROUPS = {"provider": "Träger", "entry_year": "Eintrittsjahr", "all": "alle zusammen"}
SURVIVAL_EVENT = "Ergebnis"
SURVIVAL_EVENTS = {"any": "irgendein Ergebnis", "work_or_training": "Arbeit oder Ausbildung"}
SURVIVAL_CHART = ("Stufenlinien: geschätzter Anteil, der ein erstes Ergebnis erreicht hat, nach Tagen seit Eintritt "
                  "(Kaplan-Meier-Schätzer, 1 − Überlebensfunktion).")
SURVIVAL_DEFINITION = (
    "**Kaplan-Meier-Schätzer**: Anteil mit Ergebnis nach t Tagen = 1 − Π (1 − Ereignisse ÷ unter Beobachtung) über "
    "alle Ergebnistage bis t. **Zensiert** (zählen nicht als Misserfolg, sondern nur bis zu diesem Tag): noch in "
    "Betreuung am Datenstand; ausgetreten ohne Ergebnis am Austritt + 28 Tage (so lange werden Ergebnisse nach "
    "Austritt noch erfasst, wie bei den ESF-Plus-Ergebnisindikatoren), höchstens bis zum Datenstand. "
    "**Median** = erster Tag, an dem der geschätzte Anteil 50 % erreicht; „nicht erreicht“, wenn die Kurve darunter "
    "bleibt.")
SURVIVAL_MEDIAN = "Median Tage bis zum ersten Ergebnis"
SURVIVAL_NOT_REACHED = "nicht erreicht"
# the median on a card: exact ("n Tage") or, in publication mode, an upper bound on the published grid
SURVIVAL_MEDIAN_DAYS = {"exact": "{days} Tage", "published": "bis Tag {days}"}
SURVIVAL_COLUMNS_DE = {"group": "Gruppe", "days": "Tage seit Eintritt", "at_risk": "unter Beobachtung",
                       "events": "Ergebnisse", "censored": "zensiert", "reached": "Anteil mit Ergebnis",
                       "persons": "Personen", "median_days": "Median (Tage)"}
SURVIVAL_ROUNDED_NOTE = ("Diese Auswahl ist nicht das Gesamtprogramm: Anteile auf 5 Prozentpunkte gerundet und nur, "
                         "solange mindestens 50 Personen (gerundet) unter Beobachtung stehen.")
COHORT_NO_SHARES_CHART = ("Keine Anteile für diese Auswahl:<br>Kohorten zu klein („/“: gerundet<br>unter 50 Personen), "
                          "Zeitfenster<br>offen oder Werte geheim gehalten.<br>Die Zahlen stehen in der Tabelle.")
SURVIVAL_PUBLICATION_NOTE = ("Veröffentlichungsmodus: Kurve nur an festen Tagen (alle 30 Tage) und erst ab drei "
                             "Ergebnissen; Werte, hinter denen 1 oder 2 Personen unter Beobachtung stehen, entfallen.")

QUARTERLY_TITLE = "BIWAQ Duisburg – Quartalsbericht"
QUARTERLY_HEADING = "Quartalsbericht"
QUARTERLY_HELP = ("Für die Steuerung: Kennzahlen des gewählten Zeitraums mit Veränderung zum Vorzeitraum, Soll-Ist, "
                  "Kohorten und ESF-Plus-Indikatoren, mit Datenstand, Zeitraum und Datenversion. Immer im "
                  "Veröffentlichungsmodus. Tipp: in der Seitenleiste „Quartal“ wählen.")
QUARTERLY_XLSX = "Quartalsbericht (Excel)"
QUARTERLY_PDF = "Quartalsbericht (PDF)"
QUARTERLY_SHEETS = {"figures": "Kennzahlen", "targets": "Soll-Ist", "cohorts": "Kohorten",
                    "output": "ESF-Plus Output", "results": "ESF-Plus Ergebnis"}
QUARTERLY_FIGURE_COLUMNS = ("Kennzahl", "Wert", "Vorzeitraum", "Veränderung", "Einheit", "Definition")
QUARTERLY_NO_PREVIOUS = "kein Vorzeitraum (gesamter Zeitraum oder vor Programmbeginn)"
QUARTERLY_COHORT_NOTE = ("Kohorten: alle Eintrittsquartale der Auswahl (ohne Zeitraumfilter), damit abgeschlossene "
                         "Zeitfenster sichtbar sind; „offen“ = Fenster noch nicht abgelaufen.")
QUARTERLY_TARGET_NOTE = "Soll-Ist: Ziele für den ganzen Träger bzw. das Programm zum Datenstand (Seitenleisten-Filter gelten nicht)."
QUARTERLY_PREVIOUS_LABEL = "Vergleichszeitraum"

PERIOD_PRESET_LABEL = "Zeitraum-Vorauswahl"
PERIOD_PRESETS = {"all": "gesamt", "year": "Jahr", "half": "Halbjahr", "quarter": "Quartal", "custom": "eigener"}
PERIOD_PRESET_HELP = ("Quartal, Halbjahr, Jahr: das letzte abgeschlossene Kalenderquartal, -halbjahr bzw. -jahr bis zum "
                      "Datenstand; verglichen wird mit dem Zeitraum gleicher Länge davor. „eigener“: Zeitraum frei "
                      "wählen, Vergleich mit gleich vielen Tagen direkt davor.")
PERIOD_PREVIOUS = {"year": "Vorjahr", "half": "Vorhalbjahr", "quarter": "Vorquartal", "custom": "Vorzeitraum"}
PERIOD_CHOSEN = "Zeitraum (Eintrittsdatum): {start} – {end}"
PERIOD_COMPARISON = "Vergleich: {label} {start} – {end}"
PERIOD_DELTA = "{delta} gegenüber {label}"
PERIOD_DELTA_PP = "{delta} Prozentpunkte gegenüber {label}"
PERIOD_NO_PREVIOUS = "kein Vergleich (Vorzeitraum liegt vor Programmbeginn)"
PERIOD_COMPARISON_NOTE = ("Veränderung gegenüber {label} ({start} – {end}): Eintritte des jeweiligen Zeitraums. "
                          "Ergebnisse zählen bis zum Datenstand, ein jüngerer Zeitraum hatte also weniger Zeit für "
                          "Ergebnisse – für faire Vergleiche siehe Seite „Kohorten“.")

# =============================================================================
# --- Daten page: active data, import, versions (issue 6: pages/daten.py) ---
# =============================================================================

DATA_PAGE_TEXTS: dict[str, str] = {
    "intro": ("Für die Datenverwaltung: welche Daten das Dashboard zeigt, neue Exporte prüfen und übernehmen, "
              "frühere Versionen wieder aktivieren. Jeder Import bleibt als Version erhalten. Die Filter der "
              "Seitenleiste gelten auf dieser Seite nicht: gezeigt werden immer alle Datensätze."),
    # Aktive Daten
    "active_heading": "Aktive Daten",
    "active_snapshot": "Aktiv ist die Version `{id}` mit Datenstand **{datenstand}**, importiert am {created}.",
    "active_sample": ("Es wurden noch keine Daten importiert. Angezeigt werden die mitgelieferten **Beispieldaten** "
                      "(synthetisch, Datenstand {datenstand}). Echte Daten bitte unten unter „Neue Daten "
                      "importieren“ hochladen."),
    "active_folder": "Angezeigt werden die Daten aus dem Ordner „{source}“ (Datenstand {datenstand}, kein Import).",
    "active_broken": ("Die aktive Version `{id}` wird nicht angezeigt: {problem} Unten unter „Versionen“ eine "
                      "geprüfte Version aktivieren oder unter „Neue Daten importieren“ die Dateien erneut hochladen."),
    "active_files": "Quelldateien",
    "active_rows": "Datensätze je Tabelle",
    "col_file": "Datei",
    "col_sha": "SHA-256 (Anfang)",
    "col_size": "Größe",
    "col_tables": "Tabellen",
    "col_table": "Tabelle",
    "col_read": "gelesen",
    "col_accepted": "übernommen",
    "col_rejected": "abgelehnt",
    "active_issues": "Probleme der aktiven Daten",
    "active_issues_none": "Beim Einlesen der aktiven Daten wurden keine Probleme gefunden.",
    "active_issues_count": "{errors} Fehler (Zeile nicht gezählt), {warnings} Hinweise.",
    "active_issues_download": "Probleme (Excel)",
    # Neue Daten importieren
    "import_heading": "Neue Daten importieren",
    "import_help_text": ("Drei Tabellen hochladen: Teilnehmende, Ergebnisse und Leistungen – als CSV, Excel (.xlsx) "
                         "oder Parquet, einzeln oder als eine Excel-Arbeitsmappe mit je einem Tabellenblatt. "
                         "Nach „Prüfen“ zeigt ein Prüfbericht, was übernommen und was abgelehnt würde; geändert "
                         "wird erst mit „Import übernehmen“."),
    "uploader": "Dateien auswählen",
    "uploader_help": ("Erlaubt: .csv, .xlsx, .parquet, höchstens {limit} MB je Datei. Datei- bzw. Blattnamen: "
                      "„teilnehmende“ (participants), „ergebnisse“ (outcomes), „leistungen“ (services); Zusätze "
                      "wie „2025-03_Teilnehmende_Export.csv“ sind in Ordnung."),
    "datenstand_input": "Datenstand (optional)",
    "datenstand_help": ("Stichtag, bis zu dem die Daten vollständig sind. Leer lassen: das letzte Datum in den "
                        "Daten wird verwendet."),
    "check_button": "Prüfen",
    "checking": "Dateien werden geprüft …",
    "report_heading": "Prüfbericht",
    "report_summary": ("Geprüft in {seconds} s · Datenstand **{datenstand}** · künftige Version `{id}` · "
                       "{errors} Fehler, {warnings} Hinweise."),
    "report_not_ok": "Diese Dateien können nicht übernommen werden. Bitte korrigieren und erneut hochladen.",
    "report_no_issues": "Keine Probleme gefunden – alle Zeilen können übernommen werden.",
    "report_issues": "Probleme ({n})",
    "report_download": "Prüfbericht (Excel)",
    "report_download_csv": "Prüfbericht (CSV, alle Zeilen)",
    "active_issues_download_csv": "Probleme (CSV, alle Zeilen)",
    "already_imported": ("Diese Dateien wurden bereits importiert (Version `{id}` vom {created}). „Import "
                         "übernehmen“ legt keine Kopie an, sondern macht diese Version wieder aktiv."),
    "nothing_changed": "Bis hier wurde nichts verändert.",
    "accept_button": "Import übernehmen",
    "discard_button": "Verwerfen",
    "saving": "Import wird gespeichert …",
    "saved": "Import übernommen: Version `{id}` (Datenstand {datenstand}) ist jetzt aktiv.",
    "saved_existing": "Diese Dateien waren bereits importiert: Version `{id}` (Datenstand {datenstand}) ist jetzt aktiv.",
    # Versionen
    "versions_heading": "Versionen",
    "versions_none": "Noch keine Versionen – bisher wurde nichts importiert.",
    "versions_damaged": ("Beschädigte Versionen (Beschreibung fehlt oder ist unlesbar, werden nie angezeigt): {ids}. "
                         "Sie können aus der Datensicherung wiederhergestellt oder durch erneuten Import derselben "
                         "Dateien ersetzt werden."),
    "versions_caption": "Jeder übernommene Import, neueste zuerst. Die Dateien einer Version werden nie verändert.",
    "col_id": "Version",
    "col_datenstand": "Datenstand",
    "col_created": "erstellt",
    "col_participants_accepted": "Teilnehmende übernommen",
    "col_participants_rejected": "Teilnehmende abgelehnt",
    "col_source": "Dateien",
    "col_active": "aktiv",
    "version_select": "Version",
    "version_option": "{id} · Datenstand {datenstand} · erstellt {created}",
    "version_active_suffix": " (aktiv)",
    "activate_button": "Diese Version aktivieren",
    "activated": "Version `{id}` (Datenstand {datenstand}) ist jetzt aktiv.",
    "override_note": ("Hinweis: Die Umgebungsvariable BIWAQ_DATA_SOURCE legt die angezeigten Daten fest; Importe "
                      "und aktivierte Versionen werden erst ohne sie angezeigt."),
}

# =============================================================================
# --- ESF Plus indicators and press kit (issue 7, continued: indicators.py, pages/indikatoren.py, presskit.py) ---
# =============================================================================

# ESF Plus indicators (figures/indicators.py, publish/indicator_report.py, pages/indikatoren.py).
# Official German names from Reg. (EU) 2021/1057, Anhang I (sources and what is verified: docs/indicators.md).
ESF_LABELS = {
    "EECO01": "Gesamtzahl der Teilnehmer",
    "EECO02": "Arbeitslose, auch Langzeitarbeitslose",
    "EECO03": "Langzeitarbeitslose (länger als 12 Monate arbeitslos)",
    "EECO04": "Nichterwerbstätige",
    "EECO05": "Erwerbstätige, auch Selbstständige",
    "EECO06": "Zahl der Kinder unter 18 Jahren",
    "EECO07": "junge Menschen im Alter von 18 bis 29 Jahren",
    "EECO08": "Zahl der Teilnehmer ab 55 Jahren",
    "EECO09": "mit Sekundarbildung Unterstufe oder weniger (ISCED 0–2)",
    "EECO10": "mit Sekundarbildung Oberstufe (ISCED 3) oder postsekundärer Bildung (ISCED 4)",
    "EECO11": "mit tertiärer Bildung (ISCED 5 bis 8)",
    "EECO12": "Teilnehmer mit Behinderungen (Art. 9 DSGVO)",
    "EECO13": "Drittstaatsangehörige (einschließlich Staatenloser und Personen mit unbestimmter "
              "Staatsangehörigkeit)",
    "EECO14": "Teilnehmer ausländischer Herkunft (Migrationshintergrund laut Selbstauskunft)",
    "EECO15": "Angehörige von Minderheiten (u. a. marginalisierte Gemeinschaften, wie etwa die Roma) "
              "(Art. 9 DSGVO)",
    "EECO16": "Obdachlose oder von Ausgrenzung auf dem Wohnungsmarkt Betroffene",
    "EECO19": "unterstützte Kleinst-, kleine und mittlere Unternehmen (Zahl der Unternehmen, nicht Personen)",
    "EECR01": "Teilnehmer, die nach ihrer Teilnahme auf Arbeitsuche sind",
    "EECR02": "Teilnehmer, die nach ihrer Teilnahme eine schulische/berufliche Bildung absolvieren",
    "EECR03": "Teilnehmer, die nach ihrer Teilnahme eine Qualifizierung erlangen",
    "EECR04": "Teilnehmer, die nach ihrer Teilnahme einen Arbeitsplatz haben, einschließlich Selbstständige",
    "EECR05": "Teilnehmer, die sechs Monate nach ihrer Teilnahme einen Arbeitsplatz haben, einschließlich "
              "Selbstständige",
    "BIWAQ-L1": "Teilnehmer, deren Arbeitsmarktsituation sechs Monate nach ihrer Teilnahme besser ist "
                "(programmspezifisch geführt: Code und Wortlaut in Anhang I nicht geprüft)",
    "BIWAQ-R1": "Teilnehmende, deren Beschäftigungsfähigkeit nach der Teilnahme verbessert wurde "
                "(BIWAQ-Ergebnisindikator HF 1)",
    "BIWAQ-R2": "Übergang in Arbeit oder Ausbildung innerhalb von 28 Tagen nach Austritt (Integrationsquote "
                "über Ausgetretene)",
    "BIWAQ-D1": "Ausgetretene (Austritt bis zum Datenstand)",
    "BIWAQ-D2": "Ausgetretene, deren 28-Tage-Fenster abgeschlossen ist (Austritt mindestens 28 Tage vor dem "
                "Datenstand)",
    "BIWAQ-D3": "Ausgetretene, deren Sechs-Monats-Zeitpunkt erreicht ist (Austritt mindestens 183 Tage vor dem "
                "Datenstand)",
}
ESF_DERIVED_CODE = "(abgeleitet)"
ESF_DERIVED_SUFFIX = {
    "EECR02": " – abgeleitet: Ergebnis „Ausbildung“ bis 28 Tage nach Austritt (kein Status bei Austritt erfasst)",
    "EECR04": " – abgeleitet: Ergebnis „Beschäftigung“ bis 28 Tage nach Austritt (kein Status bei Austritt erfasst)",
    "EECR05": " – Näherung: Beschäftigung bis 183 Tage nach Austritt begonnen; ob sie nach sechs Monaten noch "
              "besteht, ist nicht erfasst",
    "BIWAQ-R2": " – abgeleitet: Ergebnis „Beschäftigung“ oder „Ausbildung“ bis 28 Tage nach Austritt",
}
ESF_NOT_COLLECTED = "nicht erhoben"
ESF_MISSING_TABLE = "Tabelle „{table}“"
ESF_BASIS = {
    "measured": "erhoben",
    "derived": "abgeleitet aus den Ergebnisdaten (Spalte {columns} fehlt)",
    "approximate": "Näherung: Alter aus dem Geburtsjahr, wo {columns} fehlt",
    "not_collected": "nicht erhoben – Spalte {columns} fehlt",
}
ESF_DENOMINATORS = {
    "BIWAQ-D2": "Nenner: BIWAQ-D2 (Austritt ≥ 28 Tage vor Datenstand)",
    "BIWAQ-D3": "Nenner: BIWAQ-D3 (Austritt ≥ 183 Tage vor Datenstand)",
}
ESF_COLUMN_LABELS = {
    "code": "Code", "indicator": "Indikator", "basis": "Grundlage", "denominator": "Bezugsgröße (Nenner)",
    "female": "Frauen", "male": "Männer", "non_binary": "nicht-binär", "unknown": "ohne Angabe",
    "total": "Insgesamt",
}
ESF_SHEETS = {"output": "Output", "results": "Ergebnis", "notes": "Hinweise"}
ESF_REPORT_TITLE = "BIWAQ Duisburg – ESF-Plus-Indikatoren"
ESF_OUTPUT_TITLE = "Outputindikatoren: Teilnehmende bei Eintritt (Nenner: alle Eintritte im Zeitraum)"
ESF_RESULT_TITLE = "Ergebnisindikatoren: Ausgetretene (Anzahl Personen)"
ESF_RATES_TITLE = "Ergebnisindikatoren: Anteile an der jeweiligen Bezugsgröße"
ESF_DEFINITIONS_HEADING = "Definitionen"
ESF_FOOTNOTE_LABEL = "Fußnote"
ESF_NOTE_PROTECTION = "Geheimhaltung"
ESF_NOTE_CREATED = "Erstellt am"
ESF_PROTECTED = ("Veröffentlichungsmodus: Werte 1 und 2 und daraus ableitbare Werte sind durch * ersetzt "
                 "(Mindestfallzahl 3 wie in den Tabellen der Statistik der Bundesagentur für Arbeit).")
ESF_UNPROTECTED = "Ohne Geheimhaltung (nur für den internen Gebrauch freigegeben)."
ESF_DEFINITIONS = {
    "Outputindikatoren": "Personen mit Eintritt im Zeitraum, Merkmale bei Eintritt. Jede Zeile ist nach Geschlecht "
    "aufgeteilt; „ohne Angabe“ sind Personen ohne Geschlechtsangabe, damit die Zeilen aufgehen.",
    "Arbeitslos / langzeitarbeitslos": "bei der Agentur für Arbeit oder dem Jobcenter arbeitslos gemeldet; "
    "langzeitarbeitslos: länger als 12 Monate arbeitslos (§ 18 SGB III; Angaben bei Eintritt).",
    "Alter": "volle Lebensjahre am Eintrittstag aus dem Geburtsdatum. Fehlt das Geburtsdatum, wird Eintrittsjahr "
    "minus Geburtsjahr verwendet (bis zu einem Jahr zu hoch); die Zeilen sind dann als Näherung gekennzeichnet.",
    "ISCED": "höchster Bildungsabschluss bei Eintritt; Personen mit unbekanntem Bildungsniveau sind in keiner "
    "ISCED-Zeile enthalten.",
    "Ja/Nein-Merkmale": "Behinderung, Minderheit, Obdachlosigkeit und Drittstaatsangehörigkeit zählen nur bei "
    "„ja“; leer (nicht beantwortet bzw. nicht erfasst) wird nicht gezählt. Drittstaatsangehörige: keine "
    "Unionsbürger, einschließlich Staatenloser und Personen mit unbestimmter Staatsangehörigkeit.",
    "Besondere Kategorien": "Nur EECO12 (Behinderungen) und EECO15 (Minderheiten) sind in Anhang I als besondere "
    "Kategorie personenbezogener Daten (Art. 9 DSGVO) gekennzeichnet; sie werden nur zusammengefasst gezeigt, "
    "nie als Liste. EECO14 (ausländische Herkunft) ist keine besondere Kategorie.",
    "EECO19": "Unternehmen aus der Tabelle „Unternehmen“ mit Größenklasse Kleinst-, kleines oder mittleres "
    "Unternehmen und Beginn der Unterstützung im Zeitraum; Filter nach Träger, Ortsteil und Stadtbezirk gelten, "
    "Personenfilter nicht. Keine Aufteilung nach Geschlecht (x = nicht sinnvoll).",
    "Bei Austritt (EECR01–EECR04)": "Status innerhalb von vier Wochen (28 Tagen) nach dem Austritt laut Spalte "
    "„Status bei Austritt“ bzw. „Qualifikation erlangt“. Gezählt und als Nenner verwendet werden nur Ausgetretene, "
    "deren 28-Tage-Fenster abgeschlossen ist (BIWAQ-D2); jüngere Austritte kommen später hinzu.",
    "Sechs Monate nach Austritt (EECR05, BIWAQ-L1)": "Status sechs Monate nach dem Austritt laut Spalte „Status "
    "6 Monate nach Austritt“ bzw. „Verbesserte Arbeitsmarktsituation nach 6 Monaten“; leer = noch nicht "
    "nachbefragt, nicht gezählt. Nenner: Ausgetretene mit Austritt mindestens 183 Tage vor dem Datenstand (BIWAQ-D3).",
    "Abgeleitet": "Fehlt der Status bei Austritt (ältere Exporte), werden EECR02, EECR04 und BIWAQ-R2 aus den "
    "Ergebnissen abgeleitet (Datum ab Eintritt und höchstens 28 Tage nach dem Austritt) und so gekennzeichnet – "
    "sie sind nicht die Indikatoren im Sinne der Verordnung. EECR05 ohne Status nach 6 Monaten: Beschäftigung bis "
    "183 Tage nach Austritt begonnen (Näherung).",
    "BIWAQ-R1": "Ausgetretene (28-Tage-Fenster abgeschlossen) mit mindestens einem Ergebnis (Beschäftigung, "
    "Ausbildung oder verbesserte Perspektive) zwischen Eintritt und 28 Tagen nach Austritt. Wortlaut des "
    "Programms: „Teilnehmende, deren Beschäftigungsfähigkeit … nach ihrer Teilnahme … erhöht bzw. verbessert "
    "wurden“; Messverfahren des Programms nicht veröffentlicht gefunden.",
    "BIWAQ-R2": "Anteil der Ausgetretenen mit abgeschlossenem 28-Tage-Fenster, die bei Austritt erwerbstätig oder "
    "in schulischer/beruflicher Bildung sind – anders als der „Anteil der Unterstützten in Arbeit oder "
    "Ausbildung“ (Nenner: alle Unterstützten, auch noch Betreute).",
    "BIWAQ-L1": "Die Verbesserung der Arbeitsmarktsituation sechs Monate nach Austritt wird programmspezifisch "
    "geführt, weil Code und Wortlaut in Anhang I der VO (EU) 2021/1057 nicht geprüft werden konnten.",
    "Prüfstand der Bezeichnungen": "Deutscher Wortlaut an Anhang I (VO (EU) 2021/1057) geprüft für EECO01–EECO15 "
    "und EECR04; nicht an der Verordnung geprüft: EECR01–EECR03, EECR05 (Codes aus EU-Leitfäden bzw. abgeleitet), "
    "EECO16 (Wortlaut nur in Anhang II gesehen), EECO19 (Code geprüft, Wortlaut nicht). Quellen: docs/indicators.md.",
    "Codes": "gemeinsame Indikatoren des ESF Plus (VO (EU) 2021/1057, Anhang I; EECO = Output, EECR = Ergebnis); "
    "BIWAQ-… = programmeigene Zeilen und Nenner. Einzelheiten und Quellen: docs/indicators.md.",
}
ESF_PAGE_INTRO = ("Gemeinsame Indikatoren des ESF Plus für die gewählten Teilnehmenden, jeweils nach Geschlecht. "
                  "Outputindikatoren beziehen sich auf alle Eintritte, Ergebnisindikatoren auf die Ausgetretenen, "
                  "deren Zeitfenster abgeschlossen ist. „nicht erhoben“: die Daten enthalten die nötige Spalte nicht.")
ESF_PUBLICATION_TOGGLE = "Veröffentlichungsmodus (Geheimhaltung)"
ESF_PUBLICATION_HELP = ("Ersetzt Werte 1 und 2 und daraus ableitbare Werte durch *. Der Excel-Bericht ist immer "
                        "geschützt, außer der Betrieb erlaubt es ausdrücklich (BIWAQ_ALLOW_UNPROTECTED_EXPORTS).")
ESF_UNPROTECTED_WARNING = "Veröffentlichungsmodus ist aus: Diese Zahlen nicht weitergeben."
ESF_DOWNLOAD = "Indikatorenbericht (Excel) herunterladen"
ESF_OUTPUT_HEADING = "Outputindikatoren (bei Eintritt)"
ESF_RESULT_HEADING = "Ergebnisindikatoren (Ausgetretene mit abgeschlossenem Zeitfenster)"
ESF_RATES_HEADING = "Anteile an der Bezugsgröße"
ESF_OUTPUT_CAPTION = "Nenner: alle Teilnehmenden mit Eintritt im Zeitraum ({n}); EECO19 zählt Unternehmen."
ESF_RESULT_CAPTION = ("Nenner EECR01–EECR04, BIWAQ-R1 und BIWAQ-R2: Ausgetretene mit abgeschlossenem 28-Tage-Fenster "
                      "({closed} von {leavers} Ausgetretenen). Nenner EECR05 und BIWAQ-L1: Ausgetretene mit Austritt "
                      "mindestens 6 Monate vor dem Datenstand ({assessable}).")
ESF_MISSING_HEADING = "Nicht erhoben"
ESF_MISSING_NOTE = "{code}: nicht erhoben – die Daten enthalten die Spalte {columns} nicht."
ESF_DERIVED_NOTE = ("{code}: abgeleitet aus den Ergebnisdaten, weil die Spalte {columns} fehlt – nicht der "
                    "Indikator im Sinne der Verordnung.")
ESF_APPROX_NOTE = ("{code}: Alter teils aus dem Geburtsjahr (Näherung, bis zu einem Jahr zu hoch), weil "
                   "{columns} fehlt.")
ESF_PLACEMENT_NOTE = ("Zum Vergleich: Anteil der Unterstützten in Arbeit oder Ausbildung {placement} (Nenner: alle "
                      "{participants} Unterstützten, auch noch Betreute); Übergang in Arbeit oder Ausbildung "
                      "innerhalb von 28 Tagen nach Austritt (BIWAQ-R2) {integration} (Nenner: {closed} Ausgetretene "
                      "mit abgeschlossenem 28-Tage-Fenster).")
# local economy (pages/indikatoren.py, figures/enterprises.py)
ECONOMY_HEADING = "Lokale Ökonomie: unterstützte Unternehmen"
ECONOMY_INTRO = ("BIWAQ-Handlungsfeld 2 „Stärkung der lokalen Ökonomie“: Unternehmen mit Beginn der Unterstützung "
                 "im Zeitraum, nach Ortsteil und Träger; Quelle: Tabelle „Unternehmen“. EECO19 zählt davon die "
                 "Kleinst-, kleinen und mittleren Unternehmen.")
ECONOMY_MISSING = ("Nicht erhoben: Die Daten enthalten keine Tabelle „Unternehmen“ (enterprises). Mit ihr zeigt "
                   "diese Seite EECO19 und die unterstützten Unternehmen je Ortsteil und Träger.")
ECONOMY_COLUMNS = {"ortsteil": "Ortsteil", "provider": "Träger", "quarter": "Quartal (Beginn)",
                   "enterprises": "Unternehmen", "sme": "davon KMU (EECO19)"}
ECONOMY_BY_PLACE = "Je Ortsteil und Träger"
ECONOMY_BY_QUARTER = "Je Quartal (Beginn der Unterstützung)"
ESF_DEFINITIONS_EXPANDER = "Definitionen der Indikatoren"

# Press kit (presskit.py)
PRESSKIT_TITLE = "BIWAQ Duisburg – Pressemappe"
PRESSKIT_SHEETS = {"figures": "Kennzahlen", "definitions": "Definitionen", "notes": "Hinweise"}
PRESSKIT_FIGURE_HEADERS = ("Kennzahl", "Wert", "Einheit", "Definition")
PRESSKIT_UNIT_PERSONS = "Personen"
PRESSKIT_UNIT_RATE = "Prozent"
PRESSKIT_BREAKDOWN_TITLE = "Teilnehmende und Ergebnisse nach"
PRESSKIT_GROUP_LABELS = {"ortsteil": "Ortsteil", "bezirk": "Stadtbezirk", "gender": "Geschlecht",
                         "age_group": "Altersgruppe bei Eintritt", "employment_status": "Erwerbsstatus bei Eintritt",
                         "migration_background": "Migrationshintergrund"}
PRESSKIT_COLUMN_LABELS = {
    "participants": "Teilnehmende", "share": "Anteil an allen Teilnehmenden", "employment": "in Beschäftigung",
    "vocational_training": "in Ausbildung", "improved_prospects": "verbesserte Perspektive",
    "with_outcome": "mit Ergebnis", "placement_rate": "Anteil in Arbeit oder Ausbildung (Nenner: Teilnehmende)", "outcome_rate": "Ergebnisquote",
}
PRESSKIT_BREAKDOWN_NOTE = ("Jede Person zählt einmal unter ihrem besten Ergebnis. Anteil in Arbeit oder Ausbildung = (Beschäftigung "
                           "+ Ausbildung) ÷ Teilnehmende der Gruppe; Nenner: alle Eintritte der Gruppe. "
                           "x = nicht sinnvoll (keine Teilnehmenden).")
PRESSKIT_DEFINITION_HEADERS = ("Kennzahl", "Definition")
PRESSKIT_EXTRA_DEFINITIONS = {
    "Zeitraum": "bezieht sich auf das Eintrittsdatum; Ergebnisse werden bis zum Datenstand gezählt.",
    "* (Geheimhaltung)": "Werte von 1 oder 2 und Werte, aus denen sie sich errechnen ließen, sind durch * ersetzt "
    "(Mindestfallzahl 3 wie in den Tabellen der Statistik der Bundesagentur für Arbeit), auch über die festen "
    "Auswahlen (Programm, Träger, Stadtbezirke, Ortsteile, Jahre, Quartale) hinweg. 0 wird angezeigt.",
    "x": "Quote nicht sinnvoll, weil es keine Teilnehmenden gibt.",
}
PRESSKIT_PROTECTION = "Geheimhaltung"
PRESSKIT_GENDER_LABEL = "Geschlecht"
PRESSKIT_FOOTNOTE = "Fußnote"
PRESSKIT_OF_ALL = "aller"
PRESSKIT_OUTCOMES_HEADING = "Ergebnisse je Person"
PRESSKIT_OUTCOMES_CAPTION = ("Personen nach ihrem besten Ergebnis (Beschäftigung, Ausbildung, verbesserte "
                             "Perspektive); jede Person zählt einmal.")
PRESSKIT_FUNNEL_HEADING = "Vom Eintritt zum Ergebnis"
PRESSKIT_FUNNEL_CAPTION = ("Alle Unterstützten, davon mit Ergebnis, davon in Arbeit oder Ausbildung, davon in "
                           "Arbeit; Prozent: Anteil an allen Unterstützten.")
PRESSKIT_SANKEY_HEADING = "Von der Ausgangslage zum Ergebnis"
PRESSKIT_SANKEY_CAPTION = ("Personen vom Erwerbsstatus bei Eintritt zu ihrem besten Ergebnis, einschließlich "
                           "„noch in Betreuung“ und „ohne Ergebnis“; hinter dem Namen die Zahl der Personen.")
PRESSKIT_FLOWS_HIDDEN = "Geheim gehaltene Flüsse (*) sind nicht dargestellt."
PRESSKIT_NO_FLOWS = "Keine darstellbaren Flüsse für diese Auswahl."
PRESSKIT_NO_QUOTE = ("Kein zitierfähiger Text: Für diese Auswahl sind einzelne Kennzahlen aus Gründen der "
                     "Geheimhaltung nicht veröffentlichbar (*).")
PRESSKIT_PROTECTION_NOTE = ("Alle Zahlen im Veröffentlichungsmodus: Werte von 1 oder 2 und daraus errechenbare Werte "
                            "sind durch * ersetzt; als „gerundet“ markierte Zahlen sind auf Vielfache von zehn "
                            "gerundet. Zeitraum bezieht sich auf das Eintrittsdatum; Ergebnisse werden "
                            "bis zum Datenstand gezählt.")
PRESSKIT_NO_CHROMIUM = ("Der PDF-Bericht kann auf diesem Server nicht erzeugt werden: Chromium ist nicht installiert. "
                        "Bitte den Betrieb bitten, das Debian-Paket „chromium“ zu installieren (oder den Pfad in "
                        "BIWAQ_CHROMIUM anzugeben). Die Excel-Pressemappe funktioniert weiterhin.")
PRESSKIT_CHROMIUM_FAILED = ("Der PDF-Bericht konnte nicht erzeugt werden (Chromium: {reason}). Bitte später erneut "
                            "versuchen; die Excel-Pressemappe funktioniert weiterhin.")
PRESSKIT_OF_PREVIOUS = "der Vorstufe"

# --- press kit buttons (Überblick) ------------------------------------------
PRESSKIT_HEADING = "Pressemappe"
PRESSKIT_HELP = ("Excel-Arbeitsmappe mit Kennzahlen, Aufschlüsselungen, Definitionen und Fußnote sowie ein "
                 "druckfertiger A4-Bericht (PDF) von Überblick und Wirkung – immer im Veröffentlichungsmodus.")
PRESSKIT_XLSX = "Pressemappe (Excel)"
PRESSKIT_PDF = "Pressebericht (PDF)"

# --- page intros, chart headings and chart descriptions (alt text) ------------------
PAGE_TEXTS = {
    'impact_funnel': 'Trichter: alle Unterstützten, davon mit Ergebnis, davon in Arbeit oder Ausbildung, davon in Arbeit; mit Anteil an allen und an der Vorstufe.',
    'impact_sankey': 'Flussdiagramm: Personen vom Erwerbsstatus bei Eintritt (langzeitarbeitslos, arbeitslos, nicht erwerbstätig, erwerbstätig) zu ihrem besten Ergebnis, einschließlich „noch in Betreuung“ (ohne Ergebnis, nicht ausgetreten) und „ohne Ergebnis“ (ausgetreten ohne Ergebnis).',
    'impact_funnel_heading': 'Vom Eintritt zum Ergebnis',
    'impact_outcomes_heading': 'Bestes Ergebnis je Person',
    'impact_sankey_heading': 'Von der Ausgangslage zum Ergebnis',
    'breakdown_intro': 'Gruppen in der Liste unter „Aufschlüsseln nach“ wählen oder Balken anklicken, um die Seite auf diese Gruppen einzugrenzen; das Ergebnis steht direkt unter dem Diagramm. Anteil in Arbeit oder Ausbildung = (Beschäftigung + Ausbildung) ÷ Teilnehmende der Gruppe.',
    'breakdown_bars': 'Gestapelte Balken: Teilnehmende je {group}, aufgeteilt nach bestem Ergebnis; grau: ohne Ergebnis oder noch in Betreuung.',
    'breakdown_selection_rates': 'Anteil in Arbeit/Ausbildung und Ergebnisquote je {group} innerhalb der Auswahl.',
    'breakdown_rates': 'Anteil in Arbeit/Ausbildung und Ergebnisquote je {group}; Nenner: Teilnehmende der Gruppe.',
    'breakdown_rates_heading': 'Quoten je Gruppe',
    'trends_monthly': 'Säulen: Eintritte und Austritte je Monat; Linien: Personen mit erstem Ergebnis im Monat und aktive Teilnehmende am Monatsende.',
    'trends_cumulative': 'Fläche: Summe aller Eintritte bis zum jeweiligen Monat; der letzte Wert entspricht den Teilnehmenden im Zeitraum.',
    'trends_monthly_heading': 'Eintritte, Austritte, Ergebnisse und aktive Teilnehmende je Monat',
    'trends_cumulative_heading': 'Teilnehmende kumuliert',
    'services_intro': 'Eine Person mit mehreren Leistungen zählt bei jeder Leistung; die Personen ergeben daher zusammen mehr als die Teilnehmenden. Quoten: Nenner sind die Personen mit dieser Leistung.',
    'services_persons': 'Balken: Personen, die die Leistung mindestens einmal erhalten haben; Stunden im Tooltip.',
    'services_rates': 'Anteil in Arbeit/Ausbildung und Ergebnisquote unter den Personen mit der jeweiligen Leistung. Kein Wirkungsnachweis: wer welche Leistung erhält, hängt von der Ausgangslage ab.',
    'services_persons_heading': 'Personen je Leistung',
    'services_rates_heading': 'Ergebnisse nach Leistung',
    'outcome_bars': 'Säulen: Personen nach bestem Ergebnis (Beschäftigung, Ausbildung, verbesserte Perspektive); jede Person zählt einmal. Die Tabelle zeigt zusätzlich, wie viele Personen ein Ergebnis überhaupt erreicht haben (auch wenn später ein besseres folgte).',
    'overview_outcomes_heading': 'Ergebnisse je Person',
    'overview_downloads_heading': 'Kennzahlen herunterladen',
}
PAGE_TEXTS.update({
    "breakdown_by": "Aufschlüsseln nach",
    "breakdown_selection_heading": "Auswahl: {groups}",
    "breakdown_selection_by": "Auswahl weiter aufschlüsseln nach",
    "breakdown_pick": "Gruppen auswählen ({group}) – auch per Klick auf einen Balken",
    "breakdown_pick_none": "keine: alle Gruppen",
    "breakdown_pick_help": "Mit der Tastatur: Feld anwählen, Gruppe tippen, Enter. Ein Klick auf einen Balken "
                           "fügt die Gruppe hinzu oder entfernt sie. Die Auswahl steht in der Adresse der Seite.",
    "breakdown_fixed": "Nicht angeboten, weil die Filter nur eine Gruppe übrig lassen: {dimensions}.",
    "overview_downloads": "Alle Kennzahlen mit Definition, Datenstand, Zeitraum und Filtern als CSV oder Excel.",
})
# Breakdown dimensions offered on the Aufschlüsselung page (attribute -> German name)
BREAKDOWN_DIMENSIONS = {
    "ortsteil": "Ortsteil", "bezirk": "Stadtbezirk", "employment_status": "Erwerbsstatus bei Eintritt",
    "migration_background": "Migrationshintergrund", "gender": "Geschlecht", "age_group": "Altersgruppe",
    "education": "Bildungsniveau", "referral_source": "Zugangsweg", "provider": "Träger",
}

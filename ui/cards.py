"""Chart cards shown on more than one page."""

from __future__ import annotations

from biwaq_data import Dataset, Filters, publication
from biwaq_data import texts_de as T
from ui import charts
from ui.components import chart_card
from ui.publication import show
from ui.figure_cache import Chart

OUTCOME_COLUMNS = {"label": ("Ergebnis", "text"), "best_persons": ("Personen (bestes Ergebnis)", "int"),
                   "any_persons": ("Personen mit diesem Ergebnis (auch zusätzlich)", "int"),
                   "share": ("Anteil an allen Teilnehmenden", "pct")}


def outcome_card(dataset: Dataset, filters: Filters, headline: dict, meta: dict[str, str], key: str) -> None:
    """Persons by best outcome (bars), with the persons who reached each outcome at all in the table."""
    outcomes = show(publication.metric_frame(dataset, filters, "outcome_table"), publication.publish_outcome_table,
                    headline)
    chart_card(Chart(charts.outcome_bars, outcomes.frame), outcomes, OUTCOME_COLUMNS,
               description=T.PAGE_TEXTS["outcome_bars"],
               filename="biwaq_ergebnisse", key=key, meta=meta)

"""Publication mode: the figures that leave the dashboard, with statistical confidentiality applied
consistently across every table of one selection.

Use it like this (pure, no Streamlit)::

    sel = publication.selection(dataset, filters)     # programme: exact, cell suppression; else rounded (cached)
    sel.headline()                                     # PublishedFigures (dict), NA where withheld
    sel.breakdown("gender")                            # Published: .frame, .suppressed, .text(), ...
    publication.publish_breakdown(metrics.breakdown(ds, "gender", f), sel)   # same, frame-based

Every published table has the metric frame's columns with nullable ``Int64`` / ``Float64`` dtypes,
``pd.NA`` where a value is withheld, and masks telling "suppressed" (shown ``*``, needs
:data:`privacy.FOOTNOTE_DE`) apart from "undefined" (a rate with denominator 0, shown ``x``). A
published zero stays a zero.

Why a *selection* and not table by table: the tables of one selection share figures (every
breakdown's total row is the headline; Bezirke are sums of Ortsteile; ...) and their published
zeros tie them together further. A value protected in one table can be rebuilt from another unless
all of them are protected together - see :class:`Selection`.

How the protection works (rules of the Statistik der Bundesagentur für Arbeit, see
:mod:`biwaq_data.publish.privacy`):

* **Headline** - the press figures are a small hierarchy of sums, protected top-down, one line
  (two parts + their total) at a time with :func:`privacy.suppress_counts`::

      participants = with_outcome + rest          rest = in_support + no_outcome
      with_outcome = work_or_training + improved_prospects
      work_or_training = employment + vocational_training
      participants = unemployed + not unemployed  unemployed = long-term + short-term unemployed
      participants = migration background + none  participants = leavers + still supported
      (and "nicht langzeitarbeitslos" = participants - long-term unemployed, a breakdown row)

  A part of a withheld total is itself withheld when needed (so the total cannot be rebuilt), and a
  withheld part always gets a *sibling* as complement (one person "noch in Betreuung" hides
  "ohne Ergebnis", not the employment figure).
* **Tables** (breakdowns, flows, monthly series, the ESF Plus indicator blocks category x gender)
  - the cells of the table and its totals go through :func:`privacy.suppress_counts` (primary +
  secondary suppression). On top of that a linear-algebra check (every published figure is a linear
  form over the unknown counts behind the table; a withheld figure is derivable iff its form lies in
  the span of the published ones and the published zeros) makes sure that

  - the **margins equal the headline**: a total the headline shows is shown, a total the headline
    withholds is withheld (so no table reveals what another hides);
  - extra published columns that are sums of cells (``with_outcome``, a monthly ``active`` or
    cumulative count) and the numerators of published rates reveal nothing: they are shown only
    when they already follow from the published cells, and such a column with value 1 or 2 is
    protected like a cell;
  - finer tables respect coarser ones that the dashboard also shows (Ortsteile vs. Stadtbezirke,
    flows "Status bei Eintritt -> bestes Ergebnis" vs. the breakdowns by employment status and
    long-term unemployment);
  - a table implies no relation between withheld margin values beyond what the margins themselves
    show ("isolation"), so two tables sharing the same margins cannot be combined to solve for one.

  If a check fails, the smallest non-zero cell that repairs it is withheld as well and the
  suppression is rerun. If what a *coarser* table publishes (plus this table's zeros) already reveals
  a small value - e.g. a breakdown where one group holds all "ohne Ergebnis" persons pins a cell to
  the headline figure - the coarser table withholds one more figure and the whole selection is solved
  again (:class:`Selection`; figures are only ever added to the withheld set, so this terminates).
  Rates follow the rate rule (numerator or denominator minus numerator 1 or 2) and are withheld
  whenever their numerator or denominator is not published.
* **Outcome table, services** - rules per row, see :meth:`Selection.outcome_table` and
  :meth:`Selection.services` (e.g. a service that reached *every* participant has exactly the
  headline's rates, so it withholds them like the headline).

Tested by ``tests/test_publication.py``: for random filter selections on the sample and on small
generated data sets an independent model of *all* tables of the selection is attacked; no withheld
value and no 1 or 2 may be derivable (raise ``BIWAQ_DIFF_EXAMPLES`` for a deeper run).

Honest limits (as in BA practice):

* Only exact derivation from the published linear relations is prevented. Bounds that follow from
  counts being non-negative (interval disclosure) are not considered, and the sum of the withheld
  cells of one line is always known from its total - that is inherent to cell suppression.
* Cell suppression covers the tables of **one** selection. Across selections, publication mode therefore only
  shows exact figures for the programme and the fixed publication set (each Träger, Stadtbezirk, Ortsteil, year,
  quarter: their figures that the programme's tables publish anyway, :mod:`.pressset`); every other filter
  combination is rounded to multiples of ten like the BA's interactive tools (:mod:`.rounding`), and "divers" /
  "ohne Angabe" are assigned to Frauen / Männer by a fixed rule (:mod:`.gender`). See docs/privacy.md.
* Facts outside the published tables (e.g. knowing that one provider only serves one Bezirk) are not
  modelled.

Exports are always protected unless the operator sets the environment variable
``BIWAQ_ALLOW_UNPROTECTED_EXPORTS`` to ``1``/``true``/``ja`` (see :func:`exports_unprotected_allowed`).
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from .. import places
from ..ingest import schema
from .. import texts_de as T
from .privacy import FOOTNOTE_DE, SUPPRESSION_SYMBOL, UNDEFINED_SYMBOL, format_count_de  # noqa: F401 (public face)
from .results import OUTCOME_COLUMNS, Published, PublishedFigures, _rates, _result  # noqa: F401 (public face)
from .pressset import canonical, press_selections, press_set, selection  # noqa: F401 (public face)
from .rounding import ROUNDING_FOOTNOTE_DE, RoundedSelection, round10  # noqa: F401 (public face)
from .selection import Selection, exact_selection
from ..figures.memo import metric_frame  # noqa: F401 (public face: the metric frames shared per data version and filters)

#: Environment variable allowing exports without suppression (default: not allowed).
ALLOW_UNPROTECTED_ENV = "BIWAQ_ALLOW_UNPROTECTED_EXPORTS"
_TRUE_WORDS = frozenset({"1", "true", "yes", "ja", "on"})



def exports_unprotected_allowed() -> bool:
    """True only if ``BIWAQ_ALLOW_UNPROTECTED_EXPORTS`` is set to 1/true/yes/ja/on.

    Default (variable unset or anything else): every download, the press kit and the indicator
    report are produced in publication mode, whatever an analyst switched on screen. Operators who
    need raw figures internally (e.g. for the Jobcenter under a data-processing agreement) set the
    variable for that deployment only.
    """
    return os.environ.get(ALLOW_UNPROTECTED_ENV, "").strip().lower() in _TRUE_WORDS


# =========================================================================== frame-based API


def _infer_attribute(frame: pd.DataFrame) -> str:
    if "ortsteil_nr" in frame.columns:
        return "ortsteil"
    keys = list(frame["key"])
    if keys and all(isinstance(k, (bool, np.bool_)) for k in keys):
        labels = dict(zip(frame["key"], frame["label"]))
        mig = T.CATEGORY_LABELS["migration_background"]
        return "migration_background" if labels.get(True) == mig[True] or labels.get(False) == mig[False] \
            else "long_term_unemployed"
    candidates = [(name, set(values)) for name, values in schema.PARTICIPANT_CATEGORIES.items()]
    candidates += [("age_group", set(schema.AGE_GROUPS)), ("bezirk", set(places.bezirk_names()))]
    for name, values in candidates:
        if keys and set(keys) <= values:
            return name
    return "provider"


def _need_selection(selection, what: str) -> "Selection":
    if not isinstance(selection, (Selection, RoundedSelection)):
        raise TypeError(
            f"publication.{what}: pass the Selection, not the headline dict - e.g. "
            f"headline = publication.selection(dataset, filters) (it reads like the headline dict), then "
            f"publication.{what}(frame, headline). All tables of one selection are protected together, which "
            f"needs the data and the filters, not just the headline figures.")
    return selection


def _same(frame: pd.DataFrame, reference: pd.DataFrame, columns, what: str) -> None:
    ok = len(frame) == len(reference) and all(
        np.array_equal(frame[c].to_numpy(), reference[c].to_numpy()) for c in columns)
    if not ok:
        raise ValueError(f"{what}: the frame does not belong to this selection (other filters or data?)")


def publish_headline(selection: Selection) -> PublishedFigures:
    """The press figures of the selection in publication mode (same keys as :func:`metrics.headline`).

    Counts are ints or ``pd.NA``; rates floats, ``math.nan`` with no participants (shown ``x``) or
    ``pd.NA`` when withheld (``*``). The headline withholds what the selection's other tables need
    withheld too, so it takes the :class:`Selection`, not the bare dict.
    """
    return _need_selection(selection, "publish_headline").headline()


def publish_breakdown(frame: pd.DataFrame, selection: Selection, attribute: str | None = None, *,
                      with_total: bool = False) -> Published:
    """:func:`metrics.breakdown` of the selection in publication mode (attribute inferred if omitted)."""
    attribute = attribute or _infer_attribute(frame)
    selection = _need_selection(selection, "publish_breakdown")
    if attribute != "gender" or isinstance(selection, RoundedSelection):  # exact tables use statistical gender
        _same(frame, selection._breakdowns[attribute], ("participants", *OUTCOME_COLUMNS), "publish_breakdown")
    return selection.breakdown(attribute, with_total=with_total)


def publish_funnel(frame: pd.DataFrame, selection: Selection) -> Published:
    """:func:`metrics.funnel` in publication mode (stage counts follow the headline hierarchy)."""
    selection = _need_selection(selection, "publish_funnel")
    _same(frame, selection._frames["funnel"], ("persons",), "publish_funnel")
    return selection.funnel()


def publish_outcome_table(frame: pd.DataFrame, selection: Selection) -> Published:
    """:func:`metrics.outcome_table` in publication mode (see :meth:`Selection.outcome_table`)."""
    selection = _need_selection(selection, "publish_outcome_table")
    _same(frame, selection._frames["outcome_table"], ("best_persons", "any_persons"), "publish_outcome_table")
    return selection.outcome_table()


def publish_flows(frame: pd.DataFrame, selection: Selection) -> Published:
    """:func:`metrics.flows` in publication mode (same rows; ``persons`` NA where withheld)."""
    selection = _need_selection(selection, "publish_flows")
    _same(frame, selection._frames["flows"], ("persons",), "publish_flows")
    return selection.flows()


def publish_monthly(frame: pd.DataFrame, selection: Selection) -> Published:
    """:func:`metrics.monthly` in publication mode (see :meth:`Selection.monthly`)."""
    selection = _need_selection(selection, "publish_monthly")
    _same(frame, selection._frames["monthly"], ("entries", "exits", "outcomes"), "publish_monthly")
    return selection.monthly()


def publish_services(frame: pd.DataFrame, selection: Selection) -> Published:
    """:func:`metrics.services_summary` in publication mode (see :meth:`Selection.services`)."""
    selection = _need_selection(selection, "publish_services")
    _same(frame, selection._frames["services"], ("persons", "records"), "publish_services")
    return selection.services()


def published_tables(dataset, filters=None) -> dict:
    """Every table the dashboard publishes for one selection (see :meth:`Selection.tables`)."""
    return selection(dataset, filters).tables()

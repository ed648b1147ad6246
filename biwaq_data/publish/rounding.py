"""Free combinations in publication mode: every count rounded to a multiple of ten, like the interactive tools
of the Statistik der Bundesagentur für Arbeit ("Die dargestellten Ergebnisse sind zum Zweck der statistischen
Geheimhaltung auf Vielfache von zehn gerundet", see docs/privacy.md).

Rule (:func:`round10`): each figure is first computed exactly from the records, then rounded on its own to the
nearest multiple of ten, halves up (0-4 -> 0, 5-14 -> 10, 15-24 -> 20, ...). Totals are rounded like any other
figure, so a total need not equal the sum of its rounded parts. The same query always gives the same value.
Rates (shares) are computed from the *rounded* numerator and denominator, and shown only where the rounded
denominator is at least :data:`MIN_SHARE_BASE` (50): rounding alone can move a share by up to 80 percentage
points on a rounded base of 10, 43 on 20, 29 on 30, 18 on 50 and 9 on 100 (13 persons, 6 with an outcome: 10
and 10, "100 %" for a true 46 %), so below 50 it is shown as ``/``
("keine Angabe, da Zahlenwert nicht sicher genug", the official-statistics symbol), also where the rounded
denominator is 0 although persons exist. A share of nobody (exact denominator 0) stays ``x``. Hours per person
follow the same rule. Hours are rounded to multiples of ten hours as well.

Nothing is suppressed here except such rates: rounding replaces cell suppression for free combinations.
A :class:`RoundedSelection` has the interface of :class:`~biwaq_data.publish.selection.Selection`; every
result carries ``rounded=True`` so screens mark it "gerundet" and show :data:`ROUNDING_FOOTNOTE_DE`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .. import texts_de as T
from .results import _BREAKDOWN_KINDS, PublishedFigures, SelectionFrames, _result

BASE = 10
#: Smallest rounded denominator for which a share of rounded counts is shown. With both counts off by up to 5, a
#: share on a rounded base of 50 is at most 18 percentage points from the exact one (30: 29, 10: 80); below, "/".
MIN_SHARE_BASE = 50
ROUNDING_FOOTNOTE_DE = T.PUBLICATION_ROUNDED_FOOTNOTE


def round10(value):
    """Nearest multiple of :data:`BASE`, halves up; works on ints, floats and numpy arrays (NaN stays NaN)."""
    arr = np.asarray(value, dtype=float)
    out = np.floor((arr + BASE / 2) / BASE) * BASE
    return out if arr.ndim else float(out)


def rounded_share(num, den):
    """Share from rounded counts: (values, undefined, unreliable) arrays. Undefined (x) where the exact
    denominator is 0, unreliable (/) where the rounded one is below :data:`MIN_SHARE_BASE`; else
    round10(num) / round10(den), at most 1."""
    num_r, den_r = round10(np.asarray(num, dtype=float)), round10(np.asarray(den, dtype=float))
    den_true = np.atleast_1d(np.asarray(den, dtype=float))
    num_r, den_r = np.atleast_1d(num_r), np.atleast_1d(den_r)
    undefined = den_true == 0
    unreliable = (den_r < MIN_SHARE_BASE) & ~undefined
    shown = ~(undefined | unreliable)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(shown, np.minimum(num_r / np.where(shown, den_r, 1), 1.0), np.nan)
    return values, undefined, unreliable


#: Numerators of the two headline rates; their denominator is the participants.
RATE_NUMERATORS = {"placement_rate": ("employment", "vocational_training"), "outcome_rate": ("with_outcome",)}


def rounded_headline_rate(raw: Mapping, key: str):
    """A headline rate of the raw figures from rounded counts: (value, status) with status None (shown),
    "undefined" (NaN, ``x``: nobody) or "unreliable" (NA, ``/``: a rounded base below :data:`MIN_SHARE_BASE`)."""
    numerator = sum(int(raw[k]) for k in RATE_NUMERATORS[key])
    values, undefined, unreliable = rounded_share([numerator], [int(raw["participants"])])
    if undefined[0]:
        return math.nan, "undefined"
    if unreliable[0]:
        return pd.NA, "unreliable"
    return float(values[0]), None


def _ratio(num, den):
    """:func:`rounded_share` as a column for :func:`.results._result`: (values, withheld, undefined, unreliable);
    nothing is withheld for confidentiality."""
    values, undefined, unreliable = rounded_share(num, den)
    return values, np.zeros(len(values), dtype=bool), undefined, unreliable


def _counts(values):
    values = np.asarray(values, dtype=float)
    return round10(values), np.zeros(len(values), dtype=bool), np.zeros(len(values), dtype=bool)


def round_headline(raw: Mapping) -> PublishedFigures:
    """The headline dict with counts rounded and the two rates computed from the rounded counts."""
    out, undefined, unreliable = {}, set(), set()
    for key, value in raw.items():
        if not key.endswith("_rate"):
            out[key] = int(round10(int(value)))
    for key in RATE_NUMERATORS:
        if key not in raw:
            continue
        out[key], status = rounded_headline_rate(raw, key)
        if status == "undefined":
            undefined.add(key)
        elif status == "unreliable":
            unreliable.add(key)
    figures = PublishedFigures({k: out[k] for k in raw}, (), undefined, rounded=True, unreliable=unreliable)
    figures.rounded_keys = frozenset(raw)
    return figures


class RoundedSelection(SelectionFrames):
    """All tables of one free combination, rounded (see module docstring). Reads like the raw headline dict.

    ``headline_figures``: for members of the publication set, the jointly protected exact headline to return
    from :meth:`headline` instead of the rounded one (their other tables are rounded)."""

    rounded = True

    def __init__(self, dataset, filters=None, headline_figures: PublishedFigures | None = None):
        super().__init__(dataset, filters)
        self._headline_figures = headline_figures

    def __repr__(self) -> str:
        return f"RoundedSelection({self.filters!r})"

    def headline(self) -> PublishedFigures:
        if self._headline_figures is not None:
            return self._headline_figures
        return round_headline(self.raw)

    def _done(self, frame, columns, kinds):
        return _result(frame, columns, kinds, rounded=True)

    def breakdown(self, attribute: str, *, with_total: bool = False):
        frame = self._breakdowns[attribute].reset_index(drop=True)
        if with_total:
            total = {"key": "total", "label": T.PUBLICATION_TOTAL_LABEL,
                     **{c: self.raw[c] for c in ("participants", "employment", "vocational_training",
                                                 "improved_prospects", "with_outcome")}}
            frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
        p = frame["participants"].to_numpy(dtype=float)
        work = (frame["employment"] + frame["vocational_training"]).to_numpy(dtype=float)
        columns = {c: _counts(frame[c]) for c in ("participants", "employment", "vocational_training",
                                                  "improved_prospects", "with_outcome")}
        columns["share"] = _ratio(p, np.full(len(frame), float(self.raw["participants"])))
        columns["placement_rate"] = _ratio(work, p)
        columns["outcome_rate"] = _ratio(frame["with_outcome"].to_numpy(dtype=float), p)
        return self._done(frame, columns, _BREAKDOWN_KINDS)

    def flows(self):
        frame = self._frames["flows"].reset_index(drop=True)
        return self._done(frame, {"persons": _counts(frame["persons"])}, {"persons": "count"})

    def funnel(self):
        frame = self._frames["funnel"].reset_index(drop=True)
        persons = frame["persons"].to_numpy(dtype=float)
        previous = np.concatenate([persons[:1], persons[:-1]])
        columns = {"persons": _counts(persons), "share_of_initial": _ratio(persons, np.full(len(persons), persons[0])
                                                                          if len(persons) else persons),
                   "share_of_previous": _ratio(persons, previous)}
        return self._done(frame, columns, {"persons": "count", "share_of_initial": "rate", "share_of_previous": "rate"})

    def outcome_table(self):
        frame = self._frames["outcome_table"].reset_index(drop=True)
        best = frame["best_persons"].to_numpy(dtype=float)
        columns = {"best_persons": _counts(best), "any_persons": _counts(frame["any_persons"]),
                   "share": _ratio(best, np.full(len(best), float(self.raw["participants"])))}
        return self._done(frame, columns, {"best_persons": "count", "any_persons": "count", "share": "rate"})

    def monthly(self):
        frame = self._frames["monthly"].reset_index(drop=True)
        cols = ("entries", "exits", "outcomes", "active", "cumulative_participants")
        return self._done(frame, {c: _counts(frame[c]) for c in cols}, {c: "count" for c in cols})

    def services(self):
        frame = self._frames["services"].reset_index(drop=True)
        persons = frame["persons"].to_numpy(dtype=float)
        hours = frame["hours_total"].to_numpy(dtype=float)
        per_person = frame["hours_per_person"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            with_hours = np.where(per_person > 0, np.round(hours / per_person), 0.0)
        work = np.round(np.nan_to_num(frame["placement_rate"].to_numpy(dtype=float)) * persons)
        any_ = np.round(np.nan_to_num(frame["outcome_rate"].to_numpy(dtype=float)) * persons)
        hours_r = round10(np.nan_to_num(hours))
        _, h_undefined, h_unreliable = rounded_share(np.zeros(len(frame)), with_hours)
        h_shown = ~(h_undefined | h_unreliable)
        with np.errstate(divide="ignore", invalid="ignore"):
            h_values = np.where(h_shown, hours_r / np.where(h_shown, round10(with_hours), 1), np.nan)
        columns = {"persons": _counts(persons), "records": _counts(frame["records"]),
                   "hours_total": (hours_r, np.zeros(len(frame), dtype=bool), np.zeros(len(frame), dtype=bool)),
                   "hours_per_person": (np.nan_to_num(h_values), np.zeros(len(frame), dtype=bool), h_undefined,
                                        h_unreliable),
                   "placement_rate": _ratio(work, persons), "outcome_rate": _ratio(any_, persons)}
        kinds = {"persons": "count", "records": "count", "hours_total": "number", "hours_per_person": "number",
                 "placement_rate": "rate", "outcome_rate": "rate"}
        return self._done(frame, columns, kinds)

    def tables(self) -> dict:
        out = {"headline": self.headline(), "funnel": self.funnel(), "outcome_table": self.outcome_table(),
               "flows": self.flows(), "monthly": self.monthly(), "services": self.services()}
        out.update({f"breakdown:{a}": self.breakdown(a) for a in self._breakdowns})
        return out

    # ------------------------------------------------------------------ ESF Plus indicators (four categories, rounded)

    def indicator_counts(self):
        from ..figures import indicators as ind

        counts = ind.indicator_counts(self.dataset, self.filters)
        cells = {k: round10(v).astype(np.int64) for k, v in counts.cells.items()}
        return ind.IndicatorCounts(cells, counts.datenstand)

    def indicator_masks(self):
        return None

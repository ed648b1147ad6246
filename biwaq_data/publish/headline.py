"""The headline hierarchy: the press figures as a small tree of sums, protected top-down one line
(parts + their total) at a time, and the published headline figures and rates built from it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from .privacy import PRIMARY_VALUES, suppress_counts
from .results import PublishedFigures, _rate_value

def _line(parent_value: int, parent_known: bool, children: dict[str, int], forced=()) -> dict[str, bool]:
    """Suppressed flags of the parts of one line (parts + total) given the total's status.

    ``forced``: parts that must be withheld (treated as primary)."""
    values = {k: (1 if k in forced and v else v) for k, v in children.items()}
    # a known total is never a complement (0); a withheld total counts as primary (1)
    values["__total__"] = 0 if parent_known or parent_value == 0 else 1
    protected = suppress_counts(pd.Series(values, dtype="int64"), total_row="__total__", check_totals=False)
    sup = protected.suppressed.iloc[:, 0]
    return {key: bool(sup[key]) for key in children}


# =========================================================================== headline


@dataclass(frozen=True)
class _HeadlineStatus:
    values: dict
    known: dict


_TREE = (("participants", ("with_outcome", "rest")), ("with_outcome", ("work", "improved_prospects")),
         ("rest", ("in_support", "no_outcome")), ("work", ("employment", "vocational_training")),
         ("participants", ("unemployed", "not_unemployed")),
         ("unemployed", ("long_term_unemployed", "short_term_unemployed")),
         ("participants", ("migration_background", "no_migration")), ("participants", ("leavers", "stayers")))
#: Complements shown by other tables but not in the tree: (part, shown complement). The breakdown by
#: long-term unemployment shows "nicht langzeitarbeitslos" = participants - long-term unemployed.
_CROSS = (("long_term_unemployed", "not_long_term_unemployed"),)


def _headline_values(headline: dict) -> dict[str, int]:
    h = {k: int(v) for k, v in headline.items() if not k.endswith("_rate")}
    return {
        "participants": h["participants"], "with_outcome": h["with_outcome"],
        "rest": h["in_support"] + h["no_outcome"], "work": h["employment"] + h["vocational_training"],
        "employment": h["employment"], "vocational_training": h["vocational_training"],
        "improved_prospects": h["improved_prospects"], "in_support": h["in_support"],
        "no_outcome": h["no_outcome"], "unemployed": h["unemployed"],
        "not_unemployed": h["participants"] - h["unemployed"],
        "long_term_unemployed": h["long_term_unemployed"],
        "short_term_unemployed": h["unemployed"] - h["long_term_unemployed"],
        "not_long_term_unemployed": h["participants"] - h["long_term_unemployed"],
        "migration_background": h["migration_background"],
        "no_migration": h["participants"] - h["migration_background"],
        "leavers": h["leavers"], "stayers": h["participants"] - h["leavers"],
    }


@lru_cache(maxsize=512)
def _headline_status_cached(items: tuple, forced_nodes: frozenset) -> _HeadlineStatus:
    v = dict(items)
    forced = set(forced_nodes)
    while True:
        known = {"participants": v["participants"] not in PRIMARY_VALUES and "participants" not in forced}
        for parent, parts in _TREE:
            flags = _line(v[parent], known[parent], {p: v[p] for p in parts}, forced)
            known.update({p: not flags[p] for p in parts})
        for part, complement in _CROSS:
            known[complement] = known[part] and known["participants"]
        extra = {part for part, complement in _CROSS
                 if known[complement] and v[complement] in PRIMARY_VALUES} - forced
        if not extra:
            return _HeadlineStatus(v, known)
        forced |= extra


def _headline_status(headline: dict, forced=frozenset()) -> _HeadlineStatus:
    return _headline_status_cached(tuple(sorted(_headline_values(headline).items())), frozenset(forced))




def _figures(headline: dict, status: _HeadlineStatus) -> PublishedFigures:
    out, suppressed, undefined = {}, set(), set()
    for key, value in headline.items():
        if key.endswith("_rate"):
            continue
        if status.known.get(key, True):
            out[key] = int(value)
        else:
            out[key] = pd.NA
            suppressed.add(key)
    for key, numerator in (("placement_rate", "work"), ("outcome_rate", "with_outcome")):
        if key not in headline:
            continue
        rate = _rate_value(status.values[numerator], status.values["participants"], status.known[numerator],
                           status.known["participants"])
        out[key] = rate
        if rate is pd.NA:
            suppressed.add(key)
        elif isinstance(rate, float) and math.isnan(rate):
            undefined.add(key)
    return PublishedFigures({k: out[k] for k in headline}, suppressed, undefined)

"""ESF Plus common indicators (Reg. (EU) 2021/1057, Annex I) for a selection - pure, no Streamlit.

**Output indicators** count participants *at entry* (the selection's entrants), each split by
gender (Frauen, Männer, nicht-binär, ohne Angabe - the last column makes the rows add up - and
Insgesamt):

    EECO02 unemployed incl. long-term unemployed   EECO03 long-term unemployed (> 12 months)
    EECO04 inactive                                EECO05 employed incl. self-employed
    EECO06 below 18   EECO07 18-29   EECO08 55 and above   (age at entry = entry year - birth year)
    EECO09 ISCED 0-2  EECO10 ISCED 3-4  EECO11 ISCED 5-8    (education "unknown" is not counted)
    EECO13 third-country nationals (not recorded = not counted)
    EECO14 participants with a foreign background (the data's "Migrationshintergrund")
    EECO01 total number of participants

**Result indicators** count **leavers**: selected participants whose exit date is on or before the
Datenstand. "Within 28 days of exit" means: an outcome record dated on or after the entry date and
at most 28 days after the exit date (exit + 28 days is in, exit + 29 days is out; outcomes reached
before the exit count - the person was in that situation upon leaving)::

    EECR02 in education or training within 28 days  (outcome "Ausbildung")      denominator: leavers
    EECR04 in employment within 28 days              (outcome "Beschäftigung")   denominator: leavers
    EECR05 employment six months after leaving - only approximated: the data record when an employment
           *started*, not whether it still existed six months later. We count an employment outcome
           dated at most 183 days after the exit, and only for leavers whose exit is at least 183
           days before the Datenstand ("assessable leavers", the denominator). Labelled as such.

For leavers who left less than 28 days before the Datenstand the window is not complete yet (the
figure can still rise); the report says so.

Indicator codes: EECO02, EECO05, EECO12-EECO15 and EECR01/EECR03/EECR04 as in the programme's
reference; the other codes follow the same numbering of the ESF Plus list (EECO01 total,
EECO03/04, EECO06-11, EECR02, EECR05).

Pure counting. The protected tables and the Excel report are in :mod:`biwaq_data.publish.indicator_report`;
in publication mode they come out of :class:`biwaq_data.publish.selection.Selection`, so they are
protected together with every other table of the same selection (their totals are the dashboard's
breakdowns by gender, employment status, age group, education and migration background).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .filters import Filters, participant_mask

GENDERS = ("female", "male", "non_binary", "unknown")
WINDOW_DAYS = 28
SIX_MONTHS_DAYS = 183

#: Output indicator blocks: block -> rows (key, code or None for a hidden complement row).
#: Each block is a partition of the participants (hidden rows complete it; they are never shown but
#: are protected like cells because a reader can work them out from the total).
OUTPUT_BLOCKS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "status": (("unemployed", "EECO02"), ("inactive", "EECO04"), ("employed", "EECO05")),
    "long_term": (("long_term_unemployed", "EECO03"), ("short_term_unemployed", None)),  # parts of "unemployed"
    "age": (("under_18", "EECO06"), ("18_29", "EECO07"), ("30_54", None), ("55_plus", "EECO08")),
    "education": (("isced_0_2", "EECO09"), ("isced_3_4", "EECO10"), ("isced_5_8", "EECO11"),
                  ("education_unknown", None)),
    "third_country": (("third_country_national", "EECO13"), ("not_third_country_national", None)),
    "foreign": (("foreign_background", "EECO14"), ("no_foreign_background", None)),
}
OUTPUT_ORDER = ("unemployed", "long_term_unemployed", "inactive", "employed", "under_18", "18_29", "55_plus",
                "isced_0_2", "isced_3_4", "isced_5_8", "third_country_national", "foreign_background", "total")
#: Result blocks: "leavers" splits participants, "assessable" splits leavers, the others split their
#: denominator into yes / no.
RESULT_BLOCKS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "leavers": (("leavers", None), ("stayers", None)),
    "assessable": (("assessable_leavers", None), ("recent_leavers", None)),
    "education_28": (("education_28", "EECR02"), ("no_education_28", None)),
    "employment_28": (("employment_28", "EECR04"), ("no_employment_28", None)),
    "employment_6m": (("employment_6m", "EECR05"), ("no_employment_6m", None)),
}
RESULT_ORDER = ("leavers", "education_28", "employment_28", "assessable_leavers", "employment_6m")
RATES = (("education_28", "leavers"), ("employment_28", "leavers"), ("employment_6m", "assessable_leavers"))


@dataclass(frozen=True)
class IndicatorCounts:
    """Raw counts: ``cells[key]`` = counts per gender (array in :data:`GENDERS` order) for every
    row key of :data:`OUTPUT_BLOCKS` / :data:`RESULT_BLOCKS` plus "total"."""

    cells: dict
    datenstand: pd.Timestamp

    def row(self, key: str) -> np.ndarray:
        return self.cells[key]


def _persons_with(dataset, outcome: str, mask: np.ndarray, exit_date: np.ndarray, days: int) -> np.ndarray:
    """Boolean per participant: an ``outcome`` record dated on or after entry and at most ``days``
    after exit (participants without exit: False)."""
    p, o = dataset.participants, dataset.outcomes
    rec = o[o["outcome"] == outcome]
    person = rec["person"].to_numpy()
    date = rec["outcome_date"].to_numpy()
    entry = p["entry_date"].to_numpy()[person]
    exit_ = exit_date[person]
    ok = (date >= entry) & ~pd.isna(exit_) & (date <= exit_ + np.timedelta64(days, "D"))
    out = np.zeros(len(p), dtype=bool)
    out[person[ok]] = True
    return out & mask


class _Codes:
    """A categorical column as its codes; `codes == "label"` gives the same mask as comparing the labels."""

    def __init__(self, values: pd.Series):
        self.codes = values.cat.codes.to_numpy()
        self.categories = list(values.cat.categories)

    def __eq__(self, label) -> np.ndarray:
        return self.codes == (self.categories.index(label) if label in self.categories else -2)


def indicator_counts(dataset, filters: Filters | None = None) -> IndicatorCounts:
    """Count every output and result indicator cell (including the hidden complement rows)."""
    p = dataset.participants
    mask = participant_mask(p, filters)
    gender = p["gender"].cat.codes.to_numpy().astype(np.int64)
    stand = dataset.datenstand

    def by_gender(selected: np.ndarray) -> np.ndarray:
        return np.bincount(gender[selected & mask], minlength=len(GENDERS))[: len(GENDERS)].astype(np.int64)

    status = _Codes(p["employment_status"])  # compares like the labels, without a million strings
    ltu = p["long_term_unemployed"].to_numpy(dtype=bool)
    age = _Codes(p["age_group"])
    edu = _Codes(p["education"])
    tcn = p["third_country_national"].fillna(False).to_numpy(dtype=bool)
    mig = p["migration_background"].to_numpy(dtype=bool)
    exit_date = p["exit_date"].to_numpy()
    left = ~pd.isna(exit_date) & (exit_date <= stand.to_datetime64())
    assessable = left & (exit_date <= (stand - pd.Timedelta(days=SIX_MONTHS_DAYS)).to_datetime64())
    edu28 = _persons_with(dataset, "vocational_training", mask & left, exit_date, WINDOW_DAYS)
    emp28 = _persons_with(dataset, "employment", mask & left, exit_date, WINDOW_DAYS)
    emp6m = _persons_with(dataset, "employment", mask & assessable, exit_date, SIX_MONTHS_DAYS)
    everyone = np.ones(len(p), dtype=bool)
    cells = {
        "total": by_gender(everyone),
        "unemployed": by_gender(status == "unemployed"), "inactive": by_gender(status == "inactive"),
        "employed": by_gender(status == "employed"),
        "long_term_unemployed": by_gender(ltu), "short_term_unemployed": by_gender((status == "unemployed") & ~ltu),
        "under_18": by_gender(age == "under_18"), "18_29": by_gender(age == "18_29"),
        "30_54": by_gender(age == "30_54"), "55_plus": by_gender(age == "55_plus"),
        "isced_0_2": by_gender(edu == "isced_0_2"), "isced_3_4": by_gender(edu == "isced_3_4"),
        "isced_5_8": by_gender(edu == "isced_5_8"), "education_unknown": by_gender(edu == "unknown"),
        "third_country_national": by_gender(tcn), "not_third_country_national": by_gender(~tcn),
        "foreign_background": by_gender(mig), "no_foreign_background": by_gender(~mig),
        "leavers": by_gender(left), "stayers": by_gender(~left),
        "assessable_leavers": by_gender(assessable), "recent_leavers": by_gender(left & ~assessable),
        "education_28": by_gender(edu28), "no_education_28": by_gender(left & ~edu28),
        "employment_28": by_gender(emp28), "no_employment_28": by_gender(left & ~emp28),
        "employment_6m": by_gender(emp6m), "no_employment_6m": by_gender(assessable & ~emp6m),
    }
    return IndicatorCounts(cells, stand)

"""ESF Plus common indicators (Reg. (EU) 2021/1057, Annex I) and BIWAQ's own indicators - pure, no Streamlit.

:func:`indicator_table` is the one frame the page, the Excel report and the press kit are built from: one row
per indicator in the order of Annex I, indexed by its code (programme rows ``BIWAQ-…``), columns ``female``,
``male``, ``non_binary``, ``unknown``, ``total`` with raw person counts (enterprises for EECO19), before any
protection; ``NA`` where the data lack the column the indicator needs (:func:`indicator_basis` says which).
Full definitions, sources and legal references: ``docs/indicators.md``.

**Output indicators** count the selected participants at entry (EECO01-EECO16). Age = full years on the
entry date from ``birth_date``; where a person has only ``birth_year``, entry year - birth year is used and the
rows EECO06-EECO08 are marked as an approximation. Yes/no characteristics (``disability``, ``minority``,
``homeless``, ``third_country_national``) count "ja" only; blank (not answered / not recorded) is not counted.

**Result indicators** count *leavers whose window has closed*, which is also the denominator of their shares:

* upon leaving (EECR01-EECR04, BIWAQ-R1, BIWAQ-R2): exit on or before Datenstand - 28 days (row BIWAQ-D2).
  Source ``exit_status`` (status within four weeks of leaving) and ``qualification_gained``. Without
  ``exit_status`` EECR02/EECR04/BIWAQ-R2 are *derived* from outcome records dated from entry to exit + 28 days
  (exit + 28 in, exit + 29 out) and labelled as such; EECR01 cannot be derived.
* six months after leaving (EECR05, BIWAQ-L1): exit on or before Datenstand - 183 days (row BIWAQ-D3). Source
  ``status_6m`` / ``improved_situation_6m`` (blank = not followed up: not counted). Without ``status_6m``
  EECR05 is *derived* (approximation): an employment outcome dated from entry to exit + 183 days - the data
  record when a job started, not whether it still existed six months later.

:data:`OUTPUT_BLOCKS` / :data:`RESULT_BLOCKS` group the rows into partitions (with hidden complement rows)
for the joint protection in :mod:`biwaq_data.publish.selection`; :func:`indicator_counts` gives those cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..ingest.schema import SIX_MONTHS_DAYS, WINDOW_DAYS
from .filters import Filters, participant_mask

GENDERS = ("female", "male", "non_binary", "unknown")
COLUMNS = GENDERS + ("total",)
SME_CLASSES = ("micro", "small", "medium")


@dataclass(frozen=True)
class Indicator:
    """One row: ``code`` (index of the table), ``key`` (cell key), ``section`` (output, entity, result,
    longer_term, programme, denominator), ``columns`` (participant columns it needs; "" = always there),
    ``denominator`` (code of the row its share divides by), ``derivable`` (outcome records can stand in)."""

    code: str
    key: str
    section: str
    columns: tuple[str, ...] = ()
    denominator: str | None = None
    derivable: bool = False


_AGE = ("birth_date",)
INDICATORS: tuple[Indicator, ...] = (
    Indicator("EECO01", "total", "output"),
    Indicator("EECO02", "unemployed", "output"),
    Indicator("EECO03", "long_term_unemployed", "output"),
    Indicator("EECO04", "inactive", "output"),
    Indicator("EECO05", "employed", "output"),
    Indicator("EECO06", "under_18", "output", _AGE),
    Indicator("EECO07", "18_29", "output", _AGE),
    Indicator("EECO08", "55_plus", "output", _AGE),
    Indicator("EECO09", "isced_0_2", "output"),
    Indicator("EECO10", "isced_3_4", "output"),
    Indicator("EECO11", "isced_5_8", "output"),
    Indicator("EECO12", "disability", "output", ("disability",)),
    Indicator("EECO13", "third_country_national", "output", ("third_country_national",)),
    Indicator("EECO14", "foreign_background", "output"),
    Indicator("EECO15", "minority", "output", ("minority",)),
    Indicator("EECO16", "homeless", "output", ("homeless",)),
    Indicator("EECO19", "sme", "entity", ("enterprises",)),
    Indicator("EECR01", "job_seeking_28", "result", ("exit_status",), "BIWAQ-D2"),
    Indicator("EECR02", "education_28", "result", ("exit_status",), "BIWAQ-D2", derivable=True),
    Indicator("EECR03", "qualification", "result", ("qualification_gained",), "BIWAQ-D2"),
    Indicator("EECR04", "employment_28", "result", ("exit_status",), "BIWAQ-D2", derivable=True),
    Indicator("EECR05", "employment_6m", "longer_term", ("status_6m",), "BIWAQ-D3", derivable=True),
    Indicator("BIWAQ-L1", "improved_6m", "longer_term", ("improved_situation_6m",), "BIWAQ-D3"),
    Indicator("BIWAQ-R1", "employability", "programme", (), "BIWAQ-D2"),
    Indicator("BIWAQ-R2", "integration_28", "programme", ("exit_status",), "BIWAQ-D2", derivable=True),
    Indicator("BIWAQ-D1", "leavers", "denominator"),
    Indicator("BIWAQ-D2", "leavers_28", "denominator"),
    Indicator("BIWAQ-D3", "assessable_leavers", "denominator"),
)
BY_CODE = {i.code: i for i in INDICATORS}

#: Blocks: partitions of a parent row (``BLOCK_PARENTS``; None = all selected participants). Rows with code
#: None are hidden complements: never shown, protected like cells because they follow from the total.
OUTPUT_BLOCKS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "status": (("unemployed", "EECO02"), ("inactive", "EECO04"), ("employed", "EECO05")),
    "long_term": (("long_term_unemployed", "EECO03"), ("short_term_unemployed", None)),  # parts of "unemployed"
    "age": (("under_18", "EECO06"), ("18_29", "EECO07"), ("30_54", None), ("55_plus", "EECO08")),
    "education": (("isced_0_2", "EECO09"), ("isced_3_4", "EECO10"), ("isced_5_8", "EECO11"),
                  ("education_unknown", None)),
    "disability": (("disability", "EECO12"), ("no_disability", None)),
    "third_country": (("third_country_national", "EECO13"), ("not_third_country_national", None)),
    "foreign": (("foreign_background", "EECO14"), ("no_foreign_background", None)),
    "minority": (("minority", "EECO15"), ("no_minority", None)),
    "homeless": (("homeless", "EECO16"), ("not_homeless", None)),
}
RESULT_BLOCKS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "leavers": (("leavers", "BIWAQ-D1"), ("stayers", None)),
    "window_28": (("leavers_28", "BIWAQ-D2"), ("recent_28", None)),
    "assessable": (("assessable_leavers", "BIWAQ-D3"), ("recent_leavers", None)),
    "job_seeking_28": (("job_seeking_28", "EECR01"), ("no_job_seeking_28", None)),
    "education_28": (("education_28", "EECR02"), ("no_education_28", None)),
    "qualification": (("qualification", "EECR03"), ("no_qualification", None)),
    "employment_28": (("employment_28", "EECR04"), ("no_employment_28", None)),
    "employment_6m": (("employment_6m", "EECR05"), ("no_employment_6m", None)),
    "improved_6m": (("improved_6m", "BIWAQ-L1"), ("no_improved_6m", None)),
    "employability": (("employability", "BIWAQ-R1"), ("no_employability", None)),
    "integration_28": (("integration_28", "BIWAQ-R2"), ("no_integration_28", None)),
}
BLOCK_PARENTS: dict[str, str | None] = {
    **{b: None for b in OUTPUT_BLOCKS}, "long_term": "unemployed", "leavers": None,
    "window_28": "leavers", "assessable": "leavers",
    **{b: "leavers_28" for b in ("job_seeking_28", "education_28", "qualification", "employment_28",
                                 "employability", "integration_28")},
    "employment_6m": "assessable_leavers", "improved_6m": "assessable_leavers",
}


@dataclass(frozen=True)
class IndicatorCounts:
    """Raw counts: ``cells[key]`` = counts per gender (array in :data:`GENDERS` order) for every row key of
    :data:`OUTPUT_BLOCKS` / :data:`RESULT_BLOCKS` plus "total"."""

    cells: dict
    datenstand: pd.Timestamp

    def row(self, key: str) -> np.ndarray:
        return self.cells[key]


@dataclass(frozen=True)
class Basis:
    """How a row was obtained: kind "measured", "derived" (from outcome records), "approximate" (age from the
    birth year) or "not_collected" (value NA); ``missing``: the columns the data lack (German labels in T)."""

    kind: str
    missing: tuple[str, ...] = ()


def _outcome_within(dataset, kinds: tuple[str, ...], exit_date: np.ndarray, days: int) -> np.ndarray:
    """Boolean per participant: an outcome of one of ``kinds`` dated on or after entry and at most ``days``
    after exit (participants without exit: False)."""
    p, o = dataset.participants, dataset.outcomes
    rec = o[o["outcome"].isin(kinds)]
    person = rec["person"].to_numpy()
    date = rec["outcome_date"].to_numpy()
    entry = p["entry_date"].to_numpy()[person]
    exit_ = exit_date[person]
    ok = (date >= entry) & ~pd.isna(exit_) & (date <= exit_ + np.timedelta64(days, "D"))
    out = np.zeros(len(p), dtype=bool)
    out[person[ok]] = True
    return out


def _yes(p: pd.DataFrame, column: str) -> np.ndarray:
    if column not in p:
        return np.zeros(len(p), dtype=bool)
    return p[column].fillna(False).to_numpy(dtype=bool)


def _is(p: pd.DataFrame, column: str, *values: str) -> np.ndarray:
    if column not in p:
        return np.zeros(len(p), dtype=bool)
    return p[column].isin(values).to_numpy()


def _flags(dataset) -> tuple[dict[str, np.ndarray], dict[str, bool]]:
    """Per-participant booleans for every row key (unfiltered) and which rows were derived from outcomes
    (once per data version, shared read-only)."""
    from .memo import per_version

    return per_version(dataset, "indicator_flags", lambda: _compute_flags(dataset))


def _compute_flags(dataset) -> tuple[dict[str, np.ndarray], dict[str, bool]]:
    p, stand = dataset.participants, dataset.datenstand
    status, ltu = p["employment_status"], p["long_term_unemployed"].to_numpy(dtype=bool)
    age, edu = p["age_group"], p["education"]
    exit_date = p["exit_date"].to_numpy()
    left = ~pd.isna(exit_date) & (exit_date <= stand.to_datetime64())
    closed = left & (exit_date <= (stand - pd.Timedelta(days=WINDOW_DAYS)).to_datetime64())
    assessable = left & (exit_date <= (stand - pd.Timedelta(days=SIX_MONTHS_DAYS)).to_datetime64())
    f: dict[str, np.ndarray] = {
        "total": np.ones(len(p), dtype=bool),
        "unemployed": (status == "unemployed").to_numpy(), "inactive": (status == "inactive").to_numpy(),
        "employed": (status == "employed").to_numpy(), "long_term_unemployed": ltu,
        "short_term_unemployed": (status == "unemployed").to_numpy() & ~ltu,
        **{k: (age == k).to_numpy() for k in ("under_18", "18_29", "30_54", "55_plus")},
        **{k: (edu == k).to_numpy() for k in ("isced_0_2", "isced_3_4", "isced_5_8")},
        "education_unknown": (edu == "unknown").to_numpy(),
        "foreign_background": p["migration_background"].to_numpy(dtype=bool),
        "leavers": left, "leavers_28": closed, "assessable_leavers": assessable,
    }
    for key in ("disability", "third_country_national", "minority", "homeless"):
        f[key] = _yes(p, key)
    derived = {}
    if dataset.has_column("exit_status"):
        f["job_seeking_28"] = _is(p, "exit_status", "job_seeking") & closed
        f["education_28"] = _is(p, "exit_status", "education_training") & closed
        f["employment_28"] = _is(p, "exit_status", "employed") & closed
        f["integration_28"] = _is(p, "exit_status", "employed", "education_training") & closed
    else:
        f["job_seeking_28"] = np.zeros(len(p), dtype=bool)
        f["education_28"] = _outcome_within(dataset, ("vocational_training",), exit_date, WINDOW_DAYS) & closed
        f["employment_28"] = _outcome_within(dataset, ("employment",), exit_date, WINDOW_DAYS) & closed
        f["integration_28"] = _outcome_within(dataset, ("employment", "vocational_training"), exit_date,
                                              WINDOW_DAYS) & closed
        derived.update(education_28=True, employment_28=True, integration_28=True)
    f["qualification"] = _yes(p, "qualification_gained") & closed
    if dataset.has_column("status_6m"):
        f["employment_6m"] = _is(p, "status_6m", "employed") & assessable
    else:
        f["employment_6m"] = _outcome_within(dataset, ("employment",), exit_date, SIX_MONTHS_DAYS) & assessable
        derived["employment_6m"] = True
    f["improved_6m"] = _yes(p, "improved_situation_6m") & assessable
    f["employability"] = _outcome_within(dataset, ("employment", "vocational_training", "improved_prospects"),
                                         exit_date, WINDOW_DAYS) & closed
    return f, derived


def _cell_flags(dataset) -> dict[str, np.ndarray]:
    """Per-participant booleans of every cell row key (shown rows, hidden complements and "total")."""
    flags, _ = _flags(dataset)
    n = len(dataset.participants)
    out = {"total": flags["total"]}
    for block, rows in {**OUTPUT_BLOCKS, **RESULT_BLOCKS}.items():
        parent = flags[BLOCK_PARENTS[block]] if BLOCK_PARENTS[block] else flags["total"]
        shown = np.zeros(n, dtype=bool)
        for key, _ in rows:
            if key in flags:
                out[key] = flags[key]
                shown |= flags[key]
            else:  # hidden complement: the parent minus the shown rows (blank answers fall here)
                out[key] = parent & ~shown
    return out


@dataclass(frozen=True)
class _Patterns:
    """The participants grouped by their combination of cell flags and gender (few combinations): ``person``
    = combination of each participant, ``flags`` (combinations x keys, int64), ``gender`` (code per
    combination), ``keys`` (cell row keys in column order), ``all_counts`` (persons per combination)."""

    person: np.ndarray
    flags: np.ndarray
    gender: np.ndarray
    keys: tuple[str, ...]
    all_counts: np.ndarray


def _patterns(dataset) -> _Patterns:
    """Once per data version: every participant's cell flags and gender packed into one integer, grouped."""
    cells = _cell_flags(dataset)
    keys = tuple(cells)
    gender = dataset.participants["gender"].cat.codes.to_numpy().astype(np.int64)
    code = gender.astype(np.uint64) << np.uint64(len(keys))
    for bit, key in enumerate(keys):
        code |= cells[key].astype(np.uint64) << np.uint64(bit)
    unique, person = np.unique(code, return_inverse=True)
    bits = np.array([(unique >> np.uint64(b)) & np.uint64(1) for b in range(len(keys))], dtype=np.int64).T
    dtype = np.int32 if len(unique) < 2**31 else np.int64
    return _Patterns(person.astype(dtype).reshape(-1), bits.reshape(len(unique), len(keys)),
                     (unique >> np.uint64(len(keys))).astype(np.int64), keys,
                     np.bincount(person.reshape(-1), minlength=len(unique)))


def _count_cells(dataset, filters: Filters | None) -> dict[str, np.ndarray]:
    from .memo import per_version

    pat = per_version(dataset, "indicator_patterns", lambda: _patterns(dataset))
    if filters is None or not filters.is_active():
        weights = pat.all_counts
    else:
        mask = participant_mask(dataset.participants, filters)
        weights = np.bincount(pat.person[mask], minlength=len(pat.gender))
    by_gender = np.zeros((len(pat.gender), len(GENDERS)), dtype=np.int64)  # persons per combination and gender
    inside = pat.gender < len(GENDERS)
    by_gender[np.flatnonzero(inside), pat.gender[inside]] = weights[inside]
    table = pat.flags.T @ by_gender  # keys x genders
    return {key: table[k].astype(np.int64) for k, key in enumerate(pat.keys)}


def indicator_counts(dataset, filters: Filters | None = None) -> IndicatorCounts:
    """Every cell of :data:`OUTPUT_BLOCKS` / :data:`RESULT_BLOCKS` (including the hidden complement rows).

    Work per filter change: one pass over the selected participants (their flag combination, computed once
    per data version) and a small matrix product; the result is shared per (data version, filters)."""
    from .memo import per_selection

    return per_selection(dataset, filters, "indicator_counts",
                         lambda: IndicatorCounts(_count_cells(dataset, filters), dataset.datenstand))


def indicator_basis(dataset, filters: Filters | None = None) -> dict[str, Basis]:
    """Per code: measured, derived, approximate or not_collected, and the missing columns."""
    _, derived = _flags(dataset)
    mask = participant_mask(dataset.participants, filters)
    out = {}
    for ind in INDICATORS:
        if ind.code == "EECO19":
            out[ind.code] = Basis("measured") if dataset.enterprises is not None else Basis(
                "not_collected", ("enterprises",))
            continue
        if ind.columns == _AGE:
            approx = bool((dataset.participants["age_from_birth_year"].to_numpy() & mask).any()) \
                if "age_from_birth_year" in dataset.participants else True
            out[ind.code] = Basis("approximate", ("birth_date",)) if approx else Basis("measured")
            continue
        missing = tuple(c for c in ind.columns if not dataset.has_column(c))
        if derived.get(ind.key):
            out[ind.code] = Basis("derived", missing)
        elif missing:
            out[ind.code] = Basis("not_collected", missing)
        else:
            out[ind.code] = Basis("measured")
    return out


def enterprise_mask(enterprises: pd.DataFrame, filters: Filters | None) -> np.ndarray:
    """Enterprises the filters select: period on the support start, Träger, Ortsteil, Stadtbezirk (the
    participant filters - gender, age, status, ... - do not apply to enterprises)."""
    mask = np.ones(len(enterprises), dtype=bool)
    if filters is None:
        return mask
    if filters.period_start is not None:
        mask &= (enterprises["support_start"] >= pd.Timestamp(filters.period_start)).to_numpy()
    if filters.period_end is not None:
        mask &= (enterprises["support_start"] <= pd.Timestamp(filters.period_end)).to_numpy()
    if filters.providers:
        mask &= enterprises["provider"].isin(filters.providers).to_numpy()
    if filters.ortsteile:
        mask &= enterprises["ortsteil_nr"].isin([int(x) for x in filters.ortsteile]).to_numpy()
    if filters.bezirke:
        mask &= enterprises["bezirk"].isin(filters.bezirke).to_numpy()
    return mask


def indicator_table(dataset, filters: Filters | None = None) -> pd.DataFrame:
    """The indicator frame (see module docstring): index ``code`` in Annex I order, columns :data:`COLUMNS`,
    ``Int64`` raw counts, ``NA`` where not collected (and the gender columns of EECO19).
    ``frame.attrs["basis"]`` holds :func:`indicator_basis`."""
    counts = indicator_counts(dataset, filters)
    basis = indicator_basis(dataset, filters)
    rows = []
    for ind in INDICATORS:
        if basis[ind.code].kind == "not_collected":
            rows.append([pd.NA] * len(COLUMNS))
        elif ind.code == "EECO19":
            e = dataset.enterprises
            n = int((e["size_class"].isin(SME_CLASSES).to_numpy() & enterprise_mask(e, filters)).sum())
            rows.append([pd.NA] * len(GENDERS) + [n])
        else:
            values = counts.row(ind.key)
            rows.append([int(v) for v in values] + [int(values.sum())])
    frame = pd.DataFrame(rows, columns=list(COLUMNS), index=pd.Index([i.code for i in INDICATORS], name="code"),
                         dtype="Int64")
    frame.attrs["basis"] = basis
    return frame

"""The typed frames of a `Dataset` as a checkable layout: every column and its dtype, per table.

`load_dataset` builds these frames (see `ingest.dataset`); a snapshot of format 2 (store/typed.py) stores them as
they are and, on load, checks the frames it read against this layout instead of validating every cell again.
`tests/test_snapshots_typed.py` keeps the layout in step with what `load_dataset` produces.

dtype names: "str" (pandas' string dtype), "object", "category", "bool", "boolean" (nullable), "int16",
"int32", "int64", "float64", "datetime64[ns]". Categories: fixed lists below; the data-dependent ones (provider,
employment_kind, sector, support_kind) are recorded by the snapshot's manifest.
"""

from __future__ import annotations

import pandas as pd

from .. import places
from . import schema

_PARTICIPANTS = {
    "participant_id": "str", "provider": "category", "entry_date": "datetime64[ns]", "exit_date": "datetime64[ns]",
    "gender": "category", "birth_year": "int16", "birth_date": "datetime64[ns]", "employment_status": "category",
    "long_term_unemployed": "bool", "migration_background": "bool", "third_country_national": "boolean",
    "education": "category", "referral_source": "category", "exit_status": "category",
    "qualification_gained": "boolean", "status_6m": "category", "improved_situation_6m": "boolean",
    "disability": "boolean", "minority": "boolean", "homeless": "boolean", "source_row": "int64",
    "ortsteil_nr": "int16", "ortsteil": "category", "bezirk": "category", "age_from_birth_year": "bool",
    "age_at_entry": "int16", "age_group": "category", "best_outcome": "category",
    "first_outcome_date": "datetime64[ns]",
}
DTYPES: dict[str, dict[str, str]] = {
    "participants": _PARTICIPANTS,
    "outcomes": {"participant_id": "str", "outcome": "category", "outcome_date": "datetime64[ns]",
                 "employment_kind": "category", "sector": "category", "source_row": "int64", "person": "int32"},
    "services": {"participant_id": "str", "service": "category", "start_date": "datetime64[ns]", "hours": "float64",
                 "source_row": "int64", "person": "int32"},
    "targets": {"provider": "object", "measure": "str", "due_date": "datetime64[ns]", "target": "float64",
                "start_date": "datetime64[ns]", "source_row": "int64"},
    "enterprises": {"enterprise_id": "str", "provider": "category", "size_class": "category",
                    "support_start": "datetime64[ns]", "support_end": "datetime64[ns]", "support_kind": "category",
                    "source_row": "int64", "ortsteil_nr": "int16", "ortsteil": "category", "bezirk": "category"},
}
#: Columns `load_dataset` adds to the input columns (ortsteil: the input's Ortsteil is stored as ortsteil_nr).
DERIVED: dict[str, tuple[str, ...]] = {
    "participants": ("source_row", "ortsteil", "bezirk", "age_from_birth_year", "age_at_entry", "age_group",
                     "best_outcome", "first_outcome_date"),
    "outcomes": ("source_row", "person"),
    "services": ("source_row", "person"),
    "targets": ("source_row",),
    "enterprises": ("source_row", "ortsteil", "bezirk"),
}


def fixed_categories(table: str) -> dict[str, list]:
    """The categories a categorical column must have regardless of the data, in order."""
    places_cats = {"ortsteil": places.ortsteil_names(), "bezirk": places.bezirk_names()}
    out = {}
    for col in schema.TABLES[table]:
        if col.kind == "category" and DTYPES[table].get(col.name) == "category":
            out[col.name] = list(col.categories)
    if table in ("participants", "enterprises"):
        out.update(places_cats)
    if table == "participants":
        out.update(age_group=list(schema.AGE_GROUPS), best_outcome=list(schema.BEST_OUTCOMES))
    return out


def free_categories(table: str) -> tuple[str, ...]:
    """Categorical columns whose categories depend on the data (a snapshot records them)."""
    fixed = fixed_categories(table)
    return tuple(c for c, d in DTYPES[table].items() if d == "category" and c not in fixed)


def _dtype_name(dtype) -> str:
    if isinstance(dtype, pd.CategoricalDtype):
        return "category"
    if isinstance(dtype, pd.StringDtype):
        return "str"
    return str(dtype)


def layout_problem(table: str, frame: pd.DataFrame, categories: dict[str, list] | None = None) -> str | None:
    """What differs between a frame and the layout of its table (German, for the error message), or None.

    Checks the column names, every dtype, and the categories: the fixed ones and, for the data-dependent ones,
    `categories` (column -> list) when given.
    """
    expected = DTYPES[table]
    columns = [str(c) for c in frame.columns]
    if sorted(columns) != sorted(expected) or len(set(columns)) != len(columns):
        missing = sorted(set(expected) - set(columns))
        extra = sorted(set(columns) - set(expected))
        return "Spalten " + "; ".join(filter(None, [f"fehlen: {', '.join(missing)}" if missing else "",
                                                    f"unerwartet: {', '.join(extra)}" if extra else ""]) or
                                     ["doppelt"])
    for col, want in expected.items():
        got = _dtype_name(frame[col].dtype)
        if got != want:
            return f"Spalte {col}: Typ {got} statt {want}"
    wanted = dict(categories or {})
    wanted.update(fixed_categories(table))
    for col, cats in wanted.items():
        if col in expected and list(frame[col].cat.categories) != list(cats):
            return f"Spalte {col}: andere Kategorien als gespeichert"
    return None


def as_input(table: str, frame: pd.DataFrame, provided) -> pd.DataFrame:
    """The input columns of a typed frame (derived columns dropped, ortsteil as its number, optional participant
    columns the upload did not have left out): what `load_dataset` validates again for a format-2 snapshot."""
    drop = [c for c in DERIVED.get(table, ()) if c in frame]
    if table == "participants" and provided is not None:
        drop += [c for c in schema.MONITORING_COLUMNS + ("third_country_national",)
                 if c not in provided and c in frame]
    out = frame.drop(columns=drop)
    if "ortsteil_nr" in out:
        out = out.rename(columns={"ortsteil_nr": "ortsteil"})
    return out

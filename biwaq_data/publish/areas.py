"""Publication mode for the place figures of `figures.areas`: which values are withheld, as `Published` tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ..figures.areas import COUNT_COLUMNS, _count_values
from ..places.geometry import CITY_NR
from .results import Published


# --- publication mode ------------------------------------------------------------------------------------

TABLE_KINDS = {"participants": "count", "employment": "count", "vocational_training": "count",
               "improved_prospects": "count", "with_outcome": "count", "placement_rate": "rate",
               "outcome_rate": "rate", "share": "rate", "einwohner": "count", "per_1000": "number"}


def published(frame: pd.DataFrame, withheld: Mapping[str, Iterable[bool]],
              unreliable: Mapping[str, Iterable[bool]] | None = None) -> Published:
    """A frame of this module as a publication.Published, so tables and downloads show ``*`` where a figure is
    withheld (``withheld``: column -> row mask), ``/`` where a share of rounded counts is not shown
    (``unreliable``: column -> row mask) and ``x`` where a rate or ratio is undefined (NaN otherwise)."""
    frame = frame.reset_index(drop=True)
    n = len(frame)
    kinds = {c: TABLE_KINDS.get(c, "text") for c in frame.columns}
    unreliable = unreliable or {}
    data, sup, und, unr = {}, {}, {}, {}
    for col in frame.columns:
        mask = np.asarray(list(withheld.get(col, [False] * n)), dtype=bool).reshape(n)
        if kinds[col] == "text":
            data[col] = frame[col].array
            sup[col] = und[col] = unr[col] = np.zeros(n, dtype=bool)
            continue
        values = _count_values(frame[col])
        missing = np.isnan(values)
        unr[col] = np.asarray(list(unreliable.get(col, [False] * n)), dtype=bool).reshape(n) & missing & ~mask
        sup[col], und[col] = mask, missing & ~mask & ~unr[col]
        if kinds[col] == "count":
            data[col] = pd.arrays.IntegerArray(np.nan_to_num(values).round().astype(np.int64), missing | mask)
        else:
            data[col] = pd.arrays.FloatingArray(np.nan_to_num(values), missing | mask)
    suppressed = pd.DataFrame(sup, index=frame.index)
    out = pd.DataFrame(data, index=frame.index)
    out.attrs["suppressed_any"] = bool(suppressed.to_numpy().any())
    return Published(out, suppressed, pd.DataFrame(und, index=frame.index), kinds,
                     unreliable=pd.DataFrame(unr, index=frame.index))


def withheld_by_ortsteil(frame: pd.DataFrame, ortsteile: Published | None) -> dict[str, np.ndarray]:
    """Row masks for ortsteil_frame()/density_frame() columns from the published Ortsteil breakdown."""
    n = len(frame)
    if ortsteile is None:
        return {}
    masks = _by_ortsteil(frame, ortsteile, ortsteile.suppressed)
    masks["per_1000"] = masks.get("participants", np.zeros(n, dtype=bool))
    return masks


def unreliable_by_ortsteil(frame: pd.DataFrame, ortsteile: Published | None) -> dict[str, np.ndarray]:
    """Row masks of the shares not shown (``/``) for ortsteil_frame() columns from the published breakdown."""
    if ortsteile is None:
        return {}
    return _by_ortsteil(frame, ortsteile, ortsteile.unreliable)


def _by_ortsteil(frame: pd.DataFrame, ortsteile: Published, masks: pd.DataFrame) -> dict[str, np.ndarray]:
    by_number = masks.set_index(ortsteile.frame["ortsteil_nr"].astype(int).to_numpy())
    numbers = frame["ortsteil_nr"].astype(int)
    return {col: numbers.map(by_number[col]).fillna(False).to_numpy(dtype=bool)
            for col in (*COUNT_COLUMNS, "placement_rate", "outcome_rate") if col in by_number}


def withheld_in_density(density: pd.DataFrame, ortsteile: Published | None, city_withheld: bool) -> dict:
    masks = withheld_by_ortsteil(density.rename(columns={"name": "ortsteil"}), ortsteile)
    if masks:
        city = (density["ortsteil_nr"] == CITY_NR).to_numpy()
        for col in ("participants", "per_1000"):
            masks[col] = np.where(city, city_withheld, masks[col])
    return {k: v for k, v in masks.items() if k in density.columns}


def withheld_in_compare(table: pd.DataFrame) -> dict[str, np.ndarray]:
    masks = {col: np.array([col in w for w in table["withheld"]], dtype=bool)
             for col in (*COUNT_COLUMNS, "placement_rate", "outcome_rate")}
    masks["per_1000"] = masks["participants"]
    return masks


def unreliable_in_compare(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """The compare table's shares not shown (``/``), from its "unreliable" column."""
    return {col: np.array([col in u for u in table["unreliable"]], dtype=bool)
            for col in ("placement_rate", "outcome_rate")}

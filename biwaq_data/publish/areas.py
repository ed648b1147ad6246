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


def published(frame: pd.DataFrame, withheld: Mapping[str, Iterable[bool]]) -> Published:
    """A frame of this module as a publication.Published, so tables and downloads show ``*`` where a figure is
    withheld (``withheld``: column -> row mask) and ``x`` where a rate or ratio is undefined (NaN otherwise)."""
    frame = frame.reset_index(drop=True)
    n = len(frame)
    kinds = {c: TABLE_KINDS.get(c, "text") for c in frame.columns}
    data, sup, und = {}, {}, {}
    for col in frame.columns:
        mask = np.asarray(list(withheld.get(col, [False] * n)), dtype=bool).reshape(n)
        if kinds[col] == "text":
            data[col] = frame[col].array
            sup[col] = und[col] = np.zeros(n, dtype=bool)
            continue
        values = _count_values(frame[col])
        missing = np.isnan(values)
        sup[col], und[col] = mask, missing & ~mask
        if kinds[col] == "count":
            data[col] = pd.arrays.IntegerArray(np.nan_to_num(values).round().astype(np.int64), missing | mask)
        else:
            data[col] = pd.arrays.FloatingArray(np.nan_to_num(values), missing | mask)
    suppressed = pd.DataFrame(sup, index=frame.index)
    out = pd.DataFrame(data, index=frame.index)
    out.attrs["suppressed_any"] = bool(suppressed.to_numpy().any())
    return Published(out, suppressed, pd.DataFrame(und, index=frame.index), kinds)


def withheld_by_ortsteil(frame: pd.DataFrame, ortsteile: Published | None) -> dict[str, np.ndarray]:
    """Row masks for ortsteil_frame()/density_frame() columns from the published Ortsteil breakdown."""
    n = len(frame)
    if ortsteile is None:
        return {}
    sup = ortsteile.suppressed.set_index(ortsteile.frame["ortsteil_nr"].astype(int).to_numpy())
    numbers = frame["ortsteil_nr"].astype(int)
    masks = {col: numbers.map(sup[col]).fillna(False).to_numpy(dtype=bool)
             for col in (*COUNT_COLUMNS, "placement_rate", "outcome_rate") if col in sup}
    masks["per_1000"] = masks.get("participants", np.zeros(n, dtype=bool))
    return masks


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

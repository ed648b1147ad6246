"""Local economy (BIWAQ field of action 2): enterprises supported, from the optional table ``enterprises``.

Counts enterprises (not persons) whose support started in the selection's period, with the Träger, Ortsteil
and Stadtbezirk filters applied (participant filters do not apply). ``sme`` = size class micro, small or
medium: the enterprises EECO19 counts. Pure counting; None when the data have no enterprises table.
"""

from __future__ import annotations

import pandas as pd

from .filters import Filters
from .indicators import SME_CLASSES, enterprise_mask


def _selected(dataset, filters: Filters | None) -> pd.DataFrame | None:
    e = dataset.enterprises
    if e is None:
        return None
    return e[enterprise_mask(e, filters)].assign(sme=lambda f: f["size_class"].isin(SME_CLASSES).astype(int))


def enterprises_by_place(dataset, filters: Filters | None = None) -> pd.DataFrame | None:
    """One row per Ortsteil and Träger with at least one enterprise: ortsteil, provider, enterprises, sme."""
    e = _selected(dataset, filters)
    if e is None:
        return None
    out = (e.groupby(["ortsteil", "provider"], observed=True)
           .agg(enterprises=("enterprise_id", "size"), sme=("sme", "sum")).reset_index())
    return out.astype({"ortsteil": str, "provider": str, "enterprises": "int64", "sme": "int64"})


def _quarter_labels(dataset) -> pd.Series:
    """Quarter of every enterprise's support start ("2024 Q3"), once per data version (shared, read-only)."""
    from .memo import per_version

    def compute():
        start = dataset.enterprises["support_start"]
        return start.dt.year.astype(str) + " Q" + start.dt.quarter.astype(str)
    return per_version(dataset, "enterprise_quarters", compute)


def enterprises_by_quarter(dataset, filters: Filters | None = None) -> pd.DataFrame | None:
    """One row per calendar quarter of the support start ("2024 Q3"): quarter, enterprises, sme."""
    e = _selected(dataset, filters)
    if e is None:
        return None
    quarter = _quarter_labels(dataset).loc[e.index]
    out = (e.assign(quarter=quarter).groupby("quarter")
           .agg(enterprises=("enterprise_id", "size"), sme=("sme", "sum")).reset_index())
    return out.astype({"enterprises": "int64", "sme": "int64"})

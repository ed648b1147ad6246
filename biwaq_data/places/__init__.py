"""Duisburg's 7 Stadtbezirke and 46 Ortsteile, and resolving what users type into them.

Reference data: `reference/duisburg_ortsteile_liste.csv` (see `reference/README.md`
for sources and licence; boundaries are © OpenStreetMap contributors, ODbL 1.0).
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..formatting import normalise_key

REFERENCE_DIR = Path(__file__).with_name("reference")

# Common alternative spellings of Ortsteil names (normalised key -> number).
_EXTRA_NAMES = {"homberg": 402, "altstadtduisburg": 501, "rumeln": 605, "kaldenhausen": 605}


@lru_cache(maxsize=1)
def ortsteile() -> pd.DataFrame:
    """All 46 Ortsteile: ortsteil_nr (int), ortsteil (name), bezirk_nr (int), bezirk (name), has_polygon."""
    df = pd.read_csv(REFERENCE_DIR / "duisburg_ortsteile_liste.csv", encoding="utf-8")
    df = df.rename(columns={"ortsteil_name": "ortsteil", "bezirk_name": "bezirk"})
    df["has_polygon"] = df.pop("polygon_in_osm_extract").eq("ja")
    return df.sort_values("ortsteil_nr").reset_index(drop=True)


def ortsteil_names() -> list[str]:
    """Ortsteil names ordered by number (the order of the categorical)."""
    return ortsteile()["ortsteil"].tolist()


def bezirk_names() -> list[str]:
    """Stadtbezirk names ordered by number (100 Walsum … 700 Süd)."""
    return ortsteile().drop_duplicates("bezirk_nr")["bezirk"].tolist()


@lru_cache(maxsize=1)
def _name_index() -> dict[str, int]:
    table = ortsteile()
    index = {normalise_key(name): int(nr) for name, nr in zip(table["ortsteil"], table["ortsteil_nr"])}
    index.update({str(int(nr)): int(nr) for nr in table["ortsteil_nr"]})
    index.update(_EXTRA_NAMES)
    return index


def resolve_ortsteil(value: object) -> int | None:
    """Ortsteil number for a name ("Marxloh", "marxloh", "Neumuehl") or number ("202", 202.0); None if unknown."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    # "202 Marxloh" or "Marxloh (202)"
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 3 and int(digits) in set(ortsteile()["ortsteil_nr"]):
        return int(digits)
    return _name_index().get(normalise_key(text))


def suggest_ortsteil(value: object) -> str | None:
    """The closest Ortsteil name to an unknown value, or None when nothing is close."""
    names = ortsteil_names()
    keys = {normalise_key(n): n for n in names}
    match = difflib.get_close_matches(normalise_key(value), list(keys), n=1, cutoff=0.6)
    return keys[match[0]] if match else None

"""Selection keys of places ("b200" for a Stadtbezirk, "o202" for an Ortsteil): options, names, toggling."""

from __future__ import annotations

from collections.abc import Iterable

from .. import places
from .. import texts_de as T


def bezirk_key(bezirk_nr: int) -> str:
    """Selection key of a Stadtbezirk ("b200")."""
    return f"b{int(bezirk_nr)}"


def ortsteil_key(ortsteil_nr: int) -> str:
    """Selection key of an Ortsteil ("o202")."""
    return f"o{int(ortsteil_nr)}"


def place_options() -> dict[str, str]:
    """Selection keys -> German labels: each Stadtbezirk followed by its Ortsteile, in number order."""
    N = T.NEIGHBOURHOOD_TEXTS
    options = {}
    for row in places.ortsteile().itertuples():
        if bezirk_key(row.bezirk_nr) not in options:
            options[bezirk_key(row.bezirk_nr)] = N["option_bezirk"].format(name=row.bezirk)
        options[ortsteil_key(row.ortsteil_nr)] = N["option_ortsteil"].format(name=row.ortsteil, nr=row.ortsteil_nr,
                                                                             bezirk=row.bezirk)
    return options


def ortsteile_of(keys: Iterable[str]) -> tuple[int, ...]:
    """Ortsteil numbers covered by selection keys (a Bezirk key stands for all its Ortsteile), sorted."""
    table = places.ortsteile()
    chosen: set[int] = set()
    for key in keys:
        kind, number = str(key)[:1], str(key)[1:]
        if not number.isdigit():
            continue
        if kind == "b":
            chosen.update(int(n) for n in table.loc[table["bezirk_nr"] == int(number), "ortsteil_nr"])
        elif kind == "o" and int(number) in set(table["ortsteil_nr"]):
            chosen.add(int(number))
    return tuple(sorted(chosen))


def normalise_keys(keys: Iterable[str]) -> list[str]:
    """Known selection keys, each once, in option order; Ortsteile inside a selected Bezirk are dropped."""
    keys = set(map(str, keys))
    table = places.ortsteile().set_index("ortsteil_nr")
    out = []
    for key in place_options():
        if key not in keys:
            continue
        if key.startswith("o") and bezirk_key(table.loc[int(key[1:]), "bezirk_nr"]) in keys:
            continue
        out.append(key)
    return out


def toggle_keys(current: Iterable[str], clicked: Iterable[str]) -> list[str]:
    """The selection after clicks on the map: each clicked place is added, or removed when already selected.

    Clicking an Ortsteil inside a selected Stadtbezirk narrows the selection to that Ortsteil (drill-down).
    """
    keys = normalise_keys(current)
    table = places.ortsteile().set_index("ortsteil_nr")
    for key in clicked:
        if key in keys:
            keys.remove(key)
            continue
        if key.startswith("o") and key[1:].isdigit() and int(key[1:]) in table.index:
            keys = [k for k in keys if k != bezirk_key(table.loc[int(key[1:]), "bezirk_nr"])]
        keys.append(key)
    return normalise_keys(keys)


def selection_names(keys: Iterable[str]) -> list[str]:
    """Short German names of selection keys ("Hamborn (Stadtbezirk)" / "Marxloh")."""
    table = places.ortsteile()
    bezirke = dict(zip(table["bezirk_nr"].map(bezirk_key), table["bezirk"]))
    ortsteile = dict(zip(table["ortsteil_nr"].map(ortsteil_key), table["ortsteil"]))
    return [T.NEIGHBOURHOOD_TEXTS["option_bezirk"].format(name=bezirke[k]) if k in bezirke else ortsteile[k]
            for k in keys if k in bezirke or k in ortsteile]

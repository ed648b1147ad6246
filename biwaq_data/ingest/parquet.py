"""Parquet files as pandas frames, for `reading.read_parquet_bytes`.

Types as stored (Arrow dictionaries become categoricals, booleans pandas' nullable boolean). Text columns that
name a column of the contract other than the id (provider, categories, Ortsteil, dates or numbers written as
text) are read as dictionaries too: they have few distinct values, so Parquet decodes them without a string
per cell and validation works once per distinct value. Ids and unknown columns stay text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import texts_de as T
from ..errors import DataError
from . import schema

MAIN_TABLES = ("participants", "outcomes", "services")  # reading.TABLE_NAMES


def dictionary_columns(arrow_schema, table: str) -> list[str]:
    """Names of the text columns of `arrow_schema` to read as dictionaries (see module docstring)."""
    import pyarrow as pa

    if table not in MAIN_TABLES:
        return []
    kinds = {c.name: c.kind for c in schema.TABLES[table]}
    lookup = schema.header_lookup(schema.TABLES[table])
    found = []
    for f in arrow_schema:
        name = lookup.get(schema.normalise_key(str(f.name).strip()))
        if name is not None and kinds[name] != "id" and (pa.types.is_string(f.type) or pa.types.is_large_string(f.type)):
            found.append(f.name)
    return found


def read_frame(data: bytes | Path, table: str, file: str) -> tuple[pd.DataFrame, frozenset]:
    """(frame, names of the text columns read as categoricals): header names stripped, rows from 0.

    Raises DataError (German, naming the file) for a damaged file, one without columns or without rows.
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq

        source = pa.py_buffer(data) if isinstance(data, bytes) else data
        dictionary = dictionary_columns(pq.read_schema(source), table)
        arrow = pq.read_table(source, read_dictionary=dictionary or None)
        # as pd.read_parquet, but each Arrow column is freed as soon as it is converted (peak memory), and
        # booleans as pandas' nullable boolean: a bool column with gaps is not a column of Python objects
        frame = arrow.to_pandas(self_destruct=True, split_blocks=True,
                                types_mapper=lambda t: pd.BooleanDtype() if t == pa.bool_() else None)
        del arrow
    except Exception as exc:  # pyarrow raises several unrelated types for corrupt files
        raise DataError(T.ERR_PARQUET_BROKEN.format(file=file)) from exc
    if frame.columns.size == 0:
        raise DataError(T.ERR_EMPTY.format(file=file))
    if frame.empty:
        raise DataError(T.ERR_HEADER_ONLY.format(file=file))
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, frozenset(str(c).strip() for c in dictionary)


def release_arrow_memory() -> None:
    """Hand the memory pyarrow's pool keeps after freeing (decoded pages, hash tables) back to the system, so that
    pandas' and numpy's allocations after it do not add to it (peak of a 1.000.000 load: about -100 MB)."""
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except Exception:  # noqa: BLE001 - an optimisation only
        pass

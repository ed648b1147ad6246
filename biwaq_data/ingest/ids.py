"""Participant ids hashed once: first occurrences, duplicates, and where each outcome's and service's id points.

`Ids(participant_ids, [outcome_ids, service_ids])` numbers the distinct participant ids by first appearance
(code 0 = the id of participants row 0). The ids of the linked tables get the code of the same id, or -1 when
no participants row has it. For Arrow-backed text (what `validation.parse_table` produces) this is one
`pyarrow.compute.dictionary_encode` over the participants' ids followed by the linked tables' ids: one hash
table, each id hashed once, no Python object per cell. Other dtypes go through pandas' hash index. pyarrow hashes without holding the GIL, so `load_dataset` runs
this on a second thread while it parses the tables' other columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import arrowtext
from .parquet import release_arrow_memory


class Ids:
    """first_rows: participants row of each distinct id's first occurrence, by code (== the index of
    participants.drop_duplicates("participant_id")); duplicate: participants rows whose id (not empty) came
    before; linked[i]: per row of the i-th linked id column, the code of its id in the participants' ids,
    -1 when unknown. An empty (NA) id has a code like any value; callers exclude it."""

    def __init__(self, ids: pd.Series, linked: list[pd.Series] = ()):
        encoded = _encode_arrow([ids, *linked])
        if encoded is None:  # not Arrow-backed strings: pandas' hash index
            codes, uniques = pd.factorize(ids, use_na_sentinel=False)  # NA gets a code, like drop_duplicates
            index = pd.Index(uniques)
            self.linked = [index.get_indexer(values) for values in linked]
        else:
            codes, *rest = encoded
            known = int(codes.max()) + 1 if len(codes) else 0  # codes count up from 0 by first appearance
            self.linked = [np.where(c < known, c, -1) for c in rest]
        before = np.maximum.accumulate(np.concatenate([[-1], codes[:-1]])) if len(codes) else codes
        first = codes > before  # codes are numbered in order of first appearance
        self.first_rows = np.flatnonzero(first).astype(np.int32 if len(codes) < 2**31 else np.int64)
        self.duplicate = ~first & ids.notna().to_numpy()


def _encode_arrow(columns: list[pd.Series]) -> list[np.ndarray] | None:
    """Dictionary codes (int32, first appearance, NA encoded) of all columns over one shared dictionary, or None
    when a column is not Arrow-backed text."""
    chunked = [arrowtext.string_chunks(c) for c in columns]
    arrays = [chunk for chunks in chunked if chunks is not None for chunk in chunks]
    if any(c is None for c in chunked) or not arrays:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = arrowtext.short_keys(arrays)  # short ids (after a shared prefix) hash as integers: ~3x faster
    if keys is not None:
        arrays = keys
    kind = arrays[0].type
    arrays = [a if a.type == kind else a.cast(kind) for a in arrays]
    encoded = pc.dictionary_encode(pa.chunked_array(arrays, type=kind), null_encoding="encode")
    codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in encoded.chunks]
                           + [np.zeros(0, dtype=np.int32)])
    bounds = np.cumsum([len(c) for c in columns])[:-1]
    del encoded, arrays, keys
    release_arrow_memory()  # the hash table, dictionary and keys
    return np.split(codes, bounds)

"""Questions about Arrow-backed text columns (pandas' str dtype), answered from the Arrow buffers.

Each function reads the offsets, the validity bitmap and the character bytes with numpy, without making a
Python string per cell; for any other column it answers None (or False), and the caller uses pandas' string
methods as before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True  # what str.strip removes below 0x80
_ASCII_SPACE[0x80:] = True  # a multi-byte character might be white space (e.g. U+00A0): not known clean


def strings(values: pd.Series):
    """The values as one pyarrow string array (zero-copy for Arrow-backed str columns), else None."""
    try:
        import pyarrow as pa

        arr = pa.array(values.array) if hasattr(values.array, "__arrow_array__") else None
        if arr is None:
            return None
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        return arr if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type) else None
    except Exception:  # noqa: BLE001 - fall back to pandas
        return None


def _chunks(values: pd.Series) -> list | None:
    """(chunk, offsets, character bytes or None) per Arrow chunk of a str column; None for other columns."""
    import pyarrow as pa

    if not hasattr(values.array, "__arrow_array__"):
        return None
    out = []
    for chunk in pa.chunked_array(pa.array(values.array)).chunks:
        if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
            return None
        bufs = chunk.buffers()
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(bufs[1], dtype=width)[chunk.offset: chunk.offset + len(chunk) + 1]
        out.append((chunk, offsets, None if bufs[2] is None else np.frombuffer(bufs[2], dtype=np.uint8)))
    return out


def trimmed(values: pd.Series) -> bool:
    """True when no cell starts or ends with white space (first and last byte of every value), so stripping
    would change nothing; False when unsure or not an Arrow-backed str column."""
    try:
        chunks = _chunks(values)
        if chunks is None:
            return False
        for _, offsets, data in chunks:
            if data is None:  # no characters at all (only nulls or empty strings)
                continue
            starts, ends = offsets[:-1], offsets[1:]
            filled = ends > starts
            if not filled.all():
                starts, ends = starts[filled], ends[filled]
            if _ASCII_SPACE[data[starts]].any() or _ASCII_SPACE[data[ends - 1]].any():
                return False
        return True
    except Exception:  # noqa: BLE001 - any doubt: strip as usual
        return False


def na_or_empty(values: pd.Series) -> np.ndarray | None:
    """True where a cell is NA or has no characters; None for other columns."""
    try:
        chunks = _chunks(values)
        if chunks is None:
            return None
        parts = []
        for chunk, offsets, _ in chunks:
            empty = offsets[1:] == offsets[:-1]
            if chunk.null_count:
                empty |= chunk.is_null().to_numpy(zero_copy_only=False)
            parts.append(empty)
        return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)
    except Exception:  # noqa: BLE001 - any doubt: pandas
        return None


def may_contain(values: pd.Series, character: str) -> bool:
    """False only when no cell contains the ASCII `character` (one scan of the character bytes); True when one
    might (a null cell's bytes count too) or the column is not Arrow-backed text."""
    try:
        chunks = _chunks(values)
        if chunks is None:
            return True
        code = ord(character)
        return any(data is not None and bool((data[offsets[0]:offsets[-1]] == code).any())
                   for _, offsets, data in chunks)
    except Exception:  # noqa: BLE001 - any doubt: look with pandas
        return True

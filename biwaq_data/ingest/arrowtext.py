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


def string_chunks(values: pd.Series) -> list | None:
    """The values as the pyarrow string arrays they are stored in (no copy; a Parquet column has one per row
    group), else None."""
    try:
        import pyarrow as pa

        if not hasattr(values.array, "__arrow_array__"):
            return None
        arr = pa.chunked_array(pa.array(values.array))
        return arr.chunks if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type) else None
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


def short_keys(arrays: list) -> list | None:
    """Several pyarrow string arrays as uint64 arrays whose values are equal exactly where the strings are
    (nulls stay null), so that hashing them costs what hashing integers costs. Possible when every string is
    at most 8 bytes long after a prefix all strings share (e.g. "TN-" of "TN-A6B50731") and, when the lengths
    differ, no string holds a NUL byte (zero bytes pad the shorter ones). None otherwise."""
    import pyarrow as pa

    parts = []
    for arr in arrays:
        bufs = arr.buffers()
        width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
        offsets = np.frombuffer(bufs[1], dtype=width)[arr.offset: arr.offset + len(arr) + 1]
        data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, dtype=np.uint8)
        present = ~arr.is_null().to_numpy(zero_copy_only=False) if arr.null_count else None
        sizes = _Sizes(offsets, present)
        parts.append((sizes, offsets, data, present, len(arr)))
    filled = [sizes for sizes, *_ in parts if sizes.count]
    if not filled:
        return None
    longest, shortest = max(x.longest for x in filled), min(x.shortest for x in filled)
    strip = max(longest - 8, 0)
    if strip > shortest:
        return None
    sizes, _, data, *_ = next(part for part in parts if part[0].count)
    first = int(sizes.starts()[0])
    prefix = data[first: first + strip]
    keys = []
    for sizes, offsets, data, present, n in parts:
        packed = np.zeros(sizes.count, dtype="<u8")
        if sizes.count and longest == shortest and offsets[-1] - offsets[0] == sizes.count * longest:
            # fixed-width strings one after the other: read as 8-byte words at a stride of the width
            if not _fixed_width_words(data, int(offsets[0]), sizes.count, longest, strip, prefix, packed):
                return None
        elif sizes.count:
            starts, sizes = sizes.starts(), sizes.all()
            if any((data[starts + k] != prefix[k]).any() for k in range(strip)):
                return None
            if longest != shortest and (data[int(offsets[0]):int(offsets[-1])] == 0).any():
                return None
            starts, sizes = starts + strip, sizes - strip
            for k in range(int(sizes.max())):
                has = sizes > k
                packed |= np.where(has, data[np.where(has, starts + k, 0)], 0).astype("<u8") << np.uint64(8 * k)
        if present is None:
            keys.append(pa.array(packed))
        else:
            key = np.zeros(n, dtype="<u8")
            key[present] = packed
            keys.append(pa.array(key, mask=~present))
    return keys


def _fixed_width_words(data: np.ndarray, first: int, count: int, width: int, strip: int, prefix: np.ndarray,
                       out: np.ndarray) -> bool:
    """`count` strings of `width` bytes from `first` on: False unless each starts with `prefix` (`strip` bytes);
    their remaining bytes (≤ 8) packed into `out` as `_pack` would. Each value is one unaligned 8-byte read at
    a stride of `width`, its bytes past the string masked off; the last strings, whose read would run past the
    data, go byte by byte."""
    rows = data[first: first + count * width].reshape(count, width)
    fits = max(0, min(count, (len(data) - first - strip - 8) // width + 1))
    if strip and (strip > 8 or fits < count):
        if not (rows[:, :strip] == prefix).all():
            return False
    elif strip:
        head = np.ndarray((fits,), dtype="<u8", buffer=data, offset=first, strides=(width,))
        if ((head & np.uint64((1 << (8 * strip)) - 1)) != int.from_bytes(prefix.tobytes(), "little")).any():
            return False
    rest = width - strip
    if fits:
        out[:fits] = np.ndarray((fits,), dtype="<u8", buffer=data, offset=first + strip, strides=(width,))
        if rest < 8:
            out[:fits] &= np.uint64((1 << (8 * rest)) - 1)
    if fits < count:
        block = np.zeros((count - fits, 8), dtype=np.uint8)
        block[:, :rest] = rows[fits:, strip:]
        out[fits:] = block.view("<u8").ravel()
    return True


class _Sizes:
    """Byte sizes of the present strings of one array: count, longest and shortest without keeping a size per
    string (read in blocks of a million), the starts and sizes themselves on request."""

    def __init__(self, offsets: np.ndarray, present: np.ndarray | None):
        self.offsets, self.present = offsets, present
        if present is not None:
            self._sizes = np.diff(offsets)[present]
            self.count = len(self._sizes)
            self.longest = int(self._sizes.max()) if self.count else 0
            self.shortest = int(self._sizes.min()) if self.count else 0
            return
        self._sizes, self.count, self.longest, self.shortest = None, len(offsets) - 1, 0, 1 << 62
        block = np.empty(min(self.count, 1 << 20), dtype=offsets.dtype)
        for at in range(0, self.count, 1 << 20):
            part = block[: min(1 << 20, self.count - at)]
            np.subtract(offsets[at + 1: at + 1 + len(part)], offsets[at: at + len(part)], out=part)
            self.longest, self.shortest = max(self.longest, int(part.max())), min(self.shortest, int(part.min()))

    def starts(self) -> np.ndarray:
        return self.offsets[:-1] if self.present is None else self.offsets[:-1][self.present]

    def all(self) -> np.ndarray:
        return np.diff(self.offsets) if self._sizes is None else self._sizes

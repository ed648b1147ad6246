"""German text in and out: number and date formatting (1.234; 24,5 %; 31.12.2025) for screens and exports, and the
key normalisation that matches German headers, values and place names (umlauts folded)."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd


def format_int(value) -> str:
    """1234 -> '1.234'; missing -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    return f"{int(round(float(value))):,}".replace(",", ".")


def format_number(value, decimals: int = 1) -> str:
    """1234.56 -> '1.234,6'."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    exact = value if isinstance(value, Decimal) else Decimal(str(float(value)))
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)  # kaufmännisch
    return f"{rounded:,.{decimals}f}".translate(str.maketrans(",.", ".,"))


def format_pct(fraction, decimals: int = 1) -> str:
    """0.2455 -> '24,5 %' (fraction in, percent out); missing -> '–'."""
    if fraction is None or fraction is pd.NA or (isinstance(fraction, float) and math.isnan(fraction)):
        return "–"
    return f"{format_number(Decimal(str(float(fraction))) * 100, decimals)} %"


def format_date(value) -> str:
    """Timestamp/date -> '31.12.2025'."""
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    return pd.Timestamp(value).strftime("%d.%m.%Y")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$&])|(:)(?=\S)")  # ":" only before text: ":red[", ":smile:"
_BLOCK_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+=])")  # "1. …", "- …" would start a list
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i):/|www\.|[^\s]@")


def escape_markdown(text) -> str:
    """Text from the data (a Träger, a file name, a cell value) made inert for st.markdown and friends.

    Links, emphasis, code, HTML, Streamlit's ``:red[…]`` directives and ``:icon:`` shortcodes, LaTeX ``$`` and
    list or heading markers are backslash-escaped, autolinks (``https://…``, ``www.…``, ``a@b``) are broken by an
    invisible word joiner; line breaks become spaces. Plain words, dots, commas and "Datei: …" stay as they are.
    For screens only: exports keep the raw text.
    """
    flat = " ".join(str(text).splitlines()) if text is not None else ""
    # GFM autolinks are found in the parsed text, after escapes are gone: a WORD JOINER breaks their pattern.
    flat = _AUTOLINK.sub(lambda m: m.group(0)[:-1] + WORD_JOINER + m.group(0)[-1], flat)
    flat = _MARKDOWN_SPECIAL.sub(lambda m: "\\" + (m.group(1) or m.group(2)), flat)
    return _BLOCK_START.sub(lambda m: (f"{m.group(1)}{m.group(2)}\\{m.group(3)}" if m.group(2)
                                       else f"{m.group(4)}\\{m.group(5)}"), flat)


def normalise_key(text: object) -> str:
    """Lower-case, ASCII-folded, alphanumeric-only key used to match headers and values."""
    s = str(text).strip().lower()
    s = s.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", s)

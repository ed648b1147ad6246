"""Static tables as plain HTML (st.html): the whole table on the page, cells as inert text, no table JavaScript.

Why not st.table or st.dataframe: st.dataframe loads the data-grid JavaScript and scrolls inside its own box;
st.table loads Arrow's JavaScript (about 1 MB that the browser compiled while the page's first chart waited,
bench_browser) and renders every cell as Markdown, so a withheld "*" became a list bullet. Here every cell and
header is HTML-escaped text. On a phone (≤ 640 px, ui/style.py) each row becomes a small card of
"column: value" lines instead of a table that scrolls sideways; on paper rows are never cut.

Number columns (every cell a number, a percentage, "*" or "–") are right-aligned. Row classes (e.g. a status
colour) come from the caller as CSS class names defined in ui/style.py.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import pandas as pd
import streamlit as st

# A cell that reads as a number: digits with German separators, optional sign, %, a span "12 – 15", "(24,5 %)",
# the withheld "*" or the dash for "none".
_NUMERIC = re.compile(r"^[\s\d.,%*()+\-–−]*\d[\s\d.,%*()+\-–−]*$|^[*–-]$")


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    """Columns of numbers (right-aligned on screen): at least one cell reads as a number and every other cell is
    a short word without digits, such as "offen" (a placeholder in a number column)."""
    out = []
    for column in frame.columns:
        cells = [str(v) for v in frame[column] if not (v is None or (isinstance(v, float) and v != v)) and str(v)]
        numbers = [bool(_NUMERIC.match(c)) for c in cells]
        if any(numbers) and all(n or (len(c) <= 20 and not re.search(r"\d", c)) for c, n in zip(cells, numbers)):
            out.append(column)
    return out


def table_html(frame: pd.DataFrame, *, label: str, cell_classes: dict[str, Sequence[str]] | None = None) -> str:
    """The HTML of `frame` (index not shown): escaped headers and cells, `label` as the table's accessible name,
    `cell_classes`: column -> one CSS class per row for that column's cells (e.g. a status colour)."""
    cell_classes = cell_classes or {}
    right = set(numeric_columns(frame))
    esc = html.escape
    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if c in right else ""}>{esc(str(c))}</th>' for c in frame.columns)
    rows = []
    for i, values in enumerate(frame.itertuples(index=False, name=None)):
        cells = []
        for column, value in zip(frame.columns, values):
            classes = [*(["num"] if column in right else []),
                       *([cell_classes[column][i]] if column in cell_classes else [])]
            attr = f' class="{esc(" ".join(classes))}"' if classes else ""
            text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
            cells.append(f'<td data-label="{esc(str(column))}"{attr}>{esc(text)}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<div class="biwaq-table-wrap" role="region" aria-label="{esc(label)}" tabindex="0">'
            f'<table class="biwaq-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def html_table(frame: pd.DataFrame, *, label: str, cell_classes: dict[str, Sequence[str]] | None = None) -> None:
    """Draw `frame` as a static HTML table (see the module docstring)."""
    st.html(table_html(frame, label=label, cell_classes=cell_classes))

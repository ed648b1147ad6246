"""Shared helpers for AppTest runs: reading what a page shows."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pandas as pd


def quote_text(at) -> str | None:
    """The quotable paragraph of an AppTest run (ui.components.copyable_text: an st.html block), unescaped."""
    for element in at.get("html"):
        found = re.search(r'<p class="biwaq-copy-text">(.*?)</p>', element.proto.body, re.S)
        if found:
            return html.unescape(found.group(1))
    return None


class _TableParser(HTMLParser):
    """Headers, cell texts and cell classes of every <table class="biwaq-table"> in a piece of HTML."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._row: list[tuple[str, str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "biwaq-table" in (attrs.get("class") or "").split():
            self.tables.append({"columns": [], "rows": [], "classes": []})
        elif self.tables and tag in ("th", "td"):
            self._cell = []
            self._class = attrs.get("class") or ""
        elif self.tables and tag == "tr":
            self._row = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell)
            if tag == "th":
                self.tables[-1]["columns"].append(text)
            else:
                self._row.append((text, self._class))
            self._cell = None
        elif tag == "tr" and self._row:
            self.tables[-1]["rows"].append([t for t, _ in self._row])
            self.tables[-1]["classes"].append([c for _, c in self._row])
            self._row = None


def html_tables(at) -> list[pd.DataFrame]:
    """The static tables (ui.tables.html_table) of an AppTest run, in page order, as frames of their cell texts
    (unescaped); each frame's `attrs["classes"]` holds the cells' CSS classes row by row."""
    out = []
    for element in at.get("html"):
        parser = _TableParser()
        parser.feed(element.proto.body)
        for table in parser.tables:
            frame = pd.DataFrame(table["rows"], columns=table["columns"])
            frame.attrs["classes"] = table["classes"]
            out.append(frame)
    return out

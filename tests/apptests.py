"""Shared helpers for AppTest runs: reading what a page shows."""

from __future__ import annotations

import html
import re


def quote_text(at) -> str | None:
    """The quotable paragraph of an AppTest run (ui.components.copyable_text: an st.html block), unescaped."""
    for element in at.get("html"):
        found = re.search(r'<p class="biwaq-copy-text">(.*?)</p>', element.proto.body, re.S)
        if found:
            return html.unescape(found.group(1))
    return None

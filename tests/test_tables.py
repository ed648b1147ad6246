"""ui.tables: static HTML tables keep every cell as literal text and right-align number columns."""

from __future__ import annotations

import pandas as pd

from apptests import _TableParser
from ui.tables import numeric_columns, table_html


def parse(markup: str) -> dict:
    parser = _TableParser()
    parser.feed(markup)
    assert len(parser.tables) == 1
    return parser.tables[0]


def test_cells_and_headers_are_literal_text():
    frame = pd.DataFrame({"Träger <b>": ["*", "_Kursiv_ & [Link](https://x.example)", "<script>x</script>"],
                          "Anzahl": ["12", "*", "1.234"]})
    markup = table_html(frame, label="Tabelle")
    assert "<script>" not in markup and "<b>" not in markup  # escaped, so the browser shows them as text
    table = parse(markup)
    assert table["columns"] == list(frame.columns)
    assert table["rows"] == frame.to_numpy().tolist()


def test_number_columns_are_right_aligned_and_classes_reach_their_cells():
    frame = pd.DataFrame({"Kohorte": ["2023-Q1", "2023-Q2"], "bis 12 Monate": ["12 (24,5 %)", "offen"],
                          "Personen": ["*", "1.204"], "Träger": ["GfB", "AWO"]})
    assert numeric_columns(frame) == ["bis 12 Monate", "Personen"]
    table = parse(table_html(frame, label="Kohorten", cell_classes={"Träger": ["a", "b"]}))
    assert [row[1:] for row in table["classes"]] == [["num", "num", "a"], ["num", "num", "b"]]
    assert table["classes"][0][0] == ""  # a text column stays left-aligned


def test_every_cell_names_its_column_for_the_phone_layout():
    markup = table_html(pd.DataFrame({"Status": ["ok"], "Ist": ["3"]}), label="Soll-Ist")
    assert 'data-label="Status"' in markup and 'data-label="Ist"' in markup and 'aria-label="Soll-Ist"' in markup

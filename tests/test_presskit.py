"""Press kit (biwaq_data.publish.presskit): the Excel workbook against biwaq_data.figures.metrics, and the PDF."""

from __future__ import annotations

import html

import shutil
import subprocess
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest

from biwaq_data import Filters, load_dataset, metrics, presskit, publication
from biwaq_data import texts_de as T

ROOT = Path(__file__).resolve().parent.parent
MARXLOH = Filters(ortsteile=(202,))
SMALL = Filters(genders=("non_binary", "unknown"))


@lru_cache(maxsize=None)
def sample():
    return load_dataset(ROOT / "sample_data")


@lru_cache(maxsize=None)
def workbook(filters=None):
    return openpyxl.load_workbook(BytesIO(presskit.presskit_excel(sample(), filters, {"Erstellt für": "Test"})))


def figures_sheet(book) -> dict:
    """Kennzahl -> (value cell) of the Kennzahlen sheet."""
    ws = book[T.PRESSKIT_SHEETS["figures"]]
    return {row[0].value: row[1] for row in ws.iter_rows() if row[0].value in T.METRIC_LABELS.values()}


def sheet_table(ws) -> tuple[list, list[list]]:
    """Header and data rows of a breakdown sheet (the table under the context lines)."""
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    start = next(i for i, r in enumerate(rows) if r[1] == T.PRESSKIT_COLUMN_LABELS["participants"])
    data = []
    for r in rows[start + 1:]:
        if r[0] is None:
            break
        data.append(r)
    return rows[start], data


@pytest.mark.parametrize("filters", [None, MARXLOH])
def test_excel_headline_figures_match_metrics(filters):
    book = workbook(filters)
    assert book.sheetnames == ["Kennzahlen", "Ortsteile", "Stadtbezirke", "Geschlecht", "Altersgruppen",
                               "Erwerbsstatus", "Migrationshintergrund", "Definitionen", "Hinweise"]
    h = publication.selection(sample(), filters).headline()  # exact (programme) or partly rounded (Marxloh)
    cells = figures_sheet(book)
    for key in presskit.FIGURE_KEYS:
        cell = cells[T.METRIC_LABELS[key]]
        if key in h.suppressed:
            assert cell.value == "*"
        elif key.endswith("_rate"):
            assert cell.value == pytest.approx(h[key]) and cell.number_format == "0.0%"
        else:
            assert cell.value == h[key] and cell.number_format == "#,##0"
    if filters is None:  # the published press figures
        assert [cells[T.METRIC_LABELS[k]].value for k in ("participants", "employment", "vocational_training",
                                                            "improved_prospects")] == [827, 171, 32, 222]
    else:
        assert cells[T.METRIC_LABELS["participants"]].value == 303


@pytest.mark.parametrize("filters", [None, MARXLOH])
def test_excel_breakdowns_match_metrics(filters):
    book = workbook(filters)
    sel = publication.selection(sample(), filters)
    for attribute, sheet in presskit.BREAKDOWNS:
        header, rows = sheet_table(book[sheet])
        assert header[0] == T.PRESSKIT_GROUP_LABELS[attribute]
        raw = metrics.breakdown(sample(), attribute, filters)
        pub = sel.breakdown(attribute, with_total=True)
        assert [r[0] for r in rows] == list(raw["label"]) + ["Insgesamt"]
        for i, row in enumerate(rows):
            for c, (col, kind) in enumerate(presskit.BREAKDOWN_COLUMNS[1:], start=1):
                if pub.suppressed.loc[i, col]:
                    assert row[c] == "*"
                elif pub.undefined.loc[i, col]:
                    assert row[c] == "x"
                elif pub.unreliable is not None and pub.unreliable.loc[i, col]:  # share on a rounded base < 50
                    assert row[c] == "/" and kind == "rate" and pub.rounded
                elif i < len(raw):
                    assert row[c] == pytest.approx(float(pub.frame.loc[i, col])), (sheet, i, col)
        total = rows[-1]
        assert total[1] == pub.frame["participants"].iloc[-1]
        ws = book[sheet]
        assert ws.freeze_panes is not None and ws.column_dimensions["A"].width > 20
        head_cell = next(c for r in ws.iter_rows() for c in r if c.value == T.PRESSKIT_COLUMN_LABELS["participants"])
        assert head_cell.font.b
    ort = {r[0]: r for r in sheet_table(book["Ortsteile"])[1]}
    if filters is None:
        assert ort["Marxloh"][1] == 303 and ort["Hochfeld"][1] == 279
    else:
        assert list(ort) == ["Marxloh", "Insgesamt"]


def test_excel_notes_definitions_and_footnote():
    book = workbook(None)
    notes = {r[0].value: r[1].value for r in book["Hinweise"].iter_rows() if r[0].value}
    assert notes[T.DATENSTAND] == "30.09.2026" and notes[T.PERIOD] == "09.01.2023 – 30.09.2026"
    assert notes[T.SNAPSHOT] and notes["Erstellt für"] == "Test"
    assert notes[T.PRESSKIT_FOOTNOTE] == publication.FOOTNOTE_DE
    defs = {r[0].value: r[1].value for r in book["Definitionen"].iter_rows() if r[0].value}
    assert defs[T.METRIC_LABELS["placement_rate"]] == T.METRIC_DEFINITIONS["placement_rate"]
    texts = [c.value for r in book["Geschlecht"].iter_rows() for c in r if isinstance(c.value, str)]
    assert publication.FOOTNOTE_DE not in texts  # divers / ohne Angabe counted in Frauen / Männer: nothing withheld
    assert notes[T.PRESSKIT_GENDER_LABEL] == T.PUBLICATION_GENDER_FOOTNOTE


def test_excel_always_protected(monkeypatch):
    monkeypatch.setenv(publication.ALLOW_UNPROTECTED_ENV, "1")  # the press kit ignores it
    book = openpyxl.load_workbook(BytesIO(presskit.presskit_excel(sample(), SMALL)))
    numbers = [c.value for ws in book.worksheets[:7] for r in ws.iter_rows() for c in r
               if isinstance(c.value, (int, float)) and c.number_format == "#,##0"]
    assert numbers and not set(numbers) & {1, 2}
    # a free combination (7 persons): every count rounded to a multiple of ten, the rule in the notes
    assert all(v % 10 == 0 for v in numbers)
    notes = {r[0].value: r[1].value for r in book["Hinweise"].iter_rows() if r[0].value}
    assert notes[T.PUBLICATION_ROUNDED_BADGE] == T.PUBLICATION_ROUNDED_FOOTNOTE


def test_formula_text_is_not_a_formula(tmp_path):
    # a provider called "=HYPERLINK(...)" in the data must arrive as text
    data = presskit.presskit_excel(sample(), Filters(providers=("GfB Hochfeld",)),
                                   {"Hinweis": "=HYPERLINK(\"http://x\")"})
    book = openpyxl.load_workbook(BytesIO(data))
    cell = next(r[1] for r in book["Hinweise"].iter_rows() if r[0].value == "Hinweis")
    assert cell.data_type == "s" and cell.value.startswith("'=")


def test_html_is_self_contained():
    from html.parser import HTMLParser

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.external = []

        def handle_starttag(self, tag, attrs):
            names = dict(attrs)
            if (tag == "script" and "src" in names) or (tag == "link" and "href" in names):
                self.external.append((tag, names))

    page = presskit.presskit_html(sample())
    parser = Tags()
    parser.feed(page)
    assert parser.external == []  # plotly.js is inlined: the PDF needs no network
    assert "Plotly.newPlot" in page and "size: A4" in page
    assert ("827" in page) and ("Pressemappe" in page)


def pdf_text(data: bytes) -> str:
    try:
        from pypdf import PdfReader

        reader = PdfReader(BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except ImportError:  # pragma: no cover - pdftotext fallback
        result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
        return result.stdout.decode()


def test_pdf_is_produced_and_contains_the_headline_figures():
    if presskit.chromium_path() is None:
        pytest.skip("Chromium fehlt (apt-get install chromium): PDF-Test übersprungen")
    data = presskit.presskit_pdf(sample())
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for figure in ("827", "670", "417", "735", "171", "32", "222", "24,5 %", "51,4 %"):
        assert figure in text, figure
    assert "Pressemappe" in text and "Seit Januar 2023 hat BIWAQ Duisburg 827 Menschen unterstützt" in \
        " ".join(text.split())
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data))
    assert len(reader.pages) >= 2
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 in points
    assert presskit.presskit_pdf.last_seconds is not None


def test_missing_chromium_gives_a_german_message(monkeypatch):
    monkeypatch.setenv(presskit.CHROMIUM_ENV, "/nonexistent/chromium")
    with pytest.raises(presskit.PresskitUnavailable, match="Chromium ist nicht installiert"):
        presskit.presskit_pdf(sample())
    assert presskit.unavailable_reason() == T.PRESSKIT_NO_CHROMIUM


def test_pdf_tooling_available_in_ci():
    """CI installs chromium and poppler-utils (.ci/run); locally the PDF test skips without them."""
    if shutil.which("chromium") is None:
        pytest.skip("Chromium fehlt: kein Browser für den PDF-Druck")
    assert presskit.chromium_path()


def test_html_of_a_free_combination_marks_rounded_cards_and_slashes_small_shares():
    """7 persons, rounded 10: the cards say "gerundet" (the footnote refers to it), the share on a rounded base
    below 50 reads "/", the "/" rule is in the footnotes and the quote has no share sentence."""
    figures = publication.selection(sample(), SMALL).headline()
    assert figures.rounded_keys and "placement_rate" in figures.unreliable
    page = presskit.presskit_html(sample(), SMALL)
    assert f"({T.PUBLICATION_ROUNDED_BADGE})</div>" in page
    assert '<div class="value">/</div>' in page
    assert "/ = keine Angabe, da Zahlenwert nicht sicher genug" in page
    quote = presskit.press_quote(sample(), SMALL)
    assert quote and quote in html.unescape(page) and "Arbeit oder Ausbildung bei" not in quote

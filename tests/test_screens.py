"""What a person sees, in real headless Chromium at 1440 px (laptop) and 390 px (phone), and on paper:

- no text cut off in the labelled elements the app draws: metric cards (label and value fit their box, and the
  value is the figure of biwaq_data), every text of every chart inside its chart, chart value labels not cut by
  the plot area (the Leistungen label "82" for 827), value labels equal to the data;
- on a phone the headline number (Teilnehmende) is visible without scrolling;
- every page printed by Chromium (print stylesheet of ui/style.py) keeps every word inside the printable area
  of A4 (pdftotext -bbox), so no chart or label is cut at the page edge.

Screenshots and PDFs land in test-artifacts/screens/ - look at them.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

import biwaq_data as b
from biwaq_data.formatting import format_int
from tests.browser import ARTIFACTS, browser_page, require_chromium, streamlit_server, wait_for_app
from ui.components import card_label
from ui.navigation import PAGES

pytestmark = pytest.mark.browser
OUT = ARTIFACTS / "screens"
WIDTHS = {"laptop": (1440, 900), "phone": (390, 844)}


def url_path(spec) -> str:
    return "" if spec.default else spec.path.removeprefix("pages/").removesuffix(".py")


def name(spec) -> str:
    return url_path(spec) or "ueberblick"


@pytest.fixture(scope="module")
def server():
    require_chromium()
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    OUT.mkdir(parents=True, exist_ok=True)
    with browser_page() as page:
        page.goto(server)  # the entry page first: it registers st.navigation for the deep links below
        wait_for_app(page)
        yield page


def open_at(page, url: str, width: int, height: int, full: bool = True) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url)
    wait_for_app(page)
    page.wait_for_timeout(1000)  # elements that arrive after the title
    wait_for_app(page)
    if full:  # Streamlit scrolls inside its main block: a viewport as tall as the page shows all of it
        for _ in range(3):  # charts drawn at the new width can make the page longer: measure until it fits
            total = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            if page.viewport_size["height"] >= min(total, 12000):
                break
            page.set_viewport_size({"width": width, "height": min(total + 60, 12000)})
            page.wait_for_timeout(1000)
            wait_for_app(page)


CARDS = """() => [...document.querySelectorAll('[data-testid="stMetric"]')].map(m => {
  const label = m.querySelector('[data-testid="stMetricLabel"]');
  const value = m.querySelector('[data-testid="stMetricValue"]');
  const fits = e => e.scrollWidth <= e.clientWidth + 1 && e.scrollHeight <= e.clientHeight + 1;
  const inner = [...label.querySelectorAll('*')].every(e => e.scrollWidth <= e.clientWidth + 1);
  return {label: label.innerText.replace(/\\u00ad/g, '').trim(), value: value.innerText.trim(),
          label_fits: fits(label) && inner, value_fits: fits(value) && [...value.querySelectorAll('*')]
          .every(e => e.scrollWidth <= e.clientWidth + 1)};
})"""

CHART_TEXTS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].flatMap((chart, i) => {
  const svg = chart.querySelector('svg.main-svg');
  if (!svg) return [];
  const box = svg.getBoundingClientRect();
  const plots = [...chart.querySelectorAll('.nsewdrag, .geolayer .bg rect, .geolayer .geo > .bglayer rect, .geolayer .geo')].map(d => d.getBoundingClientRect());
  return [...chart.querySelectorAll('svg text')].filter(t => t.textContent.trim()).map(t => {
    const r = t.getBoundingClientRect();
    let clipped = false, trace = false;  // value labels of traces, clipped to the plot area by plotly
    for (let e = t.parentElement; e && e !== svg; e = e.parentElement) {
      if (e.getAttribute('clip-path')) clipped = true;
      if ((e.getAttribute('class') || '').split(' ').includes('trace')) trace = true;
    }
    clipped = clipped && trace;
    const inPlot = plots.some(p => r.left >= p.left - 1 && r.right <= p.right + 1 && r.top >= p.top - 1
                                   && r.bottom <= p.bottom + 1);
    const lines = [...t.querySelectorAll('tspan.line')].map(l => l.textContent.trim()).filter(Boolean);
    return {chart: i, text: t.textContent.trim(), lines: lines.length ? lines : [t.textContent.trim()],
            cls: t.getAttribute('class') || '',
            inside: r.width === 0 || (r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1
                                      && r.bottom <= box.bottom + 1),
            cut_by_plot: clipped && !inPlot && r.width > 0};
  });
})"""


@pytest.mark.parametrize("device", list(WIDTHS))
@pytest.mark.parametrize("spec", PAGES, ids=name)
def test_no_text_cut_off(page, server, spec, device):
    width, height = WIDTHS[device]
    open_at(page, f"{server}/{url_path(spec)}", width, height)
    page.screenshot(path=str(OUT / f"{name(spec)}_{width}.png"))
    cards = page.evaluate(CARDS)
    assert all(c["label_fits"] and c["value_fits"] for c in cards), [c for c in cards if not c["label_fits"]
                                                                     or not c["value_fits"]]
    texts = page.evaluate(CHART_TEXTS)
    outside = [t for t in texts if not t["inside"]]
    cut = [t for t in texts if t["cut_by_plot"]]
    assert not outside, outside
    assert not cut, cut


def test_card_and_bar_labels_are_the_figures(page, server, sample_dataset):
    headline = b.metrics.headline(sample_dataset)
    for width, height in WIDTHS.values():
        open_at(page, server, width, height)
        shown = {c["label"]: c["value"] for c in page.evaluate(CARDS)}
        for key in ("participants", "unemployed", "long_term_unemployed", "migration_background", "employment",
                    "vocational_training", "improved_prospects"):
            assert shown[card_label(key).replace("\u00ad", "")] == format_int(headline[key]), key
        open_at(page, f"{server}/leistungen", width, height)
        bars = [t["text"] for t in page.evaluate(CHART_TEXTS) if t["chart"] == 0 and "bartext" in t["cls"]]
        expected = b.metrics.services_summary(sample_dataset)["persons"]
        assert sorted(bars) == sorted(format_int(v) for v in expected)  # "827", not "82"


def test_headline_number_visible_on_a_phone_without_scrolling(page, server):
    width, height = WIDTHS["phone"]
    open_at(page, server, width, height, full=False)
    page.screenshot(path=str(OUT / "ueberblick_390_first_screen.png"))
    first = page.locator('[data-testid="stMetricValue"]').first
    box = first.bounding_box()
    assert first.inner_text().strip() == "827"
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= height, box
    # the eight cards take two columns on a phone, not one per row
    tops = sorted({round(b_["y"]) for b_ in (c.bounding_box() for c in page.locator('[data-testid="stMetric"]').all())
                   if b_})
    assert len(tops) <= 5, tops


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PAGE_BOX = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


@pytest.mark.parametrize("spec", PAGES, ids=name)
def test_printed_page_keeps_every_word_on_the_paper(page, server, spec, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext fehlt (apt-get install poppler-utils)")
    open_at(page, f"{server}/{url_path(spec)}", 1440, 900, full=False)
    on_screen = {" ".join(line.split()).casefold() for t in page.evaluate(CHART_TEXTS) if t["cls"] != "legendtext"
                 for line in t["lines"]}  # case-folded: the map writes Bezirk names in capitals (CSS)
    pdf = OUT / f"{name(spec)}_print.pdf"
    # Printed as Chromium prints: the print styles apply only while the PDF is made, so the charts stay at the
    # size plotly drew them for the screen (no emulated print media, which would let them redraw first).
    page.pdf(path=str(pdf), format="A4", print_background=True)  # @page margins of ui/style.py
    boxes = tmp_path / "words.html"
    subprocess.run(["pdftotext", "-bbox", str(pdf), str(boxes)], check=True)
    html = boxes.read_text(encoding="utf-8")
    pages = html.split("<page ")[1:]
    assert pages
    words = 0
    # A4 in points; @page margins 12/10/14/10 mm. A word cut at the page edge reaches into the margin.
    for text in pages:
        width, height = (float(x) for x in PAGE_BOX.search("<page " + text).groups())
        left, right = 10 / 25.4 * 72, width - 10 / 25.4 * 72
        top, bottom = 12 / 25.4 * 72, height - 14 / 25.4 * 72
        for x0, y0, x1, y1, word in WORD.findall(text):
            words += 1
            assert float(x0) >= left - 2 and float(x1) <= right + 2, (spec.path, word, x0, x1)
            assert float(y0) >= top - 2 and float(y1) <= bottom + 2, (spec.path, word, y0, y1)
    assert words > 30
    # a label beyond the paper's edge is not in the PDF at all: every chart text of the screen must be printed
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    printed = " ".join(raw.replace("\u00ad", "").split()).casefold()
    missing = sorted(t for t in on_screen if t not in printed)
    assert not missing, (spec.path, missing)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(OUT / f"{name(spec)}_print")], check=False)

"""Every page as a person and a screen reader meet it, in real headless Chromium (Debian's /usr/bin/chromium):

- axe-core (shipped inside the axe-playwright-python wheel, nothing is downloaded) with the WCAG 2.1 AA rules:
  no violation on any page, also with a filter, a drill-down and the table views open;
- every text of every plotly chart has >= 4.5:1 contrast against what is drawn behind it (fill colour of the
  SVG text against the background pixels of a screenshot, or against its halo where it has one);
- the page says lang="de", each chart has an accessible name, each page its own tab title.

Screenshots of every page land in test-artifacts/ (look at them); tests/test_screens.py checks what they show.
"""

from __future__ import annotations

import io
import re

import pytest

from biwaq_data import texts_de as T
from tests.browser import ARTIFACTS, browser_page, require_chromium, streamlit_server, wait_for_app
from ui.navigation import PAGES

pytestmark = pytest.mark.browser
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Violations that come from Streamlit's own chrome and that the app cannot change, by axe rule id, with the
# reason (docs/interface.md). Empty: with the app's stylesheet (ui/style.py) axe finds nothing on any page.
STREAMLIT_CHROME: dict[str, str] = {}
MIN_CONTRAST = 4.5


def url_path(spec) -> str:
    return "" if spec.default else spec.path.removeprefix("pages/").removesuffix(".py")


@pytest.fixture(scope="module")
def server():
    require_chromium()
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    with browser_page() as page:
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(server)  # the entry page first: it registers st.navigation for the deep links below
        wait_for_app(page)
        yield page


def open_full(page, url: str, width: int = 1440) -> None:
    """Open `url` with a viewport as tall as the page, so every element is rendered and in view."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    wait_for_app(page)
    page.wait_for_timeout(1000)  # elements that arrive after the title
    wait_for_app(page)
    for _ in range(3):  # charts drawn at the new width can make the page longer: measure until it fits
        height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        if page.viewport_size["height"] >= min(height, 12000):
            break
        page.set_viewport_size({"width": width, "height": min(height + 60, 12000)})
        page.wait_for_timeout(1000)
        wait_for_app(page)


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [v for v in result.response["violations"] if v["id"] not in STREAMLIT_CHROME]


def describe(violations: list[dict]) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {n['target']} {n.get('failureSummary', '')[:200]}"
            for v in violations for n in v["nodes"][:3]]


# --- axe-core ------------------------------------------------------------------------------------------------

VIEWS = [(url_path(spec), spec.path) for spec in PAGES] + [
    ("?ortsteil=Marxloh+%28Hamborn%29", "Überblick mit Filter"),
    ("aufschluesselung?dimension=Geschlecht&auswahl=Frauen", "Aufschlüsselung mit Auswahl"),
]


@pytest.mark.parametrize("path, name", VIEWS, ids=[v[1] for v in VIEWS])
def test_axe_finds_no_wcag_aa_violation(page, server, path, name):
    open_full(page, f"{server}/{path}")
    for expander in page.locator('[data-testid="stExpander"] summary').all()[:3]:
        expander.click()  # table views and definitions: their tables and buttons are checked too
        wait_for_app(page)  # a table view is built when opened (a rerun): check the page after it, not during it
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_axe_on_a_phone_with_the_sidebar_open(page, server):
    open_full(page, server, width=390)
    page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button').first.click()
    page.wait_for_timeout(800)
    violations = axe_violations(page)
    assert not violations, describe(violations)


# --- German, names, titles -------------------------------------------------------------------------------------

def test_german_page_named_charts_and_own_tab_titles(page, server):
    titles = set()
    for spec in PAGES:
        open_full(page, f"{server}/{url_path(spec)}")
        assert page.evaluate("document.documentElement.lang") == "de", spec.path
        title = page.title()
        assert title.startswith(spec.title) and T.APP_TITLE in title, (spec.path, title)
        titles.add(title)
        for chart in page.locator('[data-testid="stPlotlyChart"]').all():
            name = chart.get_attribute("aria-label")
            assert name and len(name) > 20, (spec.path, name)  # the chart's description, read out
        # no English left where the app can choose the words
        body = page.locator('[data-testid="stMain"]').inner_text()
        for english in ("Select all", "Choose an option", "Deploy", "Fullscreen"):
            assert english not in body, (spec.path, english)
        assert page.locator(".modebar-container .modebar-btn").count() == 0  # plotly's English toolbar
        sidebar = page.locator('[data-testid="stSidebarUserContent"]')
        if not spec.uses_filters:  # Daten: the figure filters do not apply, the sidebar says so
            assert sidebar.locator('[data-testid="stMultiSelect"]').count() == 0
            assert T.FILTERS_NOT_HERE in sidebar.inner_text()
        else:
            assert sidebar.locator('[data-testid="stMultiSelect"]').count() >= 5
    assert len(titles) == len(PAGES)


# --- contrast of chart text ------------------------------------------------------------------------------------

CHART_TEXTS = """() => {
  const out = [];
  document.querySelectorAll('[data-testid="stPlotlyChart"] svg text').forEach((t, i) => {
    const text = t.textContent.trim();
    const r = t.getBoundingClientRect();
    const style = getComputedStyle(t);
    if (!text || r.width < 2 || r.height < 2 || style.visibility === 'hidden' || style.display === 'none') return;
    let opacity = parseFloat(style.fillOpacity || '1');
    for (let e = t; e && e.tagName !== 'svg'; e = e.parentElement) {
      const o = parseFloat(getComputedStyle(e).opacity || '1');
      opacity *= isNaN(o) ? 1 : o;
    }
    if (opacity === 0) return;
    out.push({text, fill: style.fill, opacity, shadow: style.textShadow,
              x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height});
  });
  return out;
}"""


def _rgb(css: str) -> tuple[float, float, float] | None:
    numbers = re.findall(r"[\d.]+", css or "")
    return tuple(float(n) for n in numbers[:3]) if css and css.startswith("rgb") and len(numbers) >= 3 else None


def _luminance(rgb) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def chart_text_contrasts(page) -> list[tuple[str, float, tuple, tuple]]:
    """(text, ratio, text colour, background) for every visible text in the page's plotly charts."""
    from PIL import Image

    shot = Image.open(io.BytesIO(page.screenshot(full_page=False))).convert("RGB")
    results = []
    for item in page.evaluate(CHART_TEXTS):
        fill = _rgb(item["fill"])
        if fill is None:
            continue
        halo = _rgb(re.sub(r"\)\s.*", ")", item["shadow"])) if item["shadow"] not in ("", "none") else None
        if halo is not None:
            background = halo  # a text with a halo is read against its halo (map labels)
        else:
            box = (int(item["x"]), int(item["y"]), int(item["x"] + item["w"]) + 1, int(item["y"] + item["h"]) + 1)
            colours = shot.crop(box).getcolors(maxcolors=1 << 20)
            if not colours:
                continue
            background = max(colours)[1]  # the most frequent colour: glyphs are the minority of the box
        o = item["opacity"]
        seen = tuple(o * f + (1 - o) * b for f, b in zip(fill, background))
        results.append((item["text"], contrast(seen, background), fill, background))
    return results


@pytest.mark.parametrize("spec", [s for s in PAGES if s.title_key not in ("data", "indicators")],  # no charts there
                         ids=lambda s: s.title_key)
def test_chart_text_contrast_at_least_4_5(page, server, spec):
    open_full(page, f"{server}/{url_path(spec)}")
    # these pages draw charts: wait for them (Streamlit may show the title before the charts arrive)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length > 0",
                           timeout=60_000)
    wait_for_app(page)
    measured = chart_text_contrasts(page)
    assert measured, "no chart text found"
    low = [(text, round(ratio, 2), fill, bg) for text, ratio, fill, bg in measured if ratio < MIN_CONTRAST]
    assert not low, low
    print(f"{spec.title}: {len(measured)} chart texts, lowest contrast {min(r for _, r, _, _ in measured):.2f}:1")
    page.screenshot(path=str(ARTIFACTS / f"contrast_{url_path(spec) or 'ueberblick'}.png"))

"""The real app in headless Chromium: every page opens without a Streamlit exception or console error, a filter
applies, a CSV downloads, and a screenshot per page lands in test-artifacts/ (look at them)."""

from __future__ import annotations

import re

import pytest

from biwaq_data import texts_de as T
from tests.browser import ARTIFACTS, browser_page, require_chromium, streamlit_server, wait_for_app
from ui.navigation import PAGES

pytestmark = pytest.mark.browser
# Messages Chromium prints that are not the app's fault (no network here, fonts, favicon probing).
IGNORED_CONSOLE = re.compile(r"favicon|net::ERR_|Failed to load resource|WebSocket|fonts\.", re.I)


def url_path(spec) -> str:
    return "" if spec.default else spec.path.removeprefix("pages/").removesuffix(".py")


@pytest.fixture(scope="module")
def server():
    require_chromium()
    with streamlit_server() as url:
        yield url


def test_every_page_in_chromium(server):
    with browser_page() as page:
        for spec in PAGES:
            page.goto(f"{server}/{url_path(spec)}")
            wait_for_app(page)
            assert page.locator('[data-testid="stException"]').count() == 0, spec.path
            assert page.get_by_text("30.09.2026").first.is_visible()
            page.screenshot(path=str(ARTIFACTS / f"page_{url_path(spec) or 'ueberblick'}.png"), full_page=True)
        errors = [e for e in page.console_errors if not IGNORED_CONSOLE.search(e)]
        assert not errors, errors


def test_filter_from_url_and_csv_download(server, tmp_path):
    with browser_page() as page:
        page.goto(f"{server}/?ortsteil=Marxloh+%28Hamborn%29")
        wait_for_app(page)
        participants = page.locator('[data-testid="stMetric"]').first.inner_text()
        assert "827" not in participants  # the Marxloh filter from the link applies
        assert page.get_by_text("Ortsteil: Marxloh").first.is_visible()
        page.get_by_text(T.TABLE_VIEW).first.click()
        button = page.get_by_role("button", name=T.DOWNLOAD_CSV).first
        button.wait_for(state="visible")
        page.wait_for_timeout(1000)  # let the opened table view settle before clicking inside it
        with page.expect_download(timeout=90_000) as info:
            button.click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        text = target.read_text(encoding="utf-8-sig")
        assert "30.09.2026" in text and "Marxloh" in text
        page.screenshot(path=str(ARTIFACTS / "filter_marxloh.png"), full_page=True)
        errors = [e for e in page.console_errors if not IGNORED_CONSOLE.search(e)]
        assert not errors, errors


def test_sidebar_filter_click_changes_figures(server):
    with browser_page() as page:
        page.goto(server)
        wait_for_app(page)
        group = page.locator('[data-testid="stButtonGroup"]', has_text="ohne").first
        group.get_by_text("mit", exact=True).click()  # Migrationshintergrund: mit
        page.wait_for_url(re.compile(r"migration=mit"), timeout=30_000)
        first_card = page.locator('[data-testid="stMetricValue"]').first
        page.wait_for_function("el => el.innerText.trim() !== '827'", arg=first_card.element_handle(),
                               timeout=30_000)
        # a free combination in publication mode: rounded to a multiple of ten (735 -> 740), marked "gerundet"
        assert first_card.inner_text().strip() == "740"
        assert T.PUBLICATION_ROUNDED_BADGE in page.locator('[data-testid="stMetric"]').first.inner_text()


def test_reset_button_clears_url_filters(server):
    with browser_page() as page:
        page.goto(f"{server}/?ortsteil=Marxloh+%28Hamborn%29&migration=mit")
        wait_for_app(page)
        assert page.locator('[data-testid="stMetricValue"]').first.inner_text().strip() != "827"
        page.get_by_role("button", name=T.FILTER_RESET).click()
        page.wait_for_function("() => !location.search.includes('ortsteil')", timeout=30_000)
        wait_for_app(page)
        assert page.locator('[data-testid="stMetricValue"]').first.inner_text().strip() == "827"


def test_quote_copy_button_puts_the_shown_text_on_the_clipboard(server):
    with browser_page() as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
        page.goto(server)
        wait_for_app(page)
        shown = page.locator(".biwaq-copy-text").inner_text()
        assert shown.startswith("Seit Januar 2023 hat BIWAQ Duisburg 827 Menschen unterstützt")
        assert shown.endswith("Datenstand 30.09.2026.")
        page.get_by_role("button", name=T.QUOTE_COPY).click()
        page.get_by_role("status").filter(has_text=T.QUOTE_COPIED).wait_for(timeout=10_000)
        assert page.evaluate("navigator.clipboard.readText()") == shown
        # a page switch and back: the one listener still serves the newly drawn button, and only once
        page.locator('[data-testid="stSidebarNav"] a[href$="/wirkung"]').click()
        wait_for_app(page)
        page.locator('[data-testid="stSidebarNav"] a').first.click()
        wait_for_app(page)
        page.evaluate("navigator.clipboard.writeText('')")
        page.get_by_role("button", name=T.QUOTE_COPY).click()
        page.get_by_role("status").filter(has_text=T.QUOTE_COPIED).wait_for(timeout=10_000)
        assert page.evaluate("navigator.clipboard.readText()") == shown
        errors = [e for e in page.console_errors if not IGNORED_CONSOLE.search(e)]
        assert not errors, errors


def test_static_tables_show_literal_cells_and_become_cards_on_a_phone(server):
    """Soll-Ist's table (ui.tables, plain HTML): a withheld "*" stays a star (st.table made it a list bullet),
    the status cells carry their colour, and at 390 px each row is a card of "column: value" lines that fits the
    screen instead of a table that scrolls sideways."""
    with browser_page() as page:
        page.goto(server)  # the start page first: a deep link as a fresh server's very first request runs the
        wait_for_app(page)  # page file without dashboard.py (no stylesheet), which `python -m ui.warm` avoids
        page.goto(f"{server}/soll_ist")
        wait_for_app(page)
        table = page.locator("table.biwaq-table").first
        table.wait_for()
        cells = [c.strip() for c in table.locator("td").all_inner_texts()]
        assert "*" in cells  # the sample's publication mode withholds forecast spans (see test_steering_app)
        assert table.locator("li, ul").count() == 0 and page.locator('[data-testid="stTable"]').count() == 0
        status = table.locator("td.biwaq-status-met, td.biwaq-status-on-track, td.biwaq-status-at-risk, "
                               "td.biwaq-status-behind, td.biwaq-status-missed").first
        assert status.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
        assert table.evaluate("e => getComputedStyle(e.querySelector('td')).display") == "table-cell"
        page.set_viewport_size({"width": 390, "height": 900})
        row = table.locator("tbody tr").first
        row.wait_for()
        assert table.evaluate("e => getComputedStyle(e.querySelector('td')).display") == "flex"
        first_label = table.evaluate("e => getComputedStyle(e.querySelector('td'), '::before').content")
        assert T.TARGET_COLUMNS_DE["status"] in first_label  # the header, written in front of each value
        wrap = page.locator(".biwaq-table-wrap").first
        assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # nothing hidden to the side


def test_quartiere_views_are_tabs_in_the_link(server):
    """Quartiere: a click on a view below the map computes and draws it then, and puts it in the link."""
    N = T.NEIGHBOURHOOD_TEXTS
    with browser_page() as page:
        page.goto(server)  # the start page first (see test_static_tables_…)
        wait_for_app(page)
        page.goto(f"{server}/quartiere")
        wait_for_app(page)
        assert page.get_by_role("heading", name=N["compare_heading"]).count() == 0  # not computed before the click
        page.get_by_role("tab", name=N["tab_compare"]).click()
        page.get_by_role("heading", name=N["compare_heading"]).wait_for(timeout=30_000)
        wait_for_app(page)
        assert "ansicht=" in page.url
        page.goto(page.url)  # the link opens the same view
        wait_for_app(page)
        page.get_by_role("heading", name=N["compare_heading"]).wait_for(timeout=30_000)
        assert page.get_by_role("tab", name=N["tab_compare"]).get_attribute("aria-selected") == "true"


def test_a_click_on_a_breakdown_bar_narrows_to_its_group_and_writes_nothing_else(server):
    """Aufschlüsselung: a click on a bar chooses that group (link, drill-down box); with Streamlit's magic the
    click callback also wrote "None" above the page (.streamlit/config.toml, tests/test_streamlit_config.py)."""
    with browser_page() as page:
        page.goto(server)  # a bare `streamlit run` serves a deep link as first request without st.navigation
        wait_for_app(page)
        page.goto(f"{server}/aufschluesselung?dimension=Geschlecht")
        wait_for_app(page)
        bars = page.locator(".js-plotly-plot").first.locator(".barlayer .point path")
        bars.last.wait_for(state="attached")
        boxes = [bars.nth(i).bounding_box() for i in range(bars.count())]
        box = next(b for b in boxes if b and b["width"] > 10 and b["height"] > 5)  # a stacked segment with persons
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_url(re.compile(r"auswahl="), timeout=30_000)
        page.locator(".st-key-biwaq_drill_result").wait_for(state="visible", timeout=30_000)
        wait_for_app(page)
        assert page.get_by_text("None", exact=True).count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(ARTIFACTS / "aufschluesselung_bar_click.png"), full_page=True)

"""Text from the data never formats, links or colours: Träger names and file names in the page header, the
"Aktive Filter" line, the Aufschlüsselung caption and the Daten page (AppTest: the Markdown sent; Chromium:
what the browser really draws)."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from biwaq_data import texts_de as T
from biwaq_data.formatting import escape_markdown
from biwaq_data.store.importing import check_upload
from biwaq_data.store.snapshots import SnapshotStore

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
SAMPLE = ROOT / "sample_data"
LINK = "[Login](https://evil.example/login) kontakt@evil.example www.evil.example"
BOLD = "**fett** :red[rot] $x^2$"
HTML = "<a href='https://evil.example'>Klick</a>"


def evil_files() -> list[tuple[str, bytes]]:
    p = pd.read_csv(SAMPLE / "participants.csv", sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    p.loc[:199, "Träger"] = LINK
    p.loc[200:399, "Träger"] = BOLD
    p.loc[400:499, "Träger"] = HTML
    data = p.to_csv(sep=";", index=False, lineterminator="\n").encode("utf-8")
    return [("[x](https:evil.example)_participants.csv", data)] + [
        (n, (SAMPLE / n).read_bytes()) for n in ("outcomes.csv", "services.csv")]


@pytest.fixture(scope="module")
def evil_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("evil") / "snapshots"
    report = check_upload(evil_files(), today=pd.Timestamp("2026-10-01"), datenstand="2026-09-30")
    assert report.ok, report.error
    SnapshotStore(root).save(report)
    return root


def test_escape_markdown_marks_every_special_character():
    j = "\u2060"  # word joiner: invisible, breaks GFM autolinks
    assert escape_markdown("[Login](https://evil.example/login)") == f"\\[Login\\](https\\:{j}//evil.example/login)"
    assert escape_markdown(BOLD) == r"\*\*fett\*\* \:red\[rot\] \$x^2\$"
    assert escape_markdown("kontakt@evil.example www.evil.example") == f"kontakt{j}@evil.example www{j}.evil.example"
    assert escape_markdown("1. Träger") == r"1\. Träger" and escape_markdown("- x") == r"\- x"
    assert escape_markdown("<b>x</b> # a | b ~~c~~ `d` &amp;") == r"\<b\>x\</b\> \# a \| b \~\~c\~\~ \`d\` \&amp;"
    assert escape_markdown("Zeile 1\nZeile 2") == "Zeile 1 Zeile 2"
    # ordinary text stays readable in the Markdown source
    for plain in ("Werkkiste Marxloh", "leistungen.csv: Die Datei ist leer.", "GfB Hochfeld (Süd), 2. Standort"):
        assert escape_markdown(plain) == plain


def test_header_and_filter_line_escape_traeger_and_file_names(evil_store, monkeypatch):
    monkeypatch.setenv("BIWAQ_DATA_DIR", str(evil_store))
    monkeypatch.delenv("BIWAQ_DATA_SOURCE", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["traeger"] = [LINK, BOLD, HTML]
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    header = at.markdown[0].value
    assert "[x](https:" not in header and escape_markdown("[x](https:evil.example)_participants.csv") in header
    filters = " ".join(i.value for i in at.info)
    for text in (LINK, BOLD, HTML):
        assert text not in filters and escape_markdown(text) in filters
    at.switch_page("pages/aufschluesselung.py").run()
    assert not at.exception
    for element in [*at.markdown, *at.caption, *at.info]:
        assert LINK not in element.value and ":red[rot]" not in element.value
        assert not re.search(r"(?<!\\)<a href", element.value)


@pytest.mark.browser
def test_browser_draws_traeger_names_as_plain_text(evil_store):
    pytest.importorskip("playwright.sync_api", reason="Browser-Test übersprungen: playwright fehlt")
    from tests.browser import ARTIFACTS, browser_page, require_chromium, streamlit_server, wait_for_app

    require_chromium()
    query = urllib.parse.urlencode([("traeger", LINK), ("traeger", BOLD), ("traeger", HTML)])
    with streamlit_server(env={"BIWAQ_DATA_DIR": str(evil_store)}) as url, browser_page() as page:
        page.goto(f"{url}/?{query}")
        wait_for_app(page)
        main = page.locator('[data-testid="stMain"]')
        page.screenshot(path=str(ARTIFACTS / "escaping.png"), full_page=True)
        assert main.locator('a[href*="evil"]').count() == 0  # neither the link, the URL, the address nor www.
        assert main.locator('[data-testid="stAlertContainer"] strong', has_text="fett").count() == 0
        assert main.locator(".katex").count() == 0
        info = main.locator('[data-testid="stAlertContainer"]', has_text=T.ACTIVE_FILTERS).first.inner_text()
        info = info.replace("\u2060", "")  # the invisible word joiner that breaks autolinks
        for text in (LINK, BOLD, HTML):
            assert text in info  # shown exactly as typed
        header = main.locator('[data-testid="stMarkdownContainer"]', has_text=T.DATENSTAND).first.inner_text()
        assert "[x](https:evil.example)_participants.csv" in header

        # plotly draws <a href> in tick labels and hovers as a live link: the breakdown by Träger must not
        page.goto(f"{url}/aufschluesselung?dimension=Tr%C3%A4ger")
        wait_for_app(page)
        charts = main.locator('[data-testid="stPlotlyChart"]')
        charts.nth(1).locator(".main-svg").first.wait_for(timeout=60_000)  # both charts drawn
        assert charts.count() == 2
        assert charts.locator("a").count() == 0
        assert HTML in charts.first.inner_text() and LINK in charts.first.inner_text()

        # the survival curves per Träger (legend, hover) and their median cards
        page.goto(f"{url}/kohorten?ansicht={urllib.parse.quote(T.COHORT_VIEWS['survival'])}")
        wait_for_app(page)
        charts = main.locator('[data-testid="stPlotlyChart"]')
        charts.first.locator(".main-svg").first.wait_for(timeout=60_000)
        assert main.locator('[data-testid="stPlotlyChart"] a, [data-testid="stMetric"] a').count() == 0
        assert HTML in charts.first.inner_text()
        main.locator('[data-testid="stMetricLabel"]').first.wait_for(timeout=60_000)
        labels = " ".join(main.locator('[data-testid="stMetricLabel"]').all_inner_texts()).replace("\u2060", "")
        assert LINK in labels and "**fett**" in labels

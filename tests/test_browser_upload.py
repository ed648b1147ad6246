"""The Daten page in headless Chromium: upload three CSV exports (one with a broken row) through the real
file input, check them, see the rejected row, accept the import; screenshots in test-artifacts/daten*.png."""

from __future__ import annotations

import re

import pytest

from biwaq_data.tools import sample
from biwaq_data import texts_de as T
from biwaq_data.store.snapshots import SnapshotStore
from tests.browser import ARTIFACTS, browser_page, require_chromium, streamlit_server, wait_for_app

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api", reason="Browser-Test übersprungen: playwright fehlt").expect
D = T.DATA_PAGE_TEXTS
IGNORED_CONSOLE = re.compile(r"favicon|net::ERR_|Failed to load resource|WebSocket|fonts\.", re.I)
BAD_LINE = 6
BAD_DATE = "31.02.2025"


def write_exports(folder):
    """Sample CSV exports for 300 people; line 6 of participants.csv has an impossible Eintrittsdatum."""
    paths = sample.write(folder, 300)
    lines = paths["participants"].read_text(encoding="utf-8-sig").splitlines()
    cells = lines[BAD_LINE - 1].split(";")
    cells[2] = BAD_DATE
    lines[BAD_LINE - 1] = ";".join(cells)
    paths["participants"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return list(paths.values())


def wait_idle(page, timeout: float = 60_000) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
    page.wait_for_timeout(500)


def test_upload_check_and_accept_in_chromium(tmp_path):
    require_chromium()
    data_dir = tmp_path / "snapshots"
    files = write_exports(tmp_path / "export")
    with streamlit_server(env={"BIWAQ_DATA_DIR": str(data_dir)}) as url, browser_page() as page:
        # Open the app at its start page and follow the "Daten" link, as a person would. (A deep link as the very
        # first request of a fresh server runs pages/daten.py without dashboard.py: Streamlit's pages/ folder mode.)
        page.goto(url)
        wait_for_app(page)
        page.locator('[data-testid="stSidebarNav"]').get_by_text(T.PAGE_TITLES["data"], exact=True).click()
        page.wait_for_url(re.compile(r"/daten$"), timeout=30_000)
        page.get_by_text(D["import_heading"], exact=True).wait_for(timeout=60_000)
        wait_idle(page)
        assert page.get_by_text("Beispieldaten", exact=False).first.is_visible()

        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(f) for f in files])
        for f in files:
            page.locator('[data-testid="stFileChipName"]', has_text=f.name).wait_for(timeout=30_000)
        wait_idle(page)
        page.get_by_role("button", name=D["check_button"]).click()
        page.get_by_text(D["report_heading"], exact=True).wait_for(timeout=60_000)
        wait_idle(page)

        # counts per table: participants 300 read, 299 accepted, 1 rejected
        counts = page.locator(".st-key-daten_count_participants")
        expect(counts.locator('[data-testid="stMetric"]')).to_have_text(
            [re.compile(r"gelesen\s*300$"), re.compile(r"übernommen\s*299$"), re.compile(r"abgelehnt\s*1$")],
            timeout=30_000)
        # the rejected row in the issues grid (its accessible table): file, row, column, value, severity, message
        row = page.locator('[data-testid="stDataFrame"] [role="row"]', has_text=BAD_DATE)
        row.wait_for(state="attached", timeout=30_000)
        cells = [c.strip() for c in row.locator('[role="gridcell"]').all_text_contents()]
        assert cells[:4] == ["participants.csv", str(BAD_LINE), "Eintrittsdatum", BAD_DATE], cells
        assert T.SEVERITY_LABELS["error"] in cells and any("gültiges Datum" in c for c in cells), cells
        assert page.get_by_role("button", name=D["report_download"]).is_visible()
        assert SnapshotStore(data_dir).list() == []  # nothing changed before "Import übernehmen"
        page.screenshot(path=str(ARTIFACTS / "daten_report.png"), full_page=True)

        page.get_by_role("button", name=D["accept_button"]).click()
        success = page.locator('[data-testid="stAlert"]', has_text="Import übernommen")
        success.wait_for(timeout=60_000)
        wait_idle(page)
        [info] = SnapshotStore(data_dir).list()
        assert info.active
        expect(success).to_contain_text(info.id)
        expect(page.locator('[data-testid="stMain"]')).to_contain_text(f"Aktiv ist die Version {info.id}")
        expect(page.locator('[data-testid="stMain"]')).to_contain_text(f"Datenversion: {info.id}")
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(ARTIFACTS / "daten.png"), full_page=True)
        errors = [e for e in page.console_errors if not IGNORED_CONSOLE.search(e)]
        assert not errors, errors

"""Warm start (ui/warm.py) and the per-version caches of the UI edge (ui/data.py, ui/sidebar.py).

After `warm()` the app's first run loads nothing: the dataset, the sidebar's choices and the default view's
protected tables come from the caches every session shares. The launcher starts a real server that reports the
warm-up before any browser connects.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from biwaq_data import Filters, publication
from biwaq_data.figures import metrics
from tests.browser import free_port
from tests.processes import running, wait_http

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")


def test_first_run_after_warm_up_loads_nothing(monkeypatch, tmp_path):
    from biwaq_data.tools import sample
    from ui import data, sidebar, warm

    folder = tmp_path / "data"
    sample.write(folder, 400, fmt="parquet")
    monkeypatch.setenv("BIWAQ_DATA_SOURCE", str(folder))
    st.cache_resource.clear()
    dataset = warm.warm()
    assert len(dataset.participants) == 400
    assert data.current_dataset() is dataset
    choices = data.per_version(dataset, "sidebar", sidebar.choices)
    assert data.per_version(dataset, "sidebar", sidebar.choices) is choices
    assert sorted(choices["ortsteil_label"]) == sorted(metrics.ortsteil_options(dataset)["ortsteil_nr"])
    assert choices["first"] == dataset.participants["entry_date"].min().date()

    def no_load(*args, **kwargs):
        raise AssertionError("loaded again after the warm-up")

    monkeypatch.setattr(data, "load_dataset", no_load)
    monkeypatch.setattr(sidebar, "choices", lambda ds: (_ for _ in ()).throw(AssertionError("choices again")))
    calls = []
    original = publication.Selection.__init__
    monkeypatch.setattr(publication.Selection, "__init__",
                        lambda self, *a, **k: calls.append(a) or original(self, *a, **k))
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["biwaq_filters"] == Filters()
    shown = {m.label: m.value for m in at.metric}
    assert shown and calls == []  # the start page's protected figures came from the warm cache
    st.cache_resource.clear()


def launcher(port: int) -> list[str]:
    """The warm-start launcher on `port`, as docs/operations.md runs it."""
    return [sys.executable, "-m", "ui.warm", "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true"]


def test_launcher_serves_with_data_loaded(tmp_path):
    """python -m ui.warm starts the server and reports the warm-up (on its own, without a visitor)."""
    port = free_port()
    log = tmp_path / "server.log"
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    env["BIWAQ_DATA_SOURCE"] = str(ROOT / "sample_data")
    with running(launcher(port), log, env) as proc:
        deadline = time.time() + 90
        while time.time() < deadline and proc.poll() is None and "biwaq warm-up" not in log.read_text():
            time.sleep(0.5)
        text = log.read_text()
        assert "biwaq warm-up: 827 participants" in text, text[-2000:]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as r:
            assert r.status == 200
        if sys.platform.startswith("linux"):  # restarted itself with few malloc arenas (same process id)
            environ = Path(f"/proc/{proc.pid}/environ").read_bytes().split(b"\0")
            assert b"MALLOC_ARENA_MAX=2" in environ
    if proc.returncode not in (0, -15):
        pytest.fail(log.read_text()[-2000:])


def test_launcher_deep_link_as_first_request_runs_dashboard(tmp_path):
    """Right after `python -m ui.warm` starts, a shared link to a page as the very first request gets the whole
    app (sidebar filters, German page titles, lang="de"), not the page file alone (Streamlit's v1 multipage mode
    for a folder named pages/)."""
    from tests.browser import CHROMIUM_ARGS, require_chromium

    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    port = free_port()
    log = tmp_path / "server.log"
    env = {k: v for k, v in os.environ.items() if k not in ("BIWAQ_DATA_SOURCE", "BIWAQ_REQUIRE_SIGN_IN")}
    env["BIWAQ_DATA_DIR"] = str(tmp_path / "empty")  # no snapshot: the bundled sample
    with running(launcher(port), log, env) as proc:
        wait_http(f"http://127.0.0.1:{port}/_stcore/health", proc, log)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1200})
            page.goto(f"http://127.0.0.1:{port}/zeitverlauf?ortsteil=Marxloh%20%28Hamborn%29")
            page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stMultiSelect"]', timeout=90_000)
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=90_000)
            nav = [t.split("\n")[-1] for t in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]
            assert "Zeitverlauf" in nav and "Überblick" in nav, nav  # st.navigation's titles, not file names
            assert page.locator("h1").first.inner_text().startswith("Zeitverlauf")
            assert page.evaluate("document.documentElement.lang") == "de"
            # the link's Ortsteil reached the sidebar filter and the page's filter line
            page.wait_for_function("() => document.body.innerText.includes('Aktive Filter') "
                                   "&& document.body.innerText.includes('Marxloh')", timeout=30_000)
            assert "Aktive Filter: keine" not in page.inner_text("body")
            browser.close()

"""Shared helpers for browser tests: a real `streamlit run` on a free port and Debian's headless Chromium."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import pytest

from biwaq_data.publish.presskit import chromium_path
from biwaq_data.tools.bench_browser import CHROMIUM_ARGS, free_port  # one copy: the benchmark opens the same browser
from tests.processes import running, wait_http

PROJECT = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT / "test-artifacts"


def require_chromium() -> str:
    path = chromium_path()
    if not path:
        if os.environ.get("CI"):
            pytest.fail("Chromium fehlt in CI: .ci/run muss das Debian-Paket chromium installieren.")
        pytest.skip("Browser-Test übersprungen: kein Chromium gefunden (apt-get install chromium).")
    return path


@contextlib.contextmanager
def streamlit_server(env: dict[str, str] | None = None, script: str = "dashboard.py", cwd: Path = PROJECT):
    """Start `streamlit run` on a free loopback port; yield its base URL; stop it afterwards."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port), "--server.address",
           "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"streamlit-{port}.log"
    url = f"http://127.0.0.1:{port}"
    with running(cmd, log, {**os.environ, **(env or {})}, cwd=cwd, stop_timeout=10) as proc:
        wait_http(f"{url}/_stcore/health", proc, log, timeout=60)
        yield url


@contextlib.contextmanager
def browser_page(downloads: bool = True):
    """A Playwright page in Debian's headless Chromium, collecting console errors in page.console_errors."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 2400}, accept_downloads=downloads,
                                      locale="de-DE")
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        try:
            yield page
        finally:
            context.close()
            browser.close()


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script (no running indicator, main block present)."""
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-testid=\"stMain\"] h1').length > 0"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')"
        " && [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
        "      .every(c => c.querySelector('.main-svg'))",
        timeout=timeout)
    page.wait_for_timeout(800)  # let plotly finish drawing

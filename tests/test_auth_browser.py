"""Real sign-in in headless Chromium against a local OpenID Connect test provider (oidc-provider-mock).

The provider and the dashboard both listen on loopback only; the dashboard gets a temporary secrets.toml
through `--secrets.files`, so nothing is written into the project's .streamlit folder.
Screenshot: test-artifacts/auth_signed_in.png.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest

from biwaq_data import texts_de as T
from tests.browser import ARTIFACTS, CHROMIUM_ARGS, free_port, require_chromium
from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parent.parent
# The provider runs Authlib's server side in this process; its deprecation notices are not ours.
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

pytest.importorskip("authlib", reason="Authlib not installed (pip install -r requirements.txt)")
with warnings.catch_warnings():
    import authlib.deprecate  # noqa: F401  (it turns its own warnings to "always" on import; ignore wins after it)

    warnings.simplefilter("ignore")
    oidc_provider_mock = pytest.importorskip(
        "oidc_provider_mock", reason="oidc-provider-mock not installed (pip install -r requirements-dev.txt)")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")

PRESS = {"sub": "paula.presse@presse.duisburg.example", "name": "Paula Presse",
         "email": "paula.presse@presse.duisburg.example", "email_verified": True}
ANALYST = {"sub": "ali.analyse", "name": "Ali Analyse", "email": "ali.analyse@duisburg.example",
           "groups": ["Mitarbeitende", "BIWAQ-Analyse"]}


@contextmanager
def provider(monkeypatch):
    """The mock provider on a free loopback port, with the two test users and their claims."""
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on loopback
    users = [oidc_provider_mock.User(sub=u["sub"], claims={k: v for k, v in u.items() if k != "sub"})
             for u in (PRESS, ANALYST)]
    with oidc_provider_mock.run_server_in_thread(port=0, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


def secrets_toml(issuer: str, port: int) -> str:
    return f"""
[auth]
redirect_uri = "http://localhost:{port}/oauth2callback"
cookie_secret = "{secrets.token_urlsafe(32)}"
client_id = "biwaq-dashboard-test"
client_secret = "{secrets.token_urlsafe(16)}"
server_metadata_url = "{issuer}/.well-known/openid-configuration"

[biwaq]
role_claim = "groups"

[biwaq.claim_roles]
"BIWAQ-Analyse" = "analyst"

[biwaq.roles]
"@presse.duisburg.example" = "press"
"""


@contextmanager
def dashboard(tmp_path: Path, issuer: str):
    port = free_port()
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(secrets_toml(issuer, port), encoding="utf-8")
    log = tmp_path / "streamlit.log"
    env = {k: v for k, v in os.environ.items() if k != "BIWAQ_DATA_SOURCE"}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--secrets.files", str(secrets_file)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text()}")
            time.sleep(0.3)
        yield f"http://localhost:{port}"
    except BaseException:
        print(log.read_text())
        raise
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def nav_titles(page) -> list[str]:
    links = page.locator('[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]')
    return [links.nth(i).get_attribute("aria-label") or links.nth(i).inner_text().split("\n")[-1].strip()
            for i in range(links.count())]


def heading(page) -> str:
    title = page.locator("h1").first
    title.wait_for(timeout=60_000)
    return title.inner_text().strip()


def wait_for_dashboard(page) -> None:
    page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=60_000)
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)


def sign_in(page, base: str, subject: str) -> None:
    """From the sign-in page through the provider's form back to the dashboard."""
    page.get_by_role("button", name=T.AUTH_SIGN_IN).click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.fill('input[name="sub"]', subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base}/**", timeout=30_000)
    wait_for_dashboard(page)


def expected_titles(role: str) -> list[str]:
    return [p.title for p in PAGES if role in p.roles]


def test_real_sign_in_shows_the_pages_of_the_role(tmp_path, monkeypatch):
    chromium = require_chromium()  # skips without Chromium (fails in CI)
    ARTIFACTS.mkdir(exist_ok=True)
    with provider(monkeypatch) as issuer, dashboard(tmp_path, issuer) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="de-DE")

            # Signed out: only the sign-in page, no navigation, no figures.
            page.goto(base + "/")
            page.get_by_role("button", name=T.AUTH_SIGN_IN).wait_for(timeout=60_000)
            assert heading(page) == T.APP_TITLE
            assert page.locator('[data-testid="stSidebarNav"]').count() == 0
            assert page.locator('[data-testid="stMetric"]').count() == 0
            page.screenshot(path=str(ARTIFACTS / "auth_sign_in.png"))

            # Press officer (role from the e-mail domain): Überblick and Wirkung only.
            sign_in(page, base, PRESS["sub"])
            assert nav_titles(page) == expected_titles("press") == [T.PAGE_TITLES["overview"],
                                                                    T.PAGE_TITLES["impact"]]
            assert "Paula Presse" in page.locator('[data-testid="stSidebar"]').inner_text()
            # An analyst page by URL falls back to the default page.
            page.goto(base + "/zeitverlauf")
            wait_for_dashboard(page)
            assert heading(page) == T.PAGE_TITLES["overview"]
            assert T.PAGE_TITLES["trends"] not in nav_titles(page)
            dialog = page.get_by_role("dialog")  # Streamlit's own "Page not found" notice
            dialog.wait_for(timeout=10_000)
            assert "Page not found" in dialog.inner_text()
            page.keyboard.press("Escape")
            dialog.wait_for(state="detached", timeout=10_000)

            # Sign out (the provider's end-session page comes first), back to the sign-in page.
            page.get_by_role("button", name=T.AUTH_SIGN_OUT).click()
            page.wait_for_url("**/oauth2/end_session**", timeout=30_000)
            page.get_by_role("button", name="End session").click()
            page.get_by_role("button", name=T.AUTH_SIGN_IN).wait_for(timeout=60_000)
            assert page.locator('[data-testid="stMetric"]').count() == 0

            # Analyst (role from the "groups" claim of the ID token): every page but data management.
            sign_in(page, base, ANALYST["sub"])
            titles = nav_titles(page)
            assert titles == expected_titles("analyst")
            assert {T.PAGE_TITLES[k] for k in ("overview", "impact", "breakdown", "trends", "services")} <= set(titles)
            sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
            assert "Ali Analyse" in sidebar and T.ROLE_LABELS["analyst"] in sidebar
            page.get_by_role("button", name=T.AUTH_SIGN_OUT).wait_for()
            page.screenshot(path=str(ARTIFACTS / "auth_signed_in.png"), full_page=False)
        finally:
            browser.close()

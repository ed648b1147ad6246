"""The deployment gate (issue 17): Debian's Apache with mod_auth_openidc in front of Streamlit, configured by
deploy/apache/biwaq-gate.conf, signed in against oidc-provider-mock in headless Chromium.

Streamlit cannot guard its /media/ downloads (they answer without a session), so the gate must: a download URL of a
signed-in analyst, replayed without that session (curl-like request, fresh browser), gets no data; nor does
/_stcore/metrics. With the session both answer (so the test can fail). Screenshot: test-artifacts/gate.png.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
import warnings
from pathlib import Path

import pytest

from biwaq_data import texts_de as T
from tests.browser import ARTIFACTS, CHROMIUM_ARGS, free_port, require_chromium, wait_for_app
from tests import processes
from tests.processes import running, wait_http

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "apache" / "biwaq-gate.conf"
MODULES = Path("/usr/lib/apache2/modules")
NEEDED = ("mod_mpm_event", "mod_authn_core", "mod_authz_core", "mod_authz_user", "mod_headers", "mod_proxy",
          "mod_proxy_http", "mod_proxy_wstunnel", "mod_auth_openidc")
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    oidc_provider_mock = pytest.importorskip("oidc_provider_mock", reason="pip install -r requirements-dev.txt")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
ANALYST = {"sub": "ali.analyse", "name": "Ali Analyse", "email": "ali.analyse@duisburg.example"}


def require_apache() -> str:
    return processes.require_apache(NEEDED, "apache2 libapache2-mod-auth-openidc", "Gate-Test")


@contextlib.contextmanager
def provider(monkeypatch):
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on loopback
    user = oidc_provider_mock.User(sub=ANALYST["sub"], claims={k: v for k, v in ANALYST.items() if k != "sub"})
    with oidc_provider_mock.run_server_in_thread(port=0, user_claims=[user]) as server:
        yield f"http://localhost:{server.server_port}"


def server_conf(folder: Path, port: int) -> Path:
    """A minimal httpd.conf for this test: the repo's site file plus the modules Debian's a2enmod would enable."""
    folder.chmod(0o755)  # the worker processes run as www-data
    lines = [f'ServerRoot "{folder}"', f'PidFile "{folder}/apache.pid"', f'DefaultRuntimeDir "{folder}"',
             f"Listen 127.0.0.1:{port}", f'ErrorLog "{folder}/error.log"', "LogLevel warn auth_openidc:info",
             *[f"LoadModule {m.removeprefix('mod_')}_module {MODULES}/{m}.so" for m in NEEDED],
             f'Include "{SITE}"']
    if os.geteuid() == 0:
        lines[1:1] = ["User www-data", "Group www-data"]
    conf = folder / "httpd.conf"
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return conf


def fetch(url: str, cookie: str | None = None, accept: str = "*/*") -> tuple[int, bytes, dict]:
    """GET without following redirects: (status, body, headers)."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers={"Accept": accept, **({"Cookie": cookie} if cookie else {})})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def test_gate_guards_downloads_and_metrics(tmp_path, monkeypatch):
    chromium = require_chromium()
    apache = require_apache()
    ARTIFACTS.mkdir(exist_ok=True)
    st_port, gate_port = free_port(), free_port()
    gate = f"http://localhost:{gate_port}"
    gate_dir = tmp_path / "apache"
    gate_dir.mkdir()
    with provider(monkeypatch) as issuer:
        env = {**os.environ, "BIWAQ_DATA_DIR": str(tmp_path / "snapshots"), "BIWAQ_GATE_PORT": str(gate_port),
               "BIWAQ_PUBLIC_URL": gate, "BIWAQ_STREAMLIT_PORT": str(st_port),
               "BIWAQ_OIDC_METADATA_URL": f"{issuer}/.well-known/openid-configuration",
               "BIWAQ_OIDC_CLIENT_ID": "biwaq-gate-test", "BIWAQ_OIDC_CLIENT_SECRET": secrets.token_urlsafe(16),
               "BIWAQ_OIDC_PASSPHRASE": secrets.token_urlsafe(32)}
        env.pop("BIWAQ_DATA_SOURCE", None)
        streamlit_cmd = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", "127.0.0.1",
                         "--server.port", str(st_port), "--server.headless", "true",
                         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        check = subprocess.run([apache, "-t", "-f", str(server_conf(gate_dir, gate_port))], env=env,
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stderr  # the repo's site file is valid Apache configuration
        with running(streamlit_cmd, tmp_path / "streamlit.log", env) as st_proc, \
                running([apache, "-f", str(gate_dir / "httpd.conf"), "-DFOREGROUND"], gate_dir / "stdout.log",
                        env) as gate_proc:
            wait_http(f"http://127.0.0.1:{st_port}/_stcore/health", st_proc, tmp_path / "streamlit.log")
            wait_http(f"{gate}/_stcore/health", gate_proc, gate_dir / "error.log", accept=(401,))

            # Without a session nothing passes: pages redirect to the provider, everything else gets 401.
            status, _, headers = fetch(f"{gate}/", accept="text/html")
            assert status == 302 and headers["Location"].startswith(f"{issuer}/")
            for path in ("/_stcore/metrics", "/_stcore/health", "/_stcore/host-config", "/media/x.csv"):
                assert fetch(gate + path)[0] == 401, path

            with sync_api.sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
                try:
                    context = browser.new_context(viewport={"width": 1440, "height": 1400}, locale="de-DE",
                                                  accept_downloads=True)
                    page = context.new_page()
                    page.goto(gate + "/")
                    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
                    page.fill('input[name="sub"]', ANALYST["sub"])
                    page.get_by_role("button", name="Authorize").click()
                    page.wait_for_url(f"{gate}/**", timeout=30_000)
                    wait_for_app(page)
                    page.screenshot(path=str(ARTIFACTS / "gate.png"))
                    assert page.locator('[data-testid="stMetric"]').count() > 0  # the app, through the gate

                    with page.expect_download(timeout=60_000) as info:
                        page.get_by_role("button", name=T.DOWNLOAD_CSV).first.click()
                    download = info.value
                    url = download.url
                    assert url.startswith(f"{gate}/media/") and url.endswith(".csv"), url
                    data = Path(download.path()).read_bytes()
                    assert T.DATENSTAND.encode() in data

                    # With the session (the analyst's cookies) the same URL and the metrics answer …
                    assert context.request.get(url).body() == data
                    assert context.request.get(f"{gate}/_stcore/metrics").status == 200
                    # … replayed without it (a proxy log, a Referer, curl): no data.
                    status, body, _ = fetch(url)
                    assert status == 401 and T.DATENSTAND.encode() not in body and data not in body
                    status, body, _ = fetch(f"{gate}/_stcore/metrics")
                    assert status == 401 and b"session" not in body.lower()
                    stranger = browser.new_context()
                    other = stranger.new_page()
                    response = other.goto(url)
                    assert other.url.startswith(f"{issuer}/"), other.url  # sent to sign in, not to the file
                    assert T.DATENSTAND not in other.content() and response.url.startswith(issuer)
                    stranger.close()

                    # Signed out at the gate: the analyst's own browser loses access too.
                    page.goto(f"{gate}/oidc-callback?logout={gate}/loggedout")
                    assert context.request.get(url, max_redirects=0).status in (302, 401)
                finally:
                    browser.close()

"""Several dashboard processes behind Apache's balancer (issue 15, many users): deploy/processes.py starts two
real Streamlit servers on one snapshot store, Debian's apache2 runs deploy/apache/biwaq-balancer.conf in front.

- Through the proxy, headless Chromium shows the figures of the active snapshot, and each browser stays on one
  process (sticky ROUTEID cookie) for every request of its session: page, assets, the websocket
  /_stcore/stream, reruns after page switches, a CSV download from /media/. Apache's access log names the
  process of every request.
- Both processes serve the same snapshot (a second browser is sent to the other process by its cookie).
- A new import activated in the store (SnapshotStore.save, as the Daten page does) is shown by both processes
  on their next rerun, without a restart (same process ids).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from biwaq_data import metrics
from biwaq_data import texts_de as T
from biwaq_data.formatting import format_int
from biwaq_data.store.importing import check_upload
from biwaq_data.store.snapshots import SnapshotStore
from tests.browser import ARTIFACTS, CHROMIUM_ARGS, free_port, require_chromium, wait_for_app
from tests import processes
from tests.processes import running, wait_http

ROOT = Path(__file__).resolve().parent.parent
APACHE_DIR = ROOT / "deploy" / "apache"
SITE = APACHE_DIR / "biwaq-balancer.conf"
LAUNCHER = ROOT / "deploy" / "processes.py"
MODULES = Path("/usr/lib/apache2/modules")
NEEDED = ("mod_mpm_event", "mod_authz_core", "mod_headers", "mod_proxy", "mod_proxy_http", "mod_proxy_balancer",
          "mod_slotmem_shm", "mod_lbmethod_byrequests", "mod_proxy_wstunnel")
SAMPLE = ROOT / "sample_data"
NAMES = ("participants.csv", "outcomes.csv", "services.csv")
TODAY = pd.Timestamp("2026-10-01")
LOG_FORMAT = '"%{User-Agent}i|%{BALANCER_WORKER_ROUTE}e|%{BALANCER_WORKER_NAME}e|%>s|%U"'
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")


def require_apache() -> str:
    return processes.require_apache(NEEDED, "apache2", "Proxy-Test")


def sample_files(n_drop: int = 0) -> list[tuple[str, bytes]]:
    """The sample export; with n_drop > 0 the last n_drop participants left out (other figures)."""
    files = [(n, (SAMPLE / n).read_bytes()) for n in NAMES]
    if n_drop:
        lines = files[0][1].decode("utf-8-sig").splitlines()
        files[0] = (NAMES[0], ("\n".join(lines[:-n_drop]) + "\n").encode("utf-8"))
    return files


def import_and_activate(store: SnapshotStore, n_drop: int) -> str:
    """What the Daten page does on "Übernehmen": check the upload, save it as a new active version; the
    participants count the overview must show for it."""
    report = check_upload(sample_files(n_drop), today=TODAY, datenstand="2026-09-30")
    assert report.ok, report.error
    info = store.save(report)
    assert store.active_id() == info.id
    return format_int(metrics.headline(store.load())["participants"])


def server_conf(folder: Path, port: int) -> Path:
    """A minimal httpd.conf: the repo's site file, its modules, and an access log naming each request's process.
    ServerRoot is deploy/apache, so the site's `Include biwaq-balancer.inc` reads the repo's file."""
    folder.chmod(0o755)  # the worker processes run as www-data
    lines = [f'ServerRoot "{APACHE_DIR}"', f'PidFile "{folder}/apache.pid"', f'DefaultRuntimeDir "{folder}"',
             f"Listen 127.0.0.1:{port}", f'ErrorLog "{folder}/error.log"', "LogLevel warn",
             *[f"LoadModule {m.removeprefix('mod_')}_module {MODULES}/{m}.so" for m in NEEDED],
             f'CustomLog "{folder}/access.log" {LOG_FORMAT}', f'Include "{SITE}"']
    if os.geteuid() == 0:
        lines[1:1] = ["User www-data", "Group www-data"]
    conf = folder / "httpd.conf"
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return conf


def children(pid: int) -> set[int]:
    return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def requests_by(log: Path, agent: str) -> list[tuple[str, str, str, str]]:
    """(route, worker, status, path) of every request the browser with this User-Agent made."""
    rows = []
    for line in log.read_text(errors="replace").splitlines():
        ua, route, worker, status, path = line.split("|", 4)
        if ua == agent:
            rows.append((route, worker, status, path))
    return rows


def participants_card(page) -> str:
    return page.locator('[data-testid="stMetricValue"]').first.inner_text().strip()


def switch_page(page, index: int) -> None:
    """A page switch in the sidebar navigation: a rerun of the same session over its websocket."""
    link = page.locator('[data-testid="stSidebarNav"] a').nth(index)
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(href, timeout=30_000)
    wait_for_app(page)


def wait_for_card(page, text: str) -> None:
    card = page.locator('[data-testid="stMetricValue"]').first
    card.wait_for(timeout=60_000)
    page.wait_for_function("([el, t]) => el.innerText.trim() === t", arg=[card.element_handle(), text],
                           timeout=60_000)


def test_two_processes_behind_the_sticky_balancer(tmp_path):
    chromium = require_chromium()
    apache = require_apache()
    ARTIFACTS.mkdir(exist_ok=True)
    store = SnapshotStore(tmp_path / "snapshots")
    first_count = import_and_activate(store, 0)
    ports, proxy_port = [free_port(), free_port()], free_port()
    proxy = f"http://127.0.0.1:{proxy_port}"
    members = tmp_path / "members.conf"
    apache_dir = tmp_path / "apache"
    apache_dir.mkdir()
    env = {**os.environ, "BIWAQ_DATA_DIR": str(store.root), "BIWAQ_PROXY_PORT": str(proxy_port),
           "BIWAQ_PUBLIC_URL": proxy, "BIWAQ_BALANCER_MEMBERS": str(members)}
    env.pop("BIWAQ_DATA_SOURCE", None)
    launcher = [sys.executable, str(LAUNCHER), "--ports", ",".join(map(str, ports)), "--members", str(members),
                "--", "--server.fileWatcherType", "none"]
    with running(launcher, tmp_path / "processes.log", env) as servers:
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/_stcore/health", servers, tmp_path / "processes.log")
        # the member file the launcher wrote: one member per process, routes 1 and 2
        assert [line.split()[1:3] for line in members.read_text().splitlines() if line.startswith("Balancer")] \
            == [[f'"http://127.0.0.1:{p}"', f"route={i}"] for i, p in enumerate(ports, start=1)]
        pids = children(servers.pid)
        assert len(pids) == 2
        check = subprocess.run([apache, "-t", "-f", str(server_conf(apache_dir, proxy_port))], env=env,
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stderr  # the repo's site file is valid Apache configuration
        with running([apache, "-f", str(apache_dir / "httpd.conf"), "-DFOREGROUND"], apache_dir / "stdout.log",
                     env) as gate:
            wait_http(f"{proxy}/_stcore/health", gate, apache_dir / "error.log")
            with sync_api.sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
                try:
                    # Browser A: no cookie; the balancer picks a process and pins the browser to it.
                    a = browser.new_context(viewport={"width": 1440, "height": 1400}, locale="de-DE",
                                            user_agent="biwaq-proxy-test-A")
                    page_a = a.new_page()
                    page_a.goto(proxy + "/")
                    wait_for_app(page_a)
                    assert participants_card(page_a) == first_count
                    route_a = {c["name"]: c["value"] for c in a.cookies()}["ROUTEID"]
                    assert route_a in (".1", ".2"), route_a
                    switch_page(page_a, 1)  # reruns of the same session, over the same websocket
                    switch_page(page_a, 0)
                    assert participants_card(page_a) == first_count
                    # a download: its file is held in the memory of the session's process (/media/…)
                    with page_a.expect_download(timeout=60_000) as info:
                        page_a.get_by_role("button", name=T.DOWNLOAD_CSV).first.click()
                    assert info.value.url.startswith(f"{proxy}/media/"), info.value.url
                    assert T.DATENSTAND.encode() in Path(info.value.path()).read_bytes()
                    page_a.screenshot(path=str(ARTIFACTS / "proxy.png"))

                    # Browser B: sent to the other process by its cookie; the same snapshot, the same figures.
                    route_b = ".2" if route_a == ".1" else ".1"
                    b = browser.new_context(viewport={"width": 1440, "height": 1400}, locale="de-DE",
                                            user_agent="biwaq-proxy-test-B")
                    b.add_cookies([{"name": "ROUTEID", "value": route_b, "url": proxy + "/"}])
                    page_b = b.new_page()
                    page_b.goto(proxy + "/")
                    wait_for_app(page_b)
                    assert participants_card(page_b) == first_count

                    # A new import, activated in the store the way the Daten page does it: both processes show
                    # it on the next rerun of their open sessions.
                    new_count = import_and_activate(store, 192)
                    assert new_count != first_count
                    for page in (page_a, page_b):
                        switch_page(page, 1)
                        switch_page(page, 0)
                        wait_for_card(page, new_count)
                        assert participants_card(page) == new_count
                        assert page.locator('[data-testid="stException"]').count() == 0
                    a.close()
                    b.close()  # the websocket requests are logged when they close
                finally:
                    browser.close()
            assert children(servers.pid) == pids  # no process was restarted to see the new import
        log = apache_dir / "access.log"
        routes = {}
        for agent in ("biwaq-proxy-test-A", "biwaq-proxy-test-B"):
            rows = requests_by(log, agent)
            assert len({(route, worker) for route, worker, _, _ in rows}) == 1, rows  # one process per browser
            streams = [r for r in rows if r[3] == "/_stcore/stream"]
            assert streams and all(status == "101" for _, _, status, _ in streams), streams  # websocket upgraded
            if agent.endswith("A"):
                assert any(path.startswith("/media/") and status == "200" for _, _, status, path in rows), rows
            routes[agent] = rows[0][:2]
        assert routes["biwaq-proxy-test-A"][0] == route_a[1:] and routes["biwaq-proxy-test-B"][0] == route_b[1:]
        assert {worker for _, worker in routes.values()} == {f"http://127.0.0.1:{p}" for p in ports}


def test_gate_with_the_balancer_is_valid_configuration(tmp_path):
    """biwaq-gate.conf started with -D BIWAQ_BALANCED includes the same balancer (config test; the gate itself
    runs in tests/test_gate.py)."""
    apache = require_apache()
    if not (MODULES / "mod_auth_openidc.so").exists():
        pytest.skip("libapache2-mod-auth-openidc fehlt")
    members = tmp_path / "members.conf"
    subprocess.run([sys.executable, str(LAUNCHER), "--ports", "8501,8502", "--members", str(members),
                    "--members-only"], check=True, capture_output=True)
    conf = server_conf(tmp_path, free_port()).read_text()
    conf = conf.replace(str(SITE), str(APACHE_DIR / "biwaq-gate.conf"))
    modules = ("mod_authn_core", "mod_authz_user", "mod_auth_openidc")
    conf += "".join(f"LoadModule {m.removeprefix('mod_')}_module {MODULES}/{m}.so\n" for m in modules)
    (tmp_path / "httpd.conf").write_text(conf, encoding="utf-8")
    env = {**os.environ, "BIWAQ_GATE_PORT": "8443", "BIWAQ_PUBLIC_URL": "https://biwaq.example",
           "BIWAQ_OIDC_METADATA_URL": "https://login.example/.well-known/openid-configuration",
           "BIWAQ_OIDC_CLIENT_ID": "biwaq", "BIWAQ_OIDC_CLIENT_SECRET": "s", "BIWAQ_OIDC_PASSPHRASE": "p" * 32,
           "BIWAQ_BALANCER_MEMBERS": str(members), "BIWAQ_STREAMLIT_PORT": "8501"}
    balanced = subprocess.run([apache, "-t", "-D", "BIWAQ_BALANCED", "-f", str(tmp_path / "httpd.conf")], env=env,
                              capture_output=True, text=True)
    assert balanced.returncode == 0, balanced.stderr
    members.write_text("BalancerMember nonsense\n")  # the balanced gate really reads the member file
    broken = subprocess.run([apache, "-t", "-D", "BIWAQ_BALANCED", "-f", str(tmp_path / "httpd.conf")], env=env,
                            capture_output=True, text=True)
    assert broken.returncode != 0
    single = subprocess.run([apache, "-t", "-f", str(tmp_path / "httpd.conf")], env=env, capture_output=True,
                            text=True)
    assert single.returncode == 0, single.stderr  # without -D: the single-process gate, member file unused

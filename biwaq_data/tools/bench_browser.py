"""Benchmark part: time to first chart in a real browser, against a minimal Streamlit page (the framework's floor).

    python -m biwaq_data.tools.bench_browser                 # every page, 5 repeats, sidebar switches
    python -m biwaq_data.tools.bench_browser --repeat 1 --pages ueberblick --no-switch   # tiny (tests)

Starts two servers with the same Streamlit flags: the app, warm-started (`python -m ui.warm`, docs/operations.md)
on the bundled sample (827 participants; a temporary, empty BIWAQ_DATA_DIR so no snapshot is found, sign-in
off), and a minimal app written to a temporary folder (`st.set_page_config` + one `st.plotly_chart` of a
three-bar chart). Debian's Chromium (Playwright, `executable_path`, no browser download) opens each page in a
fresh browser context (no HTTP cache, no session: a first visit), alternating app page / minimal page, and an
init script in the page records, in ms since navigation start (`performance.now()`):

- `chart`: first plotly chart drawn – a `.js-plotly-plot` whose `.main-svg` holds a trace (or a map canvas),
  outside stale elements, taken at the next animation frame after it appeared (the frame that shows it);
- `ws_open`, `rerun_sent` (the browser's first BackMsg, the rerun request), `chart_msg` (the first ForwardMsg
  carrying a plotly spec) and `last_msg`: the server's share is `chart_msg − rerun_sent`, the client's
  `chart − chart_msg`;
- the JavaScript and CSS fetched before the chart (count, KB) and the main thread's long tasks before it.

Once per round the minimal page is also opened with the app's filter widgets in its sidebar (`?sidebar=1`: a
segmented control, six multiselects, a second segmented control, a toggle, a button): a reference line that
shows how much of a page's time the sidebar alone costs (no target). Round 0 (every page once, right after the
start) is reported apart as "erster Besuch nach Start"; then N rounds,
median and best. The sidebar switch: open the start page, click a page in the sidebar navigation, time from the
click to that page's first chart (same context, scripts already loaded). Target (issue 15): median ≤ 1,3× the
minimal page's median in the same run. Beside it, the spread: each page visit divided by the minimal-page visit
just before it (same round, same load), as the middle half of those paired ratios ("Runden Q1–Q3"); a verdict
whose limit lies inside that range is marked "knapp": another run may well give the other verdict. The table
speaks German like the rest of the benchmark.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = 1.3
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
STREAMLIT_FLAGS = ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats",
                   "false", "--server.fileWatcherType", "none", "--server.runOnSave", "false"]
VIEWPORT = {"width": 1440, "height": 900}
SWITCH_FROM = "ueberblick"

MINIMAL_APP = '''"""The floor: Streamlit's own time to one plotly chart (biwaq_data.tools.bench_browser)."""
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Minimal", layout="wide")
if st.query_params.get("sidebar"):  # the second reference: the same page with the app's filter widgets
    with st.sidebar:
        st.header("Filter")
        st.segmented_control("Zeitraum", ["gesamt", "Jahr", "Halbjahr", "Quartal", "eigener"], default="gesamt",
                             help="Hilfe")
        for label in ("Träger", "Stadtbezirk", "Ortsteil", "Erwerbsstatus", "Geschlecht", "Altersgruppe"):
            st.multiselect(label, ["eins", "zwei", "drei"], placeholder="alle")
        st.segmented_control("Migrationshintergrund", ["alle", "mit", "ohne"], default="alle")
        st.toggle("Veröffentlichungsmodus", value=True, help="Hilfe")
        st.button("Alle Filter zurücksetzen", icon=":material/restart_alt:", width="stretch")
        st.caption("Die Filter stehen in der Adresse dieser Seite.")
st.title("Minimal")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 1, 2])), width="stretch")
'''

# Runs before any page script. Records the marks in window.__biwaq (ms since navigation start).
INIT_SCRIPT = r"""
(() => {
  const t = window.__biwaq = {since: 0, chart: null, svg: null, h1: null, ws_open: null, rerun_sent: null,
                              chart_msg: null, last_msg: null, messages: 0, longtasks: []};
  const DRAWN = '.main-svg .trace, .main-svg .slice, canvas.maplibregl-canvas, canvas.mapboxgl-canvas';
  const drawnAt = new WeakMap();  // plotly div -> last time something was added inside it
  const fresh = (gd) => (drawnAt.get(gd) || 0) >= t.since && !gd.closest('[data-stale="true"]')
                         && gd.querySelector(DRAWN);
  const check = (records) => {
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const gd = el && el.closest && el.closest('.js-plotly-plot');
      if (gd) drawnAt.set(gd, performance.now());
    }
    if (t.h1 === null && document.querySelector('[data-testid="stMain"] h1')) t.h1 = performance.now();
    if (t.svg === null && document.querySelector('.js-plotly-plot .main-svg')) t.svg = performance.now();
    if (t.chart !== null || t.pending) return;
    const found = [...document.querySelectorAll('.js-plotly-plot')].find(fresh);
    if (found) {
      t.pending = true;
      requestAnimationFrame(() => { t.chart = performance.now(); t.pending = false; });
    }
  };
  new MutationObserver(check).observe(document, {childList: true, subtree: true});
  try {
    new PerformanceObserver((list) => list.getEntries().forEach(
      (e) => t.longtasks.push([Math.round(e.startTime), Math.round(e.duration)]))).observe({type: 'longtask'});
  } catch (e) { /* no long-task timing in this browser */ }
  const Native = window.WebSocket;
  const decoder = new TextDecoder('utf-8', {fatal: false});
  function Hooked(...args) {
    const ws = new Native(...args);
    ws.addEventListener('open', () => { t.ws_open = performance.now(); });
    ws.addEventListener('message', (e) => {
      const now = performance.now();
      t.messages += 1;
      t.last_msg = now;
      if (t.chart_msg === null && e.data instanceof ArrayBuffer && e.data.byteLength > 200
          && now >= (t.rerun_sent || 0)) {
        const text = decoder.decode(e.data);
        if (text.includes('"layout"') && text.includes('"data"')) t.chart_msg = now;
      }
    });
    const send = ws.send.bind(ws);
    ws.send = (data) => { if (t.rerun_sent === null || t.rerun_sent < t.since) t.rerun_sent = performance.now();
                          return send(data); };
    return ws;
  }
  Hooked.prototype = Native.prototype;
  Object.assign(Hooked, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  window.WebSocket = Hooked;
  window.__biwaqSwitch = () => {  // called just before a sidebar click: new marks from now on
    t.since = performance.now(); t.chart = null; t.chart_msg = null; t.rerun_sent = null; t.pending = false;
    return t.since;
  };
})();
"""

RESOURCES_JS = """(until) => performance.getEntriesByType('resource')
  .filter(r => r.startTime <= until && /\\.(js|css|woff2?)$/.test(r.name.split('?')[0]))
  .map(r => ({name: r.name.split('/').pop(), kb: r.encodedBodySize / 1024, end: r.responseEnd}))"""


# ---------------------------------------------------------------------------------------------------------------
# Servers


def free_port() -> int:
    """A free TCP port on the loopback interface (also used by tests/browser.py)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium() -> str | None:
    """Debian's Chromium ($BIWAQ_CHROMIUM overrides), or None: the press kit's lookup."""
    from ..publish.presskit import chromium_path

    return chromium_path()


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit ended (exit {proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer on {url}:\n{log.read_text()[-3000:]}")


def app_env(root: Path, data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for the app of the checkout at `root`: an empty data folder (so the bundled sample, no
    snapshot), sign-in off, `root` first on PYTHONPATH, plus `extra` (e.g. an experiment switch)."""
    env = {k: v for k, v in os.environ.items() if k not in ("BIWAQ_DATA_SOURCE", "BIWAQ_REQUIRE_SIGN_IN")}
    env.update(BIWAQ_DATA_DIR=str(data_dir), PYTHONPATH=os.pathsep.join(filter(None, [str(root),
                                                                                       env.get("PYTHONPATH")])))
    return {**env, **(extra or {})}


def wait_warm(log: Path, timeout: float = 180) -> float:
    """Wait until `python -m ui.warm` printed that the shared caches are filled; returns the seconds waited."""
    start, deadline = time.perf_counter(), time.time() + timeout
    while time.time() < deadline and "biwaq warm-up" not in log.read_text():
        time.sleep(0.2)
    text = log.read_text()
    if "biwaq warm-up:" not in text or "failed" in text:
        raise RuntimeError(f"warm-up did not finish:\n{text[-3000:]}")
    return time.perf_counter() - start


@contextlib.contextmanager
def servers(workdir: Path, warm: bool = True):
    """The app (warm start, bundled sample) and the minimal app, same flags; yields their URLs and warm-up s."""
    data_dir = workdir / "data"  # empty: no snapshot, so the app shows the bundled sample
    data_dir.mkdir(parents=True, exist_ok=True)
    minimal = workdir / "minimal"
    minimal.mkdir(exist_ok=True)
    (minimal / "minimal_app.py").write_text(MINIMAL_APP, encoding="utf-8")
    env = app_env(ROOT, data_dir)
    app_cmd = [sys.executable, "-m", "ui.warm"] if warm else [sys.executable, "-m", "streamlit", "run", "dashboard.py"]
    procs, logs, handles = [], [], []
    try:
        urls = {}
        for name, cmd, cwd in (("app", app_cmd, ROOT),
                               ("minimal", [sys.executable, "-m", "streamlit", "run", "minimal_app.py"], minimal)):
            port = free_port()
            log = workdir / f"{name}.log"
            handle = open(log, "w")
            handles.append(handle)
            procs.append(subprocess.Popen([*cmd, "--server.port", str(port), *STREAMLIT_FLAGS], cwd=cwd, env=env,
                                          stdout=handle, stderr=subprocess.STDOUT))
            logs.append(log)
            urls[name] = f"http://127.0.0.1:{port}"
        for (name, url), proc, log in zip(urls.items(), procs, logs):
            _wait_healthy(url, proc, log)
        warm_s = None
        if warm:
            warm_s = wait_warm(logs[0])
        yield {**urls, "warm_wait_s": warm_s, "logs": [str(p) for p in logs]}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        for handle in handles:
            handle.close()


# ---------------------------------------------------------------------------------------------------------------
# Browser measurements


def app_pages() -> list[dict]:
    """Every page of the app (sign-in off: all pages): file, German title, URL path ('' = the start page)."""
    from ui.navigation import PAGES

    return [{"path": p.path, "slug": Path(p.path).stem, "title": p.title, "url": "" if p.default else Path(p.path).stem}
            for p in PAGES]


def _marks(page, timeout_ms: float, chart_expected: bool = False) -> dict:
    """Wait for the first chart (or, on a page without one, for the run to end) and read the marks."""
    if chart_expected:  # e.g. a sidebar switch to a chart page: a busy server may be silent for seconds first
        page.wait_for_function("() => window.__biwaq && window.__biwaq.chart !== null", timeout=timeout_ms)
    else:
        # A page without a chart: its run ended (no running indicator) without a plotly spec on the websocket,
        # and nothing came for 3 s.
        page.wait_for_function(
            "() => { const t = window.__biwaq; return t && (t.chart !== null || (t.chart_msg === null"
            " && t.h1 !== null && t.last_msg !== null && performance.now() - t.last_msg > 3000"
            " && !document.querySelector('[data-testid=\"stStatusWidget\"]'))); }", timeout=timeout_ms)
    marks = page.evaluate("() => { const t = window.__biwaq; return {...t, longtasks: t.longtasks}; }")
    until = marks["chart"] if marks["chart"] is not None else (marks["last_msg"] or 0)
    res = page.evaluate(RESOURCES_JS, until)
    since = marks["since"] or 0
    marks["assets_before_chart"] = len([r for r in res if r["end"] >= since])
    marks["assets_kb_before_chart"] = round(sum(r["kb"] for r in res if r["end"] >= since))
    marks["longtask_ms_before_chart"] = sum(d for s, d in marks.pop("longtasks") if since <= s <= until)
    marks.pop("pending", None)
    return {k: (round(v, 1) if isinstance(v, float) else v) for k, v in marks.items()}


def _relative(marks: dict) -> dict:
    """ms from the start mark (navigation start or the click) to each mark, and the server / client split."""
    since = marks.get("since") or 0
    rel = {k: (marks[k] - since if marks.get(k) is not None else None)
           for k in ("chart", "svg", "h1", "ws_open", "rerun_sent", "chart_msg", "last_msg")}
    if marks.get("chart_msg") is not None and marks.get("rerun_sent") is not None:
        rel["server_ms"] = marks["chart_msg"] - marks["rerun_sent"]
    if marks.get("chart") is not None and marks.get("chart_msg") is not None:
        rel["client_ms"] = marks["chart"] - marks["chart_msg"]
    for k in ("assets_before_chart", "assets_kb_before_chart", "longtask_ms_before_chart", "messages"):
        rel[k] = marks.get(k)
    return {k: (round(v, 1) if isinstance(v, float) else v) for k, v in rel.items()}


def _cpu(cdp) -> dict:
    """The renderer's CPU time so far (ms): main thread (ThreadTime), whole renderer process (ProcessTime), and
    the main thread's time in script and in tasks. Less sensitive to other load on the machine than wall time."""
    got = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {key: round(got[name] * 1000, 1) for key, name in (("cpu_main_ms", "ThreadTime"),
            ("cpu_renderer_ms", "ProcessTime"), ("script_ms", "ScriptDuration"), ("task_ms", "TaskDuration"))
            if name in got}


def visit(browser, url: str, timeout_ms: float = 60_000) -> dict:
    """A first visit: fresh context (no cache, no session), navigate, marks until the first chart."""
    context = browser.new_context(viewport=VIEWPORT, locale="de-DE")
    try:
        page = context.new_page()
        page.add_init_script(INIT_SCRIPT)
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url, wait_until="commit")
        result = _relative(_marks(page, timeout_ms))
        result.update(_cpu(cdp))
        result["charts"] = page.locator(".js-plotly-plot").count()
        result["errors"] = errors
        return result
    finally:
        context.close()


def switch(browser, base: str, slug: str, timeout_ms: float = 60_000) -> dict:
    """Open the start page, then click `slug` in the sidebar navigation: ms from the click to its first chart."""
    context = browser.new_context(viewport=VIEWPORT, locale="de-DE")
    try:
        page = context.new_page()
        page.add_init_script(INIT_SCRIPT)
        page.goto(base + "/", wait_until="commit")
        page.wait_for_function("() => window.__biwaq.chart !== null && window.__biwaq.last_msg !== null",
                               timeout=timeout_ms)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                               timeout=timeout_ms)
        page.wait_for_timeout(300)
        link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{slug}"]').first
        link.wait_for(state="visible", timeout=timeout_ms)
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
        before = _cpu(cdp)
        page.evaluate("() => window.__biwaqSwitch()")
        link.click()
        result = _relative(_marks(page, timeout_ms, chart_expected=True))
        result.update({k: round(v - before.get(k, 0), 1) for k, v in _cpu(cdp).items()})
        result["url"] = page.url
        return result
    finally:
        context.close()


def paired_ratios(pages: list[dict], minimal: list[dict], slug: str) -> list[float]:
    """Each measured visit of page `slug` ÷ the minimal-page visit just before it.

    `run` visits, per round, minimal page and app page in turn for every page in `pages` order, so visit i of
    page j follows minimal visit i × len(pages) + j. Pairs missing a chart time are left out."""
    j = [p["slug"] for p in pages].index(slug)
    out = []
    for i, visit in enumerate(pages[j]["runs"]):
        k = i * len(pages) + j
        floor = minimal[k]["chart"] if k < len(minimal) else None
        if visit.get("chart") is not None and floor:
            out.append(visit["chart"] / floor)
    return out


def quartiles(values: list[float]) -> tuple[float, float] | None:
    """(Q1, Q3) of the values (inclusive method: with one value both are that value); None without values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0], values[0]
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


def is_close(spread: tuple[float, float] | None, limit: float) -> bool:
    """True when the limit lies within the spread (Q1–Q3): the verdict is at the limit ("knapp")."""
    return spread is not None and spread[0] <= limit <= spread[1]


def _summary(values: list[float | None]) -> dict:
    got = [v for v in values if v is not None]
    return {"median_ms": statistics.median(got) if got else None, "best_ms": min(got) if got else None,
            "n": len(got), "all_ms": values}


def run(pages: list[str] | None = None, repeat: int = 5, switches: bool = True, timeout_ms: float = 60_000,
        log=None) -> dict:
    """Measure; returns the results (JSON-ready): minimal, pages (per slug), switches, meta."""
    from playwright.sync_api import sync_playwright

    log = log or (lambda m: print(f"[bench_browser {time.strftime('%H:%M:%S')}] {m}", file=sys.stderr, flush=True))
    executable = chromium()
    if not executable:
        raise RuntimeError("Chromium fehlt (apt-get install chromium)")
    chosen = [p for p in app_pages() if pages is None or p["slug"] in pages]
    loads = [os.getloadavg()[0]]
    results: dict = {"meta": {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "repeat": repeat, "cpus": os.cpu_count(),
                              "nice": os.nice(0), "target": TARGET, "viewport": VIEWPORT, "chromium": executable},
                     "minimal": {}, "pages": {}, "switches": {}}
    workdir = Path(tempfile.mkdtemp(prefix="biwaq-bench-browser-"))
    try:
        with servers(workdir) as urls, sync_playwright() as pw:
            results["meta"]["warm_wait_s"] = urls["warm_wait_s"]
            browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            results["meta"]["browser_version"] = browser.version
            raw: dict[str, list[dict]] = {"minimal": [], "minimal_sidebar": []} | {p["slug"]: [] for p in chosen}
            first: dict[str, dict] = {}
            # Round 0: each page once right after the start, reported apart ("erster Besuch"); the start page first.
            for rnd in range(repeat + 1):
                for p in chosen:  # alternating: minimal page, app page, minimal page, ...
                    if rnd == 0:
                        if "minimal" not in first:
                            first["minimal"] = visit(browser, urls["minimal"] + "/", timeout_ms)
                        first[p["slug"]] = visit(browser, f"{urls['app']}/{p['url']}", timeout_ms)
                        continue
                    raw["minimal"].append(visit(browser, urls["minimal"] + "/", timeout_ms))
                    raw[p["slug"]].append(visit(browser, f"{urls['app']}/{p['url']}", timeout_ms))
                if rnd:  # once per round: the minimal page with the app's sidebar widgets (a second reference)
                    raw["minimal_sidebar"].append(visit(browser, urls["minimal"] + "/?sidebar=1", timeout_ms))
                loads.append(os.getloadavg()[0])
                log(f"round {rnd}/{repeat} done (load {loads[-1]:.1f})")
            results["minimal"] = {**_summary([r["chart"] for r in raw["minimal"]]), "first_visit": first["minimal"],
                                  "runs": raw["minimal"]}
            results["minimal_sidebar"] = {**_summary([r["chart"] for r in raw["minimal_sidebar"]]), "first_visit": {},
                                          "runs": raw["minimal_sidebar"]}
            for p in chosen:
                runs = raw[p["slug"]]
                results["pages"][p["slug"]] = {"title": p["title"], "path": p["path"], "url": p["url"],
                                               **_summary([r["chart"] for r in runs]), "first_visit": first[p["slug"]],
                                               "has_chart": any(r["chart"] is not None for r in runs),
                                               "h1_median_ms": _summary([r["h1"] for r in runs])["median_ms"],
                                               "runs": runs}
            in_order = [{"slug": p["slug"], "runs": raw[p["slug"]]} for p in chosen]
            for p in chosen:
                results["pages"][p["slug"]]["paired_ratios"] = paired_ratios(in_order, raw["minimal"], p["slug"])
            if switches:
                targets = [p for p in chosen if p["slug"] != SWITCH_FROM and results["pages"][p["slug"]]["has_chart"]]
                for p in targets:
                    runs = [switch(browser, urls["app"], p["slug"], timeout_ms) for _ in range(max(repeat, 1))]
                    results["switches"][p["slug"]] = {"title": p["title"], **_summary([r["chart"] for r in runs]),
                                                      "runs": runs}
                loads.append(os.getloadavg()[0])
                log(f"sidebar switches done (load {loads[-1]:.1f})")
            browser.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    loads.append(os.getloadavg()[0])
    results["meta"]["loadavg"] = loads
    results["meta"]["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    results["targets"] = evaluate(results)
    results["table"] = render(results)
    return results


# ---------------------------------------------------------------------------------------------------------------
# Verdicts and the table


def evaluate(results: dict) -> list[dict]:
    """One target per page with a chart: median time to first chart ÷ the minimal page's median ≤ TARGET.

    `spread`: Q1 and Q3 of the page's paired ratios (`paired_ratios`); `close`: the limit lies within them, so the
    verdict is at the limit (a rerun of the benchmark may give the other one)."""
    floor = results["minimal"].get("median_ms")
    limit = results["meta"]["target"]
    out = []
    for slug, info in results["pages"].items():
        if not info["has_chart"]:
            continue
        ratio = info["median_ms"] / floor if floor and info["median_ms"] is not None else None
        errors = [e for r in info["runs"] for e in r.get("errors", [])]
        spread = quartiles(info.get("paired_ratios") or [])
        out.append({"target": "browser_first_chart", "what": f"{info['title']}: erstes Diagramm im Browser ÷ Minimal-App",
                    "page": slug, "ratio": ratio, "limit": limit,
                    "pass": ratio is not None and ratio <= limit and not errors,
                    "spread": spread, "close": is_close(spread, limit)})
    return out


def _ms(v: float | None) -> str:
    from .bench_report import _num

    return "–" if v is None else f"{_num(v, 0)} ms"


def _median(runs: list[dict], key: str) -> float | None:
    got = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(got) if got else None


def render(results: dict) -> str:
    """The German table: per page first visit after start, median, best, server/client split, ratio, target."""
    from .bench_report import _lines, _num, _x

    floor = results["minimal"].get("median_ms")
    limit = results["meta"]["target"]
    header = ["Seite", "erster Besuch", "Median", "Bestzeit", "Server", "Browser", "CPU Browser", "JS/CSS davor",
              "Verhältnis", "CPU-Verh.", "Runden Q1–Q3", "Ziel"]
    cpu_floor = _median(results["minimal"]["runs"], "cpu_main_ms")

    def row(label, info, verdict=True):
        runs = info["runs"]
        first = info["first_visit"].get("chart")
        ratio = info["median_ms"] / floor if floor and info.get("median_ms") is not None else None
        assets = _median(runs, "assets_kb_before_chart")
        count = _median(runs, "assets_before_chart")
        errors = [e for r in runs for e in r.get("errors", [])]
        target, spread = "", quartiles(info.get("paired_ratios") or []) if verdict else None
        if verdict and ratio is not None:
            target = f"{'PASS' if ratio <= limit and not errors else 'MISS'} ≤ {_num(limit, 1)}×"
            target += " (knapp)" if is_close(spread, limit) else ""
        cpu = _median(runs, "cpu_main_ms")
        return [label + (" FEHLER!" if errors else ""), _ms(first), _ms(info.get("median_ms")), _ms(info.get("best_ms")),
                _ms(_median(runs, "server_ms")), _ms(_median(runs, "client_ms")), _ms(cpu),
                "–" if assets is None else f"{count:.0f} / {_num(assets, 0)} KB", _x(ratio) if verdict else "",
                _x(cpu / cpu_floor) if verdict and cpu and cpu_floor else "",
                f"{_num(spread[0], 2)}–{_x(spread[1])}" if spread else "", target]

    rows = [["— Zeit bis zum ersten Diagramm (ms ab Navigation, frischer Browser-Kontext; Server = Rerun-Anfrage → "
             "erstes Diagramm-Delta, Browser = Delta → gezeichnet; CPU Browser = CPU-Zeit des Haupt-Threads der "
             "Seite bis dahin)"] + [""] * (len(header) - 1)]
    rows.append(row("Minimal-App (1 Plotly-Diagramm): Basis", results["minimal"], verdict=False))
    ref = results.get("minimal_sidebar") or {}
    if ref.get("runs") and ref.get("median_ms") is not None:  # reference only: what the filter sidebar alone costs
        cpu_ref = _median(ref["runs"], "cpu_main_ms")
        rows.append(row("Minimal-App mit den Filtern der Seitenleiste", ref, verdict=False)[:8]
                    + [_x(ref["median_ms"] / floor) if floor else "",
                       _x(cpu_ref / cpu_floor) if cpu_ref and cpu_floor else "", "", "Referenz"])
    for slug, info in results["pages"].items():
        if info["has_chart"]:
            rows.append(row(info["title"], info))
        else:
            rows.append([f"{info['title']} (kein Diagramm; Titel sichtbar)", _ms(info["first_visit"].get("h1")),
                         _ms(info["h1_median_ms"]), *[""] * (len(header) - 3)])
    if results.get("switches"):
        rows.append(["— Seitenwechsel in der Seitenleiste: Klick → erstes Diagramm der neuen Seite (Start: Überblick)"]
                    + [""] * (len(header) - 1))
        for slug, info in results["switches"].items():
            runs = info["runs"]
            rows.append([f"→ {info['title']}", "", _ms(info["median_ms"]), _ms(info["best_ms"]),
                         _ms(_median(runs, "server_ms")), _ms(_median(runs, "client_ms")),
                         _ms(_median(runs, "cpu_main_ms")), "", "", "", "", ""])
    out = _lines(header, rows, 56)
    targets = results.get("targets") or []
    close = sum(bool(t.get("close")) for t in targets)
    out += ["", f"Ziele Browser: {sum(t['pass'] for t in targets)} von {len(targets)} erfüllt "
                f"(Median ≤ {_num(limit, 1)}× Minimal-App im selben Lauf, {results['meta']['repeat']} Wiederholungen)"
                + (f"; {close} von {len(targets)} Urteilen knapp: {_num(limit, 1)}× liegt zwischen Q1 und Q3 der Runden "
                   "(Seite ÷ Minimal-App davor), ein weiterer Lauf kann anders urteilen" if close else "")]
    load = results["meta"].get("loadavg") or []
    out.append(f"Systemlast (1-min-Mittel) während der Browser-Messung: {', '.join(_num(x, 1) for x in load)} bei "
               f"{results['meta']['cpus']} Kernen, nice {results['meta'].get('nice', 0)}"
               + (" – Zeiten verrauscht." if load and max(load) > (results["meta"]["cpus"] or 1) else "."))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m biwaq_data.tools.bench_browser", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="measured visits per page (median, best; default 5)")
    parser.add_argument("--pages", help="comma-separated page slugs, e.g. ueberblick,wirkung (default: all)")
    parser.add_argument("--no-switch", action="store_true", help="skip the sidebar page switches")
    parser.add_argument("--out", type=Path, help="write the results as JSON")
    args = parser.parse_args(argv)
    pages = [p.strip() for p in args.pages.split(",") if p.strip()] if args.pages else None
    results = run(pages, repeat=args.repeat, switches=not args.no_switch)
    print(results["table"])
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
        print(f"\nJSON: {args.out}")
    errors = [e for info in [results["minimal"], results["minimal_sidebar"], *results["pages"].values()]
              for r in info["runs"]
              for e in r.get("errors", [])]
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

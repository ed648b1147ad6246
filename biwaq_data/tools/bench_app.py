"""The benchmark's page measurements under streamlit's AppTest (run in a fresh subprocess by bench.py).

- `child_app`: every page once on a cold cache (includes the load), once more in a new session with the data
  already loaded (first view), then five filter changes in the sidebar, one rerun each.
- `child_sessions`: N sessions (AppTest instances on threads, one process, sharing st.cache_resource and the
  publication cache, as the server's script threads do) open the start page and rerun it after filter
  changes at the same time; p50/p95 rerun time, errors, resident memory per live session and after they end.
- `sessions_split`: the same N sessions spread over K such processes (each with the data loaded, all released
  at the same moment), as K servers behind the balancer (deploy/) would run them; `run_sessions` runs the
  whole section (K = 1 and more, every N) for one data folder:

      python -m biwaq_data.tools.bench_app --folder DIR --sessions 1,20,50 --processes 1,2

Bound: N simultaneous reruns of t seconds of CPU each, on P = min(K, cores) processes that can run at once
(one GIL per process), end no earlier than N/P x t, so p95 >= about 0,95 x N/P x t whatever the code does.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def rss_mb() -> float:
    """Resident memory of this process now (MB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def filter_changes(first: date, last: date):
    """(description, widget key, new value, expected ortsteile, expected period) applied one after another."""
    year = (date(2024, 1, 1), date(2024, 12, 31))
    return [
        ("Ortsteil Marxloh", "ortsteil", [202], (202,), (None, None)),
        ("Ortsteil Hochfeld", "ortsteil", [508], (508,), (None, None)),
        ("Zeitraum 2024", "zeitraum", year, (508,), year),
        ("Ortsteil: alle", "ortsteil", [], (), year),
        ("Zeitraum: alles", "zeitraum", (first, last), (), (None, None)),
    ]


def use_navigation_in_apptest() -> None:
    """Make AppTest rerun dashboard.py (sidebar + st.navigation) instead of the page file alone.

    AppTest resets PagesManager.uses_pages_directory before every run; because this app keeps its pages in a
    folder named `pages/`, streamlit then treats each rerun as a v1 multipage app and executes the page file
    directly, skipping the entry script and its sidebar, so filter changes would never reach the figures. The
    live server resets the flag once, at the first st.navigation call; this does the same for every test run.
    """
    import streamlit.testing.v1.app_test as app_test
    from streamlit.runtime.pages_manager import PagesManager

    if getattr(app_test.PagesManager, "_biwaq_bench", False):
        return

    class NavigationPagesManager(PagesManager):
        _biwaq_bench = True

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    app_test.PagesManager = NavigationPagesManager


def share_runtime_between_apptests() -> None:
    """Let AppTest instances run on threads at once, sharing one runtime as the server's sessions do.

    Each AppTest.run installs a fresh mock runtime in the global `Runtime._instance` and sets it back to None
    when done, and patches the global config around the run: with runs on several threads, one session's end
    pulls the runtime from under another ("Runtime hasn't been created!", lost widget ids). Here AppTest writes
    its per-run runtime to a subclass (ignored) while the real slot holds one shared mock runtime with one
    media manager and one cache storage manager (so st.cache_data is shared too, as on the server). The
    compiled scripts are shared as well (one ScriptCache, as the server's): compiling on many threads at once
    trips a CPython 3.11 bug ("AST constructor recursion depth mismatch").
    """
    import contextlib
    from unittest.mock import MagicMock

    import streamlit.testing.v1.app_test as app_test
    from streamlit.config import set_option
    from streamlit.runtime import Runtime

    if getattr(app_test, "_biwaq_shared_runtime", False):
        return
    shared = MagicMock(spec=Runtime)
    shared.media_file_mgr = app_test.MediaFileManager(app_test.MemoryMediaFileStorage("/mock/media"))
    shared.dataframe_source_mgr = app_test.DataframeSourceManager()
    shared.cache_storage_manager = app_test.MemoryCacheStorageManager()
    registry = app_test.BidiComponentManager()
    registry.discover_and_register_components(start_file_watching=False)
    shared.bidi_component_registry = registry
    Runtime._instance = shared
    app_test.Runtime = type("PerRunRuntime", (Runtime,), {})
    scripts = app_test.ScriptCache()
    app_test.ScriptCache = lambda: scripts
    set_option("global.appTest", True)
    app_test.patch_config_options = lambda options: contextlib.nullcontext()
    app_test._biwaq_shared_runtime = True


def _setup(folder: Path):
    os.environ["BIWAQ_DATA_SOURCE"] = str(folder)
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    use_navigation_in_apptest()


HARNESS = "Harness:"  # marks a change AppTest lost under threads (not a wrong figure): reported, not fatal


def harness_only(error: str) -> bool:
    """True for an error of the AppTest harness under threads (a lost filter change, a widget not found), which
    leaves the session showing its previous, correct figures; wrong figures and script exceptions are not."""
    return HARNESS in error


def _apply(at, key: str, value) -> None:
    """A sidebar filter change through the widget. AppTest is not thread-safe: with 20–50 sessions on threads it
    rarely loses a change (2 of 1.125 in the full run at 1.000.000: "Filter nicht angewandt" / KeyError of the
    date widget; the session then shows its previous, correct figures). Setting the session state instead lost
    more (CI dry run), so the widget stays."""
    widget = at.multiselect(key=key) if key == "ortsteil" else at.date_input(key=key)
    widget.set_value(value)


def _check(at, text: str, expected, dataset, label: str) -> tuple[list[str], list[bool]]:
    """Errors of the last run: exceptions, filters not applied, participants card not equal to metrics.headline."""
    from ..figures import metrics
    from ..formatting import format_int

    errors = [f"{text}: {e.message}" for e in at.exception]
    applied = at.session_state["biwaq_filters"] if "biwaq_filters" in at.session_state else None
    if applied != expected:
        errors.append(f"{text}: {HARNESS} Filter nicht angewandt ({applied} statt {expected})")
    checks = []
    shown = [m.value for m in at.metric if m.label == label]
    if shown and not shown[0].replace(".", "").isdigit():
        shown = []  # withheld in publication mode (small selection): nothing to compare
    if shown:
        want = format_int(metrics.headline(dataset, expected)["participants"])
        checks.append(shown[0] == want)
        if shown[0] != want:
            errors.append(f"{text}: Teilnehmende {shown[0]} statt {want}")
    return errors, checks


def child_app(folder: Path, timeout: float) -> dict:
    _setup(folder)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from .. import texts_de as T
    from ..figures.filters import Filters
    from ui import data as ui_data
    from ui.navigation import PAGES

    app = str(ROOT / "dashboard.py")
    label = T.METRIC_LABELS["participants"]
    pages = {}

    def open_page(spec):
        at = AppTest.from_file(app, default_timeout=timeout)
        at.session_state["periode"] = "custom"  # period preset "eigener": the date range widget is drawn
        start = time.perf_counter()
        at.run()
        if spec.path != PAGES[0].path:
            at.switch_page(spec.path).run()
        return at, time.perf_counter() - start

    for spec in PAGES:
        st.cache_resource.clear()
        gc.collect()
        at, cold = open_page(spec)
        errors = [e.message for e in at.exception]
        del at
        at, warm = open_page(spec)  # a new session: the data (and the unfiltered figures) already cached
        errors += [e.message for e in at.exception]
        dataset = ui_data.current_dataset()  # the cached object the page used
        first, last = dataset.participants["entry_date"].min().date(), dataset.datenstand.date()
        reruns, checks = [], []
        for text, key, value, ortsteile, (p_start, p_end) in filter_changes(first, last):
            if spec.uses_filters:  # Daten draws no figure filters (ui/sidebar.keep_for_later): a plain rerun there
                _apply(at, key, value)
            start = time.perf_counter()
            at.run()
            reruns.append(time.perf_counter() - start)
            if not spec.uses_filters:
                errors += [f"{text}: {e.message}" for e in at.exception]
                continue
            expected = Filters(ortsteile=ortsteile, period_start=p_start, period_end=p_end)
            errs, ok = _check(at, text, expected, dataset, label)
            errors += errs
            checks += ok
        pages[spec.path] = {"title": spec.title, "cold_s": cold, "first_view_s": warm, "rerun_s": reruns,
                            "rerun_median_s": statistics.median(reruns), "rerun_min_s": min(reruns),
                            "checked_cards": len(checks), "errors": errors}
        del at, dataset
    return {"pages": pages, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def child_sessions(folder: Path, counts: list[int], timeout: float, go: bool = False, offset: int = 0) -> dict:
    """N sessions at once on the start page: each opens it, then three filter changes (own Ortsteil, + 2024, all).

    go: after the warm start and with the sessions created, print READY and wait for a line on stdin before
    releasing them (sessions_split starts K processes together). offset: number of the first session (its
    Ortsteil), so K processes together run the same sessions as one.
    """
    _setup(folder)
    share_runtime_between_apptests()
    from streamlit.testing.v1 import AppTest

    from .. import texts_de as T
    from ..figures.filters import Filters
    from ui import data as ui_data

    app = str(ROOT / "dashboard.py")
    label = T.METRIC_LABELS["participants"]
    start = time.perf_counter()
    warm = AppTest.from_file(app, default_timeout=timeout)
    warm.run()  # the server's warm start: data loaded, unfiltered figures cached
    dataset = ui_data.current_dataset()
    warm_errors = [e.message for e in warm.exception]
    del warm
    ortsteile = sorted(int(x) for x in dataset.participants["ortsteil_nr"].dropna().unique())
    year = (date(2024, 1, 1), date(2024, 12, 31))
    out = {"warm_errors": warm_errors, "warm_s": time.perf_counter() - start, "runs": {}}
    for n in counts:
        gc.collect()
        before = rss_mb()
        sessions = [AppTest.from_file(app, default_timeout=timeout) for _ in range(n)]
        for at in sessions:
            at.session_state["periode"] = "custom"  # period preset "eigener": the date range widget is drawn
        barrier = threading.Barrier(n)
        lock = threading.Lock()
        first_views, reruns, errors, checks = [], [], [], []

        def work(i: int, at) -> None:
            mine = ortsteile[((i + offset) * 7) % len(ortsteile)]
            changes = [("ortsteil", [mine], Filters(ortsteile=(mine,))),
                       ("zeitraum", year, Filters(ortsteile=(mine,), period_start=year[0], period_end=year[1])),
                       ("ortsteil", [], Filters(period_start=year[0], period_end=year[1]))]
            try:
                barrier.wait()
                start = time.perf_counter()
                at.run()
                view = time.perf_counter() - start
                errs = [f"Sitzung {i}: {e.message}" for e in at.exception]
                times, ok = [], []
                for key, value, expected in changes:
                    _apply(at, key, value)
                    start = time.perf_counter()
                    at.run()
                    times.append(time.perf_counter() - start)
                    e, c = _check(at, f"Sitzung {i} {key}", expected, dataset, label)
                    errs += e
                    ok += c
            except Exception as exc:  # noqa: BLE001 – a failing session is a result, not a crash of the run
                with lock:  # raised by AppTest or the harness itself (script errors are in at.exception)
                    errors.append(f"Sitzung {i}: {HARNESS} {type(exc).__name__}: {exc}")
                return
            with lock:
                first_views.append(view)
                reruns.extend(times)
                errors.extend(errs)
                checks.extend(ok)

        threads = [threading.Thread(target=work, args=(i, at), daemon=True) for i, at in enumerate(sessions)]
        if go:
            print("READY", flush=True)
            sys.stdin.readline()
        load = os.getloadavg()[0]
        cpu = time.process_time()  # all threads of this process
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        cpu = time.process_time() - cpu
        gc.collect()
        alive = rss_mb()
        del sessions, threads
        gc.collect()
        after = rss_mb()
        out["runs"][str(n)] = {
            "sessions": n, "wall_s": wall, "reruns": len(reruns), "checked_cards": len(checks),
            "first_view_p50_s": _percentile(first_views, 0.5), "first_view_p95_s": _percentile(first_views, 0.95),
            "rerun_p50_s": _percentile(reruns, 0.5), "rerun_p95_s": _percentile(reruns, 0.95),
            "rerun_max_s": max(reruns, default=float("nan")), "errors": errors,
            "rss_before_mb": before, "rss_alive_mb": alive, "rss_after_mb": after,
            "mb_per_session": (alive - before) / n, "mb_after_minus_before": after - before,
            "rerun_s": reruns, "first_view_s": first_views, "loadavg": load, "processes": 1, "cpu_s": cpu,
            "malloc_arena_max": os.environ.get("MALLOC_ARENA_MAX"),
        }
    return out


def _merge(parts: list[dict], n: int) -> dict:
    """One result for N sessions run as len(parts) processes: percentiles over all reruns, memory summed."""
    runs = [next(iter(p["runs"].values())) for p in parts]
    reruns = [t for r in runs for t in r["rerun_s"]]
    views = [t for r in runs for t in r["first_view_s"]]
    alive = sum(r["rss_alive_mb"] - r["rss_before_mb"] for r in runs)
    return {
        "sessions": n, "processes": len(parts), "wall_s": max(r["wall_s"] for r in runs), "reruns": len(reruns),
        "checked_cards": sum(r["checked_cards"] for r in runs),
        "first_view_p50_s": _percentile(views, 0.5), "first_view_p95_s": _percentile(views, 0.95),
        "rerun_p50_s": _percentile(reruns, 0.5), "rerun_p95_s": _percentile(reruns, 0.95),
        "rerun_max_s": max(reruns, default=float("nan")),
        "errors": [e for p in parts for e in p["warm_errors"]] + [e for r in runs for e in r["errors"]],
        "rss_before_mb": sum(r["rss_before_mb"] for r in runs), "rss_alive_mb": sum(r["rss_alive_mb"] for r in runs),
        "rss_after_mb": sum(r["rss_after_mb"] for r in runs),
        "rss_process_mb": [r["rss_before_mb"] for r in runs],  # each process with the data loaded, before sessions
        "mb_per_session": alive / n, "mb_after_minus_before": sum(r["mb_after_minus_before"] for r in runs),
        "rerun_s": reruns, "first_view_s": views, "loadavg": max(r["loadavg"] for r in runs),
        "cpu_s": sum(r["cpu_s"] for r in runs), "malloc_arena_max": runs[0].get("malloc_arena_max"),
        "warm_errors": [e for p in parts for e in p["warm_errors"]], "warm_s": max(p["warm_s"] for p in parts),
    }


def sessions_split(folder: Path, n: int, k: int, timeout: float) -> dict:
    """N sessions over K fresh processes (N // K each, the rest one more), released together once all are warm
    (K = 1: the one-process measurement)."""
    shares = [n // k + (1 if i < n % k else 0) for i in range(k)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    procs, logs = [], []
    for i, share in enumerate(shares):
        params = {"kind": "sessions", "folder": str(folder), "counts": [share], "timeout": timeout, "go": True,
                  "offset": sum(shares[:i])}
        log = tempfile.TemporaryFile("w+")
        logs.append(log)
        procs.append(subprocess.Popen([sys.executable, "-m", "biwaq_data.tools.bench", "--child", json.dumps(params)],
                                      cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=log, text=True))
    try:
        for proc in procs:  # every process warm, its sessions created
            for line in proc.stdout:
                if line.strip() == "READY":
                    break
        for proc in procs:
            proc.stdin.write("GO\n")
            proc.stdin.flush()
        parts = []
        for proc, log in zip(procs, logs):
            out = proc.stdout.read()
            proc.wait()
            lines = [line for line in out.splitlines() if line.startswith("{")]
            if proc.returncode != 0 or not lines:
                log.seek(0)
                raise RuntimeError(f"sessions child failed (exit {proc.returncode}):\n{log.read()[-4000:]}")
            parts.append(json.loads(lines[-1]))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        for log in logs:
            log.close()
    return _merge(parts, n)


def run_sessions(folder: Path, counts: list[int], processes: list[int], timeout: float, log=None) -> dict:
    """The benchmark's sessions section for one data folder: for each N a fresh process (K = 1), and for each
    K > 1 with K <= N the same N sessions over K processes."""
    # The server runs with MALLOC_ARENA_MAX=2 (ui.warm sets it; glibc reads it when a process starts): so do
    # the session processes, else memory "after" measures glibc's per-thread arenas (docs/benchmark.md).
    arenas = os.environ.get("MALLOC_ARENA_MAX")
    os.environ["MALLOC_ARENA_MAX"] = arenas or "2"
    try:
        return _run_sessions(folder, counts, processes, timeout, log)
    finally:
        if arenas is None:
            del os.environ["MALLOC_ARENA_MAX"]


def _run_sessions(folder, counts, processes, timeout, log) -> dict:
    merged: dict = {"warm_errors": [], "runs": {}, "processes": {}, "cpus": os.cpu_count()}
    for count in counts:  # a fresh process per count: memory per session is this count's alone
        if log:
            log(f"{folder.name}: {count} session(s) in one process")
        run = sessions_split(folder, count, 1, timeout)
        merged["warm_errors"] += run["warm_errors"]
        merged["runs"][str(count)] = run
        merged.setdefault("warm_s", run["warm_s"])
    for k in processes:
        for count in counts:
            if k > 1 and count >= k:
                if log:
                    log(f"{folder.name}: {count} sessions over {k} processes")
                merged["processes"].setdefault(str(k), {})[str(count)] = sessions_split(folder, count, k, timeout)
    return merged


def main(argv: list[str] | None = None) -> int:
    """Only the sessions section, on an existing data folder; prints its table and writes the JSON."""
    import argparse

    from .bench_report import _render_sessions

    parser = argparse.ArgumentParser(prog="python -m biwaq_data.tools.bench_app", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", type=Path, required=True, help="a data folder (sample.write / Parquet)")
    parser.add_argument("--label", help="participants shown in the table (default: read from the data)")
    parser.add_argument("--sessions", default="1,20,50")
    parser.add_argument("--processes", default="1,2", help="process counts K (1 = one process)")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--out", type=Path, help="JSON output")
    args = parser.parse_args(argv)
    counts = [int(x) for x in args.sessions.split(",") if x.strip()]
    processes = [int(x) for x in args.processes.split(",") if x.strip()]
    label = args.label
    if not label:
        meta = args.folder / "metadata.json"
        label = str(json.loads(meta.read_text())["participants"]) if meta.exists() else "827"
    start_load = os.getloadavg()
    result = {"sessions": {label: run_sessions(args.folder, counts, processes, args.timeout,
                                               log=lambda m: print(f"[sessions {time.strftime('%H:%M:%S')}] {m}",
                                                                   file=sys.stderr, flush=True))},
              "meta": {"loadavg_start": list(start_load), "loadavg_end": list(os.getloadavg()),
                       "cpus": os.cpu_count(), "nice": os.nice(0)}}
    print("\n".join(_render_sessions(result)))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    errors = [e for s in result["sessions"].values() for r in s["runs"].values() for e in r["errors"]]
    errors += [e for s in result["sessions"].values() for k in s["processes"].values() for r in k.values()
               for e in r["errors"]]
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

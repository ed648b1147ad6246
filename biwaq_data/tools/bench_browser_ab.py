"""Benchmark helper: time to first chart of the same pages from two checkouts (A/B), measured in turn.

    python -m biwaq_data.tools.bench_browser_ab --a /path/to/old/checkout --pages quartiere,kohorten --rounds 8
    python -m biwaq_data.tools.bench_browser_ab --a ROOT --a-env BIWAQ_X=1 --pages ueberblick   # a switch on A

`bench_browser` compares a page with the minimal Streamlit page; between two full runs a page moves by up to
±0,06× on this 2-core machine, which hides a change of 50–150 ms. This tool answers "did my change make the
page faster?" instead: two warm servers side by side (`python -m ui.warm`, bundled sample, sign-in off, the same
Streamlit flags as `bench_browser`), A = another checkout (`--a`, e.g. a `git worktree` of main), B = this one
(or `--b`), each page visited in a fresh browser context (`bench_browser.visit`: first visit, marks until the
first chart) alternately A, B, B, A, … for `--rounds` rounds after one unmeasured visit each. Prints per page and
side the medians of: time to first chart, the "Server" and "Browser" parts, the page's main-thread CPU and the
JS/CSS fetched before the chart, then B − A. `--a-env`/`--b-env` set environment variables for one side only
(an experiment switch). No targets: it compares, it does not judge.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from . import bench_browser as bb

COLUMNS = (("chart", "erstes Diagramm"), ("server_ms", "Server"), ("client_ms", "Browser"),
           ("cpu_main_ms", "CPU Browser"), ("assets_kb_before_chart", "JS/CSS KB"))


@contextlib.contextmanager
def warm_server(root: Path, workdir: Path, extra_env: dict[str, str]):
    """`python -m ui.warm` of the checkout at `root` on a free port (empty data folder: the bundled sample);
    yields its URL once the warm-up is done."""
    data = workdir / "data"
    data.mkdir(parents=True)
    log = workdir / "server.log"
    env = bb.app_env(root, data, extra_env)
    port = bb.free_port()
    with open(log, "w") as handle:
        proc = subprocess.Popen([sys.executable, "-m", "ui.warm", "--server.port", str(port), *bb.STREAMLIT_FLAGS],
                                cwd=root, env=env, stdout=handle, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            bb._wait_healthy(url, proc, log)
            bb.wait_warm(log)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _env(pairs: list[str]) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in pairs)


def run(a: Path, b: Path, pages: list[str], rounds: int, a_env: dict[str, str] | None = None,
        b_env: dict[str, str] | None = None) -> dict:
    """Visit every page from A and B in turn; returns {page: {"A": [visit, …], "B": [visit, …]}}."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        urls = {side: stack.enter_context(warm_server(root, Path(tmp) / side, env or {}))
                for side, root, env in (("A", a, a_env), ("B", b, b_env))}
        runs = {page: {"A": [], "B": []} for page in pages}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=bb.chromium(), headless=True, args=bb.CHROMIUM_ARGS)
            try:
                for page in pages:  # one unmeasured visit each: the browser's and the servers' first time
                    for url in urls.values():
                        bb.visit(browser, f"{url}/{page}")
                for rnd in range(rounds):
                    order = ("A", "B") if rnd % 2 == 0 else ("B", "A")
                    for page in pages:
                        for side in order:
                            runs[page][side].append(bb.visit(browser, f"{urls[side]}/{page}"))
            finally:
                browser.close()
    return runs


def _median(visits: list[dict], key: str) -> float | None:
    values = [v[key] for v in visits if v.get(key) is not None]
    return statistics.median(values) if values else None


def render(runs: dict) -> str:
    """One line per page and side with the medians, and B − A (German number format like bench_browser)."""
    head = f"{'Seite':18s} {'':3s}" + "".join(f"{label:>17s}" for _, label in COLUMNS)
    lines = [head, "-" * len(head)]
    for page, sides in runs.items():
        medians = {side: {key: _median(visits, key) for key, _ in COLUMNS} for side, visits in sides.items()}
        for side in ("A", "B"):
            cells = "".join(f"{_kb(v) if k == 'assets_kb_before_chart' else bb._ms(v):>17s}"
                            for k, v in ((k, medians[side][k]) for k, _ in COLUMNS))
            lines.append(f"{(page or 'ueberblick'):18s} {side:3s}{cells}")
        diff = "".join(f"{_signed(medians['B'][k], medians['A'][k]):>17s}" for k, _ in COLUMNS)
        lines.append(f"{'':18s} {'B−A':3s}{diff}")
    return "\n".join(lines)


def _kb(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} KB".replace(",", ".")


def _signed(b: float | None, a: float | None) -> str:
    if a is None or b is None:
        return "–"
    return f"{b - a:+,.0f}".replace(",", ".")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m biwaq_data.tools.bench_browser_ab", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--a", type=Path, required=True, help="checkout A (e.g. a git worktree of main)")
    parser.add_argument("--b", type=Path, default=bb.ROOT, help="checkout B (default: this one)")
    parser.add_argument("--pages", required=True, help="comma-separated page slugs ('' = the start page)")
    parser.add_argument("--rounds", type=int, default=8, help="measured visits per page and side (default 8)")
    parser.add_argument("--a-env", nargs="*", default=[], metavar="NAME=VALUE", help="environment for A only")
    parser.add_argument("--b-env", nargs="*", default=[], metavar="NAME=VALUE", help="environment for B only")
    args = parser.parse_args(argv)
    pages = [p.strip() for p in args.pages.split(",")]
    runs = run(args.a.resolve(), args.b.resolve(), pages, args.rounds, _env(args.a_env), _env(args.b_env))
    print(render(runs))
    errors = [e for sides in runs.values() for visits in sides.values() for v in visits for e in v.get("errors", [])]
    for error in errors:
        print(f"FEHLER: {error}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

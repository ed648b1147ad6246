"""One page's rerun after a filter change at two data sizes, with the load shared fairly (issue 15 point 4).

The benchmark's page section (bench_app.child_app) runs each size in its own process one after the other, so
on a busy machine the ratio "rerun at 1.000.000 / rerun at 1.000" moves by ±0,5× between runs. Here one
long-lived process per (checkout, size) opens the page the way child_app does (a first session, then a new
one with the data loaded) and waits; the parent then asks them in turn, in a shuffled order per round, for
bench_app's five filter changes (one rerun each, the shared per-filter caches emptied first, so every round
pays the new filters as the benchmark's single round does). Each process sees the same load, and with
--tree two checkouts (before / after a change) are compared in the same run:

    nice -n 10 python -m biwaq_data.tools.bench_rerun --page pages/leistungen.py \\
        --small DATA/parquet_1000 --large DATA/parquet_1000000 --tree before=/tmp/main --rounds 20

Reported per checkout: median wall time and CPU time (process time, all threads) of one rerun at each size,
their ratio, and the benchmark's own figure (median of each round's five reruns, then the median over rounds).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def child(folder: Path, page: str, root: Path) -> None:
    """Open `page` of the checkout at `root` as child_app does, then one round of filter changes per line read
    from stdin (JSON out). Imports are absolute: this file also drives checkouts that do not contain it."""
    from biwaq_data.tools import bench_app

    bench_app._setup(folder)
    from streamlit.testing.v1 import AppTest

    from biwaq_data import texts_de as T
    from biwaq_data.figures import filters as F
    from biwaq_data.figures import memo
    from ui import data as ui_data

    def open_page():
        at = AppTest.from_file(str(root / "dashboard.py"), default_timeout=900)
        at.session_state["periode"] = "custom"  # as child_app: the date range widget is drawn
        at.run()
        at.switch_page(page).run()
        return at

    at = open_page()  # cold: loads the data
    del at
    at = open_page()  # a new session with the data loaded
    dataset = ui_data.current_dataset()
    first, last = dataset.participants["entry_date"].min().date(), dataset.datenstand.date()
    print(json.dumps({"ready": True, "errors": [e.message for e in at.exception]}), flush=True)
    for _ in sys.stdin:
        memo._SELECTION.clear()  # the filters of the last round are new again
        memo._LARGE.clear()
        with F._MASKS_LOCK:
            F._MASKS.clear()
        wall, cpu, errors = [], [], []
        for text, key, value, ortsteile, (p_start, p_end) in bench_app.filter_changes(first, last):
            bench_app._apply(at, key, value)
            start, start_cpu = time.perf_counter(), time.process_time()
            at.run()
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            expected = F.Filters(ortsteile=ortsteile, period_start=p_start, period_end=p_end)
            errors += bench_app._check(at, text, expected, dataset, T.METRIC_LABELS["participants"])[0]
        print(json.dumps({"wall": wall, "cpu": cpu, "errors": errors}), flush=True)


def _reply(proc: subprocess.Popen) -> dict:
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"bench_rerun child ended: {proc.args}")
        if line.startswith("{"):
            return json.loads(line)


def run(page: str, sizes: dict[str, Path], trees: dict[str, Path], rounds: int) -> dict:
    """{tree: {size: {"wall": [...], "cpu": [...], "errors": [...]}}} (seconds per rerun)."""
    procs, results = {}, {t: {s: {"wall": [], "cpu": [], "errors": []} for s in sizes} for t in trees}
    try:
        for tree, path in trees.items():
            for size, folder in sizes.items():
                code = (f"import sys; sys.path.insert(0, {str(path)!r}); from pathlib import Path; "
                        f"ns = {{'__file__': {__file__!r}, '__name__': 'bench_rerun_child'}}; "
                        f"exec(compile(open({__file__!r}).read(), {__file__!r}, 'exec'), ns); "
                        f"ns['child'](Path({str(folder)!r}), {page!r}, Path({str(path)!r}))")
                proc = subprocess.Popen([sys.executable, "-c", code], cwd=path, text=True, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                procs[tree, size] = proc
                results[tree][size]["errors"] += _reply(proc)["errors"]  # loaded one at a time
        for _ in range(rounds):
            order = list(procs)
            random.shuffle(order)
            for tree, size in order:
                procs[tree, size].stdin.write("go\n")
                procs[tree, size].stdin.flush()
                for field, values in _reply(procs[tree, size]).items():
                    results[tree][size][field] += values
    finally:
        for proc in procs.values():
            proc.stdin.close()
            proc.wait(timeout=120)
    return results


def summary(results: dict, small: str, large: str) -> list[str]:
    lines = []
    for tree, by_size in results.items():
        med = {s: {f: statistics.median(v[f]) for f in ("wall", "cpu")} for s, v in by_size.items()}
        bench = {s: statistics.median(statistics.median(v["wall"][i:i + 5]) for i in range(0, len(v["wall"]), 5))
                 for s, v in by_size.items()}
        errors = [e for v in by_size.values() for e in v["errors"]]
        lines.append(f"{tree}: wall {med[small]['wall'] * 1e3:.1f} / {med[large]['wall'] * 1e3:.1f} ms = "
                     f"{med[large]['wall'] / med[small]['wall']:.2f}×, CPU {med[small]['cpu'] * 1e3:.1f} / "
                     f"{med[large]['cpu'] * 1e3:.1f} ms = {med[large]['cpu'] / med[small]['cpu']:.2f}×, "
                     f"bench figure {bench[large] / bench[small]:.2f}×, errors {len(errors)} {errors[:3]}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m biwaq_data.tools.bench_rerun", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", default="pages/leistungen.py")
    parser.add_argument("--small", type=Path, help="data folder of the reference size (e.g. parquet_1000)")
    parser.add_argument("--large", type=Path, help="data folder of the large size (e.g. parquet_1000000)")
    parser.add_argument("--tree", action="append", default=[], help="LABEL=PATH: another checkout to compare")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--out", type=Path, help="JSON output")
    args = parser.parse_args(argv)
    if not (args.small and args.large):
        parser.error("--small and --large are required")
    trees = {"this": ROOT, **{t.split("=", 1)[0]: Path(t.split("=", 1)[1]).resolve() for t in args.tree}}
    load = os.getloadavg()
    results = run(args.page, {"small": args.small.resolve(), "large": args.large.resolve()}, trees, args.rounds)
    print(f"{args.page}, {args.rounds} rounds × 5 reruns per process; {args.large.name} ÷ {args.small.name}; "
          f"load {load[0]:.1f} → {os.getloadavg()[0]:.1f}, nice {os.nice(0)}")
    print("\n".join(summary(results, "small", "large")))
    if args.out:
        args.out.write_text(json.dumps(results) + "\n", encoding="utf-8")
    return 1 if any(e for by_size in results.values() for v in by_size.values() for e in v["errors"]) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Start the server with the data already loaded, so the first visitor does not pay the load.

    python -m ui.warm [streamlit run options]      # instead of: streamlit run dashboard.py [options]

Starts `streamlit run dashboard.py` in this process and, on a thread beside it, fills the caches that every
session shares: the active dataset (ui.data, cache_resource keyed by data version), the sidebar's choices and
the default view's protected tables (publication.selection without filters). A visitor arriving while this
runs waits for the same computation (streamlit computes each cache entry once) instead of starting another.
Streamlit has no start-up hook, hence the launcher; after a new import the next visitor loads the new version.

On Linux it also sets MALLOC_ARENA_MAX=2 (unless set) and restarts itself with it: glibc gives every script
thread its own malloc arena and keeps what those freed, so with 50 sessions at 1.000.000 participants the
process stayed ≈ 500 MB above its start after they ended; with 2 arenas 8 MB (docs/benchmark.md).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def warm():
    """Fill the shared caches for the active data; returns the dataset."""
    from biwaq_data import Filters, publication
    from ui import data, sidebar

    dataset = data.current_dataset()
    data.per_version(dataset, "sidebar", sidebar.choices)
    publication.selection(dataset, Filters())
    return dataset


def _warm_logged() -> None:
    start = time.perf_counter()
    try:
        dataset = warm()
    except Exception as exc:  # noqa: BLE001 – the first visitor then sees the load error on the page
        print(f"biwaq warm-up failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return
    print(f"biwaq warm-up: {len(dataset.participants)} participants ({dataset.version}) ready in "
          f"{time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if sys.platform.startswith("linux") and "MALLOC_ARENA_MAX" not in os.environ:
        os.environ["MALLOC_ARENA_MAX"] = "2"  # read by glibc at process start, hence the restart
        os.execv(sys.executable, [sys.executable, "-m", "ui.warm", *argv])
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    # Import everything here, before the thread: two threads importing pandas at once break its import.
    import plotly.graph_objects  # noqa: F401
    from streamlit.web import cli

    import biwaq_data.publish.publication  # noqa: F401
    import ui.data  # noqa: F401
    import ui.sidebar  # noqa: F401

    threading.Thread(target=_warm_logged, name="biwaq-warm", daemon=True).start()

    sys.argv = ["streamlit", "run", str(ROOT / "dashboard.py"), *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())

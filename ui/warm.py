"""Start the server with the data already loaded, so the first visitor does not pay the load.

    python -m ui.warm [streamlit run options]      # instead of: streamlit run dashboard.py [options]

Starts `streamlit run dashboard.py` in this process and, on a thread beside it, fills the caches that every
session shares: the active dataset (ui.data, cache_resource keyed by data version), the sidebar's choices,
the default view's protected tables (publication.selection without filters), the map's geometry and the
Soll-Ist rows of the default view (ui.steering.progress: 1,2 s on the first visit of Soll-Ist, 0,17 s after).
Before that it imports every module the pages import (read from their source), so no visitor pays an import.
A visitor arriving while this runs waits for the same computation (streamlit computes each cache entry once) instead of starting another.
Streamlit has no start-up hook, hence the launcher; after a new import the next visitor loads the new version.

On Linux it also sets MALLOC_ARENA_MAX=2 (unless set) and restarts itself with it: glibc gives every script
thread its own malloc arena and keeps what those freed, so with 50 sessions at 1.000.000 participants the
process stayed ≈ 500 MB above its start after they ended; with 2 arenas 8 MB (docs/benchmark.md).

It also switches Streamlit to multipage v2 before the first request, so a deep link as the very first request
after a start runs dashboard.py (sidebar, navigation, sign-in) like every later one.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def page_modules() -> list[str]:
    """The modules dashboard.py and every registered page import (from their source; no page is executed)."""
    from ui.navigation import PAGES

    names: list[str] = []
    for path in ["dashboard.py", *(p.path for p in PAGES)]:
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Import):
                names += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
                # `from ui import charts` names submodules too
                names += [f"{node.module}.{a.name}" for a in node.names if _is_submodule(node.module, a.name)]
    return list(dict.fromkeys(names))


def _is_submodule(package: str, name: str) -> bool:
    try:
        return importlib.util.find_spec(f"{package}.{name}") is not None
    except (ImportError, ValueError):
        return False


def import_pages() -> None:
    """Import what the pages import (call before any thread starts: two threads importing pandas break it)."""
    for name in page_modules():
        importlib.import_module(name)


def warm():
    """Fill the shared caches for the active data; returns the dataset."""
    from biwaq_data import Filters, publication
    from biwaq_data.figures import memo
    from biwaq_data.places import geometry
    from ui import data, sidebar, steering

    dataset = data.current_dataset()
    data.per_version(dataset, "sidebar", sidebar.choices)
    publication.selection(dataset, Filters())
    memo.metric_frame(dataset, Filters(), "services")  # Leistungen: builds figures.prepared.ServicePeople once
    # Quartiere: boundaries, their screen-resolution copies, reference points and Bezirk callouts (per process)
    geometry.ortsteil_boundaries(), geometry.drawn_bezirke(), geometry.ortsteil_points(), geometry.bezirk_callouts()
    if not dataset.targets.empty:  # Soll-Ist's default view: all Träger (the same cache entry the page reads)
        steering.progress(dataset, Filters().providers, protected=True)
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

    import_pages()  # dashboard.py's and the pages' imports (ui.data, ui.sidebar, …): no visitor pays an import
    # Multipage v2 from the first request on. Streamlit treats an app with a folder named pages/ as a v1
    # multipage app until st.navigation has run once in the process; a deep link (/zeitverlauf?…) as the very
    # first request would run that page file without dashboard.py: no sidebar filters, file names as the
    # navigation (docs/benchmark.md, "Other findings"). st.navigation sets exactly this flag on its first call.
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False

    threading.Thread(target=_warm_logged, name="biwaq-warm", daemon=True).start()

    sys.argv = ["streamlit", "run", str(ROOT / "dashboard.py"), *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())

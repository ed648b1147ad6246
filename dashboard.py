"""Entry point: `streamlit run dashboard.py`.

Page config, the sign-in gate (ui/auth.py, docs/access.md), navigation over the pages the person's role may
open (ui/navigation.py), one cached load of the active data and the shared sidebar filters. When the active data
fail their checks (ui/data.py) every page shows a German banner instead of figures; only Daten stays usable.
"""

import streamlit as st

from biwaq_data import texts_de as T
from ui import auth, style
from ui.data import data_state, show_problem
from ui.navigation import pages_for
from ui.sidebar import keep_for_later, render_filters

st.set_page_config(page_title=T.APP_TITLE, page_icon=":material/insights:", layout="wide")
style.apply()  # contrast, phone layout, print stylesheet, lang="de" (ui/style.py)

access = auth.current_access()
if not access.granted:
    # Signed out, no role, sign-in expired or broken configuration: the gate is the app's only page.
    # No data is loaded and no filters or page links are drawn.
    auth.gate(access)
style.apply_script()  # lang="de", the print zoom and the quote's copy button (ui/style.py)

specs = {spec.path: spec for spec in pages_for(access.role)}
st_pages = {path: st.Page(spec.path, title=spec.title, icon=spec.icon, default=spec.default)
            for path, spec in specs.items()}
# Only the role's pages are registered, so a URL to any other page falls back to the default page.
page = st.navigation(list(st_pages.values()))
spec = next(specs[path] for path, p in st_pages.items() if p.url_path == page.url_path)
auth.require_page(spec)
st.set_page_config(page_title=f"{spec.title} · {T.APP_TITLE}")  # each page its own browser-tab title
state = data_state()
auth.render_account(access, sample_data=state.sample)
if state.dataset is None:
    # The active data fail their checks: a German banner, no figure and no filters. Only the Daten page goes on,
    # so that a data manager can activate another version or import a fix.
    show_problem(state, data_manager="pages/daten.py" in specs)
    daten = st_pages.get("pages/daten.py")
    if daten is None or page.url_path != daten.url_path:
        st.stop()
elif spec.uses_filters:
    render_filters(state.dataset)
else:
    keep_for_later()  # Daten: the figure filters do not apply there
page.run()

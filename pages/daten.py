"""Daten (data managers): the active data and its problems, importing new exports, the stored versions.

Nothing here computes figures: `biwaq_data.store.importing.check_upload_isolated` checks an upload (in a child
process with bounded memory) and returns the report,
`biwaq_data.store.snapshots.SnapshotStore` stores and activates versions. The page keeps the report of the last
"Prüfen" in session state until the user accepts or discards it; after saving or activating it reruns, so the
entry file loads the new active data (ui/data.py caches by snapshot id) and every page shows it.
"""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from biwaq_data import Filters
from biwaq_data import texts_de as T
from biwaq_data.errors import DataError
from biwaq_data.formatting import escape_markdown, format_date, format_int
from biwaq_data.store.importing import (MAX_UPLOAD_MB, ImportReport, SourceFile, check_upload_isolated,
                                        issues_to_csv, issues_to_excel)
from biwaq_data.ingest.reading import OPTIONAL_TABLES, TABLE_NAMES
from biwaq_data.store.snapshots import SnapshotInfo, SnapshotStore
from ui import auth
from ui.components import page_header
from ui.data import DataState, active_source, data_state, snapshot_store

D = T.DATA_PAGE_TEXTS
PENDING_KEY = "daten_pending"  # {"report": ImportReport, "fingerprint": tuple} of the last "Prüfen"
FLASH_KEY = "daten_flash"  # (section, text) shown once after the rerun that follows saving/activating
NONCE_KEY = "daten_upload_nonce"  # part of the uploader's key: a new value empties the uploader
VERSION_KEY = "daten_version"
UPLOAD_TYPES = ["csv", "xlsx", "parquet"]
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_C = T.ISSUE_COLUMNS_DE
# Problems tables: the long message last, so file, row, column, value and severity are always in view.
ISSUE_VIEW = {"column_order": [_C[c] for c in ("file", "row", "column", "value", "severity", "message")],
              "column_config": {_C["row"]: st.column_config.NumberColumn(format="%d", width="small")}}
COUNT_VIEW = {label: st.column_config.NumberColumn(format="localized")
              for label in (D["col_read"], D["col_accepted"], D["col_rejected"], D["col_participants_accepted"],
                            D["col_participants_rejected"])}


def _when(value) -> str:
    """A creation time as 30.09.2026 14:05."""
    return pd.Timestamp(value).strftime("%d.%m.%Y %H:%M")


def _flash(section: str, text: str) -> None:
    """A success message for `section` ("import", "versions"), shown once after the rerun."""
    st.session_state[FLASH_KEY] = (section, text)


def _reset_upload() -> None:
    """Forget the pending report and empty the uploader (new widget key)."""
    st.session_state.pop(PENDING_KEY, None)
    st.session_state[NONCE_KEY] = st.session_state.get(NONCE_KEY, 0) + 1


def show_flash(section: str) -> None:
    message = st.session_state.get(FLASH_KEY)
    if message and message[0] == section:
        del st.session_state[FLASH_KEY]
        st.success(message[1], icon=":material/check_circle:")


# --- Aktive Daten ----------------------------------------------------------------------------------------------


def _active_report(dataset, info: SnapshotInfo | None) -> ImportReport:
    """The active data in the shape of an import report, so that its tables and Excel come from the same helpers."""
    if info is not None:
        read, accepted, rejected = info.rows_read, info.rows_accepted, info.rows_rejected
        files = [SourceFile(f.get("name", ""), f.get("sha256", ""), int(f.get("size") or 0), tuple(f.get("tables", ())))
                 for f in info.source_files]
        tables = TABLE_NAMES + tuple(t for t in OPTIONAL_TABLES if t in read)
    else:
        # the optional tables (Zielwerte, Unternehmen) too when they were delivered, as in an upload's report
        tables = TABLE_NAMES + tuple(t for t in OPTIONAL_TABLES if t in dataset.files or t in dataset.rows_read)
        accepted = {t: len(getattr(dataset, t)) if getattr(dataset, t) is not None else 0 for t in tables}
        read = {t: dataset.rows_read.get(t, accepted[t]) for t in tables}
        rejected = {t: max(read[t] - accepted[t], 0) for t in tables}
        files = []
    names = (info.manifest.get("tables") or {}) if info is not None else {}  # the uploaded file, not the parquet
    counts = {t: {"file": names.get(t) or dataset.files.get(t, ""), "read": read.get(t), "accepted": accepted.get(t),
                  "rejected": rejected.get(t)} for t in tables}
    return ImportReport(dataset, None, counts, dataset.issues, files, dataset.snapshot_id)


def render_active_problem(state: DataState) -> None:
    """The active data fail their checks: what is wrong and what to do (nothing is shown from them)."""
    st.header(D["active_heading"], divider="gray")
    st.error(D["active_broken"].format(id=state.snapshot_id or "–", problem=escape_markdown(state.problem)),
             icon=":material/gpp_bad:")


def render_active(state: DataState, store: SnapshotStore) -> None:
    dataset = state.dataset
    st.header(D["active_heading"], divider="gray")
    info = store.get(dataset.snapshot_id) if state.origin == "snapshot" and dataset.snapshot_id else None
    source = active_source()
    on_sample = state.sample
    if info is not None:
        st.markdown(D["active_snapshot"].format(id=info.id, datenstand=format_date(dataset.datenstand),
                                                created=_when(info.created_at)))
    elif on_sample:
        st.info(D["active_sample"].format(datenstand=format_date(dataset.datenstand)), icon=":material/science:")
    else:
        st.info(D["active_folder"].format(source=escape_markdown(source), datenstand=format_date(dataset.datenstand)),
                icon=":material/folder:")
    if state.origin == "folder":
        st.caption(D["override_note"])

    report = _active_report(dataset, info)
    rows, files = st.columns([3, 2]) if report.files else (st.container(), None)
    with rows:
        st.markdown(f"**{D['active_rows']}**")
        st.dataframe(report.counts_frame(), hide_index=True, width="stretch", column_config=COUNT_VIEW)
    if files is not None:
        with files:
            st.markdown(f"**{D['active_files']}**")
            st.dataframe(pd.DataFrame({
                D["col_file"]: [f.name for f in report.files],
                D["col_sha"]: [f.sha256[:12] for f in report.files],
                D["col_tables"]: [", ".join(T.TABLE_LABELS.get(t, t) for t in f.tables) for f in report.files],
            }), hide_index=True, width="stretch")

    st.subheader(D["active_issues"])
    if report.issues.empty:
        st.caption(D["active_issues_none"])
        return
    st.caption(D["active_issues_count"].format(errors=format_int(report.n_errors),
                                               warnings=format_int(report.n_warnings)))
    st.dataframe(report.issues_de(), hide_index=True, width="stretch", **ISSUE_VIEW)
    name = dataset.snapshot_id or ("beispieldaten" if on_sample else "ordner")
    with st.container(horizontal=True):
        st.download_button(D["active_issues_download"], functools.partial(issues_to_excel, report),
                           file_name=f"biwaq_probleme_{name}.xlsx", mime=XLSX_MIME,
                           on_click="ignore", icon=":material/table_view:", key="daten_active_issues_xlsx")
        st.download_button(D["active_issues_download_csv"], functools.partial(issues_to_csv, report),
                           file_name=f"biwaq_probleme_{name}.csv", mime="text/csv",
                           on_click="ignore", icon=":material/download:", key="daten_active_issues_csv")


# --- Neue Daten importieren ------------------------------------------------------------------------------------


def render_report(report: ImportReport, store: SnapshotStore) -> None:
    """The validation report of an upload (nothing is changed yet) with the buttons to accept or discard it."""
    st.subheader(D["report_heading"])
    if report.error:
        st.error(escape_markdown(report.error), icon=":material/error:")
    if report.counts:
        with st.container(border=True, key="daten_counts"):
            for table, count in report.counts.items():
                with st.container(key=f"daten_count_{table}"):
                    name, read, accepted, rejected = st.columns([2, 1, 1, 1], vertical_alignment="center")
                    name.markdown(f"**{T.TABLE_LABELS.get(table, table)}**  \n{escape_markdown(count.get('file', ''))}")
                    read.metric(D["col_read"], format_int(count.get("read")))
                    accepted.metric(D["col_accepted"], format_int(count.get("accepted")))
                    rejected.metric(D["col_rejected"], format_int(count.get("rejected")))
    if report.ok:
        st.caption(D["report_summary"].format(
            seconds=f"{report.seconds:.1f}".replace(".", ","), datenstand=format_date(report.dataset.datenstand),
            id=report.snapshot_id, errors=format_int(report.n_errors), warnings=format_int(report.n_warnings)))
    else:
        st.warning(D["report_not_ok"], icon=":material/block:")

    issues = report.issues_de()
    if issues.empty:
        st.success(D["report_no_issues"], icon=":material/task_alt:")
    else:
        st.markdown(f"**{D['report_issues'].format(n=format_int(len(issues)))}**")
        st.dataframe(issues, hide_index=True, width="stretch", **ISSUE_VIEW)
    with st.container(horizontal=True):
        st.download_button(D["report_download"], functools.partial(issues_to_excel, report),
                           file_name=f"biwaq_pruefbericht_{report.snapshot_id or 'fehler'}.xlsx", mime=XLSX_MIME,
                           on_click="ignore", icon=":material/table_view:", key="daten_report_xlsx")
        st.download_button(D["report_download_csv"], functools.partial(issues_to_csv, report),
                           file_name=f"biwaq_pruefbericht_{report.snapshot_id or 'fehler'}.csv", mime="text/csv",
                           on_click="ignore", icon=":material/download:", key="daten_report_csv")

    existing = store.get(report.snapshot_id) if report.ok else None
    if existing is not None:
        st.info(D["already_imported"].format(id=existing.id, created=_when(existing.created_at)),
                icon=":material/content_copy:")
    st.caption(D["nothing_changed"])
    with st.container(horizontal=True):
        accept = st.button(D["accept_button"], type="primary", disabled=not report.ok, key="daten_accept",
                           icon=":material/check:")
        discard = st.button(D["discard_button"], key="daten_discard", icon=":material/delete:")
    if accept:
        try:
            with st.spinner(D["saving"]):
                info = store.save(report)
        except DataError as exc:
            st.error(escape_markdown(str(exc)), icon=":material/error:")
            return
        text = D["saved_existing" if info.already_existed else "saved"]
        _flash("import", text.format(id=info.id, datenstand=format_date(info.datenstand)))
        _reset_upload()
        st.session_state.pop(VERSION_KEY, None)  # the version picker starts at the new active version
        st.rerun()
    if discard:
        _reset_upload()
        st.rerun()


def render_import(store: SnapshotStore) -> None:
    st.header(D["import_heading"], divider="gray")
    st.caption(D["import_help_text"])
    show_flash("import")
    nonce = st.session_state.get(NONCE_KEY, 0)
    files_col, stand_col = st.columns([3, 1])
    uploads = files_col.file_uploader(D["uploader"], type=UPLOAD_TYPES, accept_multiple_files=True,
                                      help=D["uploader_help"].format(limit=MAX_UPLOAD_MB), key=f"daten_upload_{nonce}")
    stand = stand_col.date_input(D["datenstand_input"], value=None, format="DD.MM.YYYY", help=D["datenstand_help"],
                                 key=f"daten_stand_{nonce}")
    check = stand_col.button(D["check_button"], type="primary", disabled=not uploads, icon=":material/fact_check:",
                             key="daten_check", width="stretch")
    fingerprint = (tuple((f.file_id, f.name, f.size) for f in uploads or []), stand)
    pending = st.session_state.get(PENDING_KEY)
    if check:
        with st.spinner(D["checking"]):
            # in a child process with bounded memory and time: a hostile file never takes the server down
            report = check_upload_isolated(uploads, datenstand=pd.Timestamp(stand) if stand else None)
        pending = st.session_state[PENDING_KEY] = {"report": report, "fingerprint": fingerprint}
    elif pending is not None and pending["fingerprint"] != fingerprint:
        st.session_state.pop(PENDING_KEY, None)  # files or Datenstand changed since "Prüfen": check again
        pending = None
    if pending is not None:
        render_report(pending["report"], store)


# --- Versionen -------------------------------------------------------------------------------------------------


def render_versions(store: SnapshotStore) -> None:
    st.header(D["versions_heading"], divider="gray")
    show_flash("versions")
    infos = store.list()
    damaged = store.damaged()
    if damaged:
        st.warning(D["versions_damaged"].format(ids=", ".join(f"`{i}`" for i, _ in damaged)),
                   icon=":material/report:")
    if not infos:
        st.caption(D["versions_none"])
        return
    st.caption(D["versions_caption"])
    st.dataframe(pd.DataFrame({
        D["col_id"]: [i.id for i in infos],
        D["col_datenstand"]: [format_date(i.datenstand) for i in infos],
        D["col_created"]: [_when(i.created_at) for i in infos],
        D["col_participants_accepted"]: pd.array([i.rows_accepted.get("participants") for i in infos], "Int64"),
        D["col_participants_rejected"]: pd.array([i.rows_rejected.get("participants") for i in infos], "Int64"),
        D["col_source"]: [", ".join(f.get("name", "") for f in i.source_files) for i in infos],
        D["col_active"]: ["✓" if i.active else "" for i in infos],
    }), hide_index=True, width="stretch", column_config=COUNT_VIEW)
    labels = {i.id: D["version_option"].format(id=i.id, datenstand=format_date(i.datenstand),
                                               created=_when(i.created_at))
              + (D["version_active_suffix"] if i.active else "") for i in infos}
    active = next((i.id for i in infos if i.active), None)  # None: the active one is damaged or missing
    pick_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    choice = pick_col.selectbox(D["version_select"], list(labels), index=list(labels).index(active or infos[0].id),
                                format_func=labels.get, key=VERSION_KEY)
    if button_col.button(D["activate_button"], disabled=choice == active, key="daten_activate",
                         icon=":material/history:", width="stretch"):
        try:
            info = store.activate(choice)
        except DataError as exc:
            st.error(escape_markdown(str(exc)), icon=":material/error:")
            return
        _flash("versions", D["activated"].format(id=info.id, datenstand=format_date(info.datenstand)))
        st.rerun()


# Data managers only. The entry file checks this too; the page checks again because Streamlit runs a file under
# pages/ directly (without dashboard.py) when it is the first URL a freshly started server is asked for.
auth.require_page(__file__)
state, store = data_state(), snapshot_store()
if state.dataset is None:  # the active data fail their checks: no figures, but versions and import stay usable
    st.title(T.PAGE_TITLES["data"])
    st.caption(D["intro"])
    render_active_problem(state)
else:
    page_header(T.PAGE_TITLES["data"], state.dataset, Filters(), intro=D["intro"])  # sidebar filters do not apply
    render_active(state, store)
render_import(store)
render_versions(store)

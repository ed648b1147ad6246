"""AppTest of the Daten page: active data, a real upload through st.file_uploader, the report, accept, versions.

Every test uses its own data folder (BIWAQ_DATA_DIR = tmp_path), so nothing is written into the project's data/.
The uploads are CSV exports of the sample generator (300 participants) with one broken date.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from biwaq_data import metrics
from biwaq_data.tools import sample
from biwaq_data import texts_de as T
from biwaq_data.formatting import format_date, format_int
from biwaq_data.store.importing import MAX_UPLOAD_MB, check_upload
from biwaq_data.store.snapshots import SnapshotStore

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PAGE = "pages/daten.py"
D = T.DATA_PAGE_TEXTS
BAD_LINE = 6  # line of the file (header = line 1) whose Eintrittsdatum is broken
BAD_DATE = "31.02.2025"


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, bytes]:
    """participants.csv, outcomes.csv, services.csv for 300 people; one participant has an impossible date."""
    folder = tmp_path_factory.mktemp("export")
    paths = sample.write(folder, 300)
    lines = paths["participants"].read_text(encoding="utf-8-sig").splitlines()
    cells = lines[BAD_LINE - 1].split(";")
    cells[2] = BAD_DATE  # Eintrittsdatum
    lines[BAD_LINE - 1] = ";".join(cells)
    paths["participants"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {p.name: p.read_bytes() for t, p in paths.items() if t in ("participants", "outcomes", "services")}


@pytest.fixture()
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "snapshots"
    monkeypatch.setenv("BIWAQ_DATA_DIR", str(folder))
    monkeypatch.delenv("BIWAQ_DATA_SOURCE", raising=False)
    return folder


def open_page(path: str = PAGE, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(path).run()
    assert_ok(at)
    return at


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def upload(at: AppTest, files: dict[str, bytes]) -> AppTest:
    """Put files into the page's st.file_uploader (as the browser would) and press "Prüfen"."""
    at.file_uploader[0].set_value([(name, data, "text/csv") for name, data in files.items()])
    at.run()
    assert_ok(at)
    at.button(key="daten_check").click().run()
    assert_ok(at)
    return at


def texts(at: AppTest, kind: str) -> str:
    return " ".join(str(e.value) for e in at.get(kind))


def metric_rows(at: AppTest) -> list[tuple[str, str, str]]:
    """(gelesen, übernommen, abgelehnt) per table card of the report."""
    values = [m.value for m in at.metric]
    assert [m.label for m in at.metric] == [D["col_read"], D["col_accepted"], D["col_rejected"]] * (len(values) // 3)
    return [tuple(values[i:i + 3]) for i in range(0, len(values), 3)]


def report_issues(at: AppTest) -> pd.DataFrame:
    frames = [d.value for d in at.dataframe if T.ISSUE_COLUMNS_DE["message"] in d.value.columns]
    assert frames, "no issues table shown"
    return frames[-1]


def test_page_runs_on_sample_data(data_dir):
    at = open_page()
    assert "30.09.2026" in texts(at, "markdown")  # Datenstand in the header
    assert "Beispieldaten" in texts(at, "info")  # no snapshot yet: the bundled sample is used
    assert D["versions_none"] in texts(at, "caption")
    uploader = at.file_uploader[0]
    assert uploader.accept_multiple_files
    assert sorted(uploader.allowed_type) == [".csv", ".parquet", ".xlsx"]
    assert f"{MAX_UPLOAD_MB} MB" in uploader.help
    for name in ("teilnehmende", "participants", "ergebnisse", "outcomes", "leistungen", "services"):
        assert name in uploader.help
    assert at.button(key="daten_check").disabled  # nothing to check yet
    assert not data_dir.exists() or not any(data_dir.iterdir())


def test_upload_with_errors_shows_report_before_anything_changes(data_dir, exports):
    at = upload(open_page(), exports)
    assert metric_rows(at) == [("300", "299", "1"), ("177", "177", "0"), ("1.029", "1.025", "4")]
    issues = report_issues(at)
    bad = issues[issues[T.ISSUE_COLUMNS_DE["value"]] == BAD_DATE]
    assert len(bad) == 1
    row = bad.iloc[0]
    assert row[T.ISSUE_COLUMNS_DE["file"]] == "participants.csv"
    assert row[T.ISSUE_COLUMNS_DE["row"]] == BAD_LINE
    assert row[T.ISSUE_COLUMNS_DE["column"]] == "Eintrittsdatum"
    assert row[T.ISSUE_COLUMNS_DE["severity"]] == T.SEVERITY_LABELS["error"]
    assert "Datum" in row[T.ISSUE_COLUMNS_DE["message"]]
    # the services of the rejected person are listed with their file and row as well
    assert set(issues[T.ISSUE_COLUMNS_DE["file"]]) == {"participants.csv", "services.csv"}
    assert [b.label for b in at.get("download_button") if b.label == D["report_download"]]
    expected = check_upload(list(exports.items()))
    assert f"`{expected.snapshot_id}`" in texts(at, "caption")
    assert not at.button(key="daten_accept").disabled
    # nothing stored, the sample is still shown
    assert SnapshotStore(data_dir).list() == []
    assert "Beispieldaten" in texts(at, "info")


def test_accept_makes_a_new_active_snapshot_shown_everywhere(data_dir, exports):
    at = upload(open_page(), exports)
    at.button(key="daten_accept").click().run()
    assert_ok(at)
    store = SnapshotStore(data_dir)
    [info] = store.list()
    assert info.active and store.active_id() == info.id
    assert info.id == check_upload(list(exports.items())).snapshot_id
    assert info.rows_accepted["participants"] == 299 and info.rows_rejected["participants"] == 1
    assert info.id in texts(at, "success")
    markdown = texts(at, "markdown")
    assert f"{T.SNAPSHOT}:** {info.id}" in markdown and "29.09.2026" in markdown  # header: Datenversion and new Datenstand
    assert "Beispieldaten" not in texts(at, "info")
    assert at.dataframe[-1].value[D["col_active"]].tolist() == ["✓"]  # Versionen
    assert at.file_uploader[0].value in (None, [])  # the uploader was emptied
    assert "daten_pending" not in at.session_state
    # the rejected row of the active data is listed with a download
    active_issues = report_issues(at)
    assert BAD_DATE in active_issues[T.ISSUE_COLUMNS_DE["value"]].tolist()

    # the Überblick now shows the imported figures
    at.switch_page("pages/ueberblick.py").run()
    assert_ok(at)
    headline = metrics.headline(store.load())
    cards = {m.label: m.value for m in at.metric}
    assert cards[T.METRIC_LABELS["participants"]] == format_int(headline["participants"]) == "299"
    assert f"{T.SNAPSHOT}:** {info.id}" in texts(at, "markdown")


def test_identical_files_are_recognised(data_dir, exports):
    store = SnapshotStore(data_dir)
    first = store.save(check_upload(list(exports.items())))
    at = upload(open_page(), exports)
    assert first.id in texts(at, "info")
    assert "bereits importiert" in texts(at, "info")
    at.button(key="daten_accept").click().run()
    assert_ok(at)
    assert [i.id for i in store.list()] == [first.id]


def test_unusable_upload_shows_message_and_cannot_be_accepted(data_dir, exports):
    files = {name: data for name, data in exports.items() if name != "services.csv"}
    files["leistungen.csv"] = b""  # empty file
    at = upload(open_page(), files)
    assert len(at.error) == 1
    message = at.error[0].value
    assert "leistungen.csv" in message and "leer" in message
    assert "Traceback" not in message
    assert at.button(key="daten_accept").disabled
    assert report_issues(at).iloc[0][T.ISSUE_COLUMNS_DE["message"]] == message
    assert SnapshotStore(data_dir).list() == []


def test_discard_forgets_the_report(data_dir, exports):
    at = upload(open_page(), exports)
    at.button(key="daten_discard").click().run()
    assert_ok(at)
    assert "daten_pending" not in at.session_state
    assert not at.metric
    assert at.file_uploader[0].value in (None, [])
    assert SnapshotStore(data_dir).list() == []


def test_changed_files_need_a_new_check(data_dir, exports):
    at = upload(open_page(), exports)
    assert at.metric
    at.file_uploader[0].set_value([(n, d, "text/csv") for n, d in exports.items() if n != "outcomes.csv"])
    at.run()
    assert_ok(at)
    assert not at.metric and "daten_pending" not in at.session_state


def test_datenstand_can_be_set(data_dir, exports):
    at = open_page()
    at.file_uploader[0].set_value([(n, d, "text/csv") for n, d in exports.items()])
    at.date_input(key="daten_stand_0").set_value(date(2026, 6, 30))
    at.run()
    at.button(key="daten_check").click().run()
    assert_ok(at)
    assert "Datenstand **30.06.2026**" in texts(at, "caption")
    at.button(key="daten_accept").click().run()
    assert_ok(at)
    assert SnapshotStore(data_dir).active().datenstand == pd.Timestamp("2026-06-30")
    assert "30.06.2026" in texts(at, "markdown")


def test_activate_an_older_version(data_dir, exports):
    store = SnapshotStore(data_dir)
    older = store.save(check_upload(list(exports.items()), datenstand=pd.Timestamp("2026-06-30")))
    newer = store.save(check_upload(list(exports.items())))
    assert store.active_id() == newer.id
    at = open_page()
    versions = at.dataframe[-1].value
    assert versions[D["col_id"]].tolist() == [newer.id, older.id]  # newest first
    assert versions[D["col_active"]].tolist() == ["✓", ""]
    assert versions[D["col_datenstand"]].tolist() == ["29.09.2026", "30.06.2026"]
    assert at.button(key="daten_activate").disabled  # the active one is selected
    at.selectbox(key="daten_version").set_value(older.id).run()
    at.button(key="daten_activate").click().run()
    assert_ok(at)
    assert store.active_id() == older.id
    assert older.id in texts(at, "success")
    assert f"{T.SNAPSHOT}:** {older.id}" in texts(at, "markdown") and format_date(older.datenstand) in texts(at, "markdown")
    assert at.dataframe[-1].value[D["col_active"]].tolist() == ["", "✓"]


def test_sidebar_filters_do_not_apply(data_dir):
    at = open_page(query={"ortsteil": "Marxloh (Hamborn)", "traeger": "GfB Hochfeld"})
    assert not at.warning  # no "nobody selected": this page is about all records
    assert T.NO_FILTERS in texts(at, "caption")
    rows = at.dataframe[0].value
    assert rows[D["col_read"]].tolist() == [827, 512, 2836, 13, 24]  # the whole sample (with Zielwerte, Unternehmen)


@pytest.mark.parametrize("who", ["signed_out", "analyst", "data_manager"])
def test_page_run_on_its_own_checks_the_role(data_dir, who):
    """Streamlit runs pages/daten.py without dashboard.py when it is the first URL a fresh server gets (pages/
    folder mode); the page then checks sign-in and role itself."""
    from tests.test_auth import AUTH, BIWAQ, USERS

    at = AppTest.from_file(str(Path(APP).parent / PAGE), default_timeout=120)
    at.secrets["auth"], at.secrets["biwaq"] = AUTH, BIWAQ
    if who != "signed_out":
        at.user = USERS[who]
    at.run()
    assert_ok(at)
    assert bool(at.file_uploader) == (who == "data_manager")
    if who == "signed_out":
        assert [b.label for b in at.button] == [T.AUTH_SIGN_IN]
    elif who == "analyst":
        assert T.AUTH_PAGE_REFUSED.format(role=T.ROLE_LABELS["analyst"]) in texts(at, "error")


def _count_rows(at: AppTest) -> dict[str, tuple]:
    """The active data's counts table (Tabelle, gelesen, übernommen, abgelehnt) as shown on the page."""
    C = T.IMPORT_COUNT_COLUMNS_DE
    [frame] = [d.value for d in at.dataframe if C["table"] in d.value.columns]
    return {r[C["table"]]: (r[C["read"]], r[C["accepted"]], r[C["rejected"]]) for _, r in frame.iterrows()}


def test_active_data_lists_the_optional_tables_too(data_dir):
    """Zielwerte and Unternehmen are counted like the three main tables: for the sample and after an import."""
    rows = _count_rows(open_page())
    assert rows[T.TABLE_LABELS["enterprises"]] == (24, 24, 0) and rows[T.TABLE_LABELS["targets"]] == (13, 13, 0)
    sample_files = {p.name: p.read_bytes() for p in sorted((Path(__file__).parent.parent / "sample_data").glob("*.csv"))}
    store = SnapshotStore(data_dir)
    info = store.save(check_upload(list(sample_files.items())))
    assert info.rows_read["enterprises"] == 24 and info.rows_accepted["targets"] == 13
    rows = _count_rows(open_page())
    assert rows[T.TABLE_LABELS["participants"]] == (827, 827, 0)
    assert rows[T.TABLE_LABELS["enterprises"]] == (24, 24, 0) and rows[T.TABLE_LABELS["targets"]] == (13, 13, 0)

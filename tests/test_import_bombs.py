"""Imports cannot exhaust the server (issue 17): the xlsx zip bomb is refused from its zip directory, a junk CSV
after its first rows, issue rows are capped per rule with a summary row, the check of an upload runs in a child
process with a memory limit, and the caller's memory does not grow over repeated hostile uploads.

Speed lives in the benchmark (docs/benchmark.md, import section); these tests assert behaviour and memory.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from biwaq_data.tools import hostile
from biwaq_data import texts_de as T
from biwaq_data.store.importing import check_upload, check_upload_isolated
from biwaq_data.ingest.validation import MAX_ISSUES_PER_RULE, MORE_RULE

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
TODAY = pd.Timestamp("2026-10-01")


def with_participants(name: str, data: bytes) -> list[tuple[str, bytes]]:
    return [(name, data)] + [(n, (SAMPLE / n).read_bytes()) for n in ("outcomes.csv", "services.csv")]


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return hostile.xlsx_bomb(338)  # 338 MB of sheet XML in about 1,4 MB, as in the probe


@pytest.fixture(scope="module")
def junk() -> bytes:
    return hostile.junk_csv(8.6)


def test_zip_bomb_is_refused_before_parsing(bomb):
    assert len(bomb) < 2 * 1024 * 1024
    report = check_upload(with_participants("teilnehmende.xlsx", bomb), today=TODAY)
    assert not report.ok and report.dataset is None
    assert "teilnehmende.xlsx" in report.error and "entpackt viel zu groß" in report.error
    assert "xl/worksheets/sheet1.xml" in report.error and "höchstens 100-fach" in report.error


def test_too_large_total_is_refused(monkeypatch):
    from biwaq_data import workbook

    monkeypatch.setattr(workbook, "MAX_XLSX_UNCOMPRESSED", 5 * 1024 * 1024)
    moderate = hostile.xlsx_bomb(8)
    report = check_upload(with_participants("teilnehmende.xlsx", moderate), today=TODAY)
    assert "entpackt viel zu groß" in report.error and "statt höchstens 5 MB" in report.error


def test_a_normal_workbook_passes_the_archive_check(tmp_path):
    frames = {n.split(".")[0]: pd.read_csv(SAMPLE / n, sep=";", dtype=str, keep_default_na=False,
                                           encoding="utf-8-sig") for n in ("participants.csv", "outcomes.csv",
                                                                           "services.csv")}
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as writer:
        for sheet, frame in zip(("Teilnehmende", "Ergebnisse", "Leistungen"), frames.values()):
            frame.to_excel(writer, sheet_name=sheet, index=False)
    report = check_upload([("export.xlsx", path.read_bytes())], today=TODAY, datenstand="2026-09-30")
    assert report.ok, report.error
    assert report.counts["participants"]["accepted"] == 827


def test_junk_csv_is_refused_after_its_first_rows_with_capped_issues(junk):
    report = check_upload(with_participants("teilnehmende.csv", junk), today=TODAY)
    assert not report.ok
    assert report.error.startswith("teilnehmende.csv: Keine der ersten") and "nicht weiter gelesen" in report.error
    issues = report.issues
    listed = issues[issues["rule"] != MORE_RULE]
    assert listed.groupby(["column", "rule"]).size().max() <= MAX_ISSUES_PER_RULE
    more = issues[issues["rule"] == MORE_RULE]
    assert len(more) > 0 and more["row"].isna().all()
    first = more.iloc[0]
    assert first["message"].startswith("… und ") and "weitere Zeilen mit demselben Problem" in first["message"]
    assert report.n_errors == int((listed["severity"] == "error").sum()) + int(
        more.loc[more["severity"] == "error", "value"].astype(int).sum())
    pairs = issues.groupby(["column", "rule"]).ngroups  # each (column, rule): at most the cap plus one summary row
    assert len(issues) <= pairs * (MAX_ISSUES_PER_RULE + 1)


def test_issues_are_capped_per_rule_with_a_summary_row():
    """3.000 broken dates in one column (a small file, fully read): 1.000 listed, one row for the other 2.000;
    the rejected count stays exact."""
    p = pd.read_csv(SAMPLE / "participants.csv", sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    big = pd.concat([p] * 4, ignore_index=True)
    big["Teilnehmer-ID"] = [f"TN-{i:06d}" for i in range(len(big))]
    big.loc[:2999, "Eintrittsdatum"] = "31.02.2024"
    data = big.to_csv(sep=";", index=False, lineterminator="\n").encode("utf-8")
    report = check_upload([("participants.csv", data), ("outcomes.csv", b"Teilnehmer-ID;Ergebnis;Ergebnisdatum\n"
                           b"TN-003100;Ausbildung;01.08.2025\n"), ("services.csv", (SAMPLE / "services.csv").read_bytes())],
                          today=TODAY, datenstand="2026-09-30")
    assert report.ok, report.error
    dates = report.issues[(report.issues["column"] == "Eintrittsdatum")]
    assert (dates["rule"] == "invalid_date").sum() == MAX_ISSUES_PER_RULE
    summary = dates[dates["rule"] == MORE_RULE]
    assert len(summary) == 1 and summary.iloc[0]["value"] == "2000"
    assert summary.iloc[0]["message"] == T.ISSUES_MORE.format(n="2.000", message=T.RULE_MESSAGES["invalid_date"])
    assert report.counts["participants"]["rejected"] == 3000
    assert report.dataset.rows_rejected["participants"] == 3000
    assert report.n_errors >= 3000


def test_isolated_check_gives_the_same_report(junk):
    files = [(n, (SAMPLE / n).read_bytes()) for n in ("participants.csv", "outcomes.csv", "services.csv")]
    inside = check_upload(files, datenstand="2026-09-30")
    isolated = check_upload_isolated(files, datenstand="2026-09-30")
    assert isolated.ok and isolated.snapshot_id == inside.snapshot_id
    assert isolated.counts == inside.counts
    assert [f.data for f in isolated.files] == [d for _, d in files]  # the bytes, for the stored originals
    pd.testing.assert_frame_equal(isolated.dataset.participants, inside.dataset.participants)
    refused = check_upload_isolated(with_participants("teilnehmende.csv", junk))
    assert not refused.ok and "Keine der ersten" in refused.error


def test_isolated_check_over_its_memory_limit_gives_a_german_error():
    files = [(n, (SAMPLE / n).read_bytes()) for n in ("participants.csv", "outcomes.csv", "services.csv")]
    report = check_upload_isolated(files, memory_mb=1)
    assert not report.ok and report.dataset is None
    assert "Speicher" in report.error and "Traceback" not in report.error


def test_caller_memory_is_returned_after_ten_hostile_uploads(tmp_path):
    """The server side of ten hostile uploads (five bombs, five junk files): resident memory stays within 50 MB."""
    script = tmp_path / "ten.py"
    script.write_text(textwrap.dedent("""
        import gc, json, sys
        sys.path.insert(0, sys.argv[1])
        from pathlib import Path
        from biwaq_data.tools import hostile
        from biwaq_data.store.importing import check_upload_isolated

        def rss_mb():
            with open("/proc/self/status") as fh:
                return next(int(l.split()[1]) for l in fh if l.startswith("VmRSS:")) / 1024

        sample = Path(sys.argv[1]) / "sample_data"
        rest = [(n, (sample / n).read_bytes()) for n in ("outcomes.csv", "services.csv")]
        bomb, junk = hostile.xlsx_bomb(338), hostile.junk_csv(8.6)
        check_upload_isolated([("teilnehmende.xlsx", bomb)] + rest)  # warm up: imports, first child
        gc.collect()
        before = rss_mb()
        errors = []
        for _ in range(5):  # ten uploads: five bombs, five junk files
            for name, data in (("teilnehmende.xlsx", bomb), ("teilnehmende.csv", junk)):
                errors.append(check_upload_isolated([(name, data)] + rest).error)
        gc.collect()
        print(json.dumps({"before": before, "after": rss_mb(), "errors": errors}))
    """))
    out = subprocess.run([sys.executable, str(script), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert all(result["errors"]) and len(result["errors"]) == 10
    assert result["after"] - result["before"] < 50, result


def test_daten_page_refuses_the_bomb(tmp_path, monkeypatch, bomb):
    monkeypatch.setenv("BIWAQ_DATA_DIR", str(tmp_path / "snapshots"))
    monkeypatch.delenv("BIWAQ_DATA_SOURCE", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180)
    at.switch_page("pages/daten.py").run()
    at.file_uploader[0].set_value([("teilnehmende.xlsx", bomb, "application/octet-stream")] + [
        (n, (SAMPLE / n).read_bytes(), "text/csv") for n in ("outcomes.csv", "services.csv")])
    at.run()
    at.button(key="daten_check").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "entpackt viel zu groß" in " ".join(e.value for e in at.error)
    assert at.button(key="daten_accept").disabled
    assert not (tmp_path / "snapshots").exists() or not any((tmp_path / "snapshots").iterdir())

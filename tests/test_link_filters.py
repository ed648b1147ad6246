"""A link with filters the app cannot apply says which filter was ignored and why (issue 17), instead of dropping
it silently or showing "keine Teilnehmenden"."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from biwaq_data import texts_de as T

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
L = T.FILTER_LABELS


def open_with(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def participants(at: AppTest) -> str:
    return {m.label: m.value for m in at.metric}[T.METRIC_LABELS["participants"]]


def notes(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning)


@pytest.mark.parametrize("query,label,reason", [
    ({"zeitraum": "31.02.2024"}, L["period"], T.FILTER_REASON_BAD_DATE.format(value="31.02.2024")),
    ({"zeitraum": ["2019-01-01", "2024-06-30"]}, L["period"],
     T.FILTER_REASON_OUT_OF_RANGE.format(value="01.01.2019", first="09.01.2023", last="30.09.2026")),
    ({"zeitraum": ["2025-06-01", "2024-01-01"]}, L["period"],
     T.FILTER_REASON_REVERSED.format(start="01.06.2025", end="01.01.2024")),
    ({"traeger": "Nirgendwo"}, L["providers"], T.FILTER_REASON_UNKNOWN.format(value="Nirgendwo")),
    ({"migration": "vielleicht"}, L["migration_background"], T.FILTER_REASON_UNKNOWN.format(value="vielleicht")),
])
def test_ignored_link_filter_is_named_with_its_reason(monkeypatch, tmp_path, query, label, reason):
    monkeypatch.setenv("BIWAQ_DATA_DIR", str(tmp_path / "none"))  # the bundled sample
    at = open_with(query)
    assert T.FILTER_LINK_IGNORED.format(label=label, reason=reason) in notes(at)
    assert participants(at) == "827"  # the filter is not applied: all participants, never "keine Teilnehmenden"
    assert T.EMPTY_SELECTION not in notes(at)


def test_valid_values_of_the_same_link_still_apply(monkeypatch, tmp_path):
    monkeypatch.setenv("BIWAQ_DATA_DIR", str(tmp_path / "none"))
    at = open_with({"traeger": ["Nirgendwo", "GfB Hochfeld"]})
    assert T.FILTER_REASON_UNKNOWN.format(value="Nirgendwo") in notes(at)
    assert "GfB Hochfeld" not in notes(at)
    assert participants(at) == open_with({"traeger": "GfB Hochfeld"}).metric[0].value != "827"


def test_a_valid_link_shows_no_note(monkeypatch, tmp_path):
    monkeypatch.setenv("BIWAQ_DATA_DIR", str(tmp_path / "none"))
    at = open_with({"zeitraum": ["2024-01-01", "2024-06-30"], "ortsteil": "Marxloh (Hamborn)"})
    assert "Aus dem Link" not in notes(at)

"""AppTest of the steering pages (issue 16): Soll-Ist, Kohorten and the period presets set through the URL."""

from __future__ import annotations

import json

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import biwaq_data as b
from biwaq_data import texts_de as T
from biwaq_data.figures import targets as tg
from biwaq_data.formatting import format_int
from ui.navigation import PAGES, pages_for

from apptests import html_tables

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


@pytest.fixture(scope="module")
def dataset():
    return b.load_dataset(SAMPLE)


def run_page(path: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if path != PAGES[0].path:
        at.switch_page(path).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_soll_ist_registered_for_analysts_not_press():
    paths = lambda role: {p.path for p in pages_for(role)}  # noqa: E731
    assert "pages/soll_ist.py" in paths("analyst") and "pages/soll_ist.py" in paths("data_manager")
    assert "pages/soll_ist.py" not in paths("press")


def test_soll_ist_page_shows_every_target_with_its_status(dataset):
    at = run_page("pages/soll_ist.py")
    want = tg.progress(dataset)
    table = html_tables(at)[0]
    assert len(table) == len(want) == len(dataset.targets)
    statuses = [s.split(" ", 1)[1] for s in table[T.TARGET_COLUMNS_DE["status"]]]
    assert statuses == [T.TARGET_STATUS_LABELS[s] for s in want["status"]]
    status_at = list(table.columns).index(T.TARGET_COLUMNS_DE["status"])  # the status cell carries its colour
    assert [row[status_at] for row in table.attrs["classes"]] == [f"biwaq-status-{s.replace('_', '-')}"
                                                                  for s in want["status"]]
    assert list(table[T.TARGET_COLUMNS_DE["actual"]])[:3] == [format_int(v) for v in want["actual"][:3]]
    summary = next(md.value for md in at.markdown if md.value.startswith(f"**{T.TARGET_SUMMARY_LABEL}:**"))
    for s in T.TARGET_STATUS_LABELS:  # one badge per status with its count
        assert f"{T.TARGET_STATUS_ICONS[s]} {int((want['status'] == s).sum())} {T.TARGET_STATUS_LABELS[s]}]" in summary
    assert any(T.TARGET_RULES[:40] in md.value for md in at.markdown)


def test_soll_ist_follows_the_provider_filter(dataset):
    at = run_page("pages/soll_ist.py", {"traeger": "GfB Hochfeld"})
    providers = set(html_tables(at)[0][T.TARGET_COLUMNS_DE["provider"]])
    assert providers == {"GfB Hochfeld", T.TARGET_ALL_PROVIDERS}


def test_kohorten_page_shows_open_windows_and_medians(dataset):
    from biwaq_data.figures import cohorts

    at = run_page("pages/kohorten.py")
    want = cohorts.cohort_table(dataset)
    table = html_tables(at)[0]
    assert list(table[T.COHORT_COLUMNS_DE["cohort"]]) == list(want["cohort"])
    col12 = table[T.COHORT_COLUMNS_DE["reached_12"]]
    assert list(col12 == T.COHORT_OPEN) == list(want["open_12"])
    # the time to first outcome is the second view: not computed or drawn until opened
    assert [t.label for t in at.tabs] == list(T.COHORT_VIEWS.values())
    assert len(at.metric) == 0 and len(at.get("plotly_chart")) == 1
    at = run_page("pages/kohorten.py", {"ansicht": T.COHORT_VIEWS["survival"]})
    assert at.query_params["ansicht"] == T.COHORT_VIEWS["survival"]  # the open view is part of the link
    assert html_tables(at) == [] and len(at.get("plotly_chart")) == 1  # the cohort table and chart are not sent
    cards = {m.label: m.value for m in at.metric}
    assert set(cards) == {f"{T.SURVIVAL_MEDIAN}: {p}" for p in dataset.participants["provider"].cat.categories}
    assert all(v.startswith("bis Tag ") for v in cards.values())  # publication mode: on the 30-day grid


def test_kohorten_page_unprotected_shows_exact_medians(dataset):
    from biwaq_data.figures import cohorts

    at = run_page("pages/kohorten.py", {"schutz": "false", "kurve": T.SURVIVAL_GROUPS["all"],
                                         "ansicht": T.COHORT_VIEWS["survival"]})
    median = cohorts.medians(cohorts.survival(dataset, by="all"))["median_days"].iloc[0]
    assert {m.label: m.value for m in at.metric} == {f"{T.SURVIVAL_MEDIAN}: alle": f"{format_int(median)} Tage"}


def test_kohorten_of_one_ortsteil_are_rounded_on_the_page(dataset):
    """Hochfeld is not the programme: the cohort table shows counts rounded to tens and "/" for the shares (every
    cohort rounds below 50), the chart says why it has no lines, and the rounding and "/" rules once each."""
    nr = int(dataset.participants.loc[dataset.participants["ortsteil"] == "Hochfeld", "ortsteil_nr"].iloc[0])
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["ortsteil"] = [nr]  # sidebar widgets: state before the run (st.navigation)
    at.run()
    at.switch_page("pages/kohorten.py").run()
    assert not at.exception, [e.message for e in at.exception]
    table = html_tables(at)[0]
    sizes = table[T.COHORT_COLUMNS_DE["persons"]]
    assert all(int(v.replace(".", "")) % 10 == 0 for v in sizes)
    col12 = table[T.COHORT_COLUMNS_DE["reached_12"]]
    assert all(v == T.COHORT_OPEN or v.endswith("(/)") for v in col12)
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)  # an empty state in the chart's frame, no lines
    assert [a["text"] for a in fig["layout"]["annotations"]] == [T.COHORT_NO_SHARES_CHART]
    captions = [c.value for c in at.caption]
    assert sum(T.PUBLICATION_ROUNDED_FOOTNOTE in c for c in captions) == 1
    assert sum(T.PUBLICATION_UNRELIABLE_FOOTNOTE in c for c in captions) == 1

"""Cohorts and time to first outcome (issue 16), recounted in plain Python over the raw CSV rows."""

from __future__ import annotations

import calendar
import csv
import io
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import biwaq_data as b
from biwaq_data import texts_de as T
from biwaq_data.figures import cohorts as co
from biwaq_data.publish.cohorts import publish_cohorts, publish_survival


def _d(text: str) -> date | None:
    if not text:
        return None
    day, month, year = text.split(".")
    return date(int(year), int(month), int(day))


def _rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))


def _add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _quarter(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _quarter_end(year: int, q: int) -> date:
    return date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])


def recount(folder: Path, stand: date):
    people = {r["Teilnehmer-ID"]: (r["Träger"], _d(r["Eintrittsdatum"]), _d(r["Austrittsdatum"]))
              for r in _rows(folder / "participants.csv")}
    work, first = {}, {}
    for r in _rows(folder / "outcomes.csv"):
        pid, day = r["Teilnehmer-ID"], _d(r["Ergebnisdatum"])
        first[pid] = min(day, first.get(pid, day))
        if r["Ergebnis"] in ("Beschäftigung", "Ausbildung"):
            work[pid] = min(day, work.get(pid, day))
    cohorts: dict = {}
    for pid, (_, entry, _) in people.items():
        c = cohorts.setdefault(_quarter(entry), {"persons": 0, 3: 0, 6: 0, 12: 0})
        c["persons"] += 1
        for w in (3, 6, 12):
            if pid in work and work[pid] <= _add_months(entry, w):
                c[w] += 1
    shares = {}
    for (year, q), c in cohorts.items():
        for w in (3, 6, 12):
            closed = _add_months(_quarter_end(year, q), w) <= stand
            shares[(f"{year} Q{q}", w)] = (c[w], c[w] / c["persons"] if closed else None, c["persons"])
    durations = {}
    for pid, (prov, entry, exit_) in people.items():
        if pid in first:
            durations[pid] = (prov, (first[pid] - entry).days, True)
        else:
            end = min(exit_ + timedelta(days=28), stand) if exit_ and exit_ <= stand else stand
            durations[pid] = (prov, (end - entry).days, False)
    return shares, durations


def km(items: list[tuple[int, bool]]) -> dict[int, float]:
    """Product-limit estimate: day -> share reached (1 - S), at every day with an event or a censoring."""
    out, s = {}, 1.0
    for t in sorted({d for d, _ in items}):
        at_risk = sum(1 for d, _ in items if d >= t)
        events = sum(1 for d, e in items if d == t and e)
        s *= 1 - events / at_risk
        out[t] = 1 - s
    return out


def test_sample_cohort_shares_recounted(sample_dataset, sample_dir):
    shares, _ = recount(sample_dir, sample_dataset.datenstand.date())
    table = co.cohort_table(sample_dataset)
    assert table["persons"].sum() == 827
    for row in table.itertuples():
        for w in (3, 6, 12):
            reached, share, persons = shares[(row.cohort, w)]
            assert getattr(row, f"reached_{w}") == reached and row.persons == persons
            if share is None:
                assert getattr(row, f"open_{w}") and np.isnan(getattr(row, f"share_{w}"))
            else:
                assert not getattr(row, f"open_{w}") and getattr(row, f"share_{w}") == pytest.approx(share)
    assert table["open_12"].sum() == 4 and table["open_3"].sum() == 1  # 2025 Q4 … 2026 Q3; 2026 Q3


@pytest.mark.parametrize("event", ["any"])
def test_sample_survival_recounted(sample_dataset, sample_dir, event):
    _, durations = recount(sample_dir, sample_dataset.datenstand.date())
    curves = co.survival(sample_dataset, by="provider", event=event)
    medians = co.medians(curves)
    for provider, km_rows in curves.groupby("group"):
        want = km([(d, e) for prov, d, e in durations.values() if prov == provider])
        assert list(km_rows["days"]) == sorted(want)
        assert km_rows["reached"].to_numpy() == pytest.approx([want[t] for t in sorted(want)])
        median = next((t for t in sorted(want) if want[t] >= 0.5), None)
        assert medians.set_index("group").loc[provider, "median_days"] == median


def _small(tmp_path: Path):
    people = [("P1", "15.01.2024", ""), ("P2", "20.02.2024", "30.04.2024"), ("P3", "10.03.2024", ""),
              ("P4", "05.05.2024", ""), ("P5", "01.06.2024", "")]
    lines = ["Teilnehmer-ID;Träger;Eintrittsdatum;Austrittsdatum;Ortsteil;Geschlecht;Geburtsjahr;Erwerbsstatus;"
             "Langzeitarbeitslos;Migrationshintergrund"]
    lines += [f"{pid};Träger A;{entry};{exit_};Marxloh;weiblich;1990;arbeitslos;nein;ja" for pid, entry, exit_ in people]
    (tmp_path / "participants.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "outcomes.csv").write_text(
        "Teilnehmer-ID;Ergebnis;Ergebnisdatum\nP1;Beschäftigung;01.03.2024\nP3;verbesserte Perspektive;10.05.2024\n"
        "P5;Ausbildung;20.06.2024\n", encoding="utf-8")
    (tmp_path / "services.csv").write_text("Teilnehmer-ID;Leistung;Beginn\nP1;Beratung;15.01.2024\n", encoding="utf-8")
    (tmp_path / "metadata.json").write_text('{"datenstand": "2024-06-30"}', encoding="utf-8")
    return b.load_dataset(tmp_path, today=pd.Timestamp("2024-07-01"))


def test_small_data_open_window_and_leaver_without_outcome(tmp_path):
    ds = _small(tmp_path)
    table = co.cohort_table(ds).set_index("cohort")
    q1, q2 = table.loc["2024 Q1"], table.loc["2024 Q2"]
    # Q1 (P1, P2, P3): 31.03. + 3 months = 30.06. = Datenstand -> closed; only P1 has work within 3 months.
    assert q1["persons"] == 3 and q1["reached_3"] == 1 and q1["share_3"] == pytest.approx(1 / 3)
    assert not q1["open_3"] and q1["open_6"] and np.isnan(q1["share_6"])
    # Q2 (P4, P5): P5 has training after 19 days, but the 3-month window is still open: no rate, not 50 %.
    assert q2["persons"] == 2 and q2["reached_3"] == 1 and q2["open_3"] and np.isnan(q2["share_3"])
    d = co.durations(ds).assign(pid=["P1", "P2", "P3", "P4", "P5"]).set_index("pid")
    assert d.loc["P2", "days"] == 98 and not d.loc["P2", "event"]  # left 30.04. without outcome: censored 28.05.
    assert d.loc["P4", "days"] == 56 and not d.loc["P4", "event"]  # still in support: censored at the Datenstand
    curve = co.survival(ds, by="all")
    # by hand: events on days 19, 46, 61; censored 56, 98 -> S = 4/5, 3/4 of that, then 1/2 (2 at risk on day 61)
    assert dict(zip(curve["days"], curve["reached"].round(10))) == {19: 0.2, 46: 0.4, 56: 0.4, 61: 0.7, 98: 0.7}
    assert co.medians(curve)["median_days"].iloc[0] == 61
    # work or training only: P3's improved prospects is no event, P3 is censored at the Datenstand (112 days)
    work = co.survival(ds, by="all", event="work_or_training")
    assert dict(zip(work["days"], work["reached"].round(10))) == {19: 0.2, 46: 0.4, 56: 0.4, 98: 0.4, 112: 0.4}


def test_publication_mode_cohorts_and_curves(tmp_path, sample_dataset):
    ds = _small(tmp_path)
    sel = b.publication.selection(ds)
    pub = publish_cohorts(co.cohort_table(ds), sel)
    assert pub.suppressed["persons"].all()  # sizes 3 and 2 of a total of 5: 2 is primary, 3 its complement
    assert pub.suppressed.loc[0, "share_3"]  # 1 of 3
    assert not pub.suppressed.loc[1, "share_3"] and pub.undefined.loc[1, "share_3"]  # open: "offen", not "*"
    grid, medians = publish_survival(co.survival(ds, by="all"))
    # day 0: nobody yet (a zero is shown); days 30, 60: 1 and 2 events; day 90: 1 person still observed
    assert list(grid["days"]) == [0, 30, 60, 90] and list(grid["withheld"]) == [False, True, True, True]
    assert grid["reached"].iloc[0] == 0 and np.isnan(medians["median_days"].iloc[0])
    grid, medians = publish_survival(co.survival(sample_dataset, by="provider"))
    assert set(grid["days"] % 30) == {0}
    assert not grid.loc[grid["events"] >= 3, "withheld"].iloc[:10].any()
    assert (medians["median_days"] % 30 == 0).all()


def test_cohorts_of_a_selection_other_than_the_programme_are_rounded(sample_dataset):
    """Exact cohort tables per selection could be differenced: on the sample, Hochfeld's reached-within-12-months
    minus that of Hochfeld's women gave 1 (one man, 2023 Q2). Every selection but the programme is rounded to
    tens, with shares only from a rounded cohort of 50 ("/" below)."""
    from biwaq_data.publish.rounding import MIN_SHARE_BASE, round10

    ds = sample_dataset
    nr = int(ds.participants.loc[ds.participants["ortsteil"] == "Hochfeld", "ortsteil_nr"].iloc[0])
    tables = {}
    for name, f in (("all", b.Filters(ortsteile=(nr,))), ("women", b.Filters(ortsteile=(nr,), genders=("female",)))):
        raw = co.cohort_table(ds, f)
        pub = publish_cohorts(raw, b.publication.selection(ds, f))
        assert pub.rounded and not pub.suppressed_any and T.PUBLICATION_ROUNDED_FOOTNOTE in pub.footnote
        for w in co.WINDOWS:
            closed = ~raw[f"open_{w}"].to_numpy(dtype=bool)
            reached = pub.frame[f"reached_{w}"].to_numpy(dtype=float, na_value=np.nan)[closed]
            assert (reached % 10 == 0).all()
            assert list(reached) == list(round10(raw.loc[closed, f"reached_{w}"].to_numpy(dtype=float)))
            small = (round10(raw["persons"].to_numpy(dtype=float)) < MIN_SHARE_BASE) & closed
            assert (pub.unreliable[f"share_{w}"].to_numpy() == small).all()
        assert (pub.frame["persons"].to_numpy(dtype=float) % 10 == 0).all()
        tables[name] = raw
    # the differencing of the report: exact values would give 1; rounded ones cannot be told from 0 to 9
    q2 = {k: int(t.set_index("cohort").loc["2023 Q2", "reached_12"]) for k, t in tables.items()}
    assert q2["all"] - q2["women"] == 1
    # the programme keeps exact counts with cell suppression
    whole = publish_cohorts(co.cohort_table(ds), b.publication.selection(ds))
    assert not whole.rounded and whole.frame["persons"].astype(float).sum() == len(ds.participants)


def test_survival_of_a_rounded_selection_in_steps_of_five_points(sample_dataset):
    from biwaq_data.publish.cohorts import SHARE_STEP

    curves = co.survival(sample_dataset, b.Filters(genders=("female",)), by="provider")
    exact, _ = publish_survival(curves)
    grid, medians = publish_survival(curves, rounded=True)
    shown = grid.dropna(subset=["reached"])
    assert len(shown) > 0 and len(shown) <= len(exact.dropna(subset=["reached"]))
    assert np.allclose(shown["reached"] / SHARE_STEP, np.round(shown["reached"] / SHARE_STEP))
    assert (shown["at_risk"] >= 45).all()  # rounded to at least 50 persons under observation
    assert (medians["median_days"].dropna() % 30 == 0).all()

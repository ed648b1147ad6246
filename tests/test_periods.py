"""Period presets and the previous period of the same length (issue 16)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import biwaq_data as b
from biwaq_data import texts_de as T

from apptests import quote_text
from ui.components import card_label
from biwaq_data.figures import periods
from biwaq_data.formatting import format_int

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


@pytest.mark.parametrize("stand, preset, want, previous", [
    ("2026-09-30", "quarter", (date(2026, 7, 1), date(2026, 9, 30)), (date(2026, 4, 1), date(2026, 6, 30))),
    ("2026-10-15", "quarter", (date(2026, 7, 1), date(2026, 9, 30)), (date(2026, 4, 1), date(2026, 6, 30))),
    ("2026-09-30", "half", (date(2026, 1, 1), date(2026, 6, 30)), (date(2025, 7, 1), date(2025, 12, 31))),
    ("2026-12-31", "half", (date(2026, 7, 1), date(2026, 12, 31)), (date(2026, 1, 1), date(2026, 6, 30))),
    ("2026-09-30", "year", (date(2025, 1, 1), date(2025, 12, 31)), (date(2024, 1, 1), date(2024, 12, 31))),
    ("2023-12-31", "year", (date(2023, 1, 1), date(2023, 12, 31)), None),  # before the programme: no comparison
])
def test_presets_and_previous_period(stand, preset, want, previous):
    got = periods.preset_period(preset, pd.Timestamp(stand))
    assert got == want
    assert periods.previous_period(*got, preset) == previous


def test_custom_previous_period_has_the_same_number_of_days():
    assert periods.previous_period(date(2024, 3, 10), date(2024, 3, 19), "custom") == (date(2024, 2, 29),
                                                                                       date(2024, 3, 9))
    assert periods.preset_period("all", pd.Timestamp("2026-09-30")) is None
    assert periods.previous_period(None, date(2024, 1, 1), "custom") is None


def _entries(sample_dir: Path, start: date, end: date) -> int:
    rows = csv.DictReader(io.StringIO((sample_dir / "participants.csv").read_text(encoding="utf-8-sig")),
                          delimiter=";")
    days = [date(*map(int, reversed(r["Eintrittsdatum"].split(".")))) for r in rows]
    return sum(start <= d <= end for d in days)


def test_overview_with_quarter_preset_from_the_url(sample_dir):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["periode"] = T.PERIOD_PRESETS["quarter"]
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert "**Zeitraum:** 01.07.2026 – 30.09.2026" in at.markdown[0].value
    now, before = _entries(sample_dir, date(2026, 7, 1), date(2026, 9, 30)), _entries(sample_dir, date(2026, 4, 1),
                                                                                       date(2026, 6, 30))
    card = next(m for m in at.metric if m.label == T.METRIC_LABELS["participants"])
    assert card.value == format_int(now) == "16"
    assert card.proto.delta == f"{now - before:+d} gegenüber Vorquartal".replace("+-", "-")
    assert any(c.value.startswith("Veränderung gegenüber Vorquartal (01.04.2026 – 30.06.2026)") for c in at.caption)
    # a quarter is in the publication set: its participants are exact, the quote's other figures rounded (issue 13)
    assert quote_text(at) and quote_text(at).endswith(T.QUOTE_ROUNDED)
    # its share in work or training rests on 16 persons, rounded 20: "/" on the card, no share sentence in the quote
    rate_card = next(m for m in at.metric if m.label == card_label("placement_rate", rounded=True))
    assert rate_card.value == "/" and rate_card.proto.delta == ""
    assert "Anteil der Unterstützten" not in quote_text(at)
    assert any(T.PUBLICATION_UNRELIABLE_FOOTNOTE in c.value for c in at.caption)
    # the rounded cards carry the "gerundet" badge the footnote refers to; the exact participants do not
    assert card_label("unemployed", rounded=True) in [m.label for m in at.metric]
    assert card_label("participants") in [m.label for m in at.metric]
    # a withheld figure gets no change (it would reveal what the star hides)
    ds = b.load_dataset(sample_dir)
    prev = b.publication.selection(ds, b.Filters(period_start=date(2026, 4, 1), period_end=date(2026, 6, 30)))
    cur = b.publication.selection(ds, b.Filters(period_start=date(2026, 7, 1)))
    for key in ("unemployed", "employment"):
        card = next(m for m in at.metric if m.label == card_label(key, key in cur.headline().rounded_keys))
        withheld = key in prev.headline().suppressed or key in cur.headline().suppressed
        assert (card.proto.delta == "") == withheld


def test_overview_without_preset_and_old_period_links():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert all(m.proto.delta == "" for m in at.metric)  # whole programme: nothing to compare with
    old = AppTest.from_file(APP, default_timeout=120)
    old.query_params["zeitraum"] = ["2024-01-01", "2024-06-30"]  # a link from before the presets
    old.run()
    assert "**Zeitraum:** 01.01.2024 – 30.06.2024" in old.markdown[0].value
    assert next(m for m in old.metric if m.label.startswith(T.METRIC_LABELS["participants"])).proto.delta.endswith(
        "gegenüber Vorzeitraum")

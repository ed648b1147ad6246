"""AppTest of every page on the bundled sample data: no exceptions, and the figures shown are the metrics'."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import biwaq_data as b
from biwaq_data import publication
from biwaq_data import texts_de as T
from biwaq_data.formatting import format_int, format_pct
from ui.components import card_label
from ui.navigation import PAGES

from apptests import quote_text

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


@pytest.fixture(scope="module")
def dataset():
    return b.load_dataset(SAMPLE)


def run_page(path: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if path != PAGES[0].path:
        at.switch_page(path).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def figure(at: AppTest, index: int) -> dict:
    """A chart's plotly figure as JSON, with binary-encoded arrays decoded to lists."""
    return decode(json.loads(at.get("plotly_chart")[index].proto.spec))


def decode(node):
    if isinstance(node, dict):
        if set(node) >= {"dtype", "bdata"}:
            values = np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"])
            shape = node.get("shape")
            if isinstance(shape, str):
                shape = tuple(int(x) for x in shape.split(","))
            return values.reshape(shape).tolist() if shape else values.tolist()
        return {k: decode(v) for k, v in node.items()}
    if isinstance(node, list):
        return [decode(v) for v in node]
    return node


@pytest.mark.parametrize("path", [p.path for p in PAGES])
def test_every_page_runs_and_shows_datenstand(path):
    at = run_page(path)
    text = " ".join(m.value for m in at.markdown)
    assert "30.09.2026" in text  # Datenstand of the sample
    assert T.SAMPLE_SOURCE in text


def test_overview_cards_show_published_figures(dataset):
    at = run_page("pages/ueberblick.py")
    shown = cards(at)
    h = b.metrics.headline(dataset)
    for key in ("participants", "unemployed", "long_term_unemployed", "migration_background", "employment",
                "vocational_training", "improved_prospects"):
        assert shown[card_label(key)] == format_int(h[key])
    assert shown[card_label("participants")] == "827"
    assert shown[card_label("employment")] == "171"
    assert shown[card_label("vocational_training")] == "32"
    assert shown[card_label("improved_prospects")] == "222"
    assert shown[card_label("placement_rate")] == "24,5 %"
    # every card carries its definition as hover help
    assert all(m.help for m in at.metric)
    quote = quote_text(at)
    assert quote.startswith("Seit Januar 2023 hat BIWAQ Duisburg 827 Menschen unterstützt")
    assert "171" in quote and quote.endswith(f"Quelle: BIWAQ Duisburg, Wirkungsdashboard ({T.SAMPLE_SOURCE}), "
                                             "Datenstand 30.09.2026.")


def test_marxloh_filter_from_url(dataset):
    at = run_page("pages/ueberblick.py", {"ortsteil": "Marxloh (Hamborn)"})
    expected = b.metrics.headline(dataset, b.Filters(ortsteile=(202,)))
    shown = cards(at)
    assert expected["participants"] < 827
    for key in ("participants", "employment", "vocational_training", "improved_prospects"):
        assert shown[card_label(key)] == format_int(expected[key])
    assert shown[card_label("placement_rate")] == format_pct(expected["placement_rate"])
    assert any("Ortsteil: Marxloh" in i.value for i in at.info)  # the page says which filters are active
    # the quotable paragraph starts with the selection, not with the whole programme
    assert quote_text(at).startswith(f"In Marxloh hat BIWAQ Duisburg seit Januar 2023 "
                                       f"{format_int(expected['participants'])} Menschen unterstützt.")


@pytest.mark.parametrize("path", [p.path for p in PAGES if p.title_key not in ("data", "targets")])  # these ignore filters
def test_empty_selection_is_friendly(path):
    at = run_page(path, {"ortsteil": "Marxloh (Hamborn)", "traeger": "GfB Hochfeld"})
    assert any(T.EMPTY_SELECTION in w.value for w in at.warning)


def test_impact_funnel_and_sankey_match_metrics(dataset):
    at = run_page("pages/wirkung.py")
    funnel = figure(at, 0)["data"][0]
    assert funnel["type"] == "funnel"
    assert list(funnel["x"]) == b.metrics.funnel(dataset)["persons"].tolist()
    sankey = next(f["data"][0] for f in (figure(at, i) for i in range(len(at.get("plotly_chart"))))
                  if f["data"][0]["type"] == "sankey")
    assert sum(sankey["link"]["value"]) == 827
    labels = sankey["node"]["label"]
    h = b.metrics.headline(dataset)
    # each node names its persons; in publication mode the published totals
    assert f"{T.CATEGORY_LABELS['best_outcome']['employment']}: {format_int(h['employment'])}" in labels
    assert any(label.startswith("noch in Betreuung: ") for label in labels)
    assert any(label.startswith("ohne Ergebnis: ") for label in labels)


def test_breakdown_bars_add_up_with_publication_mode_off(dataset):
    at = run_page("pages/aufschluesselung.py", {"dimension": "Geschlecht", "schutz": "false"})
    bars = figure(at, 0)["data"]
    total = sum(sum(trace["x"]) for trace in bars)
    assert total == 827
    expected = b.metrics.breakdown(dataset, "gender")
    employment = next(t for t in bars if t["name"] == T.CATEGORY_LABELS["outcome"]["employment"])
    assert list(employment["x"])[::-1] == expected["employment"].tolist()
    assert not any("Datenschutzgründen" in c.value for c in at.caption)


def test_breakdown_in_publication_mode_withholds_what_publication_withholds(dataset):
    at = run_page("pages/aufschluesselung.py", {"dimension": "Geschlecht"})
    published = publication.selection(dataset, b.Filters()).breakdown("gender")
    # issue 13: divers / ohne Angabe are counted in Frauen / Männer, so nothing of the women's figures is withheld
    frame = published.frame.set_index("key")
    assert not published.suppressed.to_numpy().any()
    assert frame.loc["female", "participants"] + frame.loc["male", "participants"] == 827
    bars = figure(at, 0)["data"]
    employment = next(t for t in bars if t["name"] == T.CATEGORY_LABELS["outcome"]["employment"])
    shown = dict(zip(employment["y"], employment["x"]))
    for label, value in shown.items():
        assert value == published.frame.set_index("label").loc[label, "employment"]
    assert shown[T.CATEGORY_LABELS["gender"]["female"]] > 0


def test_trends_cumulative_ends_at_827():
    at = run_page("pages/zeitverlauf.py")
    cumulative = figure(at, 1)["data"][0]
    assert cumulative["y"][-1] == 827


def test_services_show_every_service(dataset):
    at = run_page("pages/leistungen.py")
    bars = figure(at, 0)["data"][0]
    summary = b.metrics.services_summary(dataset)
    assert dict(zip(bars["y"], bars["x"])) == dict(zip(summary["label"], summary["persons"]))


def test_breakdown_drill_down_from_the_url_is_named_and_shown(dataset):
    at = run_page("pages/aufschluesselung.py", {"dimension": "Geschlecht", "auswahl": "Frauen", "schutz": "false"})
    assert any(f"{T.DRILL_LABEL}: Geschlecht: Frauen" in i.value for i in at.info)  # the "Aktive Filter" line
    assert at.multiselect(key="auswahl").value == ["Frauen"]  # the keyboard path: a list, bound to the URL
    women = b.metrics.headline(dataset, b.Filters(genders=("female",)))
    assert "Auswahl: Frauen" in [s.value for s in at.subheader]
    assert cards(at)[card_label("participants")] == format_int(women["participants"])


def test_breakdown_does_not_offer_a_dimension_the_filters_fix():
    at = run_page("pages/aufschluesselung.py", {"ortsteil": "Marxloh (Hamborn)"})
    control = next(c for c in at.get("button_group") if "Geschlecht" in str(c.proto))
    labels = [o.content for o in control.proto.options]
    assert "Ortsteil" not in labels and "Stadtbezirk" not in labels  # one bar each under a Marxloh filter
    assert "Geschlecht" in labels


def test_exports_write_counts_as_integers_and_rates_as_on_screen(dataset):
    from biwaq_data.publish.export import to_csv_bytes
    from ui.components import export_table
    from ui.publication import Shown

    table = b.metrics.breakdown(dataset, "bezirk")
    text = to_csv_bytes(export_table(Shown.plain(table), {"label": ("Gruppe", "text"),
                                                          "participants": ("Teilnehmende", "int"),
                                                          "placement_rate": ("Vermittlungsquote", "pct")}))
    body = text.decode("utf-8-sig").splitlines()
    assert body[0] == "Gruppe;Teilnehmende;Vermittlungsquote (%)"
    first = table[table["participants"] > 0].iloc[0]
    row = next(line for line in body if line.startswith(f"{first['label']};"))
    assert row == f"{first['label']};{int(first['participants'])};{format_pct(first['placement_rate']).removesuffix(' %')}"
    assert ",0;" not in text.decode("utf-8-sig")


def test_daten_shows_no_figure_filters_and_keeps_them_for_the_other_pages():
    at = run_page("pages/ueberblick.py", {"ortsteil": "Marxloh (Hamborn)"})
    at.switch_page("pages/daten.py").run()
    assert not at.exception  # (what the sidebar shows on Daten is checked in Chromium: tests/test_accessibility.py)
    at.switch_page("pages/ueberblick.py").run()
    assert any("Ortsteil: Marxloh" in i.value for i in at.info)  # the selection is back


def test_quartiere_side_panel_names_the_filter_not_all_of_duisburg(dataset):
    at = run_page("pages/quartiere.py", {"ortsteil": "Marxloh (Hamborn)", "schutz": "false"})
    headings = [s.value for s in at.subheader]
    assert T.NEIGHBOURHOOD_TEXTS["selection_filtered"] in headings
    assert T.NEIGHBOURHOOD_TEXTS["selection_all"] not in headings  # was "Ganz Duisburg (keine Auswahl)" over 303
    marxloh = b.metrics.headline(dataset, b.Filters(ortsteile=(202,)))
    assert cards(at)[card_label("participants")] == format_int(marxloh["participants"])


def test_withheld_bars_are_marked_with_a_star(dataset):
    """Issue 13: a withheld bar or segment shows a * (annotation), not a gap that reads as 0."""
    at = run_page("pages/aufschluesselung.py", {"dimension": "Altersgruppe"})
    published = publication.selection(dataset, b.Filters()).breakdown("age_group")
    withheld = published.frame.loc[published.suppressed[["employment", "vocational_training",
                                                          "improved_prospects"]].any(axis=1), "label"].tolist()
    assert withheld, "the sample's age groups need suppression"
    fig = figure(at, 0)
    stars = [a for a in fig["layout"].get("annotations", []) if a.get("text") == "*"]
    assert {a["y"] for a in stars} == set(withheld)
    n_withheld = int(published.suppressed[["employment", "vocational_training", "improved_prospects"]].sum().sum())
    assert len(stars) == n_withheld
    # a free combination is rounded, marked "gerundet" with the rule in the footnote
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["alter"] = ["55_plus"]  # sidebar widgets: state before the run (st.navigation)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    labels = [m.label for m in at.metric]
    assert any(T.PUBLICATION_ROUNDED_BADGE in label for label in labels)
    assert any(T.PUBLICATION_ROUNDED_FOOTNOTE in c.value for c in at.caption)


def test_shares_on_a_small_rounded_base_are_slashed_not_shown(dataset):
    """Männer by Ortsteil is a free combination (rounded): Röttgersbach's 13 men (46 % with an outcome) read
    "10 / 100 %" before; now its rate bars carry "/" (not "*": nothing is withheld) and the footnote says why."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["geschlecht"] = ["male"]  # sidebar widgets: state before the run (st.navigation)
    at.query_params["dimension"] = "Ortsteil"
    at.run()
    at.switch_page("pages/aufschluesselung.py").run()
    assert not at.exception, [e.message for e in at.exception]
    sel = publication.selection(dataset, b.Filters(genders=("male",)))
    pub, raw = sel.breakdown("ortsteil"), sel.metric("breakdown:ortsteil")
    slashed = set(raw.loc[pub.unreliable["outcome_rate"].to_numpy(), "label"])
    assert "Röttgersbach" in slashed and "Marxloh" not in slashed
    rates = next(f for f in (figure(at, i) for i in range(len(at.get("plotly_chart"))))
                 if any(t.get("name") == T.METRIC_LABELS["outcome_rate"] for t in f["data"]))
    marks = [a for a in rates["layout"].get("annotations", []) if a.get("text") in ("*", "/")]
    assert {a["text"] for a in marks} == {"/"}
    assert {a["y"] for a in marks} == slashed
    assert all(T.PUBLICATION_UNRELIABLE_HOVER in a["hovertext"] for a in marks)
    outcome = next(t for t in rates["data"] if t["name"] == T.METRIC_LABELS["outcome_rate"])
    shown = dict(zip(outcome["y"], outcome["x"]))
    assert shown["Röttgersbach"] is None or np.isnan(shown["Röttgersbach"])  # no bar: NaN (binary) or null
    assert shown["Marxloh"] == pytest.approx(100 * float(pub.frame.set_index(raw["label"]).loc["Marxloh", "outcome_rate"]))
    assert any(T.PUBLICATION_UNRELIABLE_FOOTNOTE in c.value for c in at.caption)


def test_each_footnote_rule_once_per_page_in_a_free_combination(dataset):
    """Wirkung for Frauen in Hochfeld (rounded): the cards need the rounding rule, the funnel the rounding rule and
    the "/" rule; each rule is written once, not the rounding rule again with the "/" rule appended."""
    hochfeld = int(dataset.participants.loc[dataset.participants["ortsteil"] == "Hochfeld", "ortsteil_nr"].iloc[0])
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["ortsteil"] = [hochfeld]  # sidebar widgets: state before the run (st.navigation)
    at.session_state["geschlecht"] = ["female"]
    at.run()
    at.switch_page("pages/wirkung.py").run()
    assert not at.exception, [e.message for e in at.exception]
    sel = publication.selection(dataset, b.Filters(ortsteile=(hochfeld,), genders=("female",)))
    assert sel.funnel().unreliable_any  # the case: a share of the funnel rests on fewer than 50
    captions = [c.value for c in at.caption]
    assert sum(T.PUBLICATION_ROUNDED_FOOTNOTE in c for c in captions) == 1, captions
    assert sum(T.PUBLICATION_UNRELIABLE_FOOTNOTE in c for c in captions) == 1, captions


def test_footnote_once_per_page_and_stars_on_the_monthly_chart():
    at = run_page("pages/zeitverlauf.py")
    footnotes = [c.value for c in at.caption if "Datenschutzgründen" in c.value]
    assert len(footnotes) == 1  # two charts with withheld values, one footnote
    stars = [a for a in figure(at, 0)["layout"].get("annotations", []) if a.get("text") == "*"]
    assert stars


def test_table_view_is_built_only_while_open(dataset):
    """A closed "Daten als Tabelle" sends no table and builds no download; opened, it shows the chart's months."""
    at = run_page("pages/zeitverlauf.py")
    assert [e.label for e in at.expander] == [T.TABLE_VIEW, T.TABLE_VIEW]
    assert len(at.dataframe) == 0 and len(at.get("download_button")) == 0
    at.session_state["trend_monthly_table_view"] = True  # what a click on the view does (it reruns)
    at.run()
    assert not at.exception
    assert [b.label for b in at.get("download_button")] == [T.DOWNLOAD_CSV, T.DOWNLOAD_XLSX]
    table = at.dataframe[0].value
    months = b.metrics.monthly(dataset, b.Filters())
    assert len(table) == len(months)

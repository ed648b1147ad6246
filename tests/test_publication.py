"""Publication mode (biwaq_data.publish.publication): consistent suppression and the differencing test.

The differencing test plays the attacker: for random filter selections (sample data and small
generated data sets, where small cells are everywhere) it takes every table the dashboard publishes
for the selection and checks

* per table, with ``privacy.audit``: no withheld cell follows from the row/column totals and the
  other published cells;
* jointly, with an independent linear-algebra model of *all* tables of the selection together
  (shared totals, Ortsteil -> Bezirk, status -> employment-status / long-term breakdowns, rate
  numerators, the "any record" counts, services and their complements): no withheld value and no
  value 1 or 2 - shown or hidden - can be worked out;
* no published count is 1 or 2 and every published rate obeys the rate rule.
"""

from __future__ import annotations

import math
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from biwaq_data import Filters, indicator_report, indicators, load_dataset, metrics, places, privacy, schema
from biwaq_data.tools import sample
from biwaq_data import publication as P
from biwaq_data.publish import disclosure, headline

ROOT = Path(__file__).resolve().parent.parent
#: Examples per randomised differencing test; raise for a deep run, e.g. BIWAQ_DIFF_EXAMPLES=300.
EXAMPLES = int(os.environ.get("BIWAQ_DIFF_EXAMPLES", "12"))
SMALL = ((6, 11), (10, 12), (15, 13), (25, 14), (40, 15), (70, 16))


@lru_cache(maxsize=None)
def sample_dataset():
    return load_dataset(ROOT / "sample_data")


@lru_cache(maxsize=None)
def small_dataset(n: int, seed: int):
    folder = Path(tempfile.mkdtemp(prefix=f"biwaq_pub_{n}_"))
    sample.write(folder, n=n, seed=seed)
    return load_dataset(folder)


def headline_dict(**kw):
    base = dict(participants=100, unemployed=80, long_term_unemployed=50, migration_background=70,
                employment=20, vocational_training=10, improved_prospects=30, in_support=15, no_outcome=25,
                leavers=60)
    base.update(kw)
    base["with_outcome"] = base["employment"] + base["vocational_training"] + base["improved_prospects"]
    p = base["participants"]
    base["placement_rate"] = (base["employment"] + base["vocational_training"]) / p if p else math.nan
    base["outcome_rate"] = base["with_outcome"] / p if p else math.nan
    return base


# =========================================================================== settings


def test_exports_protected_unless_explicitly_allowed(monkeypatch):
    monkeypatch.delenv(P.ALLOW_UNPROTECTED_ENV, raising=False)
    assert P.exports_unprotected_allowed() is False
    for value, expected in (("1", True), ("true", True), ("JA", True), ("0", False), ("nein", False), ("", False)):
        monkeypatch.setenv(P.ALLOW_UNPROTECTED_ENV, value)
        assert P.exports_unprotected_allowed() is expected, value


# =========================================================================== headline


def publish_headline(raw):
    """The headline hierarchy on its own (no other tables)."""
    return headline._figures(raw, headline._headline_status(raw))


def test_sample_headline_is_published_unchanged():
    raw = metrics.headline(sample_dataset())
    pub = P.publish_headline(P.selection(sample_dataset()))
    assert dict(pub) == raw and not pub.suppressed_any and pub.footnote is None
    assert pub.text("participants") == "827" and pub.text("placement_rate") == "24,5 %"


def test_headline_small_part_is_hidden_with_its_sibling():
    pub = publish_headline(headline_dict(vocational_training=2, employment=18))
    # training 2 -> withheld, its sibling employment too; their sum (work) and the rate stay
    assert pub["vocational_training"] is pd.NA and pub["employment"] is pd.NA
    assert pub.suppressed >= {"vocational_training", "employment"}
    assert pub["improved_prospects"] == 30 and pub["with_outcome"] == 50
    assert pub["placement_rate"] == pytest.approx(0.2)
    assert pub.text("employment") == "*" and pub.footnote == privacy.FOOTNOTE_DE


def test_one_person_in_support_does_not_hide_the_press_figures():
    pub = publish_headline(headline_dict(in_support=1, no_outcome=39))
    assert pub.suppressed == {"in_support", "no_outcome"}
    assert pub["employment"] == 20 and pub["with_outcome"] == 60 and pub["placement_rate"] == pytest.approx(0.3)


def test_headline_complements_shown_elsewhere_are_protected():
    # 2 participants not long-term unemployed: "nicht langzeitarbeitslos" = 2 is a row of a breakdown
    pub = publish_headline(headline_dict(participants=40, unemployed=39, long_term_unemployed=38,
                                           migration_background=38, employment=5, vocational_training=5,
                                           improved_prospects=10, in_support=10, no_outcome=10, leavers=20))
    assert pub["long_term_unemployed"] is pd.NA
    assert pub["migration_background"] is pd.NA  # 2 without migration background
    assert pub["unemployed"] is pd.NA  # 1 not unemployed


def test_headline_rates_and_zero():
    pub = publish_headline(headline_dict(participants=0, unemployed=0, long_term_unemployed=0,
                                           migration_background=0, employment=0, vocational_training=0,
                                           improved_prospects=0, in_support=0, no_outcome=0, leavers=0))
    assert pub["participants"] == 0 and not pub.suppressed_any
    assert pub.undefined == {"placement_rate", "outcome_rate"} and pub.text("placement_rate") == "x"
    pub = publish_headline(headline_dict(participants=2, unemployed=2, long_term_unemployed=0,
                                           migration_background=2, employment=0, vocational_training=0,
                                           improved_prospects=1, in_support=1, no_outcome=0, leavers=1))
    assert pub["participants"] is pd.NA and pub["employment"] == 0 and pub["long_term_unemployed"] == 0
    assert pub["placement_rate"] is pd.NA


# =========================================================================== frames


def test_breakdown_types_masks_and_total_row_equal_headline():
    ds = sample_dataset()
    frame = metrics.breakdown(ds, "gender")
    pub = P.publish_breakdown(frame, P.exact_selection(ds, statistical_gender=False), with_total=True)
    assert list(pub.frame.columns) == list(frame.columns)
    assert str(pub.frame["participants"].dtype) == "Int64" and str(pub.frame["share"].dtype) == "Float64"
    assert pub.suppressed_any and pub.frame.attrs["suppressed_any"] and pub.footnote == privacy.FOOTNOTE_DE
    # non-binary: 4 persons, 3 with improved prospects, 1 without outcome -> withheld; zeros stay zero
    nb = pub.frame.set_index("key").loc["non_binary"]
    assert nb["employment"] == 0 and nb["vocational_training"] == 0 and nb["improved_prospects"] is pd.NA
    total = pub.frame.iloc[-1]
    assert total["label"] == "Insgesamt" and total["participants"] == 827 and total["employment"] == 171
    text = pub.text()
    assert text.loc[2, "improved_prospects"] == "*" and text.loc[2, "employment"] == "0"
    assert text.loc[1, "participants"] == "434"
    # the suppressed mask marks exactly the NA cells of the numeric columns (no undefined rates here)
    numeric = [c for c, k in pub.kinds.items() if k != "text"]
    assert (pub.frame[numeric].isna() == pub.suppressed[numeric]).all().all()


def test_selection_reads_like_the_headline_and_dicts_are_refused():
    ds = sample_dataset()
    sel = P.selection(ds)
    assert dict(sel) == metrics.headline(ds) and sel["participants"] == 827 and P.selection(ds) is sel
    with pytest.raises(TypeError, match="selection"):
        P.publish_breakdown(metrics.breakdown(ds, "gender"), metrics.headline(ds))
    with pytest.raises(TypeError):
        P.publish_headline(metrics.headline(ds))


def test_frame_must_match_headline():
    ds = sample_dataset()
    other = P.selection(ds, Filters(ortsteile=(202,)))
    with pytest.raises(ValueError):
        P.publish_breakdown(metrics.breakdown(ds, "gender"), other)
    with pytest.raises(ValueError):
        P.publish_funnel(metrics.funnel(ds), other)


def test_attribute_is_inferred():
    ds = sample_dataset()
    for attribute in metrics.BREAKDOWN_ATTRIBUTES:
        assert P._infer_attribute(metrics.breakdown(ds, attribute)) == attribute


def test_undefined_rates_are_x_not_star():
    ds = sample_dataset()
    f = Filters(genders=("female",))
    pub = P.publish_breakdown(metrics.breakdown(ds, "gender", f), P.selection(ds, f))
    row = pub.text().set_index("key").loc["male"]
    assert row["participants"] == "0" and row["placement_rate"] == "x"
    assert not pub.suppressed.set_index(pub.frame["key"]).loc["male"].any()


def test_published_tables_sample_nothing_lost_in_headline_tables():
    out = P.published_tables(sample_dataset())
    for key in ("funnel", "outcome_table", "flows", "services"):
        assert not out[key].suppressed_any, key
    assert out["funnel"].frame["persons"].tolist() == [827, 425, 203, 171]


# =========================================================================== the differencing test


class Attack:
    """Everything a reader learns from one selection's tables, as linear forms over unknown counts."""

    def __init__(self):
        self.atoms: dict = {}
        self.known: list[dict] = []  # forms whose value the reader knows
        self.secret: list[tuple[dict, str]] = []  # withheld values
        self.sensitive: list[tuple[dict, str]] = []  # values 1 or 2 (shown or not)
        self.problems: list[str] = []

    def form(self, *atoms, coef=1.0) -> dict:
        out = {}
        for a in atoms:
            out[a] = out.get(a, 0.0) + coef
        return out

    @staticmethod
    def add(*forms, signs=None) -> dict:
        out = {}
        for form, sign in zip(forms, signs or [1] * len(forms)):
            for k, v in form.items():
                out[k] = out.get(k, 0.0) + sign * v
        return out

    def count(self, form: dict, value: int, shown: bool, label: str) -> None:
        value = int(value)
        if shown:
            if value in (1, 2):
                self.problems.append(f"published {value}: {label}")
            self.known.append(form)
        elif value != 0:
            self.secret.append((form, label))
        else:
            self.problems.append(f"zero withheld: {label}")
        if value in (1, 2):
            self.sensitive.append((form, label))

    def hidden(self, form: dict, value: int, label: str) -> None:
        if int(value) in (1, 2):
            self.sensitive.append((form, label))

    def rate(self, num: dict, den: dict, n: int, d: int, value, label: str) -> None:
        if value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return
        if n in (1, 2) or d - n in (1, 2):
            self.problems.append(f"rate rule broken: {label} ({n}/{d})")
        self.known += [num, den]

    def link(self, form: dict) -> None:
        """A structural fact: ``form`` has a value known to everybody (e.g. two totals are equal)."""
        self.known.append(form)

    def leaks(self) -> list[str]:
        names = {a: i for i, a in enumerate(sorted({a for f in self.known for a in f} | {
            a for f, _ in self.secret + self.sensitive for a in f}, key=str))}

        def vec(f):
            v = np.zeros(len(names))
            for a, c in f.items():
                v[names[a]] += c
            return v

        basis = disclosure._basis(np.array([vec(f) for f in self.known]).reshape(-1, len(names)))
        targets = self.secret + self.sensitive
        found = disclosure._in_span(basis, np.array([vec(f) for f, _ in targets]).reshape(-1, len(names)))
        return [label for (f, label), hit in zip(targets, found) if hit]


OUT = ("employment", "vocational_training", "improved_prospects")
BEST = schema.BEST_OUTCOMES
SOURCES = ("long_term_unemployed", "short_term_unemployed", "inactive", "employed")


def _cell(frame_pub: P.Published, i: int, col: str):
    return not bool(frame_pub.suppressed.loc[i, col])


def build_attack(ds, filters) -> Attack:
    """The reader's knowledge from all tables of one selection (independent of publication internals)."""
    a = Attack()
    sel = P.exact_selection(ds, filters, statistical_gender=False)
    pub, raw, m = sel.tables(), sel.raw, sel.metric
    H = pub["headline"]

    def F(rows=range(4), cols=range(5)):
        return a.form(*[("F", r, c) for r in rows for c in cols])

    col = {k: i for i, k in enumerate(BEST)}
    E, V, I = (F(cols=[col[k]]) for k in OUT)
    S, N = F(cols=[col["in_support"]]), F(cols=[col["no_outcome"]])
    ALL = F()
    work, wo, rest = a.add(E, V), a.add(E, V, I), a.add(S, N)
    # --- flows (cube 0: status at entry x best outcome); absent flows are published zeros
    flows_raw, flows_pub = m("flows"), pub["flows"]
    seen = set()
    for i, row in flows_raw.iterrows():
        r, c = SOURCES.index(row.source), col[row.target]
        seen.add((r, c))
        a.count(F([r], [c]), row.persons, _cell(flows_pub, i, "persons"), f"flow {row.source}->{row.target}")
    for r in range(4):
        for c in range(5):
            if (r, c) not in seen:
                a.link(F([r], [c]))
    # --- headline (migration lives in the migration cube, leavers in their own two atoms)
    mig = {True: {c: a.form(("MIG", True, c)) for c in range(4)}, False: {c: a.form(("MIG", False, c)) for c in range(4)}}
    M_yes = a.add(*mig[True].values())
    leav, stay = a.form(("L", 1)), a.form(("L", 0))
    a.link(a.add(leav, stay, ALL, signs=[1, 1, -1]))
    for key, form in (("participants", ALL), ("employment", E), ("vocational_training", V),
                      ("improved_prospects", I), ("with_outcome", wo), ("in_support", S), ("no_outcome", N),
                      ("unemployed", F([0, 1])), ("long_term_unemployed", F([0])),
                      ("migration_background", M_yes), ("leavers", leav)):
        a.count(form, raw[key], key not in H.suppressed, f"headline {key}")
    for label, form, value in (("rest", rest, raw["in_support"] + raw["no_outcome"]),
                               ("work", work, raw["employment"] + raw["vocational_training"]),
                               ("not unemployed", F([2, 3]), raw["participants"] - raw["unemployed"]),
                               ("short-term", F([1]), raw["unemployed"] - raw["long_term_unemployed"]),
                               ("no migration", a.add(ALL, M_yes, signs=[1, -1]),
                                raw["participants"] - raw["migration_background"]),
                               ("stayers", stay, raw["participants"] - raw["leavers"])):
        a.hidden(form, value, f"headline hidden {label}")
    p = raw["participants"]
    a.rate(work, ALL, raw["employment"] + raw["vocational_training"], p, H["placement_rate"], "placement_rate")
    a.rate(wo, ALL, raw["with_outcome"], p, H["outcome_rate"], "outcome_rate")
    # --- funnel
    fun_raw, fun_pub = m("funnel"), pub["funnel"]
    stage_forms = {"participants": ALL, "with_outcome": wo, "work_or_training": work, "employment": E}
    for i, row in fun_raw.iterrows():
        a.count(stage_forms[row.stage], row.persons, _cell(fun_pub, i, "persons"), f"funnel {row.stage}")
        prev = fun_raw.iloc[max(i - 1, 0)]
        a.rate(stage_forms[row.stage], ALL, row.persons, p, fun_pub.frame.loc[i, "share_of_initial"], "funnel %")
        a.rate(stage_forms[row.stage], stage_forms[prev.stage], row.persons, prev.persons,
               fun_pub.frame.loc[i, "share_of_previous"], "funnel % prev")
    # --- outcome table: any record = best + persons with a better outcome who also had this one
    ot_raw, ot_pub = m("outcome_table"), pub["outcome_table"]
    best_forms = {"employment": E, "vocational_training": V, "improved_prospects": I}
    above = {"employment": None, "vocational_training": E, "improved_prospects": work}
    above_val = {"employment": 0, "vocational_training": raw["employment"],
                 "improved_prospects": raw["employment"] + raw["vocational_training"]}
    for i, row in ot_raw.iterrows():
        b = best_forms[row.outcome]
        a.count(b, row.best_persons, _cell(ot_pub, i, "best_persons"), f"outcome best {row.outcome}")
        extra = a.form(("ANY", row.outcome)) if above[row.outcome] is not None else {}
        a.count(a.add(b, extra), row.any_persons, _cell(ot_pub, i, "any_persons"), f"outcome any {row.outcome}")
        if above[row.outcome] is not None:
            x = int(row.any_persons - row.best_persons)
            a.hidden(extra, x, f"any-extra {row.outcome}")
            a.hidden(a.add(above[row.outcome], extra, signs=[1, -1]), above_val[row.outcome] - x,
                     f"any-complement {row.outcome}")
        a.rate(b, ALL, row.best_persons, p, ot_pub.frame.loc[i, "share"], "outcome share")
    # --- breakdowns
    for attribute in metrics.BREAKDOWN_ATTRIBUTES:
        b_raw, b_pub = m(f"breakdown:{attribute}"), pub[f"breakdown:{attribute}"]
        for i, row in b_raw.iterrows():
            if attribute == "employment_status":
                rows = {"unemployed": [0, 1], "inactive": [2], "employed": [3]}[row.key]
                cells = [F(rows, [col[k]]) for k in OUT] + [F(rows, [3, 4])]
            elif attribute == "long_term_unemployed":
                rows = [0] if row.key else [1, 2, 3]
                cells = [F(rows, [col[k]]) for k in OUT] + [F(rows, [3, 4])]
            elif attribute == "migration_background":
                cells = [mig[bool(row.key)][c] for c in range(4)]
            elif attribute == "bezirk":
                members = [o for o in places.ortsteile().itertuples() if o.bezirk == row.key]
                cells = [a.form(*[("O", o.ortsteil, c) for o in members]) for c in range(4)]
            elif attribute == "ortsteil":
                cells = [a.form(("O", row.key, c)) for c in range(4)]
            else:
                cells = [a.form((attribute, row.key, c)) for c in range(4)]
            tag = f"{attribute}={row.key}"
            for c, key in enumerate(OUT):
                a.count(cells[c], row[key], _cell(b_pub, i, key), f"{tag} {key}")
            pg, wg = a.add(*cells), a.add(*cells[:3])
            a.count(pg, row.participants, _cell(b_pub, i, "participants"), f"{tag} participants")
            a.count(wg, row.with_outcome, _cell(b_pub, i, "with_outcome"), f"{tag} with_outcome")
            a.hidden(cells[3], row.participants - row.with_outcome, f"{tag} rest")
            a.rate(pg, ALL, row.participants, p, b_pub.frame.loc[i, "share"], f"{tag} share")
            a.rate(a.add(*cells[:2]), pg, row.employment + row.vocational_training, row.participants,
                   b_pub.frame.loc[i, "placement_rate"], f"{tag} placement_rate")
            a.rate(wg, pg, row.with_outcome, row.participants, b_pub.frame.loc[i, "outcome_rate"],
                   f"{tag} outcome_rate")
        # ortsteile without participants are left out of the table: published zeros
        if attribute == "ortsteil":
            present = set(b_raw["key"])
            for name in places.ortsteil_names():
                if name not in present:
                    for c in range(4):
                        a.link(a.form(("O", name, c)))
        # every breakdown's columns add up to the outcome totals (a structural fact)
        if attribute not in ("employment_status", "long_term_unemployed", "bezirk"):
            for c, total in enumerate((E, V, I, rest)):
                if attribute == "migration_background":
                    parts = [mig[True][c], mig[False][c]]
                elif attribute == "ortsteil":
                    parts = [a.form(*[("O", o, c) for o in places.ortsteil_names()])]
                else:
                    parts = [a.form((attribute, k, c)) for k in b_raw["key"]]
                a.link(a.add(*parts, total, signs=[1] * len(parts) + [-1]))
    # --- services: per service work / improved / none / not served add up to the participants
    sv_raw, sv_pub = m("services"), pub["services"]
    for i, row in sv_raw.iterrows():
        w, imp, none, nots = (a.form(("SV", row.service, k)) for k in ("w", "i", "n", "x"))
        a.link(a.add(w, imp, none, nots, ALL, signs=[1, 1, 1, 1, -1]))
        persons = int(row.persons)
        work_s = int(round((row.placement_rate if persons else 0) * persons))
        any_s = int(round((row.outcome_rate if persons else 0) * persons))
        if persons == p:  # the service reached everybody: its groups are the headline's
            a.link(nots)
            a.link(a.add(w, work, signs=[1, -1]))
            a.link(a.add(imp, I, signs=[1, -1]))
        pf = a.add(w, imp, none)
        a.count(pf, persons, _cell(sv_pub, i, "persons"), f"service {row.service} persons")
        a.hidden(w, work_s, f"service {row.service} work")
        a.hidden(imp, any_s - work_s, f"service {row.service} improved")
        a.hidden(none, persons - any_s, f"service {row.service} none")
        a.hidden(nots, p - persons, f"service {row.service} not served")
        a.rate(w, pf, work_s, persons, sv_pub.frame.loc[i, "placement_rate"], f"service {row.service} placement")
        a.rate(a.add(w, imp), pf, any_s, persons, sv_pub.frame.loc[i, "outcome_rate"], f"service {row.service} outcome")
    add_indicators(a, ds, filters, F, gender_rows={k: a.form(*[("gender", k, c) for c in range(4)])
                                                   for k in schema.PARTICIPANT_CATEGORIES["gender"]},
                   mig=mig, leav=leav, stay=stay)
    return a


def add_indicators(a: Attack, ds, filters, F, gender_rows, mig, leav, stay) -> None:
    """ESF Plus indicator tables: category x gender blocks tied to the breakdowns and the headline."""
    counts = indicators.indicator_counts(ds, filters)
    tables = indicator_report.indicator_tables(ds, filters, four_genders=True)
    genders = indicators.GENDERS
    shown = {}
    for published in (tables.output, tables.results):
        for i, key in enumerate(published.frame["key"]):
            shown[key] = ~published.suppressed.loc[i, list(indicator_report.COLUMNS)].to_numpy(dtype=bool)
    blocks = {**indicators.OUTPUT_BLOCKS, **indicators.RESULT_BLOCKS}
    cell = {}
    for block, rows in blocks.items():
        for key, _ in rows:
            for g in genders:
                cell[(key, g)] = a.form(("IND", key, g))

    def row(key):
        return a.add(*[cell[(key, g)] for g in genders])

    def col(keys, g):
        return a.add(*[cell[(k, g)] for k in keys])

    def link(x, y):
        a.link(a.add(x, y, signs=[1, -1]))

    age_rows = {k: a.form(*[("age_group", k, c) for c in range(4)]) for k in ("under_18", "18_29", "30_54", "55_plus")}
    edu = {"isced_0_2": "isced_0_2", "isced_3_4": "isced_3_4", "isced_5_8": "isced_5_8", "education_unknown": "unknown"}
    row_links = {"unemployed": F([0, 1]), "inactive": F([2]), "employed": F([3]), "long_term_unemployed": F([0]),
                 "short_term_unemployed": F([1]), "foreign_background": a.add(*mig[True].values()),
                 "no_foreign_background": a.add(*mig[False].values()), "leavers": leav, "stayers": stay,
                 **age_rows, **{k: a.form(*[("education", v, c) for c in range(4)]) for k, v in edu.items()}}
    for key, form in row_links.items():
        link(row(key), form)
    for block, rows in blocks.items():
        keys = [k for k, _ in rows]
        for g in genders:
            parent_key = indicators.BLOCK_PARENTS[block]
            parent = cell[(parent_key, g)] if parent_key else gender_rows[g]
            link(col(keys, g), parent)
    for block, rows in blocks.items():
        for key, _ in rows:
            values = counts.row(key)
            forms = [cell[(key, g)] for g in genders] + [row(key)]
            vals = list(values) + [int(values.sum())]
            if key in shown:
                for j, (form, v) in enumerate(zip(forms, vals)):
                    a.count(form, v, bool(shown[key][j]), f"indicator {key} {j}")
            else:
                for j, (form, v) in enumerate(zip(forms, vals)):
                    a.hidden(form, v, f"indicator hidden {key} {j}")
    total = counts.row("total")
    for j, g in enumerate(genders):
        a.count(gender_rows[g], total[j], bool(shown["total"][j]), f"indicator total {g}")
    rate_pairs = [(key, indicators.BY_CODE[indicators.BY_CODE[code].denominator].key)
                  for key, code in zip(tables.rates.frame["key"], tables.rates.frame["code_plain"])]
    for i, (num, den) in enumerate(rate_pairs):
        for j, g in enumerate((*genders, None)):
            nf = cell[(num, g)] if g else row(num)
            df = cell[(den, g)] if g else row(den)
            nv = counts.row(num)[j] if g else counts.row(num).sum()
            dv = counts.row(den)[j] if g else counts.row(den).sum()
            a.rate(nf, df, int(nv), int(dv), tables.rates.frame.loc[i, indicator_report.COLUMNS[j]], f"rate {num} {g}")


def per_table_audits(ds, filters) -> list:
    """privacy.audit on each published count table with its row/column totals (NA = not shown).

    The "rest" column (participants without outcome) is not displayed, nor is the short-term unemployed
    row total of the flows (the reader gets it as unemployed - long-term unemployed); a finding there only
    counts if its value is 1 or 2 (otherwise the reader merely computes a value nobody withholds). The
    joint attack (:func:`build_attack`) checks what such a value reveals in combination."""
    sel = P.exact_selection(ds, filters, statistical_gender=False)
    pub, raw = sel.tables(), sel.raw
    H = pub["headline"]

    def shown(key):
        return pd.NA if key in H.suppressed else raw[key]

    rest_total = raw["participants"] - raw["with_outcome"]
    failures = []
    for attribute in metrics.BREAKDOWN_ATTRIBUTES:
        b_raw, b = sel.metric(f"breakdown:{attribute}"), pub[f"breakdown:{attribute}"].frame
        rest = b_raw["participants"] - b_raw["with_outcome"]
        table = pd.DataFrame({
            **{k: b[k].astype(object) for k in OUT},
            "rest": [r if not (pd.isna(pp) or pd.isna(w)) else pd.NA
                     for r, pp, w in zip(rest, b["participants"], b["with_outcome"])],
            "total": b["participants"].astype(object)}, dtype=object)
        table.index = [str(k) for k in b["key"]]
        table.loc["Insgesamt"] = [shown(k) for k in OUT] + [
            pd.NA if {"with_outcome", "participants"} & H.suppressed else rest_total, shown("participants")]
        values = dict(zip(table.index, list(rest) + [rest_total]))
        found = [c for c in privacy.audit(table, total_row="Insgesamt", total_col="total")
                 if c[1] != "rest" or values[c[0]] in (1, 2)]
        if found:
            failures.append((attribute, found))
    es = pub["breakdown:employment_status"].frame.set_index("key")["participants"]
    short = pd.NA if {"unemployed", "long_term_unemployed"} & H.suppressed else \
        raw["unemployed"] - raw["long_term_unemployed"]
    grid = pd.DataFrame(0, index=list(SOURCES), columns=list(BEST), dtype=object)
    for row in pub["flows"].frame.itertuples():
        grid.loc[row.source, row.target] = row.persons
    grid["total"] = [shown("long_term_unemployed"), short, es["inactive"], es["employed"]]
    grid["total"] = [0 if grid.loc[r, list(BEST)].eq(0).all() else v for r, v in grid["total"].items()]
    grid.loc["Insgesamt"] = [shown(k) for k in BEST] + [shown("participants")]
    short_value = raw["unemployed"] - raw["long_term_unemployed"]
    found = [c for c in privacy.audit(grid, total_row="Insgesamt", total_col="total")
             if c != ("short_term_unemployed", "total") or short_value in (1, 2)]
    if found:
        failures.append(("flows", found))
    return failures


def check_selection(ds, filters):
    attack = build_attack(ds, filters)
    assert not attack.problems, attack.problems[:5]
    leaks = attack.leaks()
    assert not leaks, f"derivable: {leaks[:5]} for {filters}"
    assert per_table_audits(ds, filters) == [], filters


def filters_strategy(ds):
    p = ds.participants
    first, last = p["entry_date"].min().date(), ds.datenstand.date()
    dates = st.dates(min_value=first, max_value=last)

    def sub(values):
        return st.lists(st.sampled_from(sorted(values)), max_size=2, unique=True).map(tuple)

    return st.builds(
        Filters,
        period_start=st.one_of(st.none(), dates), period_end=st.one_of(st.none(), dates),
        providers=sub(set(p["provider"].astype(str))), ortsteile=sub(set(int(x) for x in p["ortsteil_nr"])),
        bezirke=st.just(()) | sub(set(p["bezirk"].astype(str))),
        employment=sub(("unemployed", "long_term_unemployed", "inactive", "employed")),
        migration_background=st.sampled_from([None, True, False]),
        genders=sub(schema.PARTICIPANT_CATEGORIES["gender"]), age_groups=sub(schema.AGE_GROUPS),
        educations=st.just(()), referral_sources=st.just(()),
    )


def test_differencing_full_sample_and_marxloh():
    ds = sample_dataset()
    check_selection(ds, None)
    check_selection(ds, Filters(ortsteile=(202,)))
    check_selection(ds, Filters(genders=("non_binary", "unknown")))
    # found by hypothesis: unemployed and long-term unemployed withheld, the short-term row (3, no
    # outcome) shown; its total is then derivable but is 3 and reveals nothing withheld
    check_selection(ds, Filters(ortsteile=(205, 301), employment=("employed", "unemployed"), age_groups=("18_29",)))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_differencing_random_filters_on_sample(data):
    ds = sample_dataset()
    check_selection(ds, data.draw(filters_strategy(ds)))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), which=st.sampled_from(SMALL))
def test_differencing_small_generated_data(data, which):
    ds = small_dataset(*which)
    filters = data.draw(st.one_of(st.just(Filters()), filters_strategy(ds)))
    check_selection(ds, filters)


def test_monthly_series_small_cells_protected():
    for n, seed in SMALL[:3]:
        ds = small_dataset(n, seed)
        raw = metrics.headline(ds)
        m = metrics.monthly(ds)
        sel = P.selection(ds)
        pub = P.publish_monthly(m, sel)
        a = Attack()
        months = range(len(m))
        cell = {(t, c): a.form(("MON", t, c)) for t in months for c in ("entries", "exits", "outcomes")}
        H = sel.headline()
        for c, key in (("entries", "participants"), ("exits", "leavers"), ("outcomes", "with_outcome")):
            total = a.add(*[cell[(t, c)] for t in months])
            if int(m[c].sum()) == raw[key]:
                a.count(total, raw[key], key not in H.suppressed, f"total {c}")
        for t in months:
            for c in ("entries", "exits", "outcomes"):
                a.count(cell[(t, c)], m.loc[t, c], _cell(pub, t, c), f"{t} {c}")
            cum = a.add(*[cell[(s, "entries")] for s in range(t + 1)])
            out = a.add(*[cell[(s, "exits")] for s in range(t + 1)])
            a.count(cum, m.loc[t, "cumulative_participants"], _cell(pub, t, "cumulative_participants"), f"{t} cum")
            a.count(a.add(cum, out, signs=[1, -1]), m.loc[t, "active"], _cell(pub, t, "active"), f"{t} active")
        assert not a.problems, a.problems[:5]
        assert a.leaks() == []

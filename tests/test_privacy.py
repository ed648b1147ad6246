"""Tests for biwaq_data.publish.privacy (statistical confidentiality, BA rules)."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from biwaq_data import privacy as P

T = "Insgesamt"


def frame(rows, index=None, columns=None):
    index = index or [f"r{i}" for i in range(len(rows))]
    columns = columns or [f"c{j}" for j in range(len(rows[0]))]
    return pd.DataFrame(rows, index=index, columns=columns)


def column(values, total=True):
    """1-D table as a one-column frame, optionally with the total appended."""
    s = pd.Series(values, index=[f"k{i}" for i in range(len(values))], name="n")
    if total:
        s[T] = s.sum()
    return s.to_frame()


def suppressed_cells(protected):
    mask = protected.suppressed
    return {(r, c) for r in mask.index for c in mask.columns if mask.loc[r, c]}


def cells_in_line_sets(protected):
    """Yield the boolean suppression vector of every line (cells + total)."""
    sup = protected.suppressed
    rows = [r for r in sup.index if r != protected.total_row]
    cols = [c for c in sup.columns if c != protected.total_col]
    if protected.total_col is not None:
        for r in sup.index:
            yield sup.loc[r, cols + [protected.total_col]]
    if protected.total_row is not None:
        for c in sup.columns:
            yield sup.loc[rows + [protected.total_row], c]


def bridge_cells(mask: pd.DataFrame):
    """Independent oracle for tables with both totals: a suppressed cell is derivable iff it is
    a bridge in the bipartite graph rows--columns whose edges are the suppressed cells."""
    edges = [(("r", r), ("c", c)) for r in mask.index for c in mask.columns if mask.loc[r, c]]

    def connected(a, b, without):
        adj = {}
        for k, (u, v) in enumerate(edges):
            if k != without:
                adj.setdefault(u, []).append(v)
                adj.setdefault(v, []).append(u)
        seen, todo = {a}, [a]
        while todo:
            for nxt in adj.get(todo.pop(), []):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return b in seen

    return {(u[1], v[1]) for k, (u, v) in enumerate(edges) if not connected(u, v, k)}


# --------------------------------------------------------------------------- constants


def test_constants():
    assert P.SUPPRESSION_SYMBOL == "*"
    assert P.FOOTNOTE_DE == (
        "Aus Datenschutzgründen und Gründen der statistischen Geheimhaltung werden Zahlenwerte "
        "von 1 oder 2 und Daten, aus denen rechnerisch auf einen solchen Zahlenwert geschlossen "
        "werden kann, anonymisiert."
    )


# --------------------------------------------------------------------------- primary


def test_primary_suppression_without_totals():
    p = P.suppress_counts(column([0, 1, 2, 3, 250], total=False))
    assert p.suppressed["n"].tolist() == [False, True, True, False, False]
    assert p.primary["n"].tolist() == [False, True, True, False, False]
    assert p.values["n"].tolist()[0] == 0 and p.values["n"].tolist()[3:] == [3, 250]
    assert p.values["n"].isna().tolist() == [False, True, True, False, False]
    assert str(p.values["n"].dtype) == "Int64"
    assert p.needs_footnote


def test_zero_is_not_suppressed_and_no_footnote_needed():
    p = P.suppress_counts(column([0, 0, 5, 3]), total_row=T)
    assert not p.suppressed.to_numpy().any()
    assert not p.needs_footnote
    assert p.values["n"].tolist() == [0, 0, 5, 3, 8]


def test_series_input_and_input_not_mutated():
    s = pd.Series([1, 5, 7, 13], index=["a", "b", "c", T], name="n")
    before = s.copy()
    p = P.suppress_counts(s, total_row=T)
    pd.testing.assert_series_equal(s, before)
    assert suppressed_cells(p) == {("a", "n"), ("b", "n")}


# --------------------------------------------------------------------------- secondary, 1-D


def test_1d_single_primary_forces_smallest_nonzero_complement():
    p = P.suppress_counts(column([5, 1, 7, 4]), total_row=T)
    assert suppressed_cells(p) == {("k1", "n"), ("k3", "n")}
    assert p.secondary.loc["k3", "n"] and not p.primary.loc["k3", "n"]
    assert p.values.loc[T, "n"] == 17


def test_1d_complement_skips_zeros():
    p = P.suppress_counts(column([0, 1, 0, 9]), total_row=T)
    assert suppressed_cells(p) == {("k1", "n"), ("k3", "n")}


def test_1d_tie_break_is_first_cell():
    p = P.suppress_counts(column([9, 4, 1, 4]), total_row=T)
    assert suppressed_cells(p) == {("k1", "n"), ("k2", "n")}


def test_1d_two_primaries_need_no_complement():
    p = P.suppress_counts(column([1, 2, 8]), total_row=T)
    assert suppressed_cells(p) == {("k0", "n"), ("k1", "n")}
    assert not p.secondary.to_numpy().any()


def test_1d_without_total_has_no_secondary_suppression():
    p = P.suppress_counts(column([1, 4, 9], total=False))
    assert suppressed_cells(p) == {("k0", "n")}


def test_1d_total_itself_primary():
    # total 2: the only non-zero cell (2) and the total are both primary - already two.
    p = P.suppress_counts(column([0, 2, 0]), total_row=T)
    assert suppressed_cells(p) == {("k1", "n"), (T, "n")}
    assert p.primary.loc[T, "n"]
    # total 1 of a single 1: both primary, zeros remain visible
    p = P.suppress_counts(column([1, 0]), total_row=T)
    assert suppressed_cells(p) == {("k0", "n"), (T, "n")}
    assert p.values.loc["k1", "n"] == 0


# --------------------------------------------------------------------------- secondary, 2-D


def test_2d_single_suppressed_cell_in_row_forces_complement():
    t = P.add_totals(frame([[1, 0], [4, 6]]), T)
    p = P.suppress_counts(t, total_row=T, total_col=T)
    # row r0 holds 1 and its total 1 (both primary); column c0 needs a complement (4);
    # the total column needs one (10); row r1 then has two suppressed cells.
    assert suppressed_cells(p) == {("r0", "c0"), ("r0", T), ("r1", "c0"), ("r1", T)}
    assert p.primary.loc["r0", T] and p.secondary.loc["r1", "c0"]
    assert p.values.loc[T, T] == 11 and p.values.loc["r1", "c1"] == 6
    assert P.audit(p) == []


def test_2d_complement_is_smallest_nonzero_in_row():
    t = P.add_totals(frame([[1, 9, 0, 5, 5], [8, 8, 8, 8, 8], [7, 7, 7, 7, 7]]), T)
    p = P.suppress_counts(t, total_row=T, total_col=T)
    row0 = p.suppressed.loc["r0"]
    assert row0["c0"] and row0["c3"]  # 5 at c3 beats 9 and the tie with c4
    assert not row0["c1"] and not row0["c4"] and not row0["c2"]
    assert P.audit(p) == [] and P.audit(p, method="elimination") == []


def test_2d_row_with_single_nonzero_suppresses_its_total():
    t = P.add_totals(frame([[1, 3, 0], [0, 4, 0], [5, 0, 9]]), T)
    p = P.suppress_counts(t, total_row=T, total_col=T)
    # (r1, c1) = 4 becomes a complement for column c1; r1 has no other non-zero cell,
    # so its total is suppressed (zeros are never used as complements).
    assert p.secondary.loc["r1", "c1"] and p.secondary.loc["r1", T]
    assert p.values.loc["r1", "c0"] == 0 and p.values.loc["r1", "c2"] == 0
    for line in cells_in_line_sets(p):
        assert line.sum() != 1
    assert P.audit(p) == []


def test_2d_propagation_reaches_grand_total_when_needed():
    # one non-zero cell in the whole table: cell, its row/col totals and grand total all = 1
    t = P.add_totals(frame([[0, 0], [0, 1]]), T)
    p = P.suppress_counts(t, total_row=T, total_col=T)
    assert suppressed_cells(p) == {("r1", "c1"), ("r1", T), (T, "c1"), (T, T)}
    assert P.audit(p) == []


def test_inconsistent_totals_rejected():
    t = P.add_totals(frame([[1, 5], [3, 4]]), T)
    t.loc["r0", T] = 7
    with pytest.raises(ValueError):
        P.suppress_counts(t, total_row=T, total_col=T)


@pytest.mark.parametrize("bad", [[[-1, 3]], [[1.5, 3]], [[None, 3]]])
def test_invalid_counts_rejected(bad):
    with pytest.raises((ValueError, TypeError)):
        P.suppress_counts(frame(bad))


def test_unknown_total_label_rejected():
    with pytest.raises(KeyError):
        P.suppress_counts(column([3, 4]), total_row="Summe")


# --------------------------------------------------------------------------- audit


def test_audit_finds_unprotected_primary_cell():
    published = column([1, 5, 7]).astype(object)
    published.loc["k0", "n"] = "*"
    assert P.audit(published, total_row=T) == [("k0", "n")]
    assert P.is_recoverable(published, total_row=T)
    published.loc["k2", "n"] = pd.NA
    assert P.audit(published, total_row=T) == []


def test_audit_elimination_chain():
    # r0: one unknown -> derived; then column c1 has a single unknown left -> derived, ...
    t = P.add_totals(frame([[3, 4], [5, 6]]), T).astype(object)
    for cell in [("r0", "c0"), ("r1", "c0"), ("r1", "c1")]:
        t.loc[cell] = "*"
    for method in ("linear", "elimination"):
        assert P.audit(t, total_row=T, total_col=T, method=method) == [
            ("r0", "c0"), ("r1", "c0"), ("r1", "c1")]


def test_audit_linear_catches_bridge_that_elimination_misses():
    t = P.add_totals(frame([[5] * 4] * 4), T).astype(object)
    cycle_a = [("r0", "c0"), ("r0", "c1"), ("r1", "c0"), ("r1", "c1")]
    cycle_b = [("r2", "c2"), ("r2", "c3"), ("r3", "c2"), ("r3", "c3")]
    for cell in cycle_a + cycle_b + [("r0", "c2")]:
        t.loc[cell] = "*"
    assert P.audit(t, total_row=T, total_col=T, method="elimination") == []
    assert P.audit(t, total_row=T, total_col=T) == [("r0", "c2")]


# --------------------------------------------------------------------------- rates


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [
        (203, 827, 203 / 827),  # (171 + 32) / 827, the published placement rate
        (3, 10, 0.3),
        (7, 10, 0.7),
        (0, 10, 0.0),
        (10, 10, 1.0),
        (0, 3, 0.0),
        (1, 10, None),  # numerator 1
        (2, 10, None),  # numerator 2
        (9, 10, None),  # denominator - numerator = 1
        (8, 10, None),  # denominator - numerator = 2
        (0, 2, None),  # difference 2
        (1, 1, None),
        (pd.NA, 10, None),  # suppressed numerator
        (5, pd.NA, None),  # suppressed denominator
    ],
)
def test_suppress_rate_hand_cases(num, den, expected):
    result = P.suppress_rate(num, den)
    if expected is None:
        assert result is pd.NA
    else:
        assert result == pytest.approx(expected)


def test_rate_with_zero_denominator_is_undefined_not_suppressed():
    result = P.suppress_rate(0, 0)
    assert isinstance(result, float) and math.isnan(result)
    assert P.format_rate_de(result) == "x"


@pytest.mark.parametrize(("num", "den"), [(5, 3), (-1, 3), (1.5, 3)])
def test_suppress_rate_rejects_invalid(num, den):
    with pytest.raises(ValueError):
        P.suppress_rate(num, den)


def test_suppress_rates_vectorised():
    num = pd.Series([203, 1, 0, 0, 9, pd.NA, 5], index=list("abcdefg"), dtype="Int64")
    den = pd.Series([827, 10, 0, 2, 10, 5, 50], index=list("abcdefg"))
    r = P.suppress_rates(num, den)
    assert r.suppressed.tolist() == [False, True, False, True, True, True, False]
    assert r.undefined.tolist() == [False, False, True, False, False, False, False]
    assert r.values["a"] == pytest.approx(203 / 827) and r.values["g"] == pytest.approx(0.1)
    assert r.values.isna().tolist() == [False, True, True, True, True, True, False]
    assert P.to_display_frame(r).tolist() == ["24,5 %", "*", "x", "*", "*", "*", "10,0 %"]


def test_suppress_rates_scalar_denominator_and_suppressed_counts():
    p = P.suppress_counts(column([1, 5, 7]), total_row=T)  # 1 and 5 suppressed
    r = P.suppress_rates(p.values["n"], 13)
    assert r.suppressed.tolist() == [True, True, False, False]
    assert r.values[T] == pytest.approx(1.0)


@given(st.integers(0, 40), st.integers(0, 40))
def test_rate_rule_property(a, b):
    num, den = min(a, b), max(a, b)
    scalar = P.suppress_rate(num, den)
    vector = P.suppress_rates(pd.Series([num]), pd.Series([den]))
    should_suppress = den > 0 and (num in (1, 2) or den - num in (1, 2))
    assert (scalar is pd.NA) == should_suppress == bool(vector.suppressed[0])
    assert bool(vector.undefined[0]) == (den == 0)
    if not should_suppress and den:
        assert scalar == pytest.approx(num / den) == vector.values[0]


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("value", "text"),
    [(1234, "1.234"), (0, "0"), (999, "999"), (1234567, "1.234.567"), (np.int64(827), "827"),
     (pd.NA, "*"), (None, "*")],
)
def test_format_count_de(value, text):
    assert P.format_count_de(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.245, "24,5 %"), (203 / 827, "24,5 %"), (1.0, "100,0 %"), (0.0, "0,0 %"),
     (0.0125, "1,3 %"), (12.345, "1.234,5 %"), (np.float64(0.5), "50,0 %"), (pd.NA, "*"),
     (None, "*")],
)
def test_format_rate_de(value, text):
    assert P.format_rate_de(value) == text


def test_to_display_frame():
    p = P.suppress_counts(column([0, 1, 1500, 4]), total_row=T)
    shown = P.to_display_frame(p)
    assert shown["n"].tolist() == ["0", "*", "1.500", "*", "1.505"]
    assert list(shown.index) == list(p.values.index)


# --------------------------------------------------------------------------- properties

small_or_large = st.one_of(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6),
                           st.integers(7, 60))


@st.composite
def count_tables(draw):
    n_rows, n_cols = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    rows = draw(st.lists(st.lists(small_or_large, min_size=n_cols, max_size=n_cols),
                         min_size=n_rows, max_size=n_rows))
    return frame(rows)


def check_protected(table, p):
    """Invariants every protected table must satisfy."""
    values, sup = table.to_numpy(), p.suppressed.to_numpy()
    published = values[~sup]
    assert not np.isin(published, [1, 2]).any()  # no 1 or 2 is published
    assert not (sup & (values == 0)).any()  # zeros are never suppressed
    assert (p.primary.to_numpy() == np.isin(values, [1, 2])).all()
    assert (p.values.to_numpy()[~sup] == published).all()  # published values unchanged
    assert p.values.isna().to_numpy().tolist() == sup.tolist()
    assert P.audit(p) == []
    assert P.audit(p, method="elimination") == []
    for line in cells_in_line_sets(p):
        assert line.sum() != 1


@settings(max_examples=300, deadline=None)
@given(count_tables())
def test_property_2d_with_row_and_column_totals(interior):
    table = P.add_totals(interior, T)
    p = P.suppress_counts(table, total_row=T, total_col=T)
    check_protected(table, p)
    assert bridge_cells(p.suppressed) == set()  # independent check of the audit


@settings(max_examples=150, deadline=None)
@given(count_tables(), st.sampled_from([(True, False), (False, True), (False, False)]))
def test_property_partial_totals(interior, which):
    rows, cols = which
    table = P.add_totals(interior, T, rows=rows, cols=cols)
    p = P.suppress_counts(table, total_row=T if rows else None, total_col=T if cols else None)
    check_protected(table, p)


@settings(max_examples=200, deadline=None)
@given(count_tables(), st.data())
def test_property_linear_audit_matches_bridge_oracle(interior, data):
    table = P.add_totals(interior, T)
    mask = pd.DataFrame(
        data.draw(st.lists(st.booleans(), min_size=table.size, max_size=table.size)),
    ).to_numpy().reshape(table.shape)
    published = table.astype(object).mask(mask, "*")
    found = set(P.audit(published, total_row=T, total_col=T))
    assert found == bridge_cells(pd.DataFrame(mask, index=table.index, columns=table.columns))
    assert set(P.audit(published, total_row=T, total_col=T, method="elimination")) <= found

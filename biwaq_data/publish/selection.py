"""`Selection`: every table the dashboard publishes for one (dataset, filters), protected together by
solving coarse to fine with the disclosure engine; `selection()` returns a cached instance."""

from __future__ import annotations


import numpy as np
import pandas as pd

from ..ingest import schema
from .. import texts_de as T
from .gender import STATISTICAL_GENDER_SUFFIX
from .privacy import PRIMARY_VALUES
from .disclosure import _PRIMARY, _cell_forms, _Conflict, _Grid, _protect_grid
from ..figures.memo import Memo
from .headline import _figures, _headline_status, _HeadlineStatus
from .results import _BREAKDOWN_KINDS, OUTCOME_COLUMNS, Published, PublishedFigures, SelectionFrames, _rates, _result

# =========================================================================== the solver

_SOURCES = ("long_term_unemployed", "short_term_unemployed", "inactive", "employed")
_GROUPED = ("migration_background", "gender", "age_group", "education", "referral_source", "provider")


def _node_forms(grid_kind: str, n_rows: int, n_cols: int, keys=()) -> dict[str, np.ndarray]:
    """Headline figures as forms over a table's atoms.

    grid_kind "flows": atoms = 4 status rows x 5 best outcomes; "groups": atoms = groups x
    (employment, vocational_training, improved_prospects, rest)."""
    def cols(*c):
        f = np.zeros((n_rows, n_cols))
        f[:, list(c)] = 1.0
        return f.ravel()

    def rows(*r):
        f = np.zeros((n_rows, n_cols))
        f[list(r), :] = 1.0
        return f.ravel()

    rest = (3, 4) if grid_kind == "flows" else (3,)
    out = {"participants": cols(*range(n_cols)), "employment": cols(0), "vocational_training": cols(1),
           "improved_prospects": cols(2), "rest": cols(*rest), "work": cols(0, 1), "with_outcome": cols(0, 1, 2)}
    if grid_kind == "flows":
        out.update(in_support=cols(3), no_outcome=cols(4), long_term_unemployed=rows(0),
                   short_term_unemployed=rows(1), unemployed=rows(0, 1), not_unemployed=rows(2, 3),
                   not_long_term_unemployed=rows(1, 2, 3))
    elif grid_kind == "migration_background":
        keys = list(keys)
        out.update(migration_background=rows(*[i for i, k in enumerate(keys) if bool(k)]),
                   no_migration=rows(*[i for i, k in enumerate(keys) if not bool(k)]))
    return out


def _headline_constraints(status: _HeadlineStatus, forms: dict) -> tuple[list, list, list]:
    known, secret, shared = [], [], []
    for node, form in forms.items():
        if status.known[node] or status.values[node] == 0:
            known.append((form, ("headline", node)))
        else:
            secret.append(form)
        shared.append(form)
    return known, secret, shared


def _breakdown_inner(frame: pd.DataFrame) -> np.ndarray:
    counts = frame[list(OUTCOME_COLUMNS)].to_numpy(dtype=np.int64)
    rest = frame["participants"].to_numpy(dtype=np.int64) - frame["with_outcome"].to_numpy(dtype=np.int64)
    return np.column_stack([counts, rest]).reshape(-1, 4)


def _with_outcome_forms(n_rows: int) -> np.ndarray:
    forms = np.zeros((n_rows, n_rows, 4))
    for i in range(n_rows):
        forms[i, i, :3] = 1.0
    return forms.reshape(n_rows, n_rows * 4)


def _grid_constraints(grid: _Grid, table: str) -> tuple[list, list]:
    """A protected table's cells as (known, secret) constraints for a finer table over the same atoms."""
    known, secret = [], []
    for idx, form in enumerate(grid.forms):
        if grid.mask.ravel()[idx]:
            secret.append(form)
        else:
            known.append((form, (table, idx)))
    return known, secret


class Selection(SelectionFrames):
    """All tables the dashboard publishes for one selection (dataset + filters), protected together.

    A Selection is also a read-only mapping of the *raw* headline figures (``sel["participants"]``,
    ``dict(sel) == metrics.headline(dataset, filters)``), so it can stand in for the headline dict.

    Tables are protected from coarse to fine (headline -> breakdowns by employment status and
    long-term unemployment -> flows; headline -> Stadtbezirke -> Ortsteile; headline -> every other
    breakdown, the monthly series, services). If a finer table finds that the coarser tables'
    published figures together with its own zeros reveal a 1, a 2 or a withheld value, the coarser
    table withholds one more figure and everything is solved again (a fixed point; figures only ever
    get withheld, so it terminates).

    Use :func:`selection` to get a cached instance. Methods return :class:`Published` /
    :class:`PublishedFigures`: ``headline()``, ``funnel()``, ``outcome_table()``, ``flows()``,
    ``monthly()``, ``services()``, ``breakdown(attribute)``, ``tables()`` (all of them).
    """

    def __init__(self, dataset, filters=None, forced: dict | None = None):
        """``forced``: table -> cells withheld on top (the publication set asks for them, :mod:`.pressset`)."""
        super().__init__(dataset, filters)
        self.forced: dict[str, set] = {k: set(v) for k, v in (forced or {}).items()}
        for _ in range(500):
            try:
                self._solve()
                break
            except _Conflict as conflict:
                table, cell = conflict.source
                if cell in self.forced.setdefault(table, set()):  # pragma: no cover
                    raise RuntimeError(f"publication: conflict on {conflict.source} did not resolve")
                self.forced[table].add(cell)
        else:  # pragma: no cover
            raise RuntimeError("publication: no consistent suppression found")

    # ------------------------------------------------------------------ solving

    def _solve(self) -> None:
        self.status = status = _headline_status(self.raw, frozenset(self.forced.get("headline", ())))
        grids: dict[str, _Grid] = {}
        # flows grid (status at entry x best outcome) and its two coarser breakdowns
        flows = self._frames["flows"]
        f_inner = np.zeros((4, len(schema.BEST_OUTCOMES)), dtype=np.int64)
        for row in flows.itertuples():
            f_inner[_SOURCES.index(row.source), schema.BEST_OUTCOMES.index(row.target)] += int(row.persons)
        self._f_inner = f_inner
        f_nodes = _node_forms("flows", 4, 5)
        col_map = np.zeros((5, 4))
        col_map[[0, 1, 2, 3, 4], [0, 1, 2, 3, 3]] = 1.0
        finer_known, finer_secret = [], []
        for attribute, row_map in (("employment_status", [[1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]),
                                   ("long_term_unemployed", [[1, 0, 0, 0], [0, 1, 1, 1]])):
            row_map = np.asarray(row_map, dtype=float)
            lift = np.einsum("rs,oc->rcso", row_map, col_map).reshape(len(row_map) * 4, 20)
            inner = _breakdown_inner(self._breakdowns[attribute])
            known, secret, shared = _headline_constraints(status, f_nodes)
            grid = _protect_grid(inner, lift=lift, atom_values=f_inner.ravel(), known=known, secret=secret,
                                 shared=shared, extra=_with_outcome_forms(len(inner)),
                                 extra_values=inner[:, :3].sum(axis=1), forced_cells=self.forced.get(attribute, ()),
                                 name=attribute)
            grids[attribute] = grid
            k2, s2 = _grid_constraints(grid, attribute)
            finer_known += k2
            finer_secret += s2
        known, secret, shared = _headline_constraints(status, f_nodes)
        grids["flows"] = _protect_grid(f_inner, known=known + finer_known, secret=secret + finer_secret,
                                       shared=shared, forced_cells=self.forced.get("flows", ()), name="flows")
        # Stadtbezirke over the Ortsteile, then the Ortsteile
        ort = self._breakdowns["ortsteil"]
        o_inner = _breakdown_inner(ort)
        o_nodes = _node_forms("groups", len(ort), 4)
        bez = self._breakdowns["bezirk"]
        member = np.array([[1.0 if b == bz else 0.0 for b in ort["bezirk"]] for bz in bez["key"]]).reshape(
            len(bez), len(ort))
        b_lift = np.einsum("bo,cd->bcod", member, np.eye(4)).reshape(len(bez) * 4, len(ort) * 4)
        b_inner = _breakdown_inner(bez)
        known, secret, shared = _headline_constraints(status, o_nodes)
        grids["bezirk"] = _protect_grid(b_inner, lift=b_lift, atom_values=o_inner.ravel(), known=known,
                                        secret=secret, shared=shared, extra=_with_outcome_forms(len(bez)),
                                        extra_values=b_inner[:, :3].sum(axis=1),
                                        forced_cells=self.forced.get("bezirk", ()), name="bezirk")
        k2, s2 = _grid_constraints(grids["bezirk"], "bezirk")
        grids["ortsteil"] = _protect_grid(o_inner, known=known + k2, secret=secret + s2, shared=shared,
                                          extra=_with_outcome_forms(len(ort)),
                                          extra_values=o_inner[:, :3].sum(axis=1),
                                          forced_cells=self.forced.get("ortsteil", ()), name="ortsteil")
        # every other breakdown shares only the headline figures
        for attribute in _GROUPED:
            frame = self._breakdowns[attribute]
            inner = _breakdown_inner(frame)
            kind = "migration_background" if attribute == "migration_background" else "groups"
            known, secret, shared = _headline_constraints(status, _node_forms(kind, len(frame), 4, frame["key"]))
            grids[attribute] = _protect_grid(inner, known=known, secret=secret, shared=shared,
                                             extra=_with_outcome_forms(len(inner)),
                                             extra_values=inner[:, :3].sum(axis=1),
                                             forced_cells=self.forced.get(attribute, ()), name=attribute)
        grids["monthly"] = self._monthly_grid(status)
        self._indicator_grids(status, grids)
        self.grids = grids

    def _indicator_grids(self, status: _HeadlineStatus, grids: dict) -> None:
        """ESF Plus indicator blocks (category x gender). Their totals are cells of the breakdowns
        (participants per gender, employment status, age group, education, migration background) or
        of the headline, or rows of an earlier block - and are forced to the same status there."""
        from ..figures import indicators as ind

        counts = ind.indicator_counts(self.dataset, self.filters)
        self._indicator_counts = counts
        n_g = len(ind.GENDERS)
        gender_total = [("gender", g * 5 + 4) for g in range(n_g)]
        headline_p = ("headline", "participants")

        def rows_of(table, n):
            return [(table, r * 5 + 4) for r in range(n)]

        plan = {  # block -> (sources of the total column per row, of the total row per gender, grand total)
            "status": (rows_of("employment_status", 3), gender_total, headline_p),
            "age": (rows_of("age_group", 4), gender_total, headline_p),
            "education": (rows_of("education", 4), gender_total, headline_p),
            "foreign": (rows_of("migration_background", 2), gender_total, headline_p),
            "leavers": ([("headline", "leavers"), ("headline", "stayers")], gender_total, headline_p),
        }
        parent_block = {rows[0][0]: block for block, rows in ind.RESULT_BLOCKS.items()}
        parent_block["unemployed"] = "status"
        for block, rows in {**ind.OUTPUT_BLOCKS, **ind.RESULT_BLOCKS}.items():
            if block in plan:
                continue
            parent = ind.BLOCK_PARENTS[block]
            if parent is None:  # a partition of all selected participants (e.g. EECO12 / EECO13 / EECO15)
                plan[block] = ([None] * len(rows), gender_total, headline_p)
            else:  # a partition of the first row of an earlier block (e.g. leavers -> window closed -> EECR04)
                src = f"ind:{parent_block[parent]}"
                row_sources = ([("long_term_unemployed", 4), ("headline", "short_term_unemployed")]
                               if block == "long_term" else [None] * len(rows))
                plan[block] = (row_sources, [(src, g) for g in range(n_g)], (src, 4))
        blocks = {**ind.OUTPUT_BLOCKS, **ind.RESULT_BLOCKS}

        def is_known(source) -> bool:
            table, cell = source
            if table == "headline":
                return status.known[cell] or status.values[cell] == 0
            return not grids[table].mask.ravel()[cell]

        for block, (row_sources, col_sources, grand) in plan.items():
            keys = [k for k, _ in blocks[block]]
            inner = np.array([counts.row(k) for k in keys], dtype=np.int64)
            n_rows = len(keys)
            forms = _cell_forms(n_rows, n_g, True, True).reshape(n_rows + 1, n_g + 1, -1)
            margins = [(forms[r, n_g], src) for r, src in enumerate(row_sources)]
            margins += [(forms[n_rows, g], src) for g, src in enumerate(col_sources)]
            margins.append((forms[n_rows, n_g], grand))
            known, secret, shared = [], [], []
            for form, src in margins:
                shared.append(form)
                if src is None:
                    continue
                (known.append((form, src)) if is_known(src) else secret.append(form))
            grids[f"ind:{block}"] = _protect_grid(inner, known=known, secret=secret, shared=shared,
                                                  forced_cells=self.forced.get(f"ind:{block}", ()),
                                                  name=f"ind:{block}")

    def indicator_masks(self) -> dict:
        """Suppressed flags (female, male, non_binary, unknown, total) of every ESF indicator row."""
        from ..figures import indicators as ind

        out = {}
        for block, rows in {**ind.OUTPUT_BLOCKS, **ind.RESULT_BLOCKS}.items():
            mask = self.grids[f"ind:{block}"].mask
            for r, (key, _) in enumerate(rows):
                out[key] = mask[r].copy()
        gender = self.grids["gender"].mask
        out["total"] = np.append(gender[: len(ind.GENDERS), 4], not self.status.known["participants"])
        return out

    def _monthly_grid(self, status: _HeadlineStatus) -> _Grid | None:
        frame = self._frames["monthly"]
        n = len(frame)
        if not n:
            return None
        inner = frame[["entries", "exits", "outcomes"]].to_numpy(dtype=np.int64)
        known, secret = [], []
        for j, node in enumerate(("participants", "leavers", "with_outcome")):
            form = np.zeros((n, 3))
            form[:, j] = 1.0
            if int(inner[:, j].sum()) == status.values[node]:
                if status.known[node] or not status.values[node]:
                    known.append((form.ravel(), ("headline", node)))
                else:
                    secret.append(form.ravel())
        lower = np.tril(np.ones((n, n)))
        cum = np.zeros((n, n, 3))
        cum[:, :, 0] = lower
        active = cum.copy()
        active[:, :, 1] = -lower
        extra = np.vstack([active.reshape(n, 3 * n), cum.reshape(n, 3 * n)])
        values = np.concatenate([frame["active"].to_numpy(dtype=np.int64),
                                 frame["cumulative_participants"].to_numpy(dtype=np.int64)])
        return _protect_grid(inner, total_col=False, known=known, secret=secret, extra=extra, extra_values=values,
                             forced_cells=self.forced.get("monthly", ()), name="monthly", max_tries=4)

    def __repr__(self) -> str:
        return f"Selection({self.filters!r}, participants={self.raw['participants']})"

    # ------------------------------------------------------------------ published tables

    def headline(self) -> PublishedFigures:
        return _figures(self.raw, self.status)

    def indicator_counts(self):
        """The ESF Plus indicator counts behind :meth:`indicator_masks` (this selection's data)."""
        from ..figures import indicators as ind

        return ind.indicator_counts(self.dataset, self.filters)

    def breakdown(self, attribute: str, *, with_total: bool = False) -> Published:
        """:func:`metrics.breakdown` (same rows and columns); ``with_total`` appends the total row
        (``key="total"``, label "Insgesamt") - it equals the headline."""
        frame = self._breakdowns[attribute].reset_index(drop=True)
        grid, st, v = self.grids[attribute], self.status, self.status.values
        inner = _breakdown_inner(frame)
        n = len(frame)
        mask = grid.mask
        participants = inner.sum(axis=1)
        p_known = ~mask[:n, 4]
        work_forms = np.zeros((n, n, 4))
        for i in range(n):
            work_forms[i, i, :2] = 1.0
        work_known = grid.knows(work_forms.reshape(n, -1)) if n else np.zeros(0, dtype=bool)
        zeros = np.zeros(n)
        columns = {
            "participants": (participants, mask[:n, 4], zeros),
            "employment": (inner[:, 0], mask[:n, 0], zeros),
            "vocational_training": (inner[:, 1], mask[:n, 1], zeros),
            "improved_prospects": (inner[:, 2], mask[:n, 2], zeros),
            "with_outcome": (inner[:, :3].sum(axis=1), ~grid.extra_published, zeros),
            "share": _rates(participants, [v["participants"]] * n, p_known, [st.known["participants"]] * n),
            "placement_rate": _rates(inner[:, :2].sum(axis=1), participants, work_known, p_known),
            "outcome_rate": _rates(inner[:, :3].sum(axis=1), participants, grid.extra_published, p_known),
        }
        if with_total:
            frame = pd.concat([frame, pd.DataFrame([{"key": "total", "label": T.PUBLICATION_TOTAL_LABEL}])],
                              ignore_index=True)
            for col in ("participants", "employment", "vocational_training", "improved_prospects", "with_outcome"):
                values, sup, und = columns[col]
                columns[col] = (np.append(values, v[col]), np.append(sup, not st.known[col]), np.append(und, False))
            for col, numerator in (("share", "participants"), ("placement_rate", "work"),
                                   ("outcome_rate", "with_outcome")):
                values, sup, und = columns[col]
                r = _rates([v[numerator]], [v["participants"]], [st.known[numerator]], [st.known["participants"]])
                columns[col] = tuple(np.append(a, b) for a, b in zip(columns[col], r))
        out = _result(frame, columns, _BREAKDOWN_KINDS)
        if attribute == "gender" and self.dataset.version.endswith(STATISTICAL_GENDER_SUFFIX):
            object.__setattr__(out, "note", T.PUBLICATION_GENDER_FOOTNOTE)  # divers / ohne Angabe reassigned
        return out

    def flows(self) -> Published:
        frame = self._frames["flows"].reset_index(drop=True)
        rows = [_SOURCES.index(s) for s in frame["source"]]
        cols = [schema.BEST_OUTCOMES.index(t) for t in frame["target"]]
        mask = self.grids["flows"].mask[rows, cols] if len(frame) else np.zeros(0, dtype=bool)
        return _result(frame, {"persons": (frame["persons"].to_numpy(), mask, np.zeros(len(frame)))},
                       {"persons": "count"})

    def funnel(self) -> Published:
        status, frame = self.status, self._frames["funnel"].reset_index(drop=True)
        nodes = {"participants": "participants", "with_outcome": "with_outcome", "work_or_training": "work",
                 "employment": "employment"}
        node_list = [nodes[s] for s in frame["stage"]]
        persons = frame["persons"].to_numpy(dtype=np.int64)
        known = np.array([status.known[k] for k in node_list])
        previous = np.concatenate([persons[:1], persons[:-1]])
        prev_known = np.concatenate([known[:1], known[:-1]])
        n = len(frame)
        columns = {"persons": (persons, ~known, np.zeros(n)),
                   "share_of_initial": _rates(persons, [persons[0]] * n, known, [known[0]] * n),
                   "share_of_previous": _rates(persons, previous, known, prev_known)}
        return _result(frame, columns, {"persons": "count", "share_of_initial": "rate", "share_of_previous": "rate"})

    def outcome_table(self) -> Published:
        """``best_persons`` follows the headline. ``any_persons`` (persons with any record of the
        outcome) is shown only where ``best_persons`` is, and not if it would reveal 1 or 2 persons:
        neither itself, nor those counted only here (any - best), nor - among the persons with a
        better outcome - those *without* such a record."""
        status, frame = self.status, self._frames["outcome_table"].reset_index(drop=True)
        best = frame["best_persons"].to_numpy(dtype=np.int64)
        any_ = frame["any_persons"].to_numpy(dtype=np.int64)
        best_known = np.array([status.known[k] for k in frame["outcome"]])
        above = {"employment": None, "vocational_training": "employment", "improved_prospects": "work"}
        any_sup = []
        for key, b, a, bk in zip(frame["outcome"], best, any_, best_known):
            extra = int(a - b)
            hidden = not bk or a in PRIMARY_VALUES or extra in PRIMARY_VALUES
            parent = above[key]
            if parent is not None and status.known[parent]:
                hidden |= (status.values[parent] - extra) in PRIMARY_VALUES
            any_sup.append(hidden and a != 0)
        n = len(frame)
        p = status.values["participants"]
        columns = {"best_persons": (best, ~best_known, np.zeros(n)),
                   "any_persons": (any_, any_sup, np.zeros(n)),
                   "share": _rates(best, [p] * n, best_known, [status.known["participants"]] * n)}
        return _result(frame, columns, {"best_persons": "count", "any_persons": "count", "share": "rate"})

    def monthly(self) -> Published:
        """``active`` and ``cumulative_participants`` are sums of cells: shown only where they follow
        from the published cells, and protected like cells."""
        frame = self._frames["monthly"].reset_index(drop=True)
        grid, n = self.grids["monthly"], len(frame)
        cols = ("entries", "exits", "outcomes")
        zeros = np.zeros(n)
        if grid is None:
            columns = {c: (frame[c].to_numpy(), zeros, zeros) for c in (*cols, "active", "cumulative_participants")}
        else:
            columns = {c: (frame[c].to_numpy(), grid.mask[:n, j], zeros) for j, c in enumerate(cols)}
            ext = grid.extra_published
            columns["active"] = (frame["active"].to_numpy(), ~ext[:n], zeros)
            columns["cumulative_participants"] = (frame["cumulative_participants"].to_numpy(), ~ext[n:], zeros)
        return _result(frame, columns, {c: "count" for c in (*cols, "active", "cumulative_participants")})

    def services(self) -> Published:
        """Per service: ``persons`` withheld if 1 or 2, or if the participants *without* the service
        are 1 or 2; records and hours go with ``persons`` (hours also when only 1 or 2 persons have
        hours recorded); the rates follow the rate rule, ``outcome_rate`` also when together with the
        placement rate it would reveal 1 or 2 persons with only an improved perspective; a service
        that reached every participant has the headline's rates and withholds them like the headline."""
        status, frame = self.status, self._frames["services"].reset_index(drop=True)
        p, p_known = status.values["participants"], status.known["participants"]
        persons = frame["persons"].to_numpy(dtype=np.int64)
        n = len(frame)
        persons_sup = (np.isin(persons, _PRIMARY) | np.isin(p - persons, _PRIMARY) | (not p_known)) & (persons != 0)
        hours_total = frame["hours_total"].to_numpy(dtype=float)
        per_person = frame["hours_per_person"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            with_hours = np.where(per_person > 0, np.round(hours_total / per_person), np.nan)
        hours_sup = (persons_sup | np.isin(with_hours, _PRIMARY)) & (persons != 0)
        work = np.round(np.nan_to_num(frame["placement_rate"].to_numpy(dtype=float)) * persons).astype(np.int64)
        any_ = np.round(np.nan_to_num(frame["outcome_rate"].to_numpy(dtype=float)) * persons).astype(np.int64)
        everyone = persons == p
        place = _rates(work, persons, ~persons_sup & (~everyone | status.known["work"]), ~persons_sup)
        outc = _rates(any_, persons, ~persons_sup & (~everyone | status.known["with_outcome"]), ~persons_sup)
        leak = ~place[1] & ~place[2] & np.isin(any_ - work, _PRIMARY) & ~outc[2]
        outc = (outc[0], outc[1] | leak, outc[2])
        undefined_hours = np.isnan(per_person) & ~hours_sup
        columns = {"persons": (persons, persons_sup, np.zeros(n)),
                   "records": (frame["records"].to_numpy(), persons_sup, np.zeros(n)),
                   "hours_total": (np.nan_to_num(hours_total), hours_sup, np.zeros(n)),
                   "hours_per_person": (np.nan_to_num(per_person), hours_sup, undefined_hours),
                   "placement_rate": place, "outcome_rate": outc}
        kinds = {"persons": "count", "records": "count", "hours_total": "number", "hours_per_person": "number",
                 "placement_rate": "rate", "outcome_rate": "rate"}
        return _result(frame, columns, kinds)

    def tables(self) -> dict:
        """Everything: "headline", "funnel", "outcome_table", "flows", "monthly", "services" and
        "breakdown:<attribute>" for every attribute of ``metrics.BREAKDOWN_ATTRIBUTES``."""
        out = {"headline": self.headline(), "funnel": self.funnel(), "outcome_table": self.outcome_table(),
               "flows": self.flows(), "monthly": self.monthly(), "services": self.services()}
        out.update({f"breakdown:{a}": self.breakdown(a) for a in self._breakdowns})
        return out


_CACHE = Memo(64)  # (id(dataset), version, filters, statistical_gender) -> Selection; thread-safe, once per key


def exact_selection(dataset, filters=None, *, statistical_gender: bool = True) -> Selection:
    """All tables of one selection protected together by cell suppression (exact values), cached per
    (dataset version, filters) and computed once even when several sessions ask at the same time.
    ``statistical_gender`` (default): "divers"/"ohne Angabe" assigned to Frauen/Männer
    (:mod:`.gender`); ``False`` keeps the four recorded categories (ESF Plus monitoring report).

    Protects the tables of *this* selection only; publication mode uses it for the programme and
    :func:`selection` for everything else."""
    from .gender import publication_dataset

    data = publication_dataset(dataset) if statistical_gender else dataset
    key = (id(dataset), dataset.version, filters, statistical_gender)
    return _CACHE.get(key, lambda: Selection(data, filters))

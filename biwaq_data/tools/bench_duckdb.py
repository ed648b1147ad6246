"""The benchmark's peer: the same figures in SQL with DuckDB, and the comparison of its results with ours."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from ..ingest.reading import TABLE_NAMES as TABLES


def _sql_literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


class DuckFigures:
    """Each metric as one SQL query over read_parquet(...) of the generated files."""

    def __init__(self, folder: Path, datenstand):
        import duckdb

        self.con = duckdb.connect()
        self.files = {t: _sql_literal(folder / f"{t}.parquet") for t in TABLES}
        self.ds = f"TIMESTAMP '{datenstand:%Y-%m-%d}'"

    def _base(self, filters) -> str:
        """CTE `p`: selected participants with best outcome (0..4 as schema.BEST_OUTCOMES) and first outcome."""
        where = ["TRUE"]
        if filters is not None:
            if filters.period_start:
                where.append(f"entry_date >= TIMESTAMP '{filters.period_start:%Y-%m-%d}'")
            if filters.period_end:
                where.append(f"entry_date <= TIMESTAMP '{filters.period_end:%Y-%m-%d}'")
            if filters.ortsteile:
                where.append(f"ortsteil IN ({', '.join(str(int(x)) for x in filters.ortsteile)})")
            rest = {k: v for k, v in asdict(filters).items()
                    if v not in (None, ()) and k not in ("period_start", "period_end", "ortsteile")}
            if rest:
                raise NotImplementedError(f"DuckDB baseline has no SQL for {sorted(rest)}")
        return f"""
        o AS (SELECT participant_id,
                     min(CASE outcome WHEN 'employment' THEN 0 WHEN 'vocational_training' THEN 1
                                      WHEN 'improved_prospects' THEN 2 END) AS rank,
                     min(outcome_date) AS first_outcome_date
              FROM read_parquet({self.files['outcomes']}) GROUP BY participant_id),
        p AS (SELECT q.*, o.first_outcome_date,
                     coalesce(o.rank, CASE WHEN q.exit_date IS NOT NULL AND q.exit_date <= {self.ds}
                                           THEN 4 ELSE 3 END) AS best
              FROM read_parquet({self.files['participants']}) q LEFT JOIN o USING (participant_id)
              WHERE {' AND '.join(where)})"""

    def _df(self, sql: str):
        return self.con.execute(sql).df()

    def headline(self, filters):
        return self._df(f"""WITH {self._base(filters)}
            SELECT count(*) AS participants,
                   count_if(employment_status = 'unemployed') AS unemployed,
                   count_if(long_term_unemployed) AS long_term_unemployed,
                   count_if(migration_background) AS migration_background,
                   count_if(best = 0) AS employment, count_if(best = 1) AS vocational_training,
                   count_if(best = 2) AS improved_prospects, count_if(best <= 2) AS with_outcome,
                   count_if(best = 3) AS in_support, count_if(best = 4) AS no_outcome,
                   count_if(exit_date IS NOT NULL AND exit_date <= {self.ds}) AS leavers
            FROM p""")

    def funnel(self, filters):
        return self._df(f"""WITH {self._base(filters)}
            SELECT count(*) AS participants, count_if(best <= 2) AS with_outcome,
                   count_if(best <= 1) AS work_or_training, count_if(best = 0) AS employment FROM p""")

    def outcome_table(self, filters):
        return self._df(f"""WITH {self._base(filters)},
            best AS (SELECT best AS code, count(*) AS best_persons FROM p WHERE best <= 2 GROUP BY best),
            anyo AS (SELECT CASE r.outcome WHEN 'employment' THEN 0 WHEN 'vocational_training' THEN 1 ELSE 2 END
                            AS code, count(DISTINCT r.participant_id) AS any_persons
                     FROM read_parquet({self.files['outcomes']}) r SEMI JOIN p USING (participant_id) GROUP BY 1),
            n AS (SELECT count(*) AS n FROM p)
            SELECT c.code, coalesce(best.best_persons, 0) AS best_persons, coalesce(anyo.any_persons, 0) AS any_persons,
                   coalesce(best.best_persons, 0) / nullif(n.n, 0) AS share
            FROM (VALUES (0), (1), (2)) c(code) LEFT JOIN best USING (code) LEFT JOIN anyo USING (code), n
            ORDER BY c.code""")

    def breakdown_ortsteil(self, filters):
        return self._df(f"""WITH {self._base(filters)}
            SELECT ortsteil AS ortsteil_nr, count(*) AS participants, count_if(best = 0) AS employment,
                   count_if(best = 1) AS vocational_training, count_if(best = 2) AS improved_prospects,
                   count_if(best <= 2) AS with_outcome,
                   count(*) / sum(count(*)) OVER () AS share
            FROM p GROUP BY ortsteil ORDER BY ortsteil""")

    def monthly(self, filters):
        start = (f"TIMESTAMP '{filters.period_start:%Y-%m-%d}'" if filters is not None and filters.period_start
                 else f"(SELECT min(entry_date) FROM read_parquet({self.files['participants']}))")
        return self._df(f"""WITH {self._base(filters)},
            months AS (SELECT unnest(generate_series(date_trunc('month', {start}),
                                                     date_trunc('month', {self.ds}), INTERVAL 1 MONTH)) AS month),
            e AS (SELECT date_trunc('month', entry_date) AS month, count(*) AS n FROM p
                  WHERE entry_date <= {self.ds} GROUP BY 1),
            x AS (SELECT date_trunc('month', exit_date) AS month, count(*) AS n FROM p
                  WHERE exit_date IS NOT NULL AND exit_date <= {self.ds} GROUP BY 1),
            f AS (SELECT date_trunc('month', first_outcome_date) AS month, count(*) AS n FROM p
                  WHERE first_outcome_date IS NOT NULL AND first_outcome_date <= {self.ds} GROUP BY 1),
            m AS (SELECT months.month, coalesce(e.n, 0) AS entries, coalesce(x.n, 0) AS exits,
                         coalesce(f.n, 0) AS outcomes
                  FROM months LEFT JOIN e USING (month) LEFT JOIN x USING (month) LEFT JOIN f USING (month))
            SELECT month, entries, exits,
                   sum(entries) OVER w - sum(exits) OVER w AS active, outcomes,
                   sum(entries) OVER w AS cumulative_participants
            FROM m WINDOW w AS (ORDER BY month) ORDER BY month""")

    def services_summary(self, filters):
        # One group per (person, service) first: much faster in DuckDB than four count(DISTINCT ...) FILTER.
        return self._df(f"""WITH {self._base(filters)},
            pairs AS (SELECT s.service, count(*) AS records, sum(coalesce(s.hours, 0)) AS hours,
                             bool_or(s.hours IS NOT NULL) AS has_hours, any_value(p.best) AS best
                      FROM read_parquet({self.files['services']}) s JOIN p USING (participant_id)
                      GROUP BY s.participant_id, s.service)
            SELECT service, sum(records) AS records, sum(hours) AS hours_total, count(*) AS persons,
                   count_if(has_hours) AS persons_with_hours, count_if(best <= 1) AS work,
                   count_if(best <= 2) AS any_outcome
            FROM pairs GROUP BY service""")

    def flows(self, filters):
        return self._df(f"""WITH {self._base(filters)}
            SELECT CASE WHEN long_term_unemployed THEN 0 WHEN employment_status = 'unemployed' THEN 1
                        WHEN employment_status = 'inactive' THEN 2 ELSE 3 END AS source, best AS target,
                   count(*) AS persons
            FROM p GROUP BY 1, 2 ORDER BY 1, 2""")


def _pandas_metric(name: str):
    from ..figures import metrics

    if name == "breakdown_ortsteil":
        return lambda ds, f: metrics.breakdown(ds, "ortsteil", f)
    return getattr(metrics, name)


def _close(a, b) -> bool:
    import numpy as np

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True))


def compare(name: str, ours, duck) -> list[str]:
    """Differences between the pandas metric and the DuckDB result ([] when equal)."""
    import numpy as np
    import pandas as pd

    from ..ingest import schema

    problems: list[str] = []

    def same_ints(label, a, b):
        a, b = [int(x) for x in a], [int(x) for x in b]
        if a != b:
            problems.append(f"{label}: {a[:12]} != {b[:12]}")

    def same_floats(label, a, b):
        if not _close(a, b):
            problems.append(f"{label}: {list(a)[:6]} != {list(b)[:6]}")

    if name == "headline":
        row = duck.iloc[0]
        same_ints("counts", [ours[c] for c in duck.columns], [row[c] for c in duck.columns])
        n = row["participants"]
        same_floats("rates", [ours["placement_rate"], ours["outcome_rate"]],
                    [(row["employment"] + row["vocational_training"]) / n if n else np.nan,
                     row["with_outcome"] / n if n else np.nan])
    elif name == "funnel":
        row = duck.iloc[0]
        same_ints("persons", ours["persons"], [row[c] for c in ("participants", "with_outcome", "work_or_training",
                                                               "employment")])
    elif name == "outcome_table":
        same_ints("best_persons", ours["best_persons"], duck["best_persons"])
        same_ints("any_persons", ours["any_persons"], duck["any_persons"])
        same_floats("share", ours["share"], duck["share"].astype(float))
    elif name == "breakdown_ortsteil":
        same_ints("ortsteil_nr", ours["ortsteil_nr"], duck["ortsteil_nr"])
        for col in ("participants", "employment", "vocational_training", "improved_prospects", "with_outcome"):
            same_ints(col, ours[col], duck[col])
        same_floats("share", ours["share"], duck["share"])
    elif name == "monthly":
        if list(pd.to_datetime(ours["month"])) != list(pd.to_datetime(duck["month"])):
            problems.append(f"months: {len(ours)} vs {len(duck)}")
        else:
            for col in ("entries", "exits", "active", "outcomes", "cumulative_participants"):
                same_ints(col, ours[col], duck[col])
    elif name == "services_summary":
        d = duck.set_index("service").reindex(list(schema.SERVICES))
        for col in ("persons", "records"):
            same_ints(col, ours[col], d[col].fillna(0))
        same_floats("hours_total", ours["hours_total"], d["hours_total"].fillna(0))
        with np.errstate(divide="ignore", invalid="ignore"):
            same_floats("hours_per_person", ours["hours_per_person"], d["hours_total"] / d["persons_with_hours"])
            same_floats("placement_rate", ours["placement_rate"], d["work"] / d["persons"])
            same_floats("outcome_rate", ours["outcome_rate"], d["any_outcome"] / d["persons"])
    elif name == "flows":
        sources = ["long_term_unemployed", "short_term_unemployed", "inactive", "employed"]
        want = [(sources[int(r.source)], schema.BEST_OUTCOMES[int(r.target)], int(r.persons)) for r in duck.itertuples()]
        got = [(r.source, r.target, int(r.persons)) for r in ours.itertuples()]
        if sorted(got) != sorted(want):
            problems.append(f"flows: {sorted(got)[:5]} != {sorted(want)[:5]}")
    return problems

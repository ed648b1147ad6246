"""How much secondary suppression costs: per page and table of the programme in publication mode, how many cells
of value 3 or more are withheld *only* to protect others (complements), out of all cells of value 3 or more.

    python -m biwaq_data.publish.suppression_report [data folder]

Goal (issue 13): at most 5 % of such cells on every page, and no withheld Frauen or Männer figure in an ESF Plus
row where both are 10 or more. Rounded selections withhold nothing, so only the programme is reported.
"""

from __future__ import annotations

import pandas as pd

import sys
from dataclasses import dataclass

import numpy as np

from ..figures import metrics

#: Page -> tables of the programme it shows (publication-mode screens without a click).
PAGES = {
    "Überblick": ("headline",),
    "Wirkung": ("funnel", "flows"),
    "Aufschlüsselung": tuple(f"breakdown:{a}" for a in metrics.BREAKDOWN_ATTRIBUTES
                             if a not in ("ortsteil", "bezirk")),
    "Zeitverlauf": ("monthly",),
    "Leistungen": ("services",),
    "Quartiere": ("breakdown:ortsteil", "breakdown:bezirk"),
    "ESF-Plus-Indikatoren": ("indicators:output", "indicators:results"),
}


@dataclass(frozen=True)
class Line:
    page: str
    table: str
    cells_3_plus: int
    complements_3_plus: int

    @property
    def share(self) -> float:
        return self.complements_3_plus / self.cells_3_plus if self.cells_3_plus else 0.0


def _counts(published, raw_values: dict) -> tuple[int, int]:
    """(cells >= 3, of those withheld) over the count columns of a Published table."""
    big = withheld = 0
    for col, kind in published.kinds.items():
        if kind != "count" or col not in raw_values:
            continue
        values = np.asarray(raw_values[col], dtype=float)
        sup = published.suppressed[col].to_numpy(dtype=bool)
        big += int((values >= 3).sum())
        withheld += int(((values >= 3) & sup).sum())
    return big, withheld


def report(dataset) -> list[Line]:
    """One :class:`Line` per page and table (programme, publication mode)."""
    from . import indicator_report
    from .pressset import press_set

    root = press_set(dataset).root
    lines = []
    for page, tables in PAGES.items():
        for table in tables:
            if table == "headline":
                figures = root.headline()
                values = {k: v for k, v in root.raw.items() if not k.endswith("_rate")}
                big = sum(1 for v in values.values() if v >= 3)
                withheld = sum(1 for k, v in values.items() if v >= 3 and k in figures.suppressed)
            elif table.startswith("indicators:"):
                tables_ = indicator_report.indicator_tables(dataset)
                published = tables_.output if table.endswith("output") else tables_.results
                frame = published.frame
                counts = tables_.raw.reindex(frame["code_plain"])  # the counts behind the published cells
                raw = {c: counts[c].fillna(0).astype("int64").to_numpy() for c in indicator_report.COLUMNS}
                big, withheld = _counts(published, raw)
            else:
                published = (root.breakdown(table.split(":", 1)[1]) if table.startswith("breakdown:")
                             else getattr(root, table)())
                raw_frame = root.metric(table).reset_index(drop=True)
                big, withheld = _counts(published, {c: raw_frame[c].to_numpy() for c in raw_frame.columns
                                                    if c in published.kinds})
            lines.append(Line(page, table, big, withheld))
    return lines


def esf_gender_losses(dataset) -> list[str]:
    """ESF Plus rows where Frauen and Männer are both >= 10 but one of them is withheld (goal: none)."""
    from . import indicator_report

    tables = indicator_report.indicator_tables(dataset)
    counts = tables.raw  # the programme's counts behind the published cells (statistical gender)
    out = []
    for published in (tables.output, tables.results):
        for i, code in enumerate(published.frame["code_plain"]):
            female, male = counts.loc[code, "female"], counts.loc[code, "male"]
            if (pd.notna(female) and female >= 10 and male >= 10
                    and published.suppressed.loc[i, ["female", "male"]].any()):
                out.append(code)
    return out


def format_report(lines: list[Line]) -> str:
    """Per page and table: cells >= 3, withheld only as complements, share; then the page totals."""
    out = [f"{'page':22} {'table':34} {'cells>=3':>9} {'withheld':>9} {'share':>7}"]
    for line in lines:
        out.append(f"{line.page:22} {line.table:34} {line.cells_3_plus:9d} {line.complements_3_plus:9d} "
                   f"{line.share:7.1%}")
    out.append("")
    for page in PAGES:
        big = sum(line.cells_3_plus for line in lines if line.page == page)
        withheld = sum(line.complements_3_plus for line in lines if line.page == page)
        out.append(f"{page:22} total {withheld}/{big} = {withheld / big if big else 0:.1%}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - command line
    from ..ingest.dataset import load_dataset

    args = sys.argv[1:] if argv is None else argv
    dataset = load_dataset(args[0] if args else "sample_data")
    print(format_report(report(dataset)))
    print("ESF rows with Frauen and Männer >= 10 but withheld:", esf_gender_losses(dataset) or "none")


if __name__ == "__main__":  # pragma: no cover
    main()

"""The optional table `targets` (Zielwerte from the funding approval): parse and validate.

One row per target: `provider` (a Träger; empty = the whole programme), `measure` (see
`schema.TARGET_MEASURES`), `due_date` (milestone or end of the funding period), `target` (a number of
persons; for a rate a percentage, 30 = 30 %) and optionally `start_date` (start of the period the target
covers; empty = programme start 01.01.2023).

Rules (each bad cell is one issue row naming file, row and column; a row with an error is left out, all
other rows are kept): the generic type rules of `validation.parse_table`, and
- `target_negative`: a target below 0 (error);
- `target_rate_range`: a rate target above 100 % (error);
- `due_before_start`: due date on or before the start of the period (error);
- `duplicate_target`: the same provider, measure and due date again (error; the first row counts);
- `target_unknown_provider`: a Träger not found among the participants (warning; the actual value is 0).
Due dates may lie in the future (unlike every other date of the contract).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import texts_de as T
from . import schema
from .reading import RawTable
from .validation import IssueLog, parse_table

TARGET_FRAME_COLUMNS = ("provider", "measure", "due_date", "target", "start_date", "source_row")


def empty_targets() -> pd.DataFrame:
    """A targets frame without rows (the table is optional)."""
    return pd.DataFrame({
        "provider": pd.Series(dtype="object"), "measure": pd.Series(dtype="object"),
        "due_date": pd.Series(dtype="datetime64[ns]"), "target": pd.Series(dtype="float64"),
        "start_date": pd.Series(dtype="datetime64[ns]"), "source_row": pd.Series(dtype="int64")})


def parse_targets(raw: RawTable, log: IssueLog, providers) -> pd.DataFrame:
    """Typed, accepted target rows (TARGET_FRAME_COLUMNS); problems go to `log` (see module docstring).

    `providers`: the Träger names of the accepted participants (for the unknown-provider warning).
    provider is a str or None (None = whole programme), measure a str code, target a float.
    """
    frame, error, headers = parse_table(raw, log)
    frame["start_date"] = pd.to_datetime(frame["start_date"]).fillna(pd.Timestamp(schema.PROGRAMME_START))
    frame["due_date"] = pd.to_datetime(frame["due_date"])
    target = frame["target"].to_numpy(dtype=float)

    def check(mask, column: str, rule: str, message, severity: str = "error") -> None:
        nonlocal error
        mask = np.asarray(mask, dtype=bool) & ~error
        if column in headers:
            log.add(raw, mask, headers[column], raw.frame[headers[column]], message, rule, severity=severity)
        if severity == "error":
            error = error | mask

    check(target < 0, "target", "target_negative", T.RULE_MESSAGES["target_negative"])
    is_rate = np.isin(frame["measure"].astype(object).to_numpy(), schema.TARGET_RATE_MEASURES)
    check(is_rate & (target > 100), "target", "target_rate_range", T.RULE_MESSAGES["target_rate_range"])
    check((frame["due_date"] <= frame["start_date"]).to_numpy(), "due_date", "due_before_start",
          T.RULE_MESSAGES["due_before_start"])
    provider = pd.Series([None if pd.isna(v) else str(v) for v in frame["provider"].astype(object)], dtype=object)
    keys = pd.DataFrame({"p": provider.fillna(""), "m": frame["measure"].astype(object), "d": frame["due_date"]})
    duplicate = keys.duplicated(keep=False).to_numpy() & ~error
    if duplicate.any():
        first_rows = pd.Series(raw.rows).where(~error).groupby([keys["p"], keys["m"], keys["d"]]).transform("min")
        later = duplicate & (raw.rows != first_rows.to_numpy())
        rows = iter(first_rows[later].astype(int).tolist())
        check(later, "measure", "duplicate_target",
              lambda _v: T.RULE_MESSAGES["duplicate_target"].format(first_row=next(rows)))
    known = set(str(p) for p in providers)
    unknown = provider.notna().to_numpy() & ~provider.isin(known).to_numpy()
    check(unknown, "provider", "target_unknown_provider", T.RULE_MESSAGES["target_unknown_provider"],
          severity="warning")
    out = pd.DataFrame({
        "provider": pd.Series(provider.to_numpy(dtype=object), dtype=object), "measure": frame["measure"].astype(object).to_numpy(),
        "due_date": frame["due_date"].to_numpy(), "target": target,
        "start_date": frame["start_date"].to_numpy(), "source_row": raw.rows.astype(np.int64)})
    return out.loc[~error].reset_index(drop=True)

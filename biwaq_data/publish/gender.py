"""Statistical gender for publication: "divers" (``non_binary``) and "ohne Angabe" (``unknown``) are assigned to
Frauen or Männer by a fixed, documented pseudo-random rule, as official statistics in Germany do when these
groups are too small to publish (Statistikamt Nord: parity of the birth month; see docs/privacy.md).

Rule used here: the SHA-256 hash of the participant id (``TN-...``, UTF-8); its first byte even -> ``female``,
odd -> ``male``. The rule depends on nothing but the id, so one person always lands in the same category, in
every table, selection and data version (no differencing between assignments). Persons with gender female or
male are never changed.

Only publication mode uses the statistical gender (exact tables of the publication set, press kit, protected
screens). The ESF Plus monitoring report for the funder keeps all four categories (Reg. (EU) 2021/1057, Annex I:
"Frauen, Männer, nicht-binäre Menschen") and analysts' unprotected screens show the recorded gender.
"""

from __future__ import annotations

import dataclasses
import hashlib

import numpy as np
import pandas as pd

#: Suffix of the data version of a dataset with statistical gender.
STATISTICAL_GENDER_SUFFIX = "+statistical-gender"
#: Recorded categories that publication assigns to Frauen / Männer.
REASSIGNED = ("non_binary", "unknown")


def statistical_gender(participant_id: str, recorded: str) -> str:
    """``female``/``male`` as published: recorded value if it is one of them, else by the id-hash rule."""
    if recorded not in REASSIGNED:
        return recorded
    return "female" if hashlib.sha256(str(participant_id).encode("utf-8")).digest()[0] % 2 == 0 else "male"


def publication_genders(participants: pd.DataFrame) -> pd.Series:
    """The ``gender`` column with :data:`REASSIGNED` persons assigned to female/male (same categories/dtype)."""
    gender = participants["gender"]
    out = gender.copy()
    moved = gender.isin(REASSIGNED).to_numpy()
    if moved.any():
        ids = participants["participant_id"].to_numpy()[moved]
        out.iloc[np.flatnonzero(moved)] = [statistical_gender(i, "non_binary") for i in ids]
    return out


def _publication_dataset(dataset):
    participants = dataset.participants
    if not participants["gender"].isin(REASSIGNED).any():
        return dataset
    participants = participants.copy()
    participants["gender"] = publication_genders(participants)
    return dataclasses.replace(dataset, participants=participants,
                               snapshot_id=f"{dataset.version}{STATISTICAL_GENDER_SUFFIX}")


def publication_dataset(dataset):
    """The dataset with statistical gender (once per data version, shared by all sessions; the same object if
    nobody is reassigned).

    It keeps ``version`` (plus a suffix) so caches keyed by version stay apart from the recorded data."""
    from ..figures.memo import per_version

    return per_version(dataset, "publication_dataset", lambda: _publication_dataset(dataset))

"""Deterministic synthetic data in the programme offices' export format.

    python -m biwaq_data.tools.sample                      # writes sample_data/ (827 participants)
    python -m biwaq_data.tools.sample --participants 1000000 --format parquet --out /tmp/bench

At the default size the data reproduce the published figures exactly (827 participants, 670 unemployed,
417 long-term unemployed, 735 with migration background; best outcomes 171 employment, 32 vocational
training, 222 improved prospects). Other sizes scale these shares. Everything else is random but
plausible; nothing resembles real personal data (ids are pseudonyms like TN-1A2B3C4D).

The ESF Plus monitoring record (birth date, status upon leaving and six months after, qualification, disability,
minority, homelessness) and the optional enterprises table are drawn from a second random stream, so adding
them left every other value unchanged.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..ingest import schema
from .. import texts_de as T

SEED = 20230101
DATENSTAND = pd.Timestamp("2026-09-30")
FIRST_ENTRY = pd.Timestamp("2023-01-09")
LAST_ENTRY = pd.Timestamp("2026-08-31")
PUBLISHED = {"participants": 827, "unemployed": 670, "long_term_unemployed": 417, "migration_background": 735,
             "employment": 171, "vocational_training": 32, "improved_prospects": 222}
PROVIDERS = {
    "Werkkiste Marxloh": {202: 0.70, 203: 0.12, 205: 0.06, 201: 0.04, 301: 0.04, 204: 0.04},
    "GfB Hochfeld": {508: 0.72, 507: 0.08, 509: 0.07, 501: 0.05, 506: 0.04, 502: 0.04},
}
EMPLOYMENT_KINDS = ["sozialversicherungspflichtig Vollzeit", "sozialversicherungspflichtig Teilzeit", "befristet",
                    "geringfügig"]
SECTORS = ["Pflege", "Logistik", "Handel", "Gastronomie", "Bau", "Kita und Erziehung", "Industrie",
           "Öffentlicher Dienst", "Gebäudereinigung"]
# service: (share of participants, hours low, hours high)
SERVICE_PLAN = {
    "counselling": (1.00, 2, 24), "job_search": (0.70, 2, 16), "application_documents": (0.60, 1, 6),
    "application_training": (0.40, 2, 12), "digital_skills": (0.30, 8, 40), "internship": (0.20, 40, 160),
    "construction_project": (0.08, 40, 240), "further_training_referral": (0.15, 1, 4),
}
# Zielwerte (targets) as a funding approval might set them: some met, some behind plan at the Datenstand
# (provider "" = whole programme; rates in percent). Written as targets.csv in the German export format.
TARGETS = (
    ("Werkkiste Marxloh", "Teilnehmende", "31.12.2025", "360"),
    ("Werkkiste Marxloh", "Teilnehmende", "31.12.2026", "460"),
    ("Werkkiste Marxloh", "Arbeit oder Ausbildung", "31.12.2026", "130"),
    ("Werkkiste Marxloh", "Vermittlungsquote", "31.12.2026", "30"),
    ("Werkkiste Marxloh", "verbesserte Perspektive", "31.12.2026", "120"),
    ("GfB Hochfeld", "Teilnehmende", "31.12.2025", "380"),
    ("GfB Hochfeld", "Teilnehmende", "31.12.2026", "400"),
    ("GfB Hochfeld", "Arbeit oder Ausbildung", "31.12.2026", "110"),
    ("GfB Hochfeld", "Ausbildung", "31.12.2026", "20"),
    ("GfB Hochfeld", "EECO02", "31.12.2026", "320"),
    ("", "Teilnehmende", "31.12.2026", "850"),
    ("", "Arbeit oder Ausbildung", "31.12.2026", "240"),
    ("", "Vermittlungsquote", "31.12.2026", "25"),
)
GERMAN_VALUES = {  # how an export writes the values (German labels the loader understands)
    "gender": {"female": "weiblich", "male": "männlich", "non_binary": "divers", "unknown": "keine Angabe"},
    "employment_status": {"unemployed": "arbeitslos", "inactive": "nicht erwerbstätig", "employed": "erwerbstätig"},
    "education": {"isced_0_2": "ISCED 0-2", "isced_3_4": "ISCED 3-4", "isced_5_8": "ISCED 5-8",
                  "unknown": "unbekannt"},
    "referral_source": T.CATEGORY_LABELS["referral_source"],
    "outcome": T.CATEGORY_LABELS["outcome"],
    "service": T.CATEGORY_LABELS["service"],
    "exit_status": T.CATEGORY_LABELS["exit_status"],
    "status_6m": T.CATEGORY_LABELS["exit_status"],
    "size_class": T.CATEGORY_LABELS["size_class"],
}
SUPPORT_KINDS = ["Beratung zur Fachkräftesicherung", "Digitalisierungsberatung", "Qualifizierung von Beschäftigten",
                 "Gründungs- und Nachfolgeberatung", "Vernetzung im Quartier"]


def _counts(n: int) -> dict[str, int]:
    """Exact published counts at 827, the same shares otherwise."""
    return {k: int(round(v * n / PUBLISHED["participants"])) for k, v in PUBLISHED.items()}


def _exact(rng: np.random.Generator, n: int, k: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Boolean mask with exactly k True, drawn with probability proportional to weights (Efraimidis–Spirakis)."""
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    keys = np.log(rng.random(n)) / np.where(w > 0, w, 1e-12)
    mask = np.zeros(n, dtype=bool)
    if k > 0:
        mask[np.argpartition(-keys, k - 1)[:k]] = True
    return mask


def generate(n: int = 827, seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Participants, outcomes and services with canonical (English) codes and typed columns."""
    rng = np.random.default_rng(seed)
    c = _counts(n)
    ids = (np.arange(n, dtype=np.uint64) * np.uint64(2654435761) + np.uint64(0x5BD1E995)) % np.uint64(2**32)
    participant_id = pd.Series(ids).map("TN-{:08X}".format)

    span = (LAST_ENTRY - FIRST_ENTRY).days
    entry = FIRST_ENTRY + pd.to_timedelta(np.floor(span * rng.beta(1.0, 1.25, n)).astype(int), unit="D")
    provider_names = list(PROVIDERS)
    provider = rng.choice(len(provider_names), n, p=[0.53, 0.47])
    ortsteil = np.empty(n, dtype=np.int16)
    for i, name in enumerate(provider_names):
        sel = provider == i
        nrs, shares = zip(*PROVIDERS[name].items())
        ortsteil[sel] = rng.choice(nrs, sel.sum(), p=shares)

    unemployed = _exact(rng, n, c["unemployed"])
    rest = np.flatnonzero(~unemployed)
    status = np.where(unemployed, 0, 1)
    status[rest[: int(round(len(rest) * 0.3))]] = 2  # employed (working poor); the rest inactive
    ltu = np.zeros(n, dtype=bool)
    ltu[np.flatnonzero(unemployed)[_exact(rng, int(unemployed.sum()), c["long_term_unemployed"])]] = True
    migration = _exact(rng, n, c["migration_background"])
    third_country = migration & (rng.random(n) < 0.62)
    gender = rng.choice(4, n, p=[0.46, 0.53, 0.005, 0.005])
    age = np.clip(np.round(rng.normal(37, 11, n)), 16, 64).astype(int)
    birth_year = (entry.year.to_numpy() - age).astype(np.int16)
    education = rng.choice(4, n, p=[0.55, 0.30, 0.10, 0.05])
    referral = rng.choice(5, n, p=[0.62, 0.18, 0.04, 0.12, 0.04])

    # Best outcomes: exact counts; people who entered earlier, were not long-term unemployed or are young are
    # more likely to reach one; nobody in the last 30 days before the Datenstand.
    days_in = (DATENSTAND - entry).days.to_numpy()
    time_weight = np.clip(days_in / 365, 0, 1.5) * (days_in > 30)
    best = np.full(n, 3)  # 3 = no outcome
    free = np.ones(n, dtype=bool)
    for code, key, extra in ((0, "employment", np.where(ltu, 0.5, 1.0) * np.where(status == 2, 1.5, 1.0)),
                             (1, "vocational_training", np.where(age < 30, 4.0, 0.3)),
                             (2, "improved_prospects", np.ones(n))):
        chosen = _exact(rng, n, c[key], time_weight * extra * free)
        best[chosen], free = code, free & ~chosen

    outcome_date = entry + pd.to_timedelta(
        np.minimum(np.round(rng.uniform(0.15, 1.0, n) * np.minimum(days_in, 540)), days_in - 1).astype(int), unit="D")
    exit_days = np.where(best <= 1, (outcome_date - entry).days.to_numpy() - rng.integers(0, 21, n),
                         np.round(rng.uniform(120, 560, n)))
    exit_date = entry + pd.to_timedelta(np.maximum(exit_days, 0).astype(int), unit="D")
    exit_date = exit_date.where(exit_date <= DATENSTAND)  # still supported

    participants = pd.DataFrame({
        "participant_id": participant_id,
        "provider": pd.Categorical.from_codes(provider, categories=provider_names),
        "entry_date": entry, "exit_date": exit_date, "ortsteil": ortsteil,
        "gender": pd.Categorical.from_codes(gender, categories=schema.PARTICIPANT_CATEGORIES["gender"]),
        "birth_year": birth_year,
        "employment_status": pd.Categorical.from_codes(status, categories=schema.PARTICIPANT_CATEGORIES[
            "employment_status"]),
        "long_term_unemployed": ltu, "migration_background": migration, "third_country_national": third_country,
        "education": pd.Categorical.from_codes(education, categories=schema.PARTICIPANT_CATEGORIES["education"]),
        "referral_source": pd.Categorical.from_codes(referral, categories=schema.PARTICIPANT_CATEGORIES[
            "referral_source"]),
    })

    has = np.flatnonzero(best < 3)
    earlier = has[(best[has] < 2) & (rng.random(len(has)) < 0.35)]  # also an earlier "improved prospects"
    earlier_date = entry[earlier] + (outcome_date[earlier] - entry[earlier]) * 0.5
    person = np.concatenate([has, earlier])
    kinds = np.concatenate([best[has], np.full(len(earlier), 2)])
    dates = pd.DatetimeIndex(np.concatenate([outcome_date[has].to_numpy(), earlier_date.to_numpy()])).normalize()
    employed = kinds == 0
    outcomes = pd.DataFrame({
        "participant_id": participant_id.to_numpy()[person],
        "outcome": pd.Categorical.from_codes(kinds, categories=schema.OUTCOMES),
        "outcome_date": dates,
        "employment_kind": pd.Categorical(np.where(employed, np.array(EMPLOYMENT_KINDS)[
            rng.choice(4, len(person), p=[0.45, 0.3, 0.15, 0.1])], None), categories=EMPLOYMENT_KINDS),
        "sector": pd.Categorical(np.where(employed, np.array(SECTORS)[rng.integers(0, len(SECTORS), len(person))],
                                          None), categories=SECTORS),
    }).sort_values(["outcome_date", "participant_id"], kind="stable").reset_index(drop=True)

    end = exit_date.fillna(DATENSTAND)
    parts = []
    for i, (service, (share, low, high)) in enumerate(SERVICE_PLAN.items()):
        weight = np.where(provider == 1, 2.0, 0.2) if service == "construction_project" else np.ones(n)
        who = np.flatnonzero(_exact(rng, n, int(round(share * n)), weight))
        span_days = np.maximum((end[who] - entry[who]).days.to_numpy(), 0)
        start = entry[who] + pd.to_timedelta(np.floor(rng.random(len(who)) * span_days * 0.6).astype(int), unit="D")
        parts.append(pd.DataFrame({"person": who, "code": i, "start_date": start,
                                   "hours": np.round(rng.uniform(low, high, len(who)) * 2) / 2}))
    sv = pd.concat(parts, ignore_index=True).sort_values(["start_date", "person"], kind="stable")
    services = pd.DataFrame({
        "participant_id": participant_id.to_numpy()[sv["person"].to_numpy()],
        "service": pd.Categorical.from_codes(sv["code"].to_numpy(), categories=schema.SERVICES),
        "start_date": sv["start_date"].to_numpy(), "hours": sv["hours"].to_numpy(),
    })
    # without a Datenstand a loader takes the latest date in the data: follow-ups never lie after it
    latest = min(DATENSTAND, max(pd.Timestamp(x) for x in (entry.max(), exit_date.max(), outcomes["outcome_date"].max(),
                                                           services["start_date"].max()) if pd.notna(x)))
    _monitoring_record(participants, best, outcome_date, latest, np.random.default_rng(seed + 1))
    order = np.argsort(entry.to_numpy(), kind="stable")
    participants = participants.iloc[order].reset_index(drop=True)
    enterprises = _enterprises(max(4, int(round(24 * n / PUBLISHED["participants"]))), np.random.default_rng(seed + 2))
    return {"participants": participants, "outcomes": outcomes, "services": services, "enterprises": enterprises}


def _nullable(values: np.ndarray, answered: np.ndarray) -> pd.arrays.BooleanArray:
    return pd.array(np.where(answered, values, None).tolist(), dtype="boolean")


def _monitoring_record(p: pd.DataFrame, best: np.ndarray, outcome_date: pd.DatetimeIndex, latest: pd.Timestamp,
                       rng: np.random.Generator) -> None:
    """Add the monitoring columns in place (rows in generation order; best: 0 employment, 1 training, 2 improved
    prospects, 3 none). Status upon leaving follows the outcome within 28 days of exit; a few are not recorded."""
    n = len(p)
    entry, exit_ = p["entry_date"], p["exit_date"]
    # birth date within the birth year: age on the entry date is the year difference or one less (16-year-olds
    # had their birthday before entry: nobody is younger than 16)
    start = pd.to_datetime(p["birth_year"].astype(int).astype(str) + "-01-01")
    young = (entry.dt.year - p["birth_year"]).to_numpy() <= 16
    last_day = np.where(young, entry.dt.day_of_year.to_numpy() - 1, 364)
    offset = np.floor(rng.random(n) * (last_day + 1)).astype(int)
    p.insert(p.columns.get_loc("birth_year") + 1, "birth_date", start + pd.to_timedelta(offset, "D"))
    left = exit_.notna().to_numpy()
    within = (outcome_date <= exit_ + pd.Timedelta(days=28)).to_numpy() & left
    status = rng.choice(np.array(["job_seeking", "inactive", "education_training", "employed", "unknown"]), n,
                        p=[0.58, 0.16, 0.08, 0.05, 0.13])
    status = np.where((best == 0) & within, "employed", np.where((best == 1) & within, "education_training", status))
    recorded = left & (rng.random(n) < 0.95)
    p["exit_status"] = pd.Categorical(np.where(recorded, status, None), categories=schema.LEAVING_STATUSES)
    p["qualification_gained"] = _nullable(rng.random(n) < np.where(best <= 1, 0.45, 0.18), left)
    six = left & (exit_ <= latest - pd.Timedelta(days=183)).to_numpy()
    followed = six & (rng.random(n) < 0.7)
    still = np.where(status == "employed", rng.random(n) < 0.82, rng.random(n) < 0.2)
    later = rng.choice(np.array(["job_seeking", "inactive", "education_training", "unknown"]), n,
                       p=[0.6, 0.2, 0.1, 0.1])
    p["status_6m"] = pd.Categorical(np.where(followed, np.where(still, "employed", later), None),
                                    categories=schema.LEAVING_STATUSES)
    was_employed = (p["employment_status"] == "employed").to_numpy()
    p["improved_situation_6m"] = _nullable(was_employed & still & (rng.random(n) < 0.4), followed)
    for column, share, blank in (("disability", 0.07, 0.08), ("minority", 0.09, 0.12), ("homeless", 0.03, 0.10)):
        p[column] = _nullable(rng.random(n) < share, rng.random(n) >= blank)


def _enterprises(k: int, rng: np.random.Generator) -> pd.DataFrame:
    """Local enterprises supported (BIWAQ field of action 2), with size class and kind of support."""
    names = list(PROVIDERS)
    provider = rng.choice(len(names), k, p=[0.5, 0.5])
    ortsteil = np.array([rng.choice(list(PROVIDERS[names[i]]), p=list(PROVIDERS[names[i]].values()))
                         for i in provider], dtype=np.int16)
    span = (LAST_ENTRY - FIRST_ENTRY).days
    start = FIRST_ENTRY + pd.to_timedelta(np.sort(rng.integers(30, span, k)), unit="D")
    end = start + pd.to_timedelta(rng.integers(30, 300, k), unit="D")
    ids = pd.Series((np.arange(k, dtype=np.uint64) * np.uint64(40503) + np.uint64(7919)) % np.uint64(2**20))
    return pd.DataFrame({
        "enterprise_id": ids.map("U-{:05X}".format),
        "provider": pd.Categorical.from_codes(provider, categories=names),
        "ortsteil": ortsteil,
        "size_class": pd.Categorical.from_codes(rng.choice(4, k, p=[0.55, 0.27, 0.12, 0.06]),
                                                categories=schema.SIZE_CLASSES),
        "support_start": start, "support_end": end.where(end <= DATENSTAND),
        "support_kind": np.array(SUPPORT_KINDS)[rng.integers(0, len(SUPPORT_KINDS), k)],
    })


def to_export_format(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Tables as a programme office exports them: German headers, German values, dd.mm.yyyy, ja/nein."""
    out = {}
    for name, frame in tables.items():
        f = pd.DataFrame(index=frame.index)
        for col, values in frame.items():
            if col in GERMAN_VALUES:
                text = values.astype(object).map(lambda v, m=GERMAN_VALUES[col]: m.get(v, ""))
            elif pd.api.types.is_datetime64_any_dtype(values):
                text = values.dt.strftime("%d.%m.%Y").fillna("")
            elif pd.api.types.is_bool_dtype(values):
                text = values.astype(object).map(lambda v: "" if pd.isna(v) else ("ja" if v else "nein"))
            elif col == "ortsteil":
                from ..places import ortsteile
                names = dict(zip(ortsteile()["ortsteil_nr"], ortsteile()["ortsteil"]))
                text = values.map(names)
            elif col == "hours":
                text = values.map(lambda h: "" if pd.isna(h) else f"{h:.1f}".replace(".", ","))
            else:
                text = values.astype(object).where(values.notna(), "")
            f[T.COLUMN_LABELS[col]] = text
        out[name] = f
    return out


def write(out: Path, n: int = 827, fmt: str = "csv", seed: int = SEED) -> dict[str, Path]:
    """Write the three tables to `out` (CSV in export format, or typed Parquet) plus metadata.json, and at the
    default size the Zielwerte (targets.csv)."""
    out.mkdir(parents=True, exist_ok=True)
    tables = generate(n, seed)
    paths = {}
    if fmt == "csv":
        for name, frame in to_export_format(tables).items():
            paths[name] = out / f"{name}.csv"
            frame.to_csv(paths[name], sep=";", index=False, encoding="utf-8-sig", lineterminator="\n")
    elif fmt == "parquet":
        for name, frame in tables.items():
            paths[name] = out / f"{name}.parquet"
            frame.to_parquet(paths[name], index=False)
    else:
        raise ValueError(f"unknown format {fmt}")
    if n == 827:  # targets fit the default sample only
        paths["targets"] = out / "targets.csv"
        labels = [T.COLUMN_LABELS[c] for c in ("provider", "measure", "due_date", "target", "start_date")]
        pd.DataFrame([row + ("01.01.2023",) for row in TARGETS], columns=labels).to_csv(paths["targets"], sep=";", index=False,
                                                             encoding="utf-8-sig", lineterminator="\n")
    meta = {"datenstand": DATENSTAND.strftime("%Y-%m-%d"),
            "source": "Beispieldaten (synthetisch, erzeugt mit python -m biwaq_data.tools.sample)",
            "participants": n, "seed": seed, "origin": "sample"}
    (out / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=827)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2] / "sample_data")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    paths = write(args.out, args.participants, args.format, args.seed)
    for name, path in paths.items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()

"""German sentences about figures: which filters are active, and the ready-to-quote press paragraph."""

from __future__ import annotations

import pandas as pd

from ..figures import metrics
from .. import places
from .. import texts_de as T
from ..figures.filters import Filters
from ..formatting import format_date, format_int, format_pct


def metric_label(key: str, rounded: bool = False, breaks: dict[str, str] | None = None) -> str:
    """A figure's label as cards show it on screen and in the press kit: capitalised ("In Beschäftigung"), with
    the "gerundet" badge the rounding footnote refers to when ``rounded``; ``breaks``: words replaced first (the
    screen's soft hyphens, texts_de.CARD_LABEL_BREAKS)."""
    label = T.METRIC_LABELS[key]
    for word, breakable in (breaks or {}).items():
        label = label.replace(word, breakable)
    label = label[:1].upper() + label[1:]
    return label + (f" ({T.PUBLICATION_ROUNDED_BADGE})" if rounded else "")


def describe_filters(filters: Filters | None) -> list[str]:
    """One German phrase per active restriction, e.g. 'Ortsteil: Marxloh, Hochfeld'."""
    if filters is None:
        return []
    f, L, C = filters, T.FILTER_LABELS, T.CATEGORY_LABELS
    names = dict(zip(places.ortsteile()["ortsteil_nr"], places.ortsteile()["ortsteil"]))
    parts = []
    if f.period_start or f.period_end:
        parts.append(f"{L['period']}: {format_date(f.period_start) if f.period_start else '…'}"
                     f"–{format_date(f.period_end) if f.period_end else '…'}")
    for field, label, show in (
        ("providers", L["providers"], str),
        ("bezirke", L["bezirke"], str),
        ("ortsteile", L["ortsteile"], lambda nr: names.get(int(nr), str(nr))),
        ("employment", L["employment"], lambda v: C["employment_filter"].get(v, v)),
        ("genders", L["genders"], lambda v: C["gender"].get(v, v)),
        ("age_groups", L["age_groups"], lambda v: C["age_group"].get(v, v)),
        ("educations", T.COLUMN_LABELS["education"], lambda v: C["education"].get(v, v)),
        ("referral_sources", T.COLUMN_LABELS["referral_source"], lambda v: C["referral_source"].get(v, v)),
    ):
        values = getattr(f, field)
        if values:
            parts.append(f"{label}: {', '.join(show(v) for v in values)}")
    if f.migration_background is not None:
        parts.append(C["migration_background"][bool(f.migration_background)])
    return parts


def source_label(dataset) -> str:
    """Where the figures come from, for captions and exports.

    "Beispieldaten" only for the bundled sample (`Dataset.sample`, set by where the data were loaded from),
    never because a file name says so.
    """
    return T.SAMPLE_SOURCE if getattr(dataset, "sample", False) else dataset.source


def context(dataset, filters: Filters | None = None, meta: dict | None = None) -> dict[str, str]:
    """Datenstand, period, source, data version and selection (German labels), then ``meta``.

    Shown on every page and written into every export and the press kit.
    """
    from ..figures.memo import per_selection

    out = dict(per_selection(dataset, filters, ("context", getattr(dataset, "sample", False)),
                             lambda: _context(dataset, filters)))
    out.update({str(k): str(v) for k, v in (meta or {}).items() if str(k) not in out})
    return out


def _context(dataset, filters: Filters | None) -> dict[str, str]:
    start, end = metrics.period(dataset, filters)
    described = describe_filters(filters)
    version = dataset.snapshot_id or (T.SAMPLE_SOURCE if getattr(dataset, "sample", False) else T.SNAPSHOT_FOLDER)
    return {T.DATENSTAND: format_date(dataset.datenstand), T.PERIOD: f"{format_date(start)} – {format_date(end)}",
            T.SOURCE: source_label(dataset), T.SNAPSHOT: version,
            T.ACTIVE_FILTERS: "; ".join(described) if described else T.NO_FILTERS}


def _names(items: list[str]) -> str:
    """'A', 'A und B', 'A, B und C'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + T.QUOTE_AND + items[-1]


def quote_lead(filters: Filters | None, period: str, programme: str = T.PROGRAMME) -> str:
    """The start of the quote: the selection leads ("In Marxloh hat BIWAQ Duisburg seit Januar 2023"); without
    a selection the period does ("Seit Januar 2023 hat BIWAQ Duisburg")."""
    f = filters or Filters()
    others = [d for d in describe_filters(f) if not d.startswith((T.FILTER_LABELS["period"], T.FILTER_LABELS["ortsteile"],
                                                                   T.FILTER_LABELS["bezirke"]))]
    names = dict(zip(places.ortsteile()["ortsteil_nr"], places.ortsteile()["ortsteil"]))
    if others:
        selection = T.QUOTE_SELECTION.format(filters="; ".join(
            d for d in describe_filters(f) if not d.startswith(T.FILTER_LABELS["period"])))
    elif f.ortsteile:
        selection = T.QUOTE_PLACE_ORTSTEIL.format(names=_names([names.get(int(n), str(n)) for n in f.ortsteile]))
    elif f.bezirke:
        template = T.QUOTE_PLACE_BEZIRK if len(f.bezirke) == 1 else T.QUOTE_PLACE_BEZIRKE
        selection = template.format(names=_names(list(f.bezirke)))
    else:
        return T.QUOTE_LEAD.format(intro=period, programme=programme)
    return T.QUOTE_LEAD_SELECTION.format(selection=selection, programme=programme,
                                         period=period[:1].lower() + period[1:])


def quote(headline: dict, start: pd.Timestamp, end: pd.Timestamp, datenstand: pd.Timestamp,
          filters: Filters | None = None, programme: str = T.PROGRAMME, source: str | None = None,
          leaver_rate: dict | None = None) -> str:
    """The press paragraph for the given headline figures: the selection leads, source and Datenstand end it
    ("In Marxloh hat BIWAQ Duisburg seit Januar 2023 303 Menschen unterstützt. … Quelle: …, Datenstand …").

    The share in work or training names its denominator (all supported); a missing share (``None``/NA: not
    shown, e.g. "/" on a rounded base below 50) leaves its sentence out. ``leaver_rate`` (from
    :func:`biwaq_data.publish.indicator_report.leaver_rate`: German text of ``leavers`` and
    ``integration_rate``) adds the transition rate over leavers whose 28-day window has closed."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if filters is not None and (filters.period_start or filters.period_end):
        period = T.QUOTE_INTRO_PERIOD.format(start=format_date(start), end=format_date(end))
    else:
        period = T.QUOTE_INTRO_SINCE.format(month_year=f"{T.MONTHS[start.month - 1]} {start.year}")
    h = headline
    return T.QUOTE_TEMPLATE.format(
        lead=quote_lead(filters, period, programme),
        participants=format_int(h["participants"]),
        unemployed_sentence=T.QUOTE_UNEMPLOYED.format(unemployed=format_int(h["unemployed"]),
                                                      ltu=format_int(h["long_term_unemployed"])),
        migration=format_int(h["migration_background"]),
        employment=format_int(h["employment"]), training=format_int(h["vocational_training"]),
        improved=format_int(h["improved_prospects"]),
        rate_sentence="" if pd.isna(h["placement_rate"]) else T.QUOTE_RATE.format(
            placement_rate=format_pct(h["placement_rate"]), participants=format_int(h["participants"])),
        source=T.QUOTE_SOURCE.format(programme=programme, source=source) if source else programme,
        datenstand=format_date(datenstand),
        leaver_sentence=T.QUOTE_LEAVERS.format(**leaver_rate) if leaver_rate else "",
    )

"""The benchmark's verdicts (evaluate: one row per target) and its one printed table (render, German numbers)."""

from __future__ import annotations

TABLES = ("participants", "outcomes", "services")
FORMAT_LABELS = {"parquet": "eigenes Parquet", "foreign": "fremdes Parquet (Text, Zeitstempel)",
                 "csv": "CSV-Export (deutsch)"}
SNAPSHOT_LABEL = "Snapshot (eigener Import)"


def _limits(results: dict) -> dict:
    return results["meta"]["targets"]


def evaluate(results: dict) -> list[dict]:
    """Every target of issue 15 at the largest size (sessions: at the largest size measured), PASS or MISS."""
    sizes = results["meta"]["sizes"]
    big, small = str(max(sizes)), str(min(sizes))
    limit = _limits(results)
    targets = []

    def add(kind, what, size, ratio, ok=True):
        targets.append({"target": kind, "what": what, "size": int(size), "ratio": ratio, "limit": limit[kind],
                        "pass": ratio is not None and ratio <= limit[kind] and ok})

    load = results["load"][big]
    own = load["parquet"]
    snap = load.get("snapshot")  # the app loads snapshots it wrote itself: the load and memory targets apply here
    if snap:
        add("load", "SnapshotStore.load (eigener Import) ÷ pyarrow read derselben Dateien", big,
            snap["snapshot"]["best_s"] / snap["pyarrow"]["best_s"], snap["equal"])
    else:
        add("load", "load_dataset (eigenes Parquet) ÷ pyarrow read", big,
            own["load_dataset"]["best_s"] / own["pyarrow"]["best_s"], own["equal"])
    foreign = load["foreign"]
    add("foreign", "load_dataset (fremdes Parquet) ÷ DuckDB lesen + ableiten", big,
        foreign["load_dataset"]["best_s"] / foreign["duckdb"]["best_s"], foreign["equal"])
    if snap:
        add("memory", "Spitzenspeicher SnapshotStore.load ÷ Arrow-Größe", big,
            snap["snapshot"]["peak_mb"] / results["data"][big]["arrow_mb"])
    else:
        add("memory", "Spitzenspeicher load_dataset (eigenes Parquet) ÷ Arrow-Größe", big,
            own["load_dataset"]["peak_mb"] / results["data"][big]["arrow_mb"])
    for row in results["metrics"]:
        if str(row["size"]) == big:
            add("metric", f"{row['metric']} [{row['filter']}] ÷ DuckDB im Speicher", big, row["ratio"], row["equal"])
    for page, info in results["app"][big]["pages"].items():
        base = results["app"][small]["pages"][page]
        add("rerun", f"{info['title']}: Rerun nach Filterwechsel ÷ dasselbe bei {_n(int(small))}", big,
            info["rerun_median_s"] / base["rerun_median_s"], not info["errors"])
        add("first_view", f"{info['title']}: erster Aufruf, Daten geladen ÷ dasselbe bei {_n(int(small))}", big,
            info["first_view_s"] / base["first_view_s"], not info["errors"])
    if results.get("sessions"):
        label = max(results["sessions"], key=int)
        runs = results["sessions"][label]["runs"]
        single = runs.get("1", {}).get("rerun_p50_s")
        most = runs[max(runs, key=int)]
        ok = not most["errors"]
        if single:
            add("sessions_p95", f"{most['sessions']} Sitzungen: Rerun p95 ÷ eine Sitzung (p50)", label,
                most["rerun_p95_s"] / single, ok)
        add("session_mb", f"{most['sessions']} Sitzungen: MB je Sitzung (absolut)", label, most["mb_per_session"], ok)
        add("sessions_after_mb", f"{most['sessions']} Sitzungen: MB nach Ende über vorher (absolut)", label,
            most["mb_after_minus_before"], ok)
        for k, split in results["sessions"][label].get("processes", {}).items():
            big = split[max(split, key=int)]
            if single:
                add("sessions_p95", f"{big['sessions']} Sitzungen auf {k} Prozessen: Rerun p95 ÷ eine Sitzung (p50)",
                    label, big["rerun_p95_s"] / single, not big["errors"])
    return targets


def _n(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _num(x: float, digits: int) -> str:
    return f"{x:,.{digits}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _t(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds >= 1:
        return f"{_num(seconds, 2)} s"
    if seconds >= 0.01:
        return f"{_num(seconds * 1000, 0)} ms"
    return f"{_num(seconds * 1000, 2)} ms"


def _mb(mb: float) -> str:
    return f"{_num(mb, 0)} MB" if abs(mb) >= 10 else f"{_num(mb, 1)} MB"


def _x(r: float | None) -> str:
    return "–" if r is None else f"{_num(r, 2)}×"


def _lines(header: list[str], rows: list[list[str]], first_width: int = 64) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows] if not r[0].startswith("— ")) for i in range(len(header))]
    widths[0] = min(widths[0], first_width)

    def line(cells):
        first = cells[0] if len(cells[0]) <= widths[0] else cells[0][: widths[0] - 1] + "…"
        return "  ".join([first.ljust(widths[0]), *[c.rjust(w) for c, w in zip(cells[1:], widths[1:])]]).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths)]
    out += [r[0] if r[0].startswith("— ") else line(r) for r in rows]
    return out


def render(results: dict) -> str:
    sizes = results["meta"]["sizes"]
    keys = [str(n) for n in sizes]
    limit = _limits(results)
    header = ["Messung", *[_n(n) for n in sizes], f"Basis @{_n(sizes[-1])}", "Verhältnis", "Wachstum", "Ziel"]
    rows: list[list[str]] = []

    def growth(values):
        return _x(values[-1] / values[0]) if values[0] else "–"

    def verdict(ratio, kind, ok=True):
        return f"{'PASS' if ratio <= limit[kind] and ok else 'MISS'} ≤ {_num(limit[kind], 1)}×"

    def section(title):
        rows.append([f"— {title}"] + [""] * (len(header) - 1))

    def blank(n=4):
        return [""] * n

    data = results["data"]
    snap = "snapshot" in results["load"][keys[-1]]
    section("Daten")
    rows.append(["Teilnehmende / Ergebnisse / Leistungen (Zeilen)",
                 *[" / ".join(_n(data[k]["rows"][t]) for t in TABLES) for k in keys], *blank()])
    arrow = [data[k]["arrow_mb"] for k in keys]
    rows.append(["Arrow-Größe (table.nbytes, eigenes Parquet)", *[_mb(v) for v in arrow], "", "", growth(arrow), ""])
    section("Laden (frischer Prozess je Messung, Bestzeit): Basis pyarrow bzw. DuckDB lesen + ableiten")
    for fmt, label in FORMAT_LABELS.items():
        cells = [results["load"][k][fmt] for k in keys]
        pa_s = [c["pyarrow"]["best_s"] for c in cells]
        dk_s = [c["duckdb"]["best_s"] for c in cells]
        ld_s = [c["load_dataset"]["best_s"] for c in cells]
        equal = all(c["equal"] for c in cells)
        rows.append([f"{label}: pyarrow lesen", *[_t(v) for v in pa_s], "", "", growth(pa_s), ""])
        rows.append([f"{label}: DuckDB lesen + ableiten", *[_t(v) for v in dk_s], "", "", growth(dk_s), ""])
        mark = "" if equal else " ≠ DuckDB!"
        r_pa, r_dk = ld_s[-1] / pa_s[-1], ld_s[-1] / dk_s[-1]
        rows.append([f"{label}: load_dataset ÷ pyarrow{mark}", *[_t(v) for v in ld_s], _t(pa_s[-1]), _x(r_pa),
                     growth(ld_s), verdict(r_pa, "load") if fmt == "parquet" and not snap else ""])
        rows.append([f"{label}: load_dataset ÷ DuckDB{mark}", *blank(len(keys)), _t(dk_s[-1]), _x(r_dk), "",
                     verdict(r_dk, "foreign") if fmt == "foreign" else ""])
    if snap:  # the own Parquet imported once (format 2: typed frames), loaded as the app loads it
        cells = [results["load"][k]["snapshot"] for k in keys]
        pa_s, sn_s = [c["pyarrow"]["best_s"] for c in cells], [c["snapshot"]["best_s"] for c in cells]
        mark = "" if all(c["equal"] for c in cells) else " ≠ DuckDB!"
        rows.append([f"{SNAPSHOT_LABEL}: pyarrow lesen", *[_t(v) for v in pa_s], "", "", growth(pa_s), ""])
        rows.append([f"{SNAPSHOT_LABEL}: SnapshotStore.load ÷ pyarrow{mark}", *[_t(v) for v in sn_s], _t(pa_s[-1]),
                     _x(sn_s[-1] / pa_s[-1]), growth(sn_s), verdict(sn_s[-1] / pa_s[-1], "load")])
    section("Speicher (Spitzenzuwachs RSS; Basis = Arrow-Größe)")
    for fmt, label in FORMAT_LABELS.items():
        for engine, name in (("pyarrow", "pyarrow"), ("duckdb", "DuckDB"), ("load_dataset", "load_dataset")):
            mem = [results["load"][k][fmt][engine]["peak_mb"] for k in keys]
            ratio = mem[-1] / arrow[-1]
            target = verdict(ratio, "memory") if (fmt, engine) == ("parquet", "load_dataset") and not snap else ""
            rows.append([f"{label}: {name}", *[_mb(v) for v in mem], _mb(arrow[-1]), _x(ratio), growth(mem), target])
    for engine, name in (("pyarrow", "pyarrow"), ("snapshot", "SnapshotStore.load")) if snap else ():
        mem = [results["load"][k]["snapshot"][engine]["peak_mb"] for k in keys]
        target = verdict(mem[-1] / arrow[-1], "memory") if engine == "snapshot" else ""
        rows.append([f"{SNAPSHOT_LABEL}: {name}", *[_mb(v) for v in mem], _mb(arrow[-1]), _x(mem[-1] / arrow[-1]),
                     growth(mem), target])
    ds_m = [results["load"][k]["parquet"]["load_dataset"]["dataset_mb"] for k in keys]
    rows.append(["Dataset im Speicher (deep memory_usage)", *[_mb(v) for v in ds_m], _mb(arrow[-1]),
                 _x(ds_m[-1] / arrow[-1]), growth(ds_m), ""])
    section("Kennzahlen (Bestzeit): Basis DuckDB im Speicher (Tabellen geladen, bestes Ergebnis abgeleitet); "
            "[P] = ÷ DuckDB auf Parquet je Abfrage")
    by = {(r["metric"], r["filter"], str(r["size"])): r for r in results["metrics"]}
    for name in sorted({r["metric"] for r in results["metrics"]}, key=[r["metric"] for r in results["metrics"]].index):
        for fname in sorted({r["filter"] for r in results["metrics"]},
                            key=[r["filter"] for r in results["metrics"]].index):
            cells = [by[(name, fname, k)] for k in keys]
            times = [c["pandas_s"] for c in cells]
            last = cells[-1]
            equal = all(c["equal"] for c in cells)
            rows.append([f"{name} [{fname}] [P {_x(last['ratio_parquet'])}]{'' if equal else ' ≠ DuckDB!'}",
                         *[_t(v) for v in times], _t(last["duckdb_s"]), _x(last["ratio"]), growth(times),
                         verdict(last["ratio"], "metric", equal)])
    section("Seiten (AppTest): kalter Cache / erster Aufruf mit geladenen Daten / Rerun nach Filterwechsel (Median)")
    small = keys[0]
    for page, info in results["app"][small]["pages"].items():
        cold = [results["app"][k]["pages"][page]["cold_s"] for k in keys]
        view = [results["app"][k]["pages"][page]["first_view_s"] for k in keys]
        rerun = [results["app"][k]["pages"][page]["rerun_median_s"] for k in keys]
        errs = [e for k in keys for e in results["app"][k]["pages"][page]["errors"]]
        flag = " FEHLER!" if errs else ""
        rows.append([f"{info['title']}: kalter Cache{flag}", *[_t(v) for v in cold], "", "", growth(cold), ""])
        rows.append([f"{info['title']}: erster Aufruf", *[_t(v) for v in view], _t(view[0]), _x(view[-1] / view[0]),
                     growth(view), verdict(view[-1] / view[0], "first_view", not errs)])
        rows.append([f"{info['title']}: Rerun nach Filter", *[_t(v) for v in rerun], _t(rerun[0]),
                     _x(rerun[-1] / rerun[0]), growth(rerun), verdict(rerun[-1] / rerun[0], "rerun", not errs)])
    section("Import")
    imp = results["import"]
    state = "ok" if imp["result"]["ok"] else "FEHLER"
    rows.append([f"CSV {_n(imp['rows'])} Teilnehmende ({_mb(imp['bytes'] / 2**20)}), {imp['path']}: {state}",
                 *[""] * (len(keys) - 1), _t(imp["time_s"]), "", "", "", f"Spitze {_mb(imp['peak_mb'])}"])
    for h in imp.get("hostile", []):  # issue 17: refused < 5 s, server peak < 300 MB, +<= 50 MB after ten uploads
        rows.append([f"{h['case']} ({_mb(h['file_mb'])}) abgewiesen: {'ja' if h['refused'] else 'NEIN'}, "
                     f"{'PASS' if h['pass'] else 'MISS'}", *[""] * (len(keys) - 1), _t(h["time_s"]), "", "", "",
                     f"Server {_mb(h['peak_rss_mb'])}, nach {h['uploads']}: {_mb(h['rss_after_mb'] - h['rss_before_mb'])}"])
    out = _lines(header, rows)
    out += _render_sessions(results)
    out += _render_verdicts(results, keys)
    return "\n".join(out)


def _render_sessions(results: dict) -> list[str]:
    """One row per (data size, processes K, sessions N). "Untergrenze": N ÷ min(K, cores), the p95 ÷ single rerun
    that N simultaneous CPU-bound reruns cannot beat (about; one GIL per process)."""
    if not results.get("sessions"):
        return []
    header = ["Teilnehmende", "Prozesse", "Sitzungen", "Reruns", "erster Aufruf p50", "Rerun p50", "Rerun p95",
              "p95 ÷ 1 Sitzung", "Untergrenze", "Kerne genutzt", "MB je Prozess", "MB je Sitzung", "MB danach", "Fehler"]
    rows = []
    for label, info in results["sessions"].items():
        single = info["runs"].get("1", {}).get("rerun_p50_s")
        cores = info.get("cpus") or results.get("meta", {}).get("cpus") or 1
        groups = [("1", info["runs"]), *info.get("processes", {}).items()]
        for k, runs in groups:
            for n, r in runs.items():
                per_process = r.get("rss_process_mb") or [r["rss_before_mb"]]
                rows.append([_n(int(label)), k, n, str(r["reruns"]), _t(r["first_view_p50_s"]), _t(r["rerun_p50_s"]),
                             _t(r["rerun_p95_s"]), _x(r["rerun_p95_s"] / single) if single else "–",
                             _x(int(n) / min(int(k), cores)),
                             _num(r["cpu_s"] / r["wall_s"], 2) if r.get("cpu_s") and r["wall_s"] else "–",
                             " / ".join(_mb(m) for m in per_process),
                             _num(r["mb_per_session"], 2), _mb(r["mb_after_minus_before"]), str(len(r["errors"]))])
    title = ("— Viele Nutzer: N Sitzungen gleichzeitig (AppTest-Threads, Startseite, 3 Filterwechsel je Sitzung) in "
             "einem Prozess bzw. auf K Prozesse verteilt (deploy/: K Server hinter Apache); Untergrenze = "
             "N ÷ min(K, Kerne); Kerne genutzt = CPU-Zeit der Prozesse ÷ Dauer")
    return ["", title, *_lines(header, rows, 16)]


def _render_verdicts(results: dict, keys: list[str]) -> list[str]:
    meta = results["meta"]
    passed = sum(t["pass"] for t in results["targets"])
    out = ["", f"Ziele: {passed} von {len(results['targets'])} erfüllt"]
    for t in results["targets"]:
        unit = "" if t["target"] in ("session_mb", "sessions_after_mb") else "×"
        out.append(f"  {'PASS' if t['pass'] else 'MISS'}  @{_n(t['size'])} {t['what']}: "
                   f"{_num(t['ratio'], 2)}{unit} (Ziel ≤ {_num(t['limit'], 1)}{unit})")
    for r in results["metrics"]:
        if not r["equal"]:
            out.append(f"  ≠ {r['metric']} [{r['filter']}] @{_n(r['size'])}: {'; '.join(r['problems'])}")
    for k, fmts in results["load"].items():
        for fmt, info in fmts.items():
            if not info["equal"]:
                out.append(f"  ≠ Laden {fmt} @{_n(int(k))} (Headline load_dataset vs DuckDB): {'; '.join(info['problems'])}")
    for k in keys:
        for page, info in results["app"][k]["pages"].items():
            for e in info["errors"]:
                out.append(f"  FEHLER {page} @{_n(int(k))}: {e[:300]}")
    for label, info in results.get("sessions", {}).items():
        for n, r in info["runs"].items():
            for e in r["errors"][:5]:
                out.append(f"  FEHLER {n} Sitzungen @{_n(int(label))}: {e[:300]}")
        for k, runs in info.get("processes", {}).items():
            for n, r in runs.items():
                for e in r["errors"][:5]:
                    out.append(f"  FEHLER {n} Sitzungen auf {k} Prozessen @{_n(int(label))}: {e[:300]}")
    if not results["import"]["result"]["ok"]:
        out.append(f"  FEHLER Import: {results['import']['result']['error']}")
    load = meta.get("loadavg") or []
    out.append(f"Systemlast (1-min-Mittel) während des Laufs: {', '.join(_num(x, 1) for x in load)} bei "
               f"{meta['cpus']} Kernen, nice {meta.get('nice', 0)}"
               + (" – Zeiten verrauscht, Verhältnisse weniger." if load and max(load) > (meta["cpus"] or 1) else "."))
    return out

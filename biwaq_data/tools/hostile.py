"""Hostile uploads for tests and the benchmark (issue 17): an .xlsx zip bomb and a junk CSV.

- `xlsx_bomb(uncompressed_mb)`: a valid workbook whose single sheet holds `uncompressed_mb` MB of repetitive
  sheet XML; it deflates to about 1/250 of that (338 MB -> 1,3 MB, as found in the probe).
- `junk_csv(size_mb)`: the participants header followed by random short cells in every column, so that every
  record breaks several rules (the probe's 43 MB file gave 10 million issue rows).

Both are written in a streaming way: building them never holds the uncompressed content in memory.
"""

from __future__ import annotations

import io
import random
import zipfile

from ..ingest import schema
from .. import texts_de as T

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<sheets><sheet name="Teilnehmende" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                  'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def xlsx_bomb(uncompressed_mb: float = 338) -> bytes:
    """A workbook (sheet "Teilnehmende") with about `uncompressed_mb` MB of sheet XML, deflated."""
    target = int(uncompressed_mb * 1024 * 1024)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            sheet.write(head.encode())
            row = ('<row>' + '<c t="inlineStr"><is><t>xxxxxxxxxx</t></is></c>' * 13 + '</row>').encode()
            block = row * 2000
            written = len(head)
            while written < target:
                sheet.write(block)
                written += len(block)
            sheet.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def junk_csv(size_mb: float = 43, seed: int = 17) -> bytes:
    """The German participants header, then random 1–3 letter cells in every column, about `size_mb` MB."""
    rng = random.Random(seed)
    header = ";".join(T.COLUMN_LABELS[c.name] for c in schema.TABLES["participants"])
    letters = "abcdefghijklmnopqrstuvwxyzäöü0123456789"
    width = len(schema.TABLES["participants"])
    pool = [";".join("".join(rng.choice(letters) for _ in range(rng.randint(1, 3))) for _ in range(width))
            for _ in range(4096)]
    target = int(size_mb * 1024 * 1024)
    out = io.BytesIO()
    out.write((header + "\n").encode("utf-8"))
    while out.tell() < target:
        out.write(("\n".join(rng.choice(pool) for _ in range(4096)) + "\n").encode("utf-8"))
    return out.getvalue()


__all__ = ["junk_csv", "xlsx_bomb"]


TARGET_SECONDS = 5.0
TARGET_PEAK_MB = 300.0
TARGET_GROWTH_MB = 50.0
CASES = {"xlsx_bomb": ("teilnehmende.xlsx", lambda: xlsx_bomb(338)),
         "junk_csv": ("teilnehmende.csv", lambda: junk_csv(43))}


def measure(case: str, uploads: int = 10) -> dict:
    """The benchmark's import-protection figures for one hostile file, as the server sees them.

    Calls the Daten page's path (`check_upload_isolated`) in this process: wall time of the first check,
    peak resident memory of this (the server) process during it, and its resident memory after `uploads`
    checks compared with before. Targets (issue 17): < 5 s, peak < 300 MB, growth <= 50 MB.
    """
    import gc
    import time
    from pathlib import Path

    from ..store.importing import check_upload_isolated

    def status_mb(field: str) -> float:
        with open("/proc/self/status", encoding="ascii") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith(field + ":")) / 1024

    name, make = CASES[case]
    data = make()
    sample = Path(__file__).resolve().parents[2] / "sample_data"
    files = [(name, data)] + [(n, (sample / n).read_bytes()) for n in ("outcomes.csv", "services.csv")]
    gc.collect()
    before = status_mb("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")  # reset the high-water mark: the peak below is this check's
    except OSError:
        pass  # then VmHWM also holds earlier peaks (generating the file): an upper bound
    start = time.perf_counter()
    report = check_upload_isolated(files)
    seconds = time.perf_counter() - start
    peak = status_mb("VmHWM")
    for _ in range(uploads - 1):
        check_upload_isolated(files)
    gc.collect()
    after = status_mb("VmRSS")
    return {"case": case, "file_mb": len(data) / 2**20, "time_s": seconds, "peak_rss_mb": peak,
            "rss_before_mb": before, "rss_after_mb": after, "uploads": uploads, "refused": not report.ok,
            "error": report.error,
            "pass": bool(not report.ok and seconds < TARGET_SECONDS and peak < TARGET_PEAK_MB
                         and after - before <= TARGET_GROWTH_MB)}

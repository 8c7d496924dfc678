"""Ingest speed by document format, on a SYNTHETIC 200-item list (the five Xing'an 2022 items
repeated 40 times, renumbered, names suffixed "（合成副本k）").

    python benchmarks/formats.py [--items 200] [--json out.json]

For each format: the LibreOffice conversion (where the format needs one), reading the document
into a grid, and the whole `ingest` into a copy of the real package (median of --runs). The
grid read from every format is checked against the one read from the .txt: a fast wrong reader
is not measured. The .txt ingest, in the same sitting, is the baseline the ratios refer to.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tool"))
sys.path.insert(0, str(REPO / "tests"))

from conftest import copy_package  # noqa: E402
from fixtures.make_formats import html_page, soffice  # noqa: E402
from fixtures.make_synthetic import SOURCE, join, split  # noqa: E402
from powerlist.document.cells import normalize_paragraphs  # noqa: E402
from powerlist.ingest.convert import convert  # noqa: E402
from powerlist.ingest.readers import read_grid  # noqa: E402
from powerlist.ingest.run import ingest_document  # noqa: E402
from powerlist.package import Package  # noqa: E402
from powerlist.render import ListView  # noqa: E402
from powerlist.render_office import render_office  # noqa: E402

FORMATS = ["txt", "docx", "xlsx", "html", "pdf", "doc", "wps", "odt", "xls", "et", "ods"]
CONVERTED = {"doc": "docx", "wps": "docx", "odt": "docx", "xls": "xlsx", "et": "xlsx", "ods": "xlsx"}


def synthetic_text(n: int) -> str:
    head, blocks = split(SOURCE.read_text(encoding="utf-8"))
    head = ("SYNTHETIC BENCHMARK DOCUMENT (not a published document): the five Xing'an 2022 items "
            f"repeated to {n} items, renumbered, names suffixed. 合成测试数据，不是真实公文。\n" + head)
    out = []
    for seq in range(1, n + 1):
        lines = blocks[(seq - 1) % len(blocks)].split("\n")
        cell_starts = [i for i, line in enumerate(lines) if line.startswith("\t")]
        lines[cell_starts[0]] = f"\t{seq}"
        name = cell_starts[2]
        lines[name] += f"（合成副本{(seq - 1) // len(blocks) + 1}）"
        out.append("\n".join(lines))
    return join(head, out)


def cells(grid) -> list[list[str]]:
    return [[normalize_paragraphs(c.text) for c in row] for row in grid.rows]


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    # A 200-item list takes LibreOffice longer than the default limit on a busy machine.
    os.environ.setdefault("POWERLIST_SOFFICE_TIMEOUT", "1800")

    with tempfile.TemporaryDirectory(prefix="powerlist-bench-formats-") as tmp:
        tmp = Path(tmp)
        docs = tmp / "docs"
        docs.mkdir()
        (docs / "list.txt").write_text(synthetic_text(args.items), encoding="utf-8")
        made = tmp / "made"
        made.mkdir()
        copy_package(made)
        ingest_document(made, docs / "list.txt")
        view = ListView(Package(made, "working"), "450325-baomi")
        assert len(view.items) == args.items
        render_office(view, "docx", docs / "list.docx")
        render_office(view, "xlsx", docs / "list.xlsx")
        (docs / "list.html").write_bytes(html_page(view).encode("gbk"))
        making: dict[str, float] = {}
        soffice([docs / "list.docx"], "odt", docs, making, timeout=1800)
        soffice([docs / "list.odt"], "doc", docs, making, timeout=1800)
        soffice([docs / "list.docx"], "pdf", docs, making, timeout=1800)
        soffice([docs / "list.xlsx"], "xls", docs, making, timeout=1800)
        soffice([docs / "list.xlsx"], "ods", docs, making, timeout=1800)
        shutil.copyfile(docs / "list.doc", docs / "list.wps")
        shutil.copyfile(docs / "list.xls", docs / "list.et")

        want = cells(read_grid(docs / "list.txt"))
        results = {}
        for fmt in FORMATS:
            doc = docs / f"list.{fmt}"
            row: dict[str, object] = {"bytes": doc.stat().st_size}
            if fmt in CONVERTED:
                def conversion(doc=doc, fmt=fmt):
                    with tempfile.TemporaryDirectory() as work:
                        convert(doc, CONVERTED[fmt], Path(work))
                row["convert_s"], _ = timed(conversion, args.runs)
            row["read_s"], grid = timed(lambda doc=doc: read_grid(doc), args.runs)
            row["rows_equal_txt"] = cells(grid) == want
            if not row["rows_equal_txt"]:
                bad = sum(a != b for ra, rb in zip(cells(grid), want) for a, b in zip(ra, rb))
                row["cells_differing"] = bad

            def ingest(doc=doc):
                pkg = tmp / f"pkg-{fmt}"
                shutil.rmtree(pkg, ignore_errors=True)
                pkg.mkdir()
                copy_package(pkg)
                started = time.perf_counter()
                ingest_document(pkg, doc)
                return time.perf_counter() - started

            row["ingest_s"] = statistics.median(ingest() for _ in range(args.runs))
            results[fmt] = row
            print(f"{fmt:5} {json.dumps(row)}", flush=True)

    base = results["txt"]["ingest_s"]
    summary = {"items": args.items, "runs": args.runs, "making_fixtures_s": making,
               "formats": {f: {**r, "ingest_vs_txt": round(r["ingest_s"] / base, 2)} for f, r in results.items()}}
    print()
    print(f"{'format':6} {'convert s':>9} {'read s':>7} {'ingest s':>8} {'vs .txt':>7}  rows = .txt")
    for fmt, r in summary["formats"].items():
        conv = f"{r['convert_s']:.2f}" if "convert_s" in r else "-"
        print(f"{fmt:6} {conv:>9} {r['read_s']:7.2f} {r['ingest_s']:8.2f} {r['ingest_vs_txt']:7.2f}  {r['rows_equal_txt']}")
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["rows_equal_txt"] for r in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())

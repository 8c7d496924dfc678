"""Ingest speed: a 200-item list document in each format read into a copy of the real package.

    python benchmarks/ingest_200.py [--items 200] [--runs 3]

The document is SYNTHETIC: the 2022 Xing'an list's five items repeated, each copy renumbered
and its 项目名称 suffixed （合成第N项）, written as the sources' text layout, then rendered to .docx
and .xlsx by render_office (the same code as `powerlist render`), plus the .docx split over
several tables (the continuation path). Each format is ingested (`ingest_document`, what
`powerlist ingest` runs) into a fresh copy of the repository's package; the figure is the best
wall time of --runs runs, with how the time divides into reading the document (read_grid) and
the rest (parse, match, write). Target (issue 12): under 5 s per format.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tool"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

from conftest import copy_package  # noqa: E402
from make_synthetic import join, once, renumber, split  # noqa: E402
from powerlist.ingest.readers import read_grid  # noqa: E402
from powerlist.ingest.run import ingest_document  # noqa: E402
from powerlist.package import Package  # noqa: E402
from powerlist.render import ListView  # noqa: E402
from powerlist.render_office import render_office  # noqa: E402

SOURCE = ROOT / "sources" / "2022" / "xingan-baomi-2022.txt"


def synthetic_text(n: int) -> str:
    head, blocks = split(SOURCE.read_text(encoding="utf-8"))
    out = []
    for k in range(n):
        block = renumber(blocks[k % len(blocks)], k + 1)
        name = block.split("\n")[2]  # the TAB lines of 序号, 权力分类, then 项目名称
        out.append(once(block, name, f"{name}（合成第{k + 1}项）"))
    return join(head, out)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="powerlist-ingest-bench-"))
    try:
        docs = {"txt": work / f"synthetic-xingan-{args.items}.txt"}
        docs["txt"].write_text(synthetic_text(args.items), encoding="utf-8")
        seed = copy_package((work / "seed").mkdir() or work / "seed")
        ingest_document(seed, docs["txt"])
        view = ListView(Package(seed, "working"), "450325-baomi")
        assert len(view.items) == args.items
        for fmt in ("docx", "xlsx"):
            docs[fmt] = render_office(view, fmt, work / f"synthetic-xingan-{args.items}.{fmt}")
        from shapes import save_docx, split_tables
        import docx as python_docx
        d = python_docx.Document(str(docs["docx"]))
        split_tables(d, [list(range(i, min(i + 40, args.items))) for i in range(0, args.items, 40)], repeat_header=True)
        docs["docx split"] = save_docx(d, work / f"synthetic-xingan-{args.items}-split.docx", "450325-baomi",
                                       "benchmark: split into tables of 40 rows")
        print(f"| format | items | cells | read s | ingest s (total, best of {args.runs}) | under 5 s |")
        print("|---|---:|---:|---:|---:|---|")
        for fmt, doc in docs.items():
            best_total, best_read, cells = float("inf"), float("inf"), 0
            for run in range(args.runs):
                pkg = copy_package((work / f"p{fmt}{run}".replace(" ", "")).mkdir() or work / f"p{fmt}{run}".replace(" ", ""))
                best_read = min(best_read, timed(lambda: read_grid(doc)))
                report = None

                def go():
                    nonlocal report
                    report = ingest_document(pkg, doc)
                best_total = min(best_total, timed(go))
                assert report.cells_read == report.cells_placed and len(report.matches) == args.items
                cells = report.cells_read
                shutil.rmtree(pkg)
            print(f"| {fmt} | {args.items} | {cells:,} | {best_read:.2f} | {best_total:.2f} | "
                  f"{'yes' if best_total < 5 else 'NO'} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

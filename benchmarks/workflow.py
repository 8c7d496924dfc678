"""The one-list workflow at province scale, on SYNTHETIC data (benchmarks/generate.py).

    python benchmarks/workflow.py --items 100000 [--data /tmp/powerlist-bench] [--profile DIR]

A reviewer's day: a package holding every list with one release; render one list (20 items at every N) to .docx, edit
one step in Word, ingest it, look at what changed (diff RELEASE working), validate, release, render
the list again, run a first SQL query after the release (an analyst queried the package before the
day's edit: that first query ever, which compiles the release, is timed apart as "sql_cold"). Each step runs as its own `powerlist`
child (wall seconds and peak RSS from /usr/bin/time). run.py's "workflow" sitting calls
`workflow()` for several N and prints the growth factors; `--profile DIR` also writes one
pyinstrument profile per step (text) so the time each step spends can be read.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

STEPS = ["sql_cold", "ingest", "diff", "validate", "release", "render", "sql"]
EDIT_MARK = "合成修改"  # the SYNTHETIC edit made to one step in Word
EDITED_ITEMS = 20  # the size of the list the day edits, the same at every N


def measure(cmd: list[str], cwd: Path | None = None, stdout=None) -> dict:
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t0 = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf.name, *cmd], cwd=cwd,
                              stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t0
        rss = int(open(tf.name).read().strip().splitlines()[-1]) / 1024
    if done.returncode not in (0,):
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr[-1500:]}")
    return {"wall": wall, "rss_mib": rss}


def make_package(data: Path, n: int, seed: int) -> Path:
    """base/ of the generated pair as a working package, plus a SYNTHETIC placeholder source
    document per list (release copies each list's source). The tables are hard links to the
    pair's files: nothing writes a package file in place (files.py), and a copy of a 1M pair's
    tables is 6 GB."""
    pair = data / f"n{n}-s{seed}"
    if not (pair / "expected.json").is_file():
        generate.generate(n, pair, seed)
    pkg = data / f"workflow-n{n}-s{seed}"
    if pkg.exists():
        shutil.rmtree(pkg)
    shutil.copytree(pair / "base", pkg, copy_function=os.link,
                    ignore=shutil.ignore_patterns(".powerlist-cache", ".powerlist.lock"))
    lists = pkg / "tables" / "lists.csv"
    if not lists.exists():  # a partitioned base keeps lists.csv too
        raise RuntimeError(f"{lists} missing")
    import csv
    with open(lists, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            src = pkg / row["source_file"]
            src.parent.mkdir(parents=True, exist_ok=True)
            src.write_text("SYNTHETIC placeholder source document (合成数据) for benchmarks\n", encoding="utf-8")
    return pkg


SMALL_DEPARTMENT = "机要保密局"  # a SYNTHETIC department no generated list has


def small_list(docx_in: Path, docx_out: Path, items: int, department: str) -> None:
    """The rendered list docx_in cut to its first `items` items, its title naming `department`
    instead of the list's own: a new SYNTHETIC list of that size (python-docx). generate.py
    gives every list about N / 5,000 items at province scale (200 at 1M), and the day edits
    "one 20-item list" at every N."""
    import docx

    doc = docx.Document(str(docx_in))
    table = doc.tables[0]
    for row in list(table.rows)[2 + items:]:  # two header rows, then one row per item
        row._tr.getparent().remove(row._tr)
    for para in doc.paragraphs:
        for run in para.runs:
            for old in generate.DEPARTMENTS:
                if old in run.text:
                    run.text = run.text.replace(old, department)
    doc.save(str(docx_out))


def edit_one_step(docx_in: Path, docx_out: Path) -> None:
    """Insert EDIT_MARK into the first responsibility step of the first data row (python-docx)."""
    import docx

    doc = docx.Document(str(docx_in))
    table = doc.tables[0]
    header = [c.text for c in table.rows[1].cells]
    col = next(i for i, t in enumerate(header) if "责任事项" in t and "依据" not in t)
    para = table.rows[2].cells[col].paragraphs[0]
    text = para.text
    at = text.index("：") + 1 if "：" in text else 0
    runs = para.runs
    runs[0].text = text[:at] + EDIT_MARK + text[at:]
    for r in runs[1:]:
        r.text = ""
    doc.save(str(docx_out))


def pick_list(pkg: Path, at: float = 0.5) -> str:
    import csv
    with open(pkg / "tables" / "lists.csv", encoding="utf-8", newline="") as fh:
        ids = [r["list_id"] for r in csv.DictReader(fh)]
    return ids[int(len(ids) * at)]


def powerlist(pkg: Path, *args: str, profile: Path | None = None, name: str = "") -> list[str]:
    if profile:
        return [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(profile / f"{name}.txt"),
                str(BIN / "powerlist"), "-p", str(pkg), *args]
    return [str(BIN / "powerlist"), "-p", str(pkg), *args]


def workflow(data: Path, n: int, seed: int = 1, profile: Path | None = None) -> dict:
    """Times of each step of the one-list workflow at N items (the package is rebuilt first)."""
    pkg = make_package(data, n, seed)
    if profile:
        profile.mkdir(parents=True, exist_ok=True)
    work = data / f"workflow-n{n}-docs"
    work.mkdir(parents=True, exist_ok=True)
    # The generated package stores each table in one file: the first ingest moves it to one file
    # per list (the migration every user's first write makes), then the release the day starts from.
    out: dict = {}
    first = pick_list(pkg, 0)
    measure(powerlist(pkg, "render", first, "--format", "docx", "-o", str(work / "first.docx")))
    out["migrate"] = measure(powerlist(pkg, "ingest", str(work / "first.docx")))
    # The list the day edits: EDITED_ITEMS items at every N, a new list beside the generated ones.
    list_id = first.rsplit("-", 1)[0] + f"-d{len(generate.DEPARTMENTS):02d}"
    small_list(work / "first.docx", work / "small.docx", EDITED_ITEMS, SMALL_DEPARTMENT)
    measure(powerlist(pkg, "ingest", str(work / "small.docx"), "--list", list_id))
    rendered, edited = work / f"{list_id}.docx", work / f"{list_id}-edited.docx"
    out: dict = {"items": n, "list_id": list_id, **out}
    out["setup_release"] = measure(powerlist(pkg, "release", "base", "--date", "2026-01-01"))
    out["render_docx"] = measure(powerlist(pkg, "render", list_id, "--format", "docx", "-o", str(rendered)))
    edit_one_step(rendered, edited)

    def step(name, *args, stdout=None):
        out[name] = measure(powerlist(pkg, *args, profile=profile, name=name), stdout=stdout)

    step("sql_cold", "sql", "select count(*) from all_items")

    step("ingest", "ingest", str(edited))
    diff_json = work / "diff.json"
    with open(diff_json, "w") as fh:
        step("diff", "diff", "base", "working", "--format", "json", stdout=fh)
    report = json.loads(diff_json.read_text(encoding="utf-8"))
    out["diff_changes"] = len(report["changes"])
    out["diff_summary"] = {t: c for t, c in report["summary"].items() if any(c.values())}
    step("validate", "validate", "working")
    step("release", "release", "next", "--date", "2026-02-01")
    step("render", "render", list_id)
    step("sql", "sql", "select count(*) from all_items")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, required=True)
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "powerlist-bench")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", type=Path, default=None, help="write one pyinstrument text profile per step here")
    args = ap.parse_args(argv)
    res = workflow(args.data, args.items, args.seed, args.profile)
    for name in STEPS:
        print(f"{name:10} {res[name]['wall']:7.2f} s {res[name]['rss_mib']:7.0f} MiB")
    print(json.dumps({k: v for k, v in res.items() if k not in STEPS}, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Province-scale benchmark: powerlist against the tools people would use instead, on the same
SYNTHETIC data, machine and sitting.

    python benchmarks/run.py --items 100000 [--data /tmp/powerlist-bench] [--seed 1]

Runs each tool as a child process (wall time and peak RSS from /usr/bin/time):
  1. powerlist diff base next --format json, with the compiled cache cleared (first run), then
     again (second run, served from .powerlist-cache/); its summary is checked against expected.json
  2. the floor: benchmarks/floor.py, a bare DuckDB full-outer-join hash diff of the same CSVs with
     the same DuckDB threads and memory limit
  3. csv-diff on the items table (measured at a smaller N above --csv-diff-max)
  4. daff on the first --daff-sample items of the items table, extrapolated linearly
  5. frictionless validate (every error reported) against powerlist validate, on a corrupted copy
     of base; their findings are compared (measured at a smaller N above --frictionless-max)
Prints a markdown table and appends it, with the machine description, to benchmarks/RESULTS.md.

    python benchmarks/run.py --workflow 10000,100000

The "workflow" sitting instead: at each N, the one-list workflow of workflow.py (a package with a
release; render one list to .docx, edit one step, ingest, diff, validate, release, render, first
sql), the whole-package first diff and the DuckDB floor; growth factors from the smallest N.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

import corrupt  # noqa: E402
import generate  # noqa: E402

sys.path.insert(0, str(REPO / "tool"))
from powerlist.schema import TABLES  # noqa: E402


def measure(cmd: list[str], *, stdout_path: Path | None = None, cwd: Path | None = None) -> dict:
    """Run one child; wall seconds and peak RSS (MiB) as /usr/bin/time reports them."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        out = open(stdout_path, "w", encoding="utf-8") if stdout_path else subprocess.DEVNULL
        try:
            t0 = time.perf_counter()
            done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf.name, *cmd], stdout=out,
                                  stderr=subprocess.PIPE, text=True, cwd=cwd)
            wall = time.perf_counter() - t0
        finally:
            if stdout_path:
                out.close()
        rss_kib = int(open(tf.name).read().strip().splitlines()[-1])
    return {"wall": wall, "rss_mib": rss_kib / 1024, "rc": done.returncode, "stderr": done.stderr[-2000:]}


def rows_in(folder: Path) -> dict[str, int]:
    out = {}
    for t in TABLES:
        with open(folder / "tables" / f"{t}.csv", "rb") as fh:
            out[t] = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(16 << 20), b"")) - 1
    return out


def ensure_data(root: Path, n: int, seed: int) -> tuple[Path, float | None]:
    folder = root / f"n{n}-s{seed}"
    if (folder / "expected.json").is_file():
        return folder, None
    t0 = time.perf_counter()
    generate.generate(n, folder, seed)
    return folder, time.perf_counter() - t0


def head_items(src: Path, dest: Path, limit: int) -> Path:
    """The first `limit` data rows of a CSV (same header)."""
    with open(src, encoding="utf-8", newline="") as fin, open(dest, "w", encoding="utf-8", newline="") as fout:
        for i, line in enumerate(fin):
            if i > limit:
                break
            fout.write(line)
    return dest


def powerlist_cmd(*args: str) -> list[str]:
    return [str(BIN / "powerlist"), *args]


def findings_of_frictionless(report_path: Path) -> set[tuple]:
    report = json.loads(report_path.read_text(encoding="utf-8"))
    out = set()
    for task in report["tasks"]:
        for e in task["errors"]:
            out.add((task["name"], e.get("rowNumber"), e.get("fieldName"), e["type"]))
    return out


def bench(args) -> tuple[list[dict], dict]:
    data, gen_secs = ensure_data(args.data, args.items, args.seed)
    base, nxt = data / "base", data / "next"
    expected = json.loads((data / "expected.json").read_text(encoding="utf-8"))["summary"]
    rows = rows_in(base)
    total_rows = sum(rows.values()) + sum(rows_in(nxt).values())
    results: list[dict] = []
    notes: dict = {"items": args.items, "rows_per_package": sum(rows.values()), "generate_s": gen_secs}

    def add(tool, what, m, rows_done=None, extrapolated=None, note=""):
        results.append({"tool": tool, "what": what, "wall": m["wall"], "rss": m["rss_mib"],
                        "rows_done": rows_done, "extrapolated": extrapolated, "note": note, "rc": m["rc"]})
        print(f"  {tool} — {what}: {m['wall']:.1f}s, {m['rss_mib']:.0f} MiB (rc {m['rc']})", file=sys.stderr)

    # 1. powerlist diff, cold then warm. The package root is base/ (any package works as root).
    has_diff = subprocess.run(powerlist_cmd("diff", "--help"), capture_output=True).returncode == 0
    if has_diff:
        measure(powerlist_cmd("-p", str(base), "cache-clear"))
        out_json = data / "diff.json"
        diff_cmd = powerlist_cmd("-p", str(base), "diff", str(base), str(nxt), "--format", "json", "--output", str(out_json))
        m1 = measure(diff_cmd)
        summary = json.loads(out_json.read_text(encoding="utf-8"))["summary"] if m1["rc"] == 0 else {}
        got = {t: {k: summary.get(t, {}).get(k, 0) for k in ("added", "removed", "modified")} for t in TABLES}
        notes["diff_counts_equal_expected"] = got == expected
        notes["diff_counts"] = got
        add("powerlist diff", "first run (compiles, cache cleared)", m1, total_rows,
            note="counts = expected.json" if got == expected else "COUNTS DIFFER from expected.json")
        m2 = measure(diff_cmd)
        add("powerlist diff", "second run (compiled cache)", m2, total_rows)
    else:
        notes["diff_missing"] = True

    # 2. the floor
    floor_out = data / "floor.json"
    mf = measure([sys.executable, str(HERE / "floor.py"), str(base), str(nxt), "--threads", str(args.threads),
                  "--memory-limit", args.memory_limit], stdout_path=floor_out)
    notes["floor_counts"] = json.loads(floor_out.read_text()) if mf["rc"] == 0 else None
    add("DuckDB floor", "full outer join + row hash, all tables", mf, total_rows)

    # 3. csv-diff on items (it holds both files in Python dicts)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        n_cd = min(args.items, args.csv_diff_max)
        a = head_items(base / "tables" / "items.csv", tmp / "a.csv", n_cd)
        b = head_items(nxt / "tables" / "items.csv", tmp / "b.csv", n_cd)
        m = measure([str(BIN / "csv-diff"), str(a), str(b), "--key", "item_id", "--json"])
        scale = rows["items"] / n_cd
        add("csv-diff", f"items table, {n_cd:,} rows" + (" (extrapolated below)" if scale > 1 else ""), m, 2 * n_cd,
            extrapolated=m["wall"] * scale if scale > 1 else None)

        # 4. daff on a sample of items, extrapolated
        n_daff = min(args.items, args.daff_sample)
        a = head_items(base / "tables" / "items.csv", tmp / "da.csv", n_daff)
        b = head_items(nxt / "tables" / "items.csv", tmp / "db.csv", n_daff)
        m = measure([str(BIN / "daff"), "--id", "item_id", "--output", str(tmp / "d.csv"), str(a), str(b)])
        add("daff", f"items sample of {n_daff:,} rows, extrapolated to all {total_rows:,} rows", m, 2 * n_daff,
            extrapolated=m["wall"] * total_rows / (2 * n_daff))

    # 5. validate on a corrupted copy of base
    n_fr = min(args.items, args.frictionless_max)
    if n_fr < args.items:
        small, _ = ensure_data(args.data, n_fr, args.seed)
        fr_src = small / "base"
    else:
        fr_src = base
    bad = corrupt.corrupt_package(base, data / "bad")
    fr_bad = bad if fr_src is base else corrupt.corrupt_package(fr_src, args.data / f"n{n_fr}-s{args.seed}" / "bad")
    fr_rows = sum(rows_in(fr_bad).values())
    report = data / "frictionless-report.json"
    m = measure([str(BIN / "frictionless"), "validate", "--json", "--limit-errors", "1000000000",
                 str(fr_bad / "datapackage.json")], stdout_path=report)
    fr_keys = findings_of_frictionless(report)
    add("frictionless validate", f"corrupted base, {n_fr:,} items", m, fr_rows,
        extrapolated=m["wall"] * sum(rows.values()) / fr_rows if fr_bad is not bad else None)
    m = measure(powerlist_cmd("-p", str(base), "validate", str(bad)))
    add("powerlist validate", f"corrupted base, {args.items:,} items", m, sum(rows.values()))
    mine = data / "powerlist-findings.json"
    subprocess.run([sys.executable, str(HERE / "validate_findings.py"), str(bad)], stdout=open(mine, "w"), check=True)
    if fr_bad is not bad:  # compare findings where frictionless ran
        mine_small = data / "powerlist-findings-small.json"
        subprocess.run([sys.executable, str(HERE / "validate_findings.py"), str(fr_bad)],
                       stdout=open(mine_small, "w"), check=True)
        mine = mine_small
    pl_keys = {tuple(x) for x in json.loads(mine.read_text())["keys"]}
    notes["validate_findings_equal"] = pl_keys == fr_keys
    notes["validate_findings"] = len(pl_keys)
    return results, notes


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import duckdb
    import frictionless
    return (f"{cpu}, {os.cpu_count()} cores, {mem:.1f} GiB RAM, {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, frictionless {frictionless.__version__}")


def table(results: list[dict]) -> str:
    floor = next((r["wall"] for r in results if r["tool"] == "DuckDB floor"), None)
    lines = ["| tool | what | wall s | peak RSS MiB | × floor | rows/s | extrapolated to full N |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for r in results:
        ratio = f"{r['wall'] / floor:.2f}" if floor else "—"
        rate = f"{r['rows_done'] / r['wall']:,.0f}" if r["rows_done"] else "—"
        extra = f"{r['extrapolated']:,.0f} s ({r['extrapolated'] / floor:.0f}× floor)" if r["extrapolated"] else "—"
        note = f" — {r['note']}" if r["note"] else ""
        fail = "" if r["rc"] in (0, 1) else f" (exit {r['rc']})"
        lines.append(f"| {r['tool']} | {r['what']}{note}{fail} | {r['wall']:.1f} | {r['rss']:.0f} | {ratio} | {rate} | {extra} |")
    return "\n".join(lines)


WORKFLOW_ROWS = [("sql_cold", "first `sql` query ever, before the edit (compiles the release)"),
                 ("ingest", "`ingest` the list's .docx (one step edited)"),
                 ("diff", "`diff RELEASE working` after it"),
                 ("validate", "`validate working`"),
                 ("release", "`release`"),
                 ("render", "`render` the list (text)"),
                 ("sql", "first `sql` query after the release")]


def get_ok(get, run) -> bool:
    try:
        get(run)
        return True
    except KeyError:
        return False


def workflow_sitting(args) -> str:
    """The one-list workflow (workflow.py) at each N, the whole-package first diff and the floor
    at each N, as one markdown section with growth factors from the smallest N to each larger."""
    import workflow

    ns = sorted(args.workflow)
    runs: dict[int, dict] = {}
    for n in ns:
        print(f"workflow at N = {n:,}", file=sys.stderr)
        res = workflow.workflow(args.data, n, args.seed)
        data = args.data / f"n{n}-s{args.seed}"
        base, nxt = data / "base", data / "next"
        if args.whole_max is not None and n > args.whole_max:
            runs[n] = res  # the whole-package diff and its floor not taken at this N (--whole-max)
            continue
        measure(powerlist_cmd("-p", str(base), "cache-clear"))
        res["whole_diff"] = measure(powerlist_cmd("-p", str(base), "diff", str(base), str(nxt), "--format", "json",
                                                  "--output", str(data / "diff.json")))
        res["floor"] = measure([sys.executable, str(HERE / "floor.py"), str(base), str(nxt), "--threads",
                                str(args.threads), "--memory-limit", args.memory_limit], stdout_path=data / "floor.json")
        res["floor_unlimited"] = measure([sys.executable, str(HERE / "floor.py"), str(base), str(nxt), "--threads",
                                          str(args.threads), "--memory-limit", "100GB"], stdout_path=data / "floor.json")
        runs[n] = res
        for k, v in res.items():
            if isinstance(v, dict) and "wall" in v:
                print(f"  {k}: {v['wall']:.2f} s, {v['rss_mib']:.0f} MiB", file=sys.stderr)
    head = "| step, one list changed | " + " | ".join(f"{n:,} items" for n in ns) + " | " + \
        " | ".join(f"growth {ns[0] // 1000}k→{n // 1000}k" for n in ns[1:]) + " |"
    lines = [head, "|---|" + "---:|" * (2 * len(ns) - 1)]

    def row(label, get):
        if not all(get_ok(get, runs[n]) for n in ns):
            lines.append(f"| {label} | " + " | ".join(
                f"{get(runs[n])[0]:.2f} s / {get(runs[n])[1]:,.0f} MiB" if get_ok(get, runs[n]) else "not taken"
                for n in ns) + " |" + " — |" * (len(ns) - 1))
            return
        cells = [get(runs[n]) for n in ns]
        walls = [c[0] for c in cells]
        shown = [f"{w:.2f} s / {r:,.0f} MiB" for w, r in cells]
        growth = [f"{walls[i] / walls[0]:.2f}×" for i in range(1, len(ns))]
        lines.append(f"| {label} | " + " | ".join(shown + growth) + " |")

    for key, label in WORKFLOW_ROWS:
        row(label, lambda r, k=key: (r[k]["wall"], r[k]["rss_mib"]))
    row("**ingest + diff + validate**", lambda r: (sum(r[k]["wall"] for k in ("ingest", "diff", "validate")),
                                                   max(r[k]["rss_mib"] for k in ("ingest", "diff", "validate"))))
    row("first ingest of a one-file package (moves it to one file per list)", lambda r: (r["migrate"]["wall"], r["migrate"]["rss_mib"]))
    row("first `release` (validates and freezes every file)", lambda r: (r["setup_release"]["wall"], r["setup_release"]["rss_mib"]))
    row("whole-package `diff base next`, first run (cache cleared)", lambda r: (r["whole_diff"]["wall"], r["whole_diff"]["rss_mib"]))
    row(f"DuckDB floor, memory limit {args.memory_limit}", lambda r: (r["floor"]["wall"], r["floor"]["rss_mib"]))
    row("DuckDB floor, no memory limit", lambda r: (r["floor_unlimited"]["wall"], r["floor_unlimited"]["rss_mib"]))
    ratios = ", ".join(f"{n:,}: {runs[n]['whole_diff']['wall'] / runs[n]['floor']['wall']:.2f}× the limited floor, "
                       f"{runs[n]['whole_diff']['wall'] / runs[n]['floor_unlimited']['wall']:.2f}× the unlimited"
                       for n in ns if "whole_diff" in runs[n])
    notes = [f"whole-package first diff: {ratios}",
             "the edited list (workflow.small_list: 20 items at every N, made and released before the day): "
             + "; ".join(f"{n:,}: {runs[n]['list_id']}, {runs[n]['diff_changes']} changes" for n in ns)]
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {x}" for x in notes) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, default=None, help="the tool comparison sitting at N items")
    ap.add_argument("--workflow", type=lambda v: [int(x) for x in v.split(",")], default=None,
                    help="the one-list workflow sitting at these N, e.g. 10000,100000")
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "powerlist-bench")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2, help="DuckDB threads for the floor and powerlist alike")
    ap.add_argument("--memory-limit", default=None,
                    help="DuckDB memory limit for the floor and powerlist alike (default: powerlist's, compiled.MEMORY_LIMIT)")
    ap.add_argument("--csv-diff-max", type=int, default=1_000_000, help="largest items table given to csv-diff")
    ap.add_argument("--daff-sample", type=int, default=20_000, help="items rows given to daff")
    ap.add_argument("--frictionless-max", type=int, default=1_000_000, help="largest N given to frictionless")
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--whole-max", type=int, default=None,
                    help="workflow sitting: largest N whose whole-package diff and floor are taken (disk, time)")
    args = ap.parse_args(argv)
    if args.memory_limit is None:
        from powerlist.compiled import MEMORY_LIMIT
        args.memory_limit = MEMORY_LIMIT
    # powerlist reads these (compiled.duckdb_settings), so its children run like the floor.
    os.environ["POWERLIST_MEMORY_LIMIT"] = args.memory_limit
    os.environ["POWERLIST_THREADS"] = str(args.threads)
    if args.workflow:
        md = workflow_sitting(args)
        when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        load = os.getloadavg()
        section = (f"\n## Workflow: one list changed, N = {', '.join(f'{n:,}' for n in sorted(args.workflow))} — {when}\n\n"
                   f"Machine: {machine()}. DuckDB threads {args.threads}, memory limit {args.memory_limit}. "
                   f"The machine may be shared (load average at the end "
                   f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}; above 2 other work ran beside the sitting): "
                   f"read the growth factors and ratios before the seconds. Wall seconds / peak RSS.\n\n{md}")
        print(section)
        with open(args.results, "a", encoding="utf-8") as fh:
            fh.write(section)
        return 0
    if args.items is None:
        ap.error("give --items N (tool comparison) or --workflow N,N (one-list workflow)")
    results, notes = bench(args)
    md = table(results)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    checks = []
    if "diff_counts_equal_expected" in notes:
        checks.append(f"powerlist diff counts equal expected.json: **{notes['diff_counts_equal_expected']}**")
    else:
        checks.append("powerlist diff: not available in this checkout (diff engine not merged)")
    checks.append(f"powerlist validate findings equal frictionless's on the corrupted copy: "
                  f"**{notes['validate_findings_equal']}** ({notes['validate_findings']} distinct findings)")
    gen = f"; generated in {notes['generate_s']:.0f} s" if notes.get("generate_s") else ""
    section = (f"\n## N = {args.items:,} items ({notes['rows_per_package']:,} rows per package{gen}) — {when}\n\n"
               f"Machine: {machine()}. DuckDB threads {args.threads}, memory limit {args.memory_limit} "
               f"(floor and powerlist alike).\n\n{md}\n\n" + "\n".join(f"- {c}" for c in checks) + "\n")
    print(section)
    if not args.results.exists():
        args.results.write_text("# Benchmark results\n\nAppended by `benchmarks/run.py`; data is SYNTHETIC "
                                "(benchmarks/generate.py).\n", encoding="utf-8")
    with open(args.results, "a", encoding="utf-8") as fh:
        fh.write(section)
    json.dump({"items": args.items, "results": results, "notes": notes},
              open(args.data / f"n{args.items}-s{args.seed}" / "bench.json", "w"), indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())

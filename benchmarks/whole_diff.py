"""The whole first diff against the DuckDB floor, in alternating rounds (issue 17).

SYNTHETIC DATA ONLY (benchmarks/generate.py pairs). Each round, one after the other:
  baseline first  another tree's code (--baseline DIR, e.g. `git archive REV | tar -x -C DIR`),
                  cache cleared first; left out without --baseline
  first           this tree's code, cache cleared first
  second          this tree's code again (reads the saved report)
  floor 1 GB      benchmarks/floor.py with the diff's threads and memory limit
  floor unlimited the same with a 100 GB limit
The diff runs as the CLI does, from the generated folder, `diff BASE NEXT --format json --output F`
with absolute paths; every report's SHA-256 is printed (the same two states: the same bytes).

  python benchmarks/whole_diff.py --items 100000 --rounds 5 --baseline /tmp/base-tree
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402


def run(cmd: list[str], env: dict[str, str]) -> dict:
    """Wall seconds, CPU seconds (user + system) and peak RSS MiB of one child."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(cmd)} failed: {err[-500:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--baseline", type=Path, help="a tree holding another version's tool/ to run beside this one")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "powerlist-whole-diff")
    ap.add_argument("--threads", default="2")
    ap.add_argument("--memory-limit", default="1GB")
    a = ap.parse_args(argv)
    pair = a.workdir / f"n{a.items}-s{a.seed}"
    if not (pair / "expected.json").is_file():
        generate.generate(a.items, pair, a.seed)
    base, nxt = pair / "base", pair / "next"
    env = dict(os.environ, POWERLIST_THREADS=a.threads, POWERLIST_MEMORY_LIMIT=a.memory_limit)
    codes = {"first": HERE.parent / "tool"}
    if a.baseline:
        if not (a.baseline / "tool" / "powerlist").is_dir():
            # else PYTHONPATH would name nothing and the installed code would run as the "baseline"
            raise SystemExit(f"--baseline {a.baseline}: no tool/powerlist there")
        codes = {"baseline first": a.baseline / "tool", **codes}
    rows: dict[str, list[dict]] = {}
    digests: dict[str, set[str]] = {}

    def diff(label: str, tool: Path, clear: bool) -> None:
        e = dict(env, PYTHONPATH=str(tool))
        cli = [sys.executable, "-m", "powerlist", "-p", str(base)]
        if clear:
            subprocess.run([*cli, "cache-clear"], env=e, check=True, capture_output=True)
        out = a.workdir / f"report-{label.replace(' ', '-')}.json"
        rows.setdefault(label, []).append(run([*cli, "diff", str(base), str(nxt), "--format", "json", "--output", str(out)], e))
        digests.setdefault(label, set()).add(hashlib.sha256(out.read_bytes()).hexdigest())

    for r in range(a.rounds):
        for label, tool in codes.items():
            diff(label, tool, clear=True)
        diff("second", HERE.parent / "tool", clear=False)
        for label, limit in (("floor 1 GB", a.memory_limit), ("floor unlimited", "100GB")):
            rows.setdefault(label, []).append(run([sys.executable, str(HERE / "floor.py"), str(base), str(nxt),
                                                   "--threads", a.threads, "--memory-limit", limit], env))
        print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]['wall']:.2f} s" for k, v in rows.items()), flush=True)
    floor = [x["wall"] for x in rows["floor 1 GB"]]
    unlimited = [x["wall"] for x in rows["floor unlimited"]]
    print(f"\n{a.items:,} SYNTHETIC items, {a.rounds} rounds, threads {a.threads}, memory limit {a.memory_limit}\n")
    print("| run | wall s (each round) | median wall / CPU s | peak RSS MiB | ÷ 1 GB floor (median of rounds) | ÷ unlimited |")
    print("|---|---|---:|---:|---:|---:|")
    for label, xs in rows.items():
        walls = [x["wall"] for x in xs]
        ratio = statistics.median(w / f for w, f in zip(walls, floor))
        ratio_u = statistics.median(w / f for w, f in zip(walls, unlimited))
        print(f"| {label} | {', '.join(f'{w:.2f}' for w in walls)} | {statistics.median(walls):.2f} / "
              f"{statistics.median(x['cpu'] for x in xs):.2f} | {max(x['rss'] for x in xs):,.0f} | {ratio:.2f}× | {ratio_u:.2f}× |")
    print()
    for label, ds in digests.items():
        print(f"{label}: report SHA-256 {', '.join(sorted(d[:16] + '…' for d in ds))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

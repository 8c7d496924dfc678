"""Time and memory of `powerlist publish` over three SYNTHETIC releases at N items.

    python benchmarks/publish_bench.py --items 100000 --work /tmp/pubscale [--profile]

Builds (once, cached in WORK) a package root whose three releases are benchmarks/generate.py's
base, next and base again (tags 2024, 2025, 2026; every text synthetic, labelled so), each with
placeholder source documents that say they are synthetic; then runs `powerlist publish` in a
child process and reports wall time, peak RSS (the largest ru_maxrss of the child and the
processes it starts) and the peak of the whole process tree's RSS added up (publish writes the
release databases in child processes beside itself: sampled every 0.2 s), and for each step of
publish its seconds and the publishing process's RSS and peak RSS when it ended. --profile runs
it under cProfile instead and prints the top functions by cumulative time.

The previous run's output is moved to WORK/previous-* rather than deleted (see main): delete
those at the end of a sitting, and leave ~5 minutes after deleting many files before timing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RELEASES = [("2024", "2024-07-01", "base"), ("2025", "2025-07-01", "next"), ("2026", "2026-07-01", "base")]
PLACEHOLDER = "SYNTHETIC placeholder document (合成数据，非真实清单) for list {list_id}; made by benchmarks/publish_bench.py\n"


def make_release(src: Path, dest: Path, tag: str, on: str) -> None:
    shutil.copytree(src, dest)
    import csv
    sources = []
    with open(dest / "tables" / "lists.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        path = dest / row["source_file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PLACEHOLDER.format(list_id=row["list_id"]), encoding="utf-8")
        sources.append({"list_id": row["list_id"], "path": row["source_file"], "sha256": row["source_sha256"]})
    files = {p.relative_to(dest).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(dest.rglob("*")) if p.is_file()}
    manifest = {"tag": tag, "date": on, "powerlist_version": "benchmark", "sources": sources, "files": files}
    (dest / "release.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def build_root(items: int, work: Path) -> Path:
    root = work / f"root-{items}"
    if (root / "releases" / RELEASES[-1][0] / "release.json").is_file():
        return root
    shutil.rmtree(work / f"gen-{items}", ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), "--items", str(items),
                    "--out", str(work / f"gen-{items}")], check=True, stdout=subprocess.DEVNULL)
    gen = work / f"gen-{items}"
    shutil.copytree(gen / "base", root)
    for tag, on, which in RELEASES:
        make_release(gen / which, root / "releases" / tag, tag, on)
    return root


def tree_rss_mib(pid: int) -> int:
    """RSS of a process and all its descendants, added up (MiB)."""
    total = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            total += next((int(line.split()[1]) for line in fh if line.startswith("VmRSS")), 0) // 1024
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                total += sum(tree_rss_mib(int(c)) for c in fh.read().split())
    except (OSError, ValueError):
        pass  # it ended while being read
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, required=True)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    root = build_root(args.items, args.work)
    shutil.rmtree(root / ".powerlist-cache", ignore_errors=True)
    out = args.work / f"dist-{args.items}"
    if out.exists():
        # Moved aside, not deleted: on ext4 without a journal (this machine's disk) each file
        # created soon after many were deleted skips the freed inodes one by one (the kernel's
        # recently_deleted(), up to 300 s after a deletion). Deleting the previous run's 181,193
        # files here made the next run's site step 12-14 s -> 57 s (perf: ~30 % of all samples in
        # recently_deleted under ext4_create), which read as a machine "slowing" in earlier sittings.
        aside = args.work / f"previous-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
        os.replace(out, aside)
        print(f"previous output moved to {aside}: remove WORK/previous-* at the end of the sitting",
              file=sys.stderr)
    # The previous run's output (gigabytes) written out to disk first: else its writeback, and the
    # page cache's throttling of writers that comes with it, falls inside this run's time.
    os.sync()
    env = {**os.environ, "PYTHONPATH": str(REPO / "tool")}
    code = ("import sys; from pathlib import Path; from powerlist.publish import publish; "
            "r = publish(Path(sys.argv[1]), Path(sys.argv[2]), STEPS); print(r.files, r.size)")
    steps = ("import time\n"
             "def _mib(key):\n"
             "    for line in open('/proc/self/status'):\n"
             "        if line.startswith(key): return int(line.split()[1]) // 1024\n"
             "_last = [time.monotonic(), None]\n"
             "def STEPS(what, done, total):\n"
             "    now = time.monotonic()\n"
             "    if _last[1]: print(f'step {now - _last[0]:8.1f} s  rss {_mib(\"VmRSS\"):5d} MiB  peak {_mib(\"VmHWM\"):5d} MiB  {_last[1]}', file=sys.stderr, flush=True)\n"
             "    _last[0], _last[1] = now, what\n")
    code = "import sys\n" + steps + code
    if args.profile:
        cmd = [sys.executable, "-c", "import cProfile, pstats, sys; sys.argv = sys.argv[1:]; "
               f"cProfile.run({code!r}, '/tmp/publish.prof'); "
               "pstats.Stats('/tmp/publish.prof').sort_stats('cumulative').print_stats(35)", "x", str(root), str(out)]
    else:
        cmd = [sys.executable, "-c", code, str(root), str(out)]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)  # steps go to stderr as they end
    tree_peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            tree_peak[0] = max(tree_peak[0], tree_rss_mib(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = proc.communicate()
    done = subprocess.CompletedProcess(cmd, proc.returncode, stdout)
    wall = time.monotonic() - start
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # publish and every process it waited for
    peak = usage.ru_maxrss / 1024
    if done.returncode != 0:
        return 1
    print(done.stdout[-6000:])
    # The last "files size" line (anything a library prints to stdout comes before it).
    counts = [line.split() for line in done.stdout.splitlines() if re.fullmatch(r"\d+ \d+", line.strip())]
    print(json.dumps({"items": args.items, "releases": len(RELEASES), "wall_s": round(wall, 1),
                      "cpu_s": round(usage.ru_utime + usage.ru_stime, 1), "peak_rss_mib": round(peak), "peak_tree_rss_mib": tree_peak[0], "files": int(counts[-1][0]) if counts else None}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

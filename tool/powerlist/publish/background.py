"""The release databases, written by child processes beside the rest of publish.

The SQLite and DuckDB downloads are written from the release's Parquet files (the same rows,
typed by the same schemas; written first). Both are single-threaded work the parent would wait
for (100,000 items: ~23 and ~7 CPU s per release), while the rest of a release — its archive and
the list pass — is Python in the parent: children, one at a time, use the second core. A child
reads only its Parquet files and writes only its own file, so it shares nothing with the parent
but the staging folder; publish waits for all of them (`wait()`) before it lists the downloads,
and a child that failed fails publish, naming its file.

    COMMAND: powerlist.publish.child's main (a job as JSON on stdin: {"kind", "path", …})
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import duckdb

from ..compiled import cache_dir, configure
from ..errors import PowerlistError
from ..files import sha256_file
from .checksums import remember
from .parquet import release_parquet
from .release_data import ReleaseData
from .reuse import settle

CHILD = "powerlist.publish.child"  # the module a child runs (child.py)
# How a child is started: `python -m` (and -c) put the current folder first on sys.path, and
# publish runs in a package folder, which may hold any .py file; the child drops that entry
# before importing anything (Python >= 3.11 with -P or PYTHONSAFEPATH adds none).
COMMAND = [sys.executable, "-c", "import sys\n"
           "if not getattr(sys.flags, 'safe_path', False): del sys.path[0]\n"
           f"from {CHILD} import main\nsys.exit(main())"]
MEMORY = "256MB"  # a child's DuckDB streams Parquet: it needs little (the parent holds the release)
# One child at a time, in the order started: with the parent that keeps both cores busy, and the
# memory of publish is the parent's and one child's.
_runner: ThreadPoolExecutor | None = None
_jobs: list[tuple[Future, str, Callable[[dict], None]]] = []
_running: list[subprocess.Popen] = []
_stopping = False


def start(kind: str, rel: ReleaseData, folder: Path, path: Path) -> None:
    """Queue a child writing `path` (kind: "sqlite" or "duckdb") from the release's Table Schemas
    and the Parquet files in its folder. The child hashes what it wrote (its core, not the
    parent's): SHA256SUMS and the site's download table take that digest (checksums.remember)."""
    path.unlink(missing_ok=True)
    job = {"kind": kind, "path": str(path), "memory": MEMORY,
           "tables": {n: ts.descriptor for n, ts in rel.schemas.items()},
           "parquet": {n: str(release_parquet(folder, n)) for n in rel.schemas}}
    queue(job, rel.root, f"writing {path.name}", lambda said: remember(path, said["sha256"]))


def queue(job: dict, root: Path, what: str, done: Callable[[dict], None] = lambda said: None) -> None:
    """Queue a child running `job` (its "kind" names the function, see main); `what` it does
    names it if it fails; done(what the child printed, as JSON) once it has succeeded."""
    queue_in(job, cache_dir(root) / "spill", what, done)


def queue_in(job: dict, spill_root: Path, what: str, done: Callable[[dict], None] = lambda said: None) -> None:
    """queue(), the child's spill folder made in spill_root (the package cache's spill folder)."""
    global _runner
    # Its own spill folder: two DuckDB instances must not share temporary files.
    spill_root.mkdir(parents=True, exist_ok=True)
    job = {**job, "spill": tempfile.mkdtemp(prefix=f"{job['kind']}-", dir=spill_root)}
    if _runner is None:
        _runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="powerlist-child")
    _jobs.append((_runner.submit(_run, job), what, done))


def _run(job: dict) -> tuple[int, str, bytes]:
    """Run one child to its end: (exit code, the last line it wrote to stderr, its stdout)."""
    if _stopping:
        return -1, "publish stopped", b""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        child = subprocess.Popen(COMMAND, stdin=subprocess.PIPE, stdout=out, stderr=err)
        _running.append(child)
        try:
            try:
                child.stdin.write(json.dumps(job, ensure_ascii=False).encode("utf-8"))
                child.stdin.close()
            except OSError:
                pass  # it died at once: its exit code and stderr say why
            code = child.wait()
        finally:
            _running.remove(child)
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
        out.seek(0)
        said = out.read()
    shutil.rmtree(job["spill"], ignore_errors=True)
    return code, lines[-1] if lines else "no message", said


def wait() -> None:
    """Wait for every child; then make the links to their files that waited for them (reuse.py).
    A child that failed fails publish, naming what it did."""
    failed = None
    while _jobs:
        future, what, done = _jobs.pop(0)
        code, last, said = future.result()
        if code != 0:
            failed = failed or f"{what} failed (exit {code}): {last}"
        elif failed is None:
            done(json.loads(said.decode("utf-8").strip().splitlines()[-1]))
    _close()
    if failed:
        raise PowerlistError(failed)
    settle()


def abandon() -> None:
    """Stop the children of a publish that failed (before its staging folder is removed)."""
    global _stopping
    _stopping = True
    try:
        for future, _what, _done in _jobs:
            future.cancel()
        for child in list(_running):
            child.kill()
        _jobs.clear()
        _close()
    finally:
        _stopping = False


def _close() -> None:
    global _runner
    if _runner is not None:
        _runner.shutdown(wait=True)
        _runner = None


def child_duckdb(spill: Path, memory: str, database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A child's DuckDB connection: one thread (the parent has the other core), little memory."""
    con = duckdb.connect(database)
    configure(con, Path(spill), memory_limit=memory, threads="1")
    return con


def _die_with_parent() -> None:
    """A publish killed outright (SIGKILL) cannot stop its child: on Linux the kernel does it
    (PR_SET_PDEATHSIG), so no child goes on writing into a staging folder nobody will rename.
    Elsewhere the child runs to its end and its file is removed with the staging folder."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent was gone before the call
        os._exit(1)


def main() -> int:
    """A child's work: one job read from stdin; what the parent is to know goes to stdout as the
    last line, JSON. A PowerlistError is one line on stderr, which the parent quotes."""
    _die_with_parent()
    job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    # Every DuckDB connection the job opens (the diff engine's too) spills to the job's own folder.
    os.environ["POWERLIST_SPILL_DIR"] = job["spill"]
    try:
        if job["kind"] == "diffs":
            from .changes import write_diffs
            said = write_diffs(job)
        elif job["kind"] == "item_pages":
            from .site import write_item_pages
            said = write_item_pages(job)
        else:
            from .duckdb_db import build as duckdb_build
            from .sqlite_db import build as sqlite_build
            build = {"sqlite": sqlite_build, "duckdb": duckdb_build}[job["kind"]]
            path = Path(job["path"])
            build(path, job["tables"], job["parquet"], Path(job["spill"]), job["memory"])
            said = {"sha256": sha256_file(path)}
    except PowerlistError as exc:
        print(exc, file=sys.stderr)
        return 1
    except Exception as exc:
        # Its traceback, then the error's first line last: DuckDB's messages end with advice and
        # a link ("See also https://…"), which the parent would otherwise quote as the cause.
        traceback.print_exc()
        lines = str(exc).strip().splitlines()
        print(f"{type(exc).__name__}: {lines[0] if lines else ''}", file=sys.stderr)
        return 1
    sys.stdout.write(json.dumps(said) + "\n")
    return 0

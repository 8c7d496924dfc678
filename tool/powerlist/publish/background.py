"""The release databases, written by child processes beside the rest of publish.

The SQLite and DuckDB downloads are written from the release's Parquet files (the same rows,
typed by the same schemas; written first). Both are single-threaded work the parent would wait
for (100,000 items: ~23 and ~9 CPU s per release), while the rest of a release — its archive and
the list pass — is Python in the parent: a child per file lets them use a second core. A child
reads only its Parquet files and writes only its own file, so it shares nothing with the parent
but the staging folder; publish waits for all of them (`wait()`) before it lists the downloads,
and a child that failed fails publish, naming its file.

    python -m powerlist.publish.background   (a job as JSON on stdin: {"kind", "path", …})
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from ..compiled import cache_dir
from ..errors import PowerlistError
from ..sqltext import literal
from .parquet import release_parquet
from .release_data import ReleaseData
from .reuse import settle

MEMORY = "256MB"  # a child's DuckDB streams Parquet: it needs little (the parent holds the release)
_children: list[tuple[subprocess.Popen, Path, object]] = []  # (child, the file it writes, its stderr)


def start(kind: str, rel: ReleaseData, folder: Path, path: Path) -> None:
    """Start a child writing `path` (kind: "sqlite" or "duckdb") from the release's Table Schemas
    and the Parquet files in its folder."""
    path.unlink(missing_ok=True)
    # Its own spill folder: two DuckDB instances must not share temporary files.
    spill_root = cache_dir(rel.root) / "spill"
    spill_root.mkdir(parents=True, exist_ok=True)
    spill = tempfile.mkdtemp(prefix=f"{kind}-", dir=spill_root)
    job = {"kind": kind, "path": str(path), "spill": spill, "memory": MEMORY,
           "tables": {n: ts.descriptor for n, ts in rel.schemas.items()},
           "parquet": {n: str(release_parquet(folder, n)) for n in rel.schemas}}
    err = tempfile.TemporaryFile()
    child = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=err)
    try:
        child.stdin.write(json.dumps(job, ensure_ascii=False).encode("utf-8"))
        child.stdin.close()
    except OSError:
        pass  # it died at once: wait() reports its error
    _children.append((child, path, err))


def wait() -> None:
    """Wait for every child; then make the links to their files that waited for them (reuse.py)."""
    failed = None
    while _children:
        child, path, err = _children.pop(0)
        code = child.wait()
        if code != 0 and failed is None:
            err.seek(0)
            lines = err.read().decode("utf-8", "replace").strip().splitlines()
            failed = f"writing {path.name} failed (exit {code}): {lines[-1] if lines else 'no message'}"
        err.close()
    if failed:
        raise PowerlistError(failed)
    settle()


def abandon() -> None:
    """Stop the children of a publish that failed (its staging folder is removed)."""
    while _children:
        child, _path, err = _children.pop()
        if child.poll() is None:
            child.kill()
        child.wait()
        err.close()


def child_duckdb(spill: Path, memory: str, database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A child's DuckDB connection: one thread (the parent has the other core), little memory."""
    con = duckdb.connect(database)
    con.execute(f"SET memory_limit = {literal(memory)}")
    con.execute("SET threads = 1")
    con.execute(f"SET temp_directory = {literal(spill)}")
    con.execute("SET enable_progress_bar = false")
    return con


def main() -> int:
    from .duckdb_db import build as duckdb_build
    from .sqlite_db import build as sqlite_build

    job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    build = {"sqlite": sqlite_build, "duckdb": duckdb_build}[job["kind"]]
    try:
        build(Path(job["path"]), job["tables"], job["parquet"], Path(job["spill"]), job["memory"])
    finally:
        shutil.rmtree(job["spill"], ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

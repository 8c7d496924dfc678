"""Run a diff and hand over its report: the JSON contract of docs/diff-json.md, streamed or as one dict."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..compiled import (cache_dir, compile_package, configure, content_key, full_path, load_lists, lock_down, table_sources,
                        usable)
from ..documents import is_document
from ..digests import differing_lists
from ..laws.reference import load_reference
from .citations import DiffCitations
from ..package import open_target
from .classify import COSMETIC
from .load import SETTINGS, Loading, Plan
from .saved import Recording, SavedChanges, open_saved, report_key
from .engine import attach, compare_attached, plan_tables, provenance_changes, sort_key, summary_from_counts
from .spool import ChangeSpool




@dataclass
class DiffReport:
    from_target: str
    to_target: str
    summary: dict
    tables_compared: list[str]
    tables_not_in_both: list[str]
    substantive: int
    spool: ChangeSpool  # or what reads like one (saved.SavedChanges, saved.Recording)
    provenance: list[dict]  # lists whose source document differs: not changes (DESIGN, second round)

    def fields(self, changes=None) -> dict:
        """The contract's top-level fields, in order, with `changes` as given (None: not read)."""
        return {"from": self.from_target, "to": self.to_target, "summary": self.summary, "changes": changes,
                "tables_compared": self.tables_compared, "tables_not_in_both": self.tables_not_in_both,
                "substantive": self.substantive, "provenance": self.provenance}

    def change_blocks(self) -> Iterator[bytes]:
        """The changes' JSON texts in report order, UTF-8, blocks of them joined by line breaks
        (json_format.write_json)."""
        return self.spool.blocks()

    def to_dict(self) -> dict:
        return self.fields(list(self.spool.changes()))


@contextmanager
def open_diff(root: Path, from_target: str, to_target: str, *, item_ids: list[str] | None = None,
              progress: Callable[[str, int, int], None] | None = None) -> Iterator[DiffReport]:
    """Compare two package versions; the report can be read until the block ends.

    Targets are release tags, 'working' or package folder paths. item_ids restricts the
    comparison to those items and their child rows (used by history). progress(what, done,
    total) is told of each step: reading both sides (or compiling each), each table.

    A whole diff (no item_ids, more than a few lists differing) is saved in the cache as it is
    read out (saved.py): the same diff asked again is read from there.
    """
    root = Path(root)
    # A document is read on top of the other side, so the diff shows what the document changes.
    src, dst = open_target(root, from_target, to_target), open_target(root, to_target, from_target)
    keys = {name: ts.primary_key for name, ts in dst.schemas.items()}
    titles = {name: {f["name"]: f.get("title") for f in ts.fields}
              for pkg in (src, dst) for name, ts in pkg.schemas.items()}
    report = progress or (lambda what, done, total: None)
    found = differing_lists(src, dst, root) if item_ids is None else None
    subset = _lists_to_compare(found)
    whole = item_ids is None and subset is None
    key = None
    if whole and not (is_document(from_target) or is_document(to_target)):
        key = report_key(root, [content_key(table_sources(pkg, root, by_content=False)) for pkg in (src, dst)])
        saved = open_saved(root, key)
        if saved is not None:
            f = saved.fields
            try:
                yield DiffReport(from_target, to_target, f["summary"], f["tables_compared"], f["tables_not_in_both"],
                                 f["substantive"], saved, f["provenance"])
            finally:
                saved.close()
            return
    con = duckdb.connect()
    loading = None
    try:
        configure(con, cache_dir(root) / "spill")
        names = None
        if whole:
            # Read from both sides' compiled files when both are at hand (sql or history made
            # them), else straight from their CSVs (diff/load.py; only the differing lists'
            # files when both sides are stored one file per list): compiling them would cost
            # more than the whole comparison.
            report(f"reading {from_target} and {to_target}", 0, 0)
            compiled = _compiled_whole(root, src, dst)
            if compiled:
                for alias, path in zip(("f", "t"), compiled):
                    attach(con, alias, path)
            else:
                plan = Plan(con, src, dst, found[0] if found else None)
                names = plan.names
        else:
            protect: set[Path] = set()  # the first side's file is never evicted by compiling the second
            for alias, pkg, target in (("f", src, from_target), ("t", dst, to_target)):
                report(f"compiling {target}", 0, 0)
                if subset is None:
                    path = compile_package(pkg, root, protect=protect)
                    protect.add(path)
                    attach(con, alias, path)
                else:
                    con.execute(f"ATTACH ':memory:' AS {alias}")
                    load_lists(con, pkg, alias, subset)
        lock_down(con, [root, src.path, dst.path])  # no file outside the packages (and their cache) from here
        if names is not None:
            # The tables are read while the comparison goes on (each compared once read).
            loading = Loading(con, plan, background=int(con.execute("SELECT current_setting('threads')").fetchone()[0]) > 1)
        # The law reference tables live in the working state and apply to every release.
        laws = DiffCitations(load_reference(root), con)
        compared, skipped = plan_tables(con, keys, item_ids, names)
        # One transaction for the whole comparison (one per table while the tables are being
        # read: _read): its scratch tables and the spool are not committed statement by statement
        # (committing each large insert into them cost ~20% of a 1M-item diff).
        con.begin()
        spool = ChangeSpool(con, sort_key)
        # Many acyclic change dicts per table: the cyclic collector would rescan them again and
        # again and can free nothing.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            compare_attached(con, compared, keys, titles, spool, item_ids, laws,
                             progress=lambda table, done: report(f"comparing {table}", done, len(compared)),
                             ready=loading and functools.partial(_read, con, loading),
                             reduced=plan.reduced if loading else frozenset())
            if loading:
                loading.finish()
        finally:
            if was_enabled:
                gc.enable()
        counts = spool.counts()
        result = DiffReport(from_target, to_target, summary_from_counts(counts, compared), compared, skipped,
                            sum(n for (_, kind), n in counts.items() if kind != COSMETIC), spool,
                            provenance_changes(con) if item_ids is None else [])
        if key is not None:  # saved as it is read out, for the next run of the same diff
            fields = result.fields()
            result.spool = Recording(spool, root, key, {k: fields[k] for k in SavedChanges.FIELDS if k != "counts"})
        yield result
    finally:
        if loading:
            loading.close()
        con.close()


@contextmanager
def _read(con: duckdb.DuckDBPyConnection, loading: Loading, table: str) -> Iterator[None]:
    """Wait for the table, then compare it in a new transaction (one begun earlier would not see
    it) while the loading changes no database setting (load.SETTINGS)."""
    con.commit()
    loading.wait(table)
    con.begin()
    with SETTINGS:
        yield


def _compiled_whole(root: Path, src, dst) -> list[Path] | None:
    """Both packages' whole compiled files when the cache holds both, else None (without naming
    the packages by content, which may mean hashing their files, when it holds none at all)."""
    folder = cache_dir(root)
    if not any(folder.glob("pkg-*.duckdb")):
        return None
    paths = [full_path(folder, content_key(table_sources(pkg, root))) for pkg in (src, dst)]
    return paths if all(usable(p) for p in paths) else None


# Beyond this share of lists differing, compiling both packages whole (and caching them) is cheaper.
SUBSET_SHARE = 0.2


def _lists_to_compare(found: tuple[set[str], set[str]] | None) -> set[str] | None:
    """The lists whose files differ (digests.differing_lists), when few enough to compare them
    alone; None: compare whole.

    Every other list's files have the same SHA-256 on both sides, so they hold the same rows and
    no change: leaving them out gives the same report (tests/diff check it against the whole).
    """
    if found is None:
        return None
    differ, every = found
    return differ if len(differ) <= SUBSET_SHARE * max(len(every), 1) else None


def diff_packages(root: Path, from_target: str, to_target: str, *, item_ids: list[str] | None = None) -> dict:
    """Every change from one package to another, as the JSON contract of docs/diff-json.md (one dict)."""
    with open_diff(root, from_target, to_target, item_ids=item_ids) as report:
        return report.to_dict()

"""Whole-diff reports kept in the cache, so the same diff asked again is read, not recomputed.

A whole diff of two package versions is a function of their files, the law reference tables of
the working state (citation moves are judged against them) and the code that compares them. The
report's changes (their JSON texts, in report order) and its other fields are written to
<root>/.powerlist-cache/diff-<key>.jsonl while the first run hands them out, where the key is
made of exactly those inputs: each side's content key (compiled.content_key: schemas and file
SHA-256s, or a folder's file states), the reference tables' digests, the SHA-256 of powerlist's
own source files and DuckDB's version (DuckDB encodes some changes). Any change to any of them
gives another key, so a saved report is never read for other inputs. The target names are not
part of the key: the report's `from` and `to` are the ones asked for.

File layout: one JSON line of the report's fields other than the changes, then one change text
per line (compact JSON never holds a raw line break). Written to a temporary file and renamed
when the last change has gone out, so a report cut short is never saved.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import duckdb
import orjson

from ..codeversion import code_digest
from ..compiled import REPORTS, cache_dir, evict
from ..package import WORKING, Package

FORMAT = "1"  # bump when the saved layout changes
PREFIX = REPORTS
SUFFIX = ".jsonl"
_REFERENCE = ("laws", "law_versions", "law_variants", "law_articles_map", "law_articles")  # laws.reference.load_reference
_READ_SIZE = 4 << 20


def report_key(root: Path, sides: list[str]) -> str:
    """The key of the whole diff between two packages of these content keys
    (compiled.content_key, from side first) as the root's working state would judge it."""
    from ..digests import file_digests

    h = hashlib.sha256(f"{FORMAT}\0{duckdb.__version__}\0{code_digest()}\n".encode())
    for side in sides:
        h.update(f"{side}\n".encode())
    working = Package(root, WORKING)
    if (working.path / "datapackage.json").is_file():
        schemas = working.schemas
        for name in _REFERENCE:
            if name in schemas and working.has_table(name):
                rels = [str(p.relative_to(working.path)) for p in working.table_files(name)]
                digests = file_digests(root, working.path, rels)
                h.update(f"{name}\0".encode() + orjson.dumps([schemas[name].descriptor, [digests.get(r) for r in rels]], option=orjson.OPT_SORT_KEYS) + b"\n")
    return h.hexdigest()[:32]


def saved_path(root: Path, key: str) -> Path:
    return cache_dir(root) / f"{PREFIX}{key}{SUFFIX}"


class SavedChanges:
    """A saved report's changes, read as the spool gives them (spool.ChangeSpool's readers)."""

    FIELDS = ("summary", "tables_compared", "tables_not_in_both", "substantive", "provenance", "counts")

    def __init__(self, path: Path):
        self.path = path
        # Kept open until read: another command's eviction may unlink the file meanwhile.
        self.fh = open(path, "rb")
        try:
            self.fields = orjson.loads(self.fh.readline())
            if not isinstance(self.fields, dict) or any(k not in self.fields for k in self.FIELDS):
                raise ValueError(f"{path}: not a saved report")
        except BaseException:
            self.fh.close()
            raise
        self.body = self.fh.tell()

    def counts(self) -> dict[tuple[str, str], int]:
        return {(t, c): n for t, c, n in self.fields["counts"]}

    def texts(self) -> Iterator[bytes]:
        """Each change's JSON text, UTF-8 (write_json and orjson take bytes as they are)."""
        self.fh.seek(self.body)
        for line in self.fh:
            yield line[:-1]

    def close(self) -> None:
        self.fh.close()

    def blocks(self) -> Iterator[bytes]:
        """The change texts as ChangeSpool.blocks gives them: whole lines of the file, read a few
        MB at a time, without their last line break."""
        fh = self.fh  # kept open since the report was opened (an eviction may unlink the path)
        fh.seek(self.body)
        rest = b""
        while data := fh.read(_READ_SIZE):
            data = rest + data
            cut = data.rfind(b"\n")
            if cut < 0:
                rest = data
                continue
            rest = data[cut + 1:]
            if cut:
                yield data[:cut]
        if rest:
            raise ValueError(f"{self.path}: the last change is cut short")

    def changes(self) -> Iterator[dict]:
        for text in self.texts():
            yield orjson.loads(text)


class _Saver:
    """Writes the report being saved on a thread of its own, while the calling thread writes the
    same blocks out (the two files' writes overlap: the report's last step, after all the
    comparing, is mostly writing). ok turns False, for good, when the cache cannot take a write;
    the blocks handed to it are taken (and dropped) all the same, so the writer never waits."""

    def __init__(self, fh):
        self.fh = fh
        self.ok = True
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._thread = threading.Thread(target=self._run, name="powerlist-diff-save", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            if self.ok:
                try:
                    self.fh.write(data)
                except Exception:  # the cache could not take it (full, gone): not saved, still drained
                    self.ok = False

    def write(self, data: bytes) -> None:
        self._queue.put(data)

    def finish(self) -> bool:
        """Wait for every write; whether all of them went in."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        return self.ok


def open_saved(root: Path, key: str) -> SavedChanges | None:
    """The saved report of `key`, marked recently used, or None."""
    path = saved_path(root, key)
    try:
        found = SavedChanges(path)
        os.utime(path)
        return found
    except (OSError, ValueError, KeyError):
        return None


class Recording:
    """A spool whose texts, when read to the end, are also saved as the report of `key`."""

    def __init__(self, spool, root: Path, key: str, fields: dict):
        self.spool = spool
        self.root = root
        self.key = key
        self.fields = {**fields, "counts": [[t, c, n] for (t, c), n in sorted(spool.counts().items())]}

    def counts(self) -> dict[tuple[str, str], int]:
        return self.spool.counts()

    def blocks(self) -> Iterator[bytes]:
        """The spool's blocks (ChangeSpool.blocks), saved as they go out."""
        target = saved_path(self.root, self.key)  # replaced if there (one that could not be read)
        tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
        try:
            fh = open(tmp, "wb")
        except OSError:  # a read-only cache: the report is only not saved
            yield from self.spool.blocks()
            return
        # A cache that cannot take the report (full, or gone) only does not save it: the
        # report handed out is the same, whole.
        saver = _Saver(fh)
        try:
            saver.write(orjson.dumps(self.fields) + b"\n")
            for block in self.spool.blocks():
                saver.write(block)
                saver.write(b"\n")
                yield block
            saving = saver.finish()
            with suppress(OSError):
                fh.close()  # flushes: it may fail too
                if saving:
                    os.replace(tmp, target)
                    evict(target.parent, {target})
        finally:
            saver.finish()
            with suppress(OSError):
                fh.close()
            with suppress(OSError):
                tmp.unlink(missing_ok=True)

    def texts(self) -> Iterator[bytes]:
        """The spool's texts, UTF-8, saved as they go out (the blocks split again)."""
        for block in self.blocks():
            yield from block.split(b"\n")

    def changes(self) -> Iterator[dict]:
        for text in self.texts():
            yield orjson.loads(text)

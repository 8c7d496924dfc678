"""A child table's unchanged stretches skipped before DuckDB reads it: two CSVs compared as bytes.

A whole diff keeps only the child rows of pairs whose hashes differ (diff/load.py), so DuckDB
parses every line of both sides to throw ~95 % of them away. Both sides are written by the same
writer in the same order (an item's rows together, items in their list's order), so most of the
two files are the same bytes at shifted offsets. Here the two files are walked side by side by
memcmp of growing blocks; where they differ, the walk backs up to the start of the item whose rows
differ and keeps that item's rows on both sides (or one side's, for an item the other lacks or
holds later), then goes on. What is kept is written, under the same header, to two small CSVs
that DuckDB reads instead.

Only a pair of records with equal bytes at the same place of an equal stretch is left out. Its
key is the same on both sides and, in a package that keeps its key, no other row has it: the join
of diff/load.py pairs the two with each other alone, finds their hashes equal and drops both. So
the kept rows are the same, and the report is the same bytes. (Rows repeating a key inside such
a stretch, which only a package breaking its key has, are equal on both sides and are not
compared; a repeat next to a differing row is in that row's item and kept with it.)

Records are told apart by line breaks outside quotes (a quoted field may hold one). Where the
files share little (another package, rows reordered) the walk gives up once it would keep more
than KEEP_AT_MOST of the bytes, and the whole files are read as before.
"""

from __future__ import annotations

import contextlib
import csv
import mmap
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

LOOK_AHEAD = 1 << 20  # how far past a differing item the walk looks for the other side's next item
KEEP_AT_MOST = 0.5     # of both files' bytes; beyond it the byte walk costs more than it saves
SMALLEST = 1 << 20     # files smaller than this are read whole: the walk's set-up is not worth it
_FIRST_BLOCK = 4096
_LARGEST_BLOCK = 1 << 20
_RELEASE_EVERY = 64 << 20
_NL, _QUOTE = b"\n", b'"'


class _GiveUp(Exception):
    """The files share too little for the walk to pay."""


class _Side:
    """One file mapped into memory, with the records and item ids of its rows."""

    def __init__(self, buf, column: int):
        self.buf = buf
        self.size = len(buf)
        self.column = column
        self.released = 0

    def release(self, upto: int) -> None:
        """Let the pages before `upto` go: the walk never looks back past its last item start,
        and a mapped page counts in the process's memory until it is let go (1M items: GBs)."""
        upto -= upto % mmap.PAGESIZE
        if upto > self.released + _RELEASE_EVERY and hasattr(self.buf, "madvise"):
            self.buf.madvise(mmap.MADV_DONTNEED, 0, upto)
            self.released = upto

    def odd(self, s: int, e: int) -> bool:
        """Whether buf[s:e] holds an odd number of quotes (looked for by memchr: most hold none)."""
        return _odd(self.buf[s:e])

    def record_end(self, p: int) -> int:
        """The end (after its line break) of the record starting at p."""
        e = self.buf.find(_NL, p)
        while e != -1 and self.odd(p, e):  # that line break is inside a quoted field
            e = self.buf.find(_NL, e + 1)
        return self.size if e == -1 else e + 1

    def record_start(self, floor: int, x: int, odd: bool) -> int:
        """The start of the record holding position x, knowing that `floor` starts one and
        whether buf[floor:x] holds an odd number of quotes."""
        e = x
        while True:
            nl = self.buf.rfind(_NL, floor, e)
            if nl == -1:
                return floor
            odd ^= self.odd(nl + 1, e)  # now: of buf[floor:nl + 1]
            if not odd:
                return nl + 1
            e = nl

    def item(self, p: int, e: int) -> bytes:
        """The item id of the record buf[p:e] (its field number `column`)."""
        head = self.buf[p:e]
        if _QUOTE not in head:
            fields = head.rstrip(b"\r\n").split(b",", self.column + 1)
            return fields[self.column] if len(fields) > self.column else b""
        row = next(csv.reader([head.decode("utf-8", "replace")]), [])
        return row[self.column].encode("utf-8") if len(row) > self.column else b""

    def find_item(self, item: bytes, p: int, window: int) -> int | None:
        """Where a record of `item` starts in the `window` bytes after p (a record start), or
        None. Only which side's records to keep first depends on it, never what is left out: a
        place it misses (an id that needs quotes, an item further on) keeps more records."""
        needle = (b"\n" if self.column == 0 else b",") + item + b","
        end = min(self.size, p + window)
        i = p - 1 if self.column == 0 else p
        while True:
            j = self.buf.find(needle, i, end)
            if j == -1:
                return None
            r = j + 1 if self.column == 0 else self.buf.rfind(_NL, p - 1, j) + 1
            if r >= p and not self.odd(p, r) and self.item(r, self.record_end(r)) == item:
                return r  # a record start (even quotes since p) whose item is that one
            i = j + 1

    def group_end(self, p: int) -> tuple[bytes, int]:
        """The item id of the record at p and the end of that item's run of records."""
        e = self.record_end(p)
        item = self.item(p, e)
        while e < self.size:
            f = self.record_end(e)
            if self.item(e, f) != item:
                break
            e = f
        return item, e


def _odd(data: bytes) -> bool:
    return data.find(_QUOTE) != -1 and data.count(_QUOTE) % 2 == 1


def _common(sa: _Side, pa: int, sb: _Side, pb: int) -> tuple[int, bool]:
    """How many bytes the two files share from pa and pb on, and whether those bytes hold an
    odd number of quotes."""
    a, b = sa.buf, sb.buf
    n = min(sa.size - pa, sb.size - pb)
    d, step, odd = 0, _FIRST_BLOCK, False
    while d < n:
        s = min(step, n - d)
        block = a[pa + d:pa + d + s]
        if block == b[pb + d:pb + d + s]:
            odd ^= _odd(block)
            d += s
            if step == _LARGEST_BLOCK:
                sa.release(pa + d - _LARGEST_BLOCK)
                sb.release(pb + d - _LARGEST_BLOCK)
            step = min(step * 2, _LARGEST_BLOCK)
            continue
        lo, hi = d, d + s  # equal before lo; a difference in [lo, hi)
        while hi - lo > 64:
            mid = (lo + hi) // 2
            if a[pa + lo:pa + mid] == b[pb + lo:pb + mid]:
                lo = mid
            else:
                hi = mid
        x, y = a[pa + lo:pa + hi], b[pb + lo:pb + hi]
        end = lo + next(i for i in range(len(x)) if x[i] != y[i])
        return end, odd ^ _odd(block[:end - d])
    return n, odd


def differing_records(a: _Side, b: _Side) -> tuple[list, list]:
    """The byte ranges (start, end) of each side's records left after the equal stretches."""
    ha, hb = a.record_end(0), b.record_end(0)
    if a.buf[:ha] != b.buf[:hb]:
        raise _GiveUp  # other columns or another order of them
    keep_a, keep_b = [], []
    budget = KEEP_AT_MOST * (a.size + b.size)
    kept = 0
    pa, pb = ha, hb  # both at the start of an item's rows
    while True:
        d, odd = _common(a, pa, b, pb)
        if pa + d == a.size and pb + d == b.size:
            pa, pb = a.size, b.size
            break
        # back up to the start of the item holding the first differing record (or the end)
        g = a.record_start(pa, pa + d, odd)
        mine = {side.item(p, side.record_end(p)) for side, p in ((a, g), (b, pb + g - pa)) if p < side.size}
        while g > pa:
            prev = a.record_start(pa, g - 1, False)  # g starts a record: even before it
            if a.item(prev, g) not in mine:
                break
            g = prev
        pa, pb = g, pb + g - pa
        if pa == a.size or pb == b.size:
            break
        ia, ea = a.group_end(pa)
        ib, eb = b.group_end(pb)
        if ia != ib:
            # One side holds items the other has not here (added, removed, rows gained or lost,
            # moved): keep them up to where the other side's item comes, if it comes soon.
            window = _FIRST_BLOCK
            while window <= LOOK_AHEAD:  # the nearer of the two, in windows growing fourfold
                later_b, later_a = b.find_item(ia, pb, window), a.find_item(ib, pa, window)
                if later_b is not None and (later_a is None or later_b - pb <= later_a - pa):
                    ea, eb = pa, later_b   # the new side's records before the old side's item
                    break
                if later_a is not None:
                    ea, eb = later_a, pb   # the old side's records before the new side's item
                    break
                window *= 4
        keep_a.append((pa, ea))
        keep_b.append((pb, eb))
        kept += ea - pa + eb - pb
        pa, pb = ea, eb
        if kept > budget:
            raise _GiveUp
        a.release(pa)
        b.release(pb)
        if pa == a.size or pb == b.size:
            break
    keep_a.append((pa, a.size))
    keep_b.append((pb, b.size))
    if kept + (a.size - pa) + (b.size - pb) > budget:
        raise _GiveUp
    return [(0, ha)] + keep_a, [(0, hb)] + keep_b


def _write(side: _Side, ranges: list[tuple[int, int]], folder: Path) -> Path:
    buf = side.buf
    side.released = 0
    # .NAME.PID.tmp: what a killed diff leaves is removed by the next eviction (compiled._leftovers)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".differing-", suffix=f".{os.getpid()}.tmp")
    with os.fdopen(fd, "wb") as out:
        for s, e in ranges:
            out.write(buf[s:e])
            if e > s and buf[e - 1:e] != _NL:
                out.write(_NL)  # the file's last record had no line break
            side.release(e)  # the kept records lie all over the file: let each stretch's pages go again
    return Path(tmp)


@contextlib.contextmanager
def differing_only(old: Path, new: Path, column: int, folder: Path) -> Iterator[tuple[Path, Path]]:
    """(old, new) as two CSVs holding only the records outside the files' equal stretches, with
    their header; or the files themselves where that does not pay. `column` is the item id's
    field number. The copies are removed when the block ends."""
    if min(old.stat().st_size, new.stat().st_size) < SMALLEST:
        yield old, new
        return
    made: list[Path] = []
    try:
        with open(old, "rb") as fa, open(new, "rb") as fb, \
                mmap.mmap(fa.fileno(), 0, access=mmap.ACCESS_READ) as ma, \
                mmap.mmap(fb.fileno(), 0, access=mmap.ACCESS_READ) as mb:
            sa, sb = _Side(ma, column), _Side(mb, column)
            try:
                ra, rb = differing_records(sa, sb)
            except _GiveUp:
                ra = None
            if ra is not None:
                folder.mkdir(parents=True, exist_ok=True)
                made.append(_write(sa, ra, folder))
                made.append(_write(sb, rb, folder))
        yield (made[0], made[1]) if made else (old, new)
    finally:
        for p in made:
            p.unlink(missing_ok=True)

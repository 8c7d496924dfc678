"""Validation kept per file (validate_cache): after any edit, an incremental run reports exactly
what a full run with an empty cache reports, and what frictionless reports — same rows, fields,
types, messages, order — while reading only the files that changed.

Every package here is SYNTHETIC (benchmarks/generate.py, ~20 items a list, one file per list);
the corruptions below are hand-made and each says what it breaks. The real package is named
where it is used.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
from pathlib import Path

import pytest

from powerlist import validate as validate_module
from powerlist import validate_cache
from powerlist.package import Package
from powerlist.release import create_release
from powerlist.validate import validate_package
from test_per_list_layout import N, generate, per_list_package  # noqa: F401  (the same SYNTHETIC package)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic-incremental") / f"n{N}"
    generate.generate(N, out, seed=11)
    return out


@pytest.fixture
def pkg(synthetic, tmp_path) -> Path:
    return per_list_package(synthetic, tmp_path / "pkg")


class Reads(list):
    """Files read by runs with the package's cache (the ones it did not know), by path inside
    the package; `private` holds those read by runs in a private store (no cache, or a busy one)."""

    def __init__(self):
        super().__init__()
        self.private: list[str] = []


@pytest.fixture
def analysed(monkeypatch) -> Reads:
    seen = Reads()
    original = validate_module._FastValidator._analyse

    def spy(self, t, keys, todo):
        (seen if self.store.persistent else seen.private).extend(todo.values())
        return original(self, t, keys, todo)
    monkeypatch.setattr(validate_module._FastValidator, "_analyse", spy)
    return seen


def shown(result) -> list[tuple]:
    return [(f.table, f.row, f.field, f.type, f.message) for f in result.findings]


def check(root: Path, reference: bool = True):
    """Validate the working state incrementally (cache in root) and compare it with a full run
    with an empty cache and, where asked, with frictionless; returns the incremental result."""
    working = Package(root, "working")
    validate_module.FK_CHECKS.clear()
    incremental = validate_package(working, cache_root=root)
    check.fk_checks = list(validate_module.FK_CHECKS)
    full = validate_package(working)  # no cache root: every file analysed, in a private store
    assert shown(incremental) == shown(full)
    assert (incremental.valid, incremental.rows, incremental.engine) == (full.valid, full.rows, full.engine)
    if reference:
        ref = validate_package(working, engine="frictionless")
        assert shown(incremental) == shown(ref)
        assert incremental.valid == ref.valid and incremental.rows == ref.rows
    return incremental


def part(root: Path, table: str, k: int) -> Path:
    """The k-th list's file of a per-list table (lists in reading order)."""
    return sorted((root / "tables" / table).glob("*.csv"))[k]


def rows_of(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        data = list(csv.reader(fh))
    return data[0], data[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def edit_cell(path: Path, row: int, column: str, value: str) -> None:
    header, rows = rows_of(path)
    rows[row][header.index(column)] = value
    write_rows(path, header, rows)


def test_a_sequence_of_edits_gives_the_full_runs_findings_reading_only_changed_files(pkg, analysed):
    files = sorted(p.relative_to(pkg).as_posix() for p in (pkg / "tables").rglob("*.csv"))
    original = {rel: (pkg / rel).read_bytes() for rel in files}

    first = check(pkg)
    assert first.valid and first.engine == "duckdb"
    assert sorted(analysed) == files  # the first run reads every file once
    analysed.clear()

    # A bad integer (SYNTHETIC): step_no "二" in the third list's steps file.
    steps = part(pkg, "steps", 2)
    edit_cell(steps, 1, "step_no", "二")
    bad = check(pkg)
    assert [(f.table, f.field, f.type) for f in bad.findings] == [("steps", "step_no", "type-error")]
    earlier = sum(1 for k in range(2) for _ in open(part(pkg, "steps", k), encoding="utf-8")) - 2
    assert bad.findings[0].row == earlier + 1 + 2  # rows count every earlier file's rows
    assert analysed == [steps.relative_to(pkg).as_posix()]
    analysed.clear()

    # Reverted: the file's content was seen before, nothing is read.
    steps.write_bytes(original[steps.relative_to(pkg).as_posix()])
    assert check(pkg, reference=False).valid
    assert analysed == []

    # A duplicate key across two lists' files (SYNTHETIC): list 5's first item takes list 1's id.
    header, rows = rows_of(part(pkg, "items", 1))
    taken = rows[0][header.index("item_id")]
    items5 = part(pkg, "items", 5)
    edit_cell(items5, 0, "item_id", taken)
    dup = check(pkg)
    kinds = {(f.table, f.type) for f in dup.findings}
    assert ("items", "primary-key") in kinds  # and list 5's steps etc. now point at no item:
    assert ("steps", "foreign-key") in kinds or ("bases", "foreign-key") in kinds
    pk = next(f for f in dup.findings if f.type == "primary-key")
    assert "the same as in the row at position" in pk.message
    assert analysed == [items5.relative_to(pkg).as_posix()]
    analysed.clear()

    # Edit another list while the duplicate stands: the findings above keep their rows.
    items7 = part(pkg, "items", 7)
    edit_cell(items7, 0, "name", "合成修改的事项名称")
    again = check(pkg, reference=False)
    assert shown(again) == shown(dup)
    assert analysed == [items7.relative_to(pkg).as_posix()]
    analysed.clear()
    items5.write_bytes(original[items5.relative_to(pkg).as_posix()])

    # A dangling foreign key into another list (SYNTHETIC): list 3's first step points at list
    # 8's first item, which is fine, until list 8's items file drops that item — an edit in one
    # list makes a row of an unchanged file dangle.
    header, rows = rows_of(part(pkg, "items", 8))
    target = rows[0][header.index("item_id")]
    steps3 = part(pkg, "steps", 3)
    edit_cell(steps3, 0, "item_id", target)
    header_s, rows_s = rows_of(steps3)
    clash = [r for r in rows_of(part(pkg, "steps", 8))[1] if r[0] == target and r[1] == rows_s[0][1]]
    pointing = check(pkg)
    assert {f.type for f in pointing.findings} <= {"primary-key"} and bool(clash) == bool(pointing.findings)
    analysed.clear()
    items8 = part(pkg, "items", 8)
    write_rows(items8, header, rows[1:])
    dangling = check(pkg)
    steps_fk = [f for f in dangling.findings if f.table == "steps" and f.type == "foreign-key"]
    assert steps_fk and any(target in f.message for f in steps_fk)
    assert analysed == [items8.relative_to(pkg).as_posix()]
    analysed.clear()

    # An extra cell (SYNTHETIC) at the end of a row of list 4's exemptions file.
    ex = part(pkg, "exemptions", 4)
    lines = ex.read_text(encoding="utf-8").split("\n")
    lines[2] += ",合成多余单元格"
    ex.write_text("\n".join(lines), encoding="utf-8")
    extra = check(pkg)
    assert ("exemptions", "extra-cell") in {(f.table, f.type) for f in extra.findings}
    analysed.clear()

    # Everything back: valid again, and no file is read.
    for rel, data in original.items():
        if (pkg / rel).read_bytes() != data:
            (pkg / rel).write_bytes(data)
    assert check(pkg, reference=False).valid
    assert analysed == []


def test_foreign_keys_are_checked_from_the_last_state_and_find_what_a_full_check_finds(pkg):
    """After the first run each foreign key is checked from the last state's verdicts (the rows
    of changed files, and rows holding a key a changed source file dropped), never by reading
    every row again; every step's findings equal a full run's and frictionless's."""
    assert check(pkg).valid
    assert set(check.fk_checks) == {"full"}
    items = [part(pkg, "items", k) for k in range(3)]
    header, rows = rows_of(items[1])
    dropped = rows[0][header.index("item_id")]

    # A SYNTHETIC cross-list reference: list 0's first step names list 1's first item.
    steps0 = part(pkg, "steps", 0)
    edit_cell(steps0, 0, "item_id", dropped)
    assert all(f.type == "primary-key" for f in check(pkg).findings)
    assert "delta" in check.fk_checks
    # List 1 drops that item: list 0's unchanged step now dangles, and so do list 1's own
    # child rows of the item (a SYNTHETIC removal; the file of steps 0 is not rewritten).
    write_rows(items[1], header, rows[1:])
    gone = check(pkg)
    assert set(check.fk_checks) == {"delta"}
    dangling = [f for f in gone.findings if f.type == "foreign-key" and dropped in f.message]
    assert {f.table for f in dangling} >= {"steps"}
    # A catalog link to an item that does not exist (self-reference items → items), then back.
    edit_cell(items[2], 0, "catalog_item_id", "no-such-item-synthetic")
    linked = check(pkg)
    assert any(f.table == "items" and "no-such-item-synthetic" in f.message for f in linked.findings)
    # The item comes back: every finding about it goes, though no referencing file changed.
    write_rows(items[1], header, rows)
    back = check(pkg)
    assert not any(dropped in f.message for f in back.findings)
    assert set(check.fk_checks) == {"delta"}


def test_a_record_spanning_lines_keeps_every_later_row_number(pkg, analysed):
    # SYNTHETIC: a step text with a line break inside quotes (one record, two lines) before a
    # bad integer in the same file, and another bad integer in the next list's file.
    steps = part(pkg, "steps", 4)
    edit_cell(steps, 0, "text", "合成的第一行\n合成的第二行")
    edit_cell(steps, 3, "step_no", "0")
    edit_cell(part(pkg, "steps", 5), 1, "step_no", "x")
    result = check(pkg)
    assert [f.field for f in result.findings] == ["step_no", "step_no"]
    before = sum(len(rows_of(part(pkg, "steps", k))[1]) for k in range(4))
    assert result.findings[0].row == before + 3 + 2


def test_a_blank_line_or_a_changed_later_header_is_left_to_frictionless(pkg):
    # SYNTHETIC: frictionless counts a blank line as a row and skips a later file's header
    # unread; the fast path models neither and hands the whole package over.
    steps = part(pkg, "steps", 6)
    original = steps.read_bytes()
    lines = original.split(b"\n")
    steps.write_bytes(b"\n".join(lines[:2] + [b""] + lines[2:]))  # an empty line after the first row
    blank = check(pkg)
    assert blank.engine == "frictionless" and ("steps", "blank-row") in {(f.table, f.type) for f in blank.findings}
    steps.write_bytes(original.replace(b"step_no", b"step_number", 1))
    header = check(pkg)
    assert header.engine == "frictionless"
    steps.write_bytes(original)
    assert check(pkg, reference=False).engine == "duckdb"


def test_a_header_changed_in_every_file_is_a_header_finding(pkg, analysed):
    # SYNTHETIC: every steps file names a column wrongly: frictionless's label error, found by
    # the fast path (the files' first lines agree).
    check(pkg, reference=False)
    analysed.clear()
    for f in (pkg / "tables" / "steps").glob("*.csv"):
        f.write_bytes(f.read_bytes().replace(b"step_no", b"step_number", 1))
    result = check(pkg)
    assert len(analysed) == len(list((pkg / "tables" / "steps").glob("*.csv")))
    assert result.engine == "duckdb"
    assert [(f.table, f.field, f.type) for f in result.findings] == [("steps", "step_no", "incorrect-label")]


def test_release_reuses_what_validate_found(pkg, analysed):
    assert validate_package(Package(pkg, "working"), cache_root=pkg).valid
    analysed.clear()
    create_release(pkg, "base", "2026-01-01")
    assert analysed == []  # release validated the unchanged working state from the cache
    release = validate_package(Package(pkg / "releases" / "base", "base"), cache_root=pkg)
    assert release.valid and analysed == []  # the release's files have the same contents
    edit_cell(part(pkg, "items", 2), 0, "name", "合成修改")
    create_release(pkg, "next", "2026-02-01")
    assert analysed == [part(pkg, "items", 2).relative_to(pkg).as_posix()]


def test_an_unfinished_run_leaves_nothing_a_next_run_trusts(pkg, analysed, monkeypatch):
    check(pkg, reference=False)
    target = part(pkg, "steps", 1)
    edit_cell(target, 0, "step_no", "二")

    def killed(self, prune=True):
        raise KeyboardInterrupt  # the run ends before its transaction commits
    with monkeypatch.context() as m:
        m.setattr(validate_cache.Store, "commit", killed)
        with pytest.raises(KeyboardInterrupt):
            validate_package(Package(pkg, "working"), cache_root=pkg)
    analysed.clear()
    result = check(pkg)
    assert [f.type for f in result.findings] == ["type-error"]
    assert analysed == [target.relative_to(pkg).as_posix()]  # read again: the killed run kept nothing


def test_a_damaged_cache_file_is_rebuilt(pkg, analysed):
    check(pkg, reference=False)
    db = pkg / ".powerlist-cache" / validate_cache.db_name()
    assert db.is_file()
    db.write_bytes(b"SYNTHETIC damage: not a DuckDB file\n" * 100)
    analysed.clear()
    assert check(pkg, reference=False).valid
    assert len(analysed) > 10  # nothing trusted from the damaged file: every file read again


def test_a_busy_cache_is_not_waited_for_beyond_the_lock_timeout(pkg, analysed, monkeypatch):
    check(pkg, reference=False)
    db = pkg / ".powerlist-cache" / validate_cache.db_name()
    before = db.read_bytes()
    edit_cell(part(pkg, "steps", 3), 0, "step_no", "二")
    monkeypatch.setenv("POWERLIST_LOCK_TIMEOUT", "0.2")
    fd = os.open(pkg / ".powerlist-cache" / validate_cache.LOCK_NAME, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another command holds the cache
        analysed.clear()
        result = validate_package(Package(pkg, "working"), cache_root=pkg)
    finally:
        os.close(fd)
    assert [f.type for f in result.findings] == ["type-error"] and result.engine == "duckdb"
    assert analysed == [] and len(analysed.private) > 10  # validated in a private store
    assert db.read_bytes() == before  # and the shared one was not touched


def test_entries_no_recent_run_used_are_dropped(pkg, monkeypatch):
    monkeypatch.setattr(validate_cache, "KEEP_RUNS", 2)
    check(pkg, reference=False)
    target = part(pkg, "items", 0)
    for k in range(4):  # four SYNTHETIC versions of one file, one run each
        edit_cell(target, 0, "name", f"合成名称{k}")
        check(pkg, reference=False)
    import duckdb
    with duckdb.connect(str(pkg / ".powerlist-cache" / validate_cache.db_name()), read_only=True) as con:
        total = con.execute("SELECT count(*) FROM files").fetchone()[0]
    files = sum(1 for _ in (pkg / "tables").rglob("*.csv"))
    assert total <= files + 2  # the current files, and at most the last two runs' other versions


def test_the_real_package_validates_the_same_from_its_cache(package_copy):
    # The real package (release 2022 one file per table, the working state one file per list).
    for target in ("working", "releases/2022"):
        folder = package_copy if target == "working" else package_copy / target
        pkg = Package(folder, target)
        first = validate_package(pkg, cache_root=package_copy)
        second = validate_package(pkg, cache_root=package_copy)
        full = validate_package(pkg)
        assert first.valid and shown(first) == shown(second) == shown(full) == []
        assert first.rows == second.rows == full.rows


def test_a_broken_source_entry_is_found_after_the_descriptor_was_accepted(pkg):
    # The descriptor's sources are accepted one by one (an ingest changes one): a SYNTHETIC
    # source entry made invalid after a cached run is still refused as frictionless refuses it.
    from powerlist.errors import PowerlistError

    assert check(pkg, reference=False).valid
    path = pkg / "datapackage.json"
    original = path.read_bytes()
    descriptor = json.loads(original)
    assert len(descriptor["sources"]) >= 10
    descriptor["sources"][3]["title"] = 5  # the profile wants a string
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    messages = []
    for kwargs in ({"cache_root": pkg}, {"engine": "frictionless"}):
        with pytest.raises(PowerlistError) as exc:
            validate_package(Package(pkg, "working"), **kwargs)
        messages.append(str(exc.value))
    assert messages[0] == messages[1] and "descriptor is not valid" in messages[0]
    path.write_bytes(original)
    assert check(pkg, reference=False).valid

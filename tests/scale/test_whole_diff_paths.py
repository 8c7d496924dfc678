"""A whole diff read straight from the CSVs (diff/load.py), or from its saved report (diff/saved.py),
gives byte for byte the report of the compiled path (both sides compiled whole, every row compared).

Every package here is SYNTHETIC (benchmarks/generate.py pairs: base/ and next/, each table one file,
about 1% of items edited in every way the generator knows; or the same moved to one file per list).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from powerlist.compiled import cache_dir, compile_package
from powerlist.diff import report as diff_report
from powerlist.diff import saved
from powerlist.diff.formats.json_format import write_json
from powerlist.package import Package, open_target

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402

N = 600  # SYNTHETIC items per package: enough for every kind of edit the generator makes


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic-whole-diff") / "n600"
    generate.generate(N, out, seed=5)
    return out


def report_bytes(root: Path, a: str, b: str) -> bytes:
    with diff_report.open_diff(root, a, b) as r:
        buf = io.BytesIO()
        write_json(r.fields(), buf, r.change_blocks())
    return buf.getvalue()


def forget_reports(root: Path) -> None:
    for p in cache_dir(root).glob(f"{saved.PREFIX}*{saved.SUFFIX}"):
        p.unlink()


def compiled_bytes(root: Path, a: str, b: str) -> bytes:
    """The report of the compiled path: both sides compiled whole first, so the diff reads them."""
    forget_reports(root)
    for target in (a, b):
        compile_package(open_target(root, target), root)
    out = report_bytes(root, a, b)
    forget_reports(root)
    return out


def copy_pair(pair: Path, dest: Path) -> tuple[Path, str]:
    shutil.copytree(pair, dest)
    return dest / "base", str(dest / "next")


@pytest.fixture(params=["walked", "whole"])
def walk(request, monkeypatch):
    """The child tables' equal stretches skipped by the byte walk (diff/unchanged.py) before
    DuckDB reads them, whatever their size; or never (the tables read whole, as small files are)."""
    from powerlist.diff import unchanged
    monkeypatch.setattr(unchanged, "SMALLEST", 0 if request.param == "walked" else 1 << 62)
    walked = []
    real = unchanged.differing_records
    monkeypatch.setattr(unchanged, "differing_records", lambda a, b: walked.append(1) or real(a, b))
    yield walked if request.param == "walked" else None


@pytest.mark.parametrize("passes", [1, 2])
def test_the_diff_read_from_the_csvs_is_the_compiled_diff_byte_for_byte(pair, tmp_path, monkeypatch, passes, walk):
    # two passes: the old side's rows read again for the differing pairs (what a table larger
    # than half the memory limit gets; here every child table)
    from powerlist.diff import load
    monkeypatch.setattr(load, "TWO_PASSES", 0.0 if passes == 2 else float("inf"))
    root, nxt = copy_pair(pair, tmp_path / "p")
    from_csv = report_bytes(root, str(root), nxt)
    if walk is not None:
        assert len(walk) == 4  # steps, accountability, exemptions, bases
    assert not list(cache_dir(root).glob("pkg-*.duckdb"))  # nothing compiled: read straight from the CSVs
    whole = compiled_bytes(root, str(root), nxt)
    assert from_csv == whole
    report = json.loads(from_csv)
    expected = json.loads((pair / "expected.json").read_text(encoding="utf-8"))["summary"]
    for table, counts in expected.items():  # the generator's own count of what it changed
        for kind, n in counts.items():
            assert report["summary"][table][kind] == n, (table, kind)
    kinds = {(c["table"], c["change"]) for c in report["changes"]}
    assert {("items", "added"), ("items", "removed"), ("steps", "modified"), ("accountability", "added")} <= kinds


def test_the_second_run_reads_the_saved_report_and_gives_the_same_bytes(pair, tmp_path, monkeypatch):
    root, nxt = copy_pair(pair, tmp_path / "p")
    first = report_bytes(root, str(root), nxt)
    (saved_file,) = cache_dir(root).glob(f"{saved.PREFIX}*{saved.SUFFIX}")
    from powerlist.diff import load
    monkeypatch.setattr(load, "Plan", None)  # a second run that compared again would fail here
    monkeypatch.setattr(diff_report, "Plan", None)
    assert report_bytes(root, str(root), nxt) == first
    with diff_report.open_diff(root, str(root), nxt) as r:  # the whole dict too (text, html … read it)
        assert json.loads(first)["changes"] == r.to_dict()["changes"]
        assert r.spool.counts() and sum(r.spool.counts().values()) == len(json.loads(first)["changes"])
    assert saved_file.exists()


def test_a_saved_report_is_never_read_for_other_files_or_other_law_tables(pair, tmp_path):
    root, nxt = copy_pair(pair, tmp_path / "p")
    report_bytes(root, str(root), nxt)
    steps = Path(nxt) / "tables" / "steps.csv"
    lines = steps.read_text(encoding="utf-8").splitlines(keepends=True)
    steps.write_text(lines[0] + "".join(lines[2:]), encoding="utf-8")  # SYNTHETIC: one step row dropped
    edited = report_bytes(root, str(root), nxt)
    assert edited == compiled_bytes(root, str(root), nxt)
    assert json.loads(edited)["summary"]["steps"]["removed"] == \
        json.loads((pair / "expected.json").read_text(encoding="utf-8"))["summary"]["steps"]["removed"] + 1
    ours = root / "tables" / "items.csv"  # the root's own working state: named by file states too
    items = ours.read_text(encoding="utf-8").splitlines(keepends=True)
    ours.write_text(items[0] + "".join(items[2:]), encoding="utf-8")  # SYNTHETIC: its first item dropped
    again = report_bytes(root, str(root), nxt)
    assert again != edited and again == compiled_bytes(root, str(root), nxt)
    before = saved.report_key(root, ["a", "b"])
    laws = root / "tables" / "laws.csv"
    laws.write_text(laws.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # SYNTHETIC: the law table's bytes change
    assert saved.report_key(root, ["a", "b"]) != before


def test_a_whole_diff_of_per_list_packages_reads_only_the_differing_lists_and_gives_the_compiled_bytes(pair, tmp_path, monkeypatch, walk):
    from powerlist.descriptor import write_descriptor
    from powerlist.package import write_tables
    from powerlist.schema import TABLES
    root, nxt = copy_pair(pair, tmp_path / "p")
    for folder in (root, Path(nxt)):  # both moved to one file per list by the writer ingest uses
        working = Package(folder, "working")
        rows = {name: working.read_table(name) for name in TABLES}
        write_tables(folder, rows)
        write_descriptor(folder)
    monkeypatch.setattr(diff_report, "SUBSET_SHARE", -1.0)  # never the few-lists path: a whole diff
    read = []
    from powerlist.diff import load
    real = load.table_files
    monkeypatch.setattr(load, "table_files", lambda pkg, name, lists: read.extend(real(pkg, name, lists)) or real(pkg, name, lists))
    from_csv = report_bytes(root, str(root), nxt)
    lists = {l["list_id"] for l in Package(root, "working").read_table("lists")}
    changed = {c["list_id"] for c in json.loads(from_csv)["changes"] if c["list_id"]}
    assert changed and len(changed) < len(lists)
    assert {p.stem for p in read if p.parent.name == "steps"} <= changed  # equal lists' files never read
    assert from_csv == compiled_bytes(root, str(root), nxt)


def test_a_whole_diff_of_per_list_packages_where_only_new_lists_differ(pair, tmp_path, monkeypatch):
    # The only differing lists exist on the new side alone: the old side has no file to read.
    from powerlist.descriptor import write_descriptor
    from powerlist.package import write_tables
    from powerlist.schema import TABLES
    root, nxt = copy_pair(pair, tmp_path / "p")
    base = Package(root, "working")
    rows = {name: base.read_table(name) for name in TABLES}
    kept = sorted({l["list_id"] for l in rows["lists"]})[:-2]  # SYNTHETIC: the old side lacks the last two lists
    items = {i["item_id"] for i in rows["items"] if i["list_id"] in kept}
    old = {name: [r for r in table if r.get("list_id", kept[0]) in kept and r.get("item_id", next(iter(items))) in items]
           for name, table in rows.items()}
    for folder, tables in ((root, old), (Path(nxt), rows)):
        write_tables(folder, tables)
        write_descriptor(folder)
    monkeypatch.setattr(diff_report, "SUBSET_SHARE", -1.0)
    from_csv = report_bytes(root, str(root), nxt)
    report = json.loads(from_csv)
    added = [i for i in rows["items"] if i["list_id"] not in kept]
    assert report["summary"]["lists"]["added"] == 2 and report["summary"]["items"] == \
        {"added": len(added), "removed": 0, "modified": 0, "renamed": 0, "moved": 0, "cosmetic": 0}
    assert {c["change"] for c in report["changes"]} == {"added"}
    assert from_csv == compiled_bytes(root, str(root), nxt)


@pytest.mark.parametrize("passes", [1, 2])
def test_a_package_breaking_its_key_is_read_by_place_and_still_gives_the_compiled_bytes(pair, tmp_path, monkeypatch, passes, walk):
    # SYNTHETIC breakage: a step row of the new side and an accountability row of the old side
    # each repeated with its text edited (the same key twice, both copies differing from the
    # other side's row): rows can no longer be told apart by their keys.
    from powerlist.diff import load
    monkeypatch.setattr(load, "TWO_PASSES", 0.0 if passes == 2 else float("inf"))
    by_place = []
    real = load._by_place
    monkeypatch.setattr(load, "_by_place", lambda con, name, *a: by_place.append(name) or real(con, name, *a))
    root, nxt = copy_pair(pair, tmp_path / "p")
    for path in (Path(nxt) / "tables" / "steps.csv", root / "tables" / "accountability.csv"):
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        twin = dict(rows[3], text=rows[3]["text"] + "（合成重复）")
        rows[3]["text"] += "（合成修改）"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(rows[:4] + [twin] + rows[4:])
    from_csv = report_bytes(root, str(root), nxt)
    assert sorted(by_place) == ["accountability", "steps"]
    assert from_csv == compiled_bytes(root, str(root), nxt)


def test_rows_repeating_a_key_pair_in_file_order_on_every_run(pair, tmp_path, walk):
    # SYNTHETIC breakage as above, on the new side's steps only: step row 3 edited and repeated
    # right after it. DuckDB's parallel scans once let the pairing (and so the bytes) change from
    # run to run; the old row pairs with the first copy in file order, the second is added.
    root, nxt = copy_pair(pair, tmp_path / "p")
    path = Path(nxt) / "tables" / "steps.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    first = dict(rows[3], text=rows[3]["text"] + "（合成修改）")
    twin = dict(rows[3], text=rows[3]["text"] + "（合成重复）")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows[:3] + [first, twin] + rows[4:])
    runs = {compiled_bytes(root, str(root), nxt) for _ in range(4)}
    runs.add(report_bytes(root, str(root), nxt))
    assert len(runs) == 1
    ours = {(c["change"], c["new"] if c["change"] == "modified" else c["row"]["text"])
            for c in json.loads(runs.pop())["changes"]
            if c["table"] == "steps" and c["item_id"] == rows[3]["item_id"] and c["key"] == {"step_no": int(rows[3]["step_no"])}}
    assert ours == {("modified", first["text"]), ("added", twin["text"])}


def test_a_saved_report_that_is_not_one_is_computed_again(pair, tmp_path):
    root, nxt = copy_pair(pair, tmp_path / "p")
    first = report_bytes(root, str(root), nxt)
    (saved_file,) = cache_dir(root).glob(f"{saved.PREFIX}*{saved.SUFFIX}")
    saved_file.write_bytes(b'{"summary": {}}\n')  # SYNTHETIC: a header missing its other fields
    assert report_bytes(root, str(root), nxt) == first
    assert saved.SavedChanges(saved_file).fields["summary"] == json.loads(first)["summary"]  # saved anew


def test_changes_spooled_through_arrow_give_the_bytes_of_list_parameters(pair, tmp_path, monkeypatch):
    # A diff goes to Arrow only past _ARROW_AFTER changes (100,000: more than a test makes);
    # forced here from the first change, the report must not change by a byte.
    from powerlist.diff import spool
    root, nxt = copy_pair(pair, tmp_path / "p")
    by_lists = report_bytes(root, str(root), nxt)
    forget_reports(root)
    monkeypatch.setattr(spool, "_ARROW_AFTER", -1)
    assert report_bytes(root, str(root), nxt) == by_lists
    assert json.loads(by_lists)["changes"]


def test_a_table_that_cannot_be_read_fails_the_diff_and_leaves_no_reading_thread(pair, tmp_path):
    # The tables are read in a thread of their own (diff/load.Loading) while the comparison goes
    # on: what that thread meets must reach the caller, not be lost with the thread.
    import threading
    import duckdb
    root, nxt = copy_pair(pair, tmp_path / "p")
    path = Path(nxt) / "tables" / "accountability.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[-1]["case_no"] = "第一"  # SYNTHETIC breakage: not an integer, which the schema declares
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(duckdb.ConversionException, match="第一"):
        report_bytes(root, str(root), nxt)
    assert not [t for t in threading.enumerate() if t.name == "powerlist-diff-load"]
    assert not list(cache_dir(root).glob(f"{saved.PREFIX}*{saved.SUFFIX}"))  # no report saved


def test_a_diff_on_one_duckdb_thread_reads_its_tables_before_comparing_and_gives_the_same_bytes(pair, tmp_path, monkeypatch):
    # publish's diff child runs the engine on one DuckDB thread within 384MB: there the child
    # tables are read on the calling thread before any comparison (the overlap had it run out of
    # memory at 100,000 items), and the report is the same bytes as with two threads.
    import threading
    from powerlist.diff import load
    root, nxt = copy_pair(pair, tmp_path / "p")
    two = report_bytes(root, str(root), nxt)
    forget_reports(root)
    started = []
    real = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda self: (started.append(self.name), real(self))[1])
    monkeypatch.setenv("POWERLIST_THREADS", "1")
    waits = []
    monkeypatch.setattr(load.Loading, "wait", lambda self, name: (waits.append(self._pending[name]), None)[1])
    assert report_bytes(root, str(root), nxt) == two
    assert "powerlist-diff-load" not in started
    assert waits and set(waits) == {0}  # every table was read whole before it was compared


def test_the_walk_hands_duckdb_the_differing_items_only(pair, tmp_path, monkeypatch):
    from powerlist.diff import load, unchanged
    monkeypatch.setattr(unchanged, "SMALLEST", 0)
    read = {}
    real = load._load_differing
    monkeypatch.setattr(load, "_load_differing",
                        lambda con, name, fields, old, new, **kw: read.setdefault(name, (old, new, old.stat().st_size, new.stat().st_size))
                        and real(con, name, fields, old, new, **kw))
    root, nxt = copy_pair(pair, tmp_path / "p")
    from_csv = report_bytes(root, str(root), nxt)
    assert sorted(read) == ["accountability", "bases", "exemptions", "steps"]
    for name, (old, new, old_size, new_size) in read.items():
        whole = (root / "tables" / f"{name}.csv").stat().st_size
        assert old != root / "tables" / f"{name}.csv" and old_size < whole / 4, name  # ~1 % of items edited
        assert not old.exists() and not new.exists()  # the copies are gone
    assert from_csv == compiled_bytes(root, str(root), nxt)


def test_a_key_repeated_alike_on_both_sides_in_an_equal_stretch(pair, tmp_path, walk):
    # SYNTHETIC breakage: step row 3 repeated right after itself, the same bytes, on both sides.
    root, nxt = copy_pair(pair, tmp_path / "p")
    for path in (root / "tables" / "steps.csv", Path(nxt) / "tables" / "steps.csv"):
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(rows[:4] + [rows[3]] + rows[4:])
    assert report_bytes(root, str(root), nxt) == compiled_bytes(root, str(root), nxt)

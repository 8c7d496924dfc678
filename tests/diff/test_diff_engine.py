"""The diff engine on hand-made synthetic adjustments of the 2022 Xing'an list.

Each fixture (tests/fixtures/synthetic-*.txt, written by make_synthetic.py) is the 2022 source
with one edit named in its header; EXPECTED lists, by hand, the changes that edit must give.
Every fixture also replaces the list's source document, so the list row's source_file and
source_sha256 change (the catalog's inferred provenance keeps naming the first document).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from powerlist.diff import classify_basis_change, diff_packages
from powerlist.diff.classify import field_difference
from powerlist.ingest.run import ingest_document

X = "450325-baomi"
SOURCE_CHANGES = [
    ("lists", "modified", "变更", None, {"list_id": X}, "source_file"),
    ("lists", "modified", "变更", None, {"list_id": X}, "source_sha256"),
]
LISTS_SUMMARY = {"lists": {"added": 0, "removed": 0, "modified": 2}}

# Item 5 of the 2022 source prints 5 steps, 5 accountability cases, 1 exemption, and
# 2 setting + 5 step + 4 accountability citations (第五条 and 第二十八条 are two rows of one citation).
ITEM5_PARTS = {"steps": 5, "accountability": 5, "exemptions": 1, "bases": 11}


def _whole_item(change: str, item_id: str) -> list[tuple]:
    label = {"added": "新增", "removed": "取消"}[change]
    rows = [("items", change, label, item_id, {"item_id": item_id}, None)]
    rows += [("bases", change, label, item_id, {"role": role, "seq": n}, None)
             for role, count in (("setting", 2), ("step", 5), ("accountability", 4)) for n in range(1, count + 1)]
    rows += [("steps", change, label, item_id, {"step_no": n}, None) for n in range(1, 6)]
    rows += [("accountability", change, label, item_id, {"case_no": n}, None) for n in range(1, 6)]
    rows += [("exemptions", change, label, item_id, {"seq": 1}, None)]
    return rows


def _counts(**tables) -> dict:
    out = dict(LISTS_SUMMARY)
    for table, (added, removed, modified) in tables.items():
        out[table] = {"added": added, "removed": removed, "modified": modified}
    return out


EXPECTED = {
    "removed-item": (_whole_item("removed", f"{X}-005"),
                     _counts(items=(0, 1, 0), **{t: (0, n, 0) for t, n in ITEM5_PARTS.items()})),
    "added-item": (_whole_item("added", f"{X}-006"),
                   _counts(items=(1, 0, 0), **{t: (n, 0, 0) for t, n in ITEM5_PARTS.items()})),
    "renamed-renumbered": ([("items", "moved", "序号调整", f"{X}-005", {"item_id": f"{X}-005"}, "seq"),
                            ("items", "renamed", "名称变更", f"{X}-004", {"item_id": f"{X}-004"}, "name")],
                           _counts(items=(0, 0, 2))),
    "inserted-case": ([("accountability", "added", "新增", f"{X}-001", {"case_no": 2}, None)],
                      _counts(accountability=(1, 0, 0))),
    "changed-step": ([("steps", "modified", "责任事项变更", f"{X}-002", {"step_no": 2}, "text")],
                     _counts(steps=(0, 0, 1))),
    "changed-citation": ([("bases", "modified", "依据变更", f"{X}-001", {"role": "setting", "seq": 3}, "article")],
                         _counts(bases=(0, 0, 1))),
    "exemption-edit": ([("exemptions", "modified", "免责事项变更", f"{X}-003", {"seq": 1}, "text")],
                       _counts(exemptions=(0, 0, 1))),
    "typo-fix": ([("accountability", "modified", "追责情形变更", f"{X}-001", {"case_no": 1}, "text")],
                 _counts(accountability=(0, 0, 1))),
    "punctuation-only": ([("steps", "cosmetic", "文字修正", f"{X}-001", {"step_no": 1}, "label")], _counts()),
}


def adjusted(package: Path, name: str) -> dict:
    ingest_document(package, FIXTURES / f"synthetic-{name}.txt", list_id=X)
    return diff_packages(package, "2022", "working")


def shape(change: dict) -> tuple:
    return (change["table"], change["change"], change["label"], change["item_id"], change["key"], change["field"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_synthetic_adjustment_gives_exactly_the_hand_written_changes(package_copy, name):
    expected_changes, expected_summary = EXPECTED[name]
    result = adjusted(package_copy, name)
    got = sorted(map(shape, result["changes"]), key=repr)
    assert got == sorted(expected_changes + SOURCE_CHANGES, key=repr)
    for table, counts in expected_summary.items():
        assert {k: result["summary"][table][k] for k in ("added", "removed", "modified")} == counts, table
    untouched = set(result["summary"]) - set(expected_summary)
    assert all(result["summary"][t][k] == 0 for t in untouched for k in ("added", "removed", "modified"))


def test_fixtures_say_they_are_synthetic():
    for path in FIXTURES.glob("synthetic-*.txt"):
        # Bytes, not text: one fixture is deliberately GB18030; the marker is ASCII either way.
        assert b"SYNTHETIC TEST FIXTURE" in path.read_bytes().split(b"\n\t", 1)[0], path.name


def test_renamed_and_renumbered_item_is_one_row_with_old_and_new_names_and_numbers(package_copy):
    result = adjusted(package_copy, "renamed-renumbered")
    renamed = [c for c in result["changes"] if c["item_id"] == f"{X}-004"]
    assert len(renamed) == 1
    c = renamed[0]
    assert (c["old"], c["new"]) == ("对泄密案件的调查处理", "对泄密案件的调查和处理")
    assert (c["old_seq"], c["new_seq"], c["renumbered"]) == (4, 5, True)
    assert result["summary"]["items"]["renamed"] == 1 and result["summary"]["items"]["moved"] == 1


def test_typo_fix_is_modified_with_old_and_new_text_not_cosmetic(package_copy):
    result = adjusted(package_copy, "typo-fix")
    [c] = [c for c in result["changes"] if c["table"] == "accountability"]
    assert c["old"] == "无法定依据或者越法定权限实施调查处理和行政强制的。"
    assert c["new"] == "无法定依据或者超越法定权限实施调查处理和行政强制的。"
    assert c["item_name"] == "对非法获取、持有国家秘密载体的行政强制" and c["list_id"] == X


def test_inserted_case_does_not_report_the_renumbered_cases_below_it(package_copy):
    result = adjusted(package_copy, "inserted-case")
    [c] = [c for c in result["changes"] if c["table"] == "accountability"]
    assert c["new"] == "未按规定登记收缴的国家秘密载体的。（县国家保密局）"


def test_punctuation_only_edit_is_cosmetic_and_excluded_from_summary(package_copy):
    result = adjusted(package_copy, "punctuation-only")
    [c] = [c for c in result["changes"] if c["table"] == "steps"]
    assert (c["old"], c["new"]) == ("1．", "1.")
    assert result["summary"]["steps"]["modified"] == 0 and result["summary"]["steps"]["cosmetic"] == 1


def test_unchanged_repository_has_no_changes_between_2022_and_working():
    result = diff_packages(ROOT, "2022", "working")
    assert result["changes"] == []
    assert result["substantive"] == 0
    assert set(result["tables_compared"]) >= {"items", "steps", "accountability", "exemptions", "bases", "lists"}


def test_a_package_folder_path_is_a_target(package_copy):
    ingest_document(package_copy, FIXTURES / "synthetic-typo-fix.txt", list_id=X)
    result = diff_packages(package_copy, str(package_copy / "releases" / "2022"), "working")
    assert [c["label"] for c in result["changes"] if c["table"] == "accountability"] == ["追责情形变更"]


def test_unknown_release_is_a_clear_error():
    from powerlist.errors import PowerlistError
    with pytest.raises(PowerlistError, match="unknown release '2019'"):
        diff_packages(ROOT, "2019", "working")


@pytest.mark.parametrize("old,new,expected", [
    ("1．", "1.", "cosmetic"),                          # width
    ("取得批准 责任", "取得批准责任", "cosmetic"),          # whitespace
    ("（县国家保密局）", "(县国家保密局)", "cosmetic"),      # bracket width
    ("越法定权限", "超越法定权限", "modified"),              # a character added
    ("第三十六条", "第三十七条", "modified"),
    ("要求整改。", "要求整改；", "modified"),                # a different mark, not a width variant
])
def test_only_width_and_whitespace_differences_are_cosmetic(old, new, expected):
    assert field_difference("content", old, new) == expected


def test_numbering_labels_differ_only_by_style():
    assert field_difference("label", "2．", "3．") is None          # renumbering alone is not reported
    assert field_difference("label", "2—1．", "2－1．") == "cosmetic"


def test_classify_basis_change_separates_citation_changes_from_cosmetic_ones():
    base = {"item_id": "x", "role": "setting", "seq": 1, "law_type": "法律", "law_title": "中华人民共和国保守国家秘密法",
            "article": "第五条", "text": "国家保密行政管理部门主管全国的保密工作。", "label": "1．"}
    assert classify_basis_change(base, {**base, "article": "第六条"}) == ("modified", "依据变更")
    assert classify_basis_change(base, {**base, "label": "1.", "text": "国家保密行政管理部门主管全国的保密工作 。"}) \
        == ("cosmetic", "文字修正")


def _edit_csv(path: Path, edit) -> None:
    """Rewrite a working-state CSV row by row (edit returns the row, changed, or None to drop it)."""
    import csv
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, [r for r in (edit(dict(r)) for r in reader) if r is not None]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_rows_of_a_removed_item_read_plainly_when_name_responsible_and_ref_are_blank(package_copy, tmp_path):
    # Synthetic edit: step 1 of item 5 loses its name and responsible body, its first citation
    # its ref; then a second copy drops item 5 whole. The removed rows' readable text and place
    # must fall back the way the reviewer's text does: bare step text, no brackets, seq for ref.
    import shutil
    item = f"{X}-005"
    tables = package_copy / "tables"  # one file per list: X's files
    _edit_csv(tables / "steps" / f"{X}.csv", lambda r: {**r, "name": "", "responsible": ""}
              if (r["item_id"], r["step_no"]) == (item, "1") else r)
    _edit_csv(tables / "bases" / f"{X}.csv", lambda r: {**r, "ref": ""}
              if (r["item_id"], r["role"], r["seq"]) == (item, "setting", "1") else r)
    step1 = next(r for r in csv_rows(tables / "steps" / f"{X}.csv") if (r["item_id"], r["step_no"]) == (item, "1"))
    without = tmp_path / "without-item-5"
    shutil.copytree(package_copy, without, ignore=shutil.ignore_patterns(".powerlist-cache", "releases"))
    for name in ("items", "steps", "accountability", "exemptions", "bases"):
        _edit_csv(without / "tables" / name / f"{X}.csv", lambda r: None if r["item_id"] == item else r)

    changes = diff_packages(package_copy, "working", str(without))["changes"]
    step = next(c for c in changes if c["table"] == "steps" and c["key"] == {"step_no": 1})
    basis = next(c for c in changes if c["table"] == "bases" and c["key"] == {"role": "setting", "seq": 1})
    assert (step["change"], step["old"], step["new"], step["place"]) == ("removed", step1["text"], None, "责任事项1")
    assert (basis["change"], basis["place"], basis["basis_id"]) == ("removed", "实施依据1", f"{item}-s1")
    assert basis["old"].startswith("【法律】《") and basis["row"]["ref"] is None


def csv_rows(path: Path) -> list[dict]:
    import csv
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_compiled_row_hashes_line_up_with_their_tables_row_by_row(package_copy):
    # The diff compares stored row hashes beside their table (POSITIONAL JOIN): each must be the
    # hash of every column of the row at the same position.
    import duckdb
    from powerlist.compiled import ROW_HASHES, compile_package
    from powerlist.package import open_target
    pkg = open_target(package_copy, "2022")
    con = duckdb.connect(str(compile_package(pkg, package_copy)), read_only=True)
    for name, ts in pkg.schemas.items():
        cols = ", ".join(f'x."{f["name"]}"' for f in ts.fields)
        rows, stored, wrong = con.execute(
            f'SELECT count(*), count(h.h), count(*) FILTER (WHERE hash({cols}) IS DISTINCT FROM h.h) '
            f'FROM main."{name}" x POSITIONAL JOIN "{ROW_HASHES}"."{name}" h').fetchall()[0]
        assert (rows, stored, wrong) == (rows, rows, 0), name
    assert con.execute('SELECT count(*) FROM main.steps').fetchall()[0][0] == 32 + 25  # catalog + Xing'an


def test_a_diff_restricted_to_one_item_computes_hashes_itself_and_agrees(package_copy):
    # history() filters both sides to one item, so the stored hashes (whole tables) do not line
    # up: the restricted diff hashes the rows itself and must find that item's changes all the same.
    ingest_document(package_copy, FIXTURES / "synthetic-typo-fix.txt", list_id=X)
    whole = [c for c in diff_packages(package_copy, "2022", "working")["changes"] if c["item_id"] == f"{X}-001"]
    only = diff_packages(package_copy, "2022", "working", item_ids=[f"{X}-001"])["changes"]
    assert only == whole and [c["label"] for c in only] == ["追责情形变更"]

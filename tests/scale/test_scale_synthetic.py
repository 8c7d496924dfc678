"""Province-scale tooling at a small N: the SYNTHETIC generator, its expected counts, and the fast
validator agreeing with frictionless. Every package here is synthetic (benchmarks/generate.py)."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT
from powerlist.package import Package
from powerlist.schema import TABLES
from powerlist.validate import validate_package

sys.path.insert(0, str(ROOT / "benchmarks"))
import corrupt  # noqa: E402
import generate  # noqa: E402

N = 400


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "n400"
    generate.generate(N, out, seed=7)
    return out


def keys(result) -> set[tuple]:
    return {(f.table, f.row, f.field, f.type) for f in result.findings}


def test_generated_packages_are_valid_under_both_engines(synthetic):
    for side in ("base", "next"):
        pkg = Package(synthetic / side, side)
        fast = validate_package(pkg)
        reference = validate_package(pkg, engine="frictionless")
        assert fast.engine == "duckdb"  # the fast path handled it, no hand-over
        assert fast.valid and reference.valid, [f.message for f in fast.findings + reference.findings][:5]
        assert fast.rows == reference.rows
        assert fast.rows["items"] == (N if side == "base" else N + N // 100 - N // 100)


def test_generated_packages_say_they_are_synthetic(synthetic):
    for side in ("base", "next"):
        descriptor = json.loads((synthetic / side / "datapackage.json").read_text(encoding="utf-8"))
        assert "SYNTHETIC" in descriptor["title"] and "Synthetic" in descriptor["description"]
        assert [r["name"] for r in descriptor["resources"]] == TABLES
    assert "SYNTHETIC" in (synthetic / "README.md").read_text(encoding="utf-8")


def test_generated_packages_have_realistic_shape(synthetic):
    def rows(table):
        with open(synthetic / "base" / "tables" / f"{table}.csv", encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    items, steps, cases, bases = rows("items"), rows("steps"), rows("accountability"), rows("bases")
    assert len(items) == N
    assert 4.5 <= len(steps) / N <= 5.5 and 4.5 <= len(cases) / N <= 5.5 and 5.5 <= len(bases) / N <= 7.5
    assert len(rows("exemptions")) == N
    assert 30 <= sum(len(s["text"]) for s in steps) / len(steps) <= 90
    counties = {r["code"] for r in rows("counties")}
    assert len(counties) == 125
    assert {r["county_code"] for r in rows("lists")} <= counties


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(synthetic, tmp_path):
    again = tmp_path / "again"
    generate.generate(N, again, seed=7)
    for rel in ("base/tables/steps.csv", "next/tables/bases.csv", "next/datapackage.json", "expected.json"):
        assert (again / rel).read_bytes() == (synthetic / rel).read_bytes(), rel
    other = tmp_path / "other"
    generate.generate(N, other, seed=8)
    assert (other / "base/tables/steps.csv").read_bytes() != (synthetic / "base/tables/steps.csv").read_bytes()


def test_expected_counts_follow_the_change_log_by_design_rules(synthetic):
    """Recount the summary rules of docs/diff-json.md from changes.csv, independently of the generator's counters."""
    want = {t: Counter(added=0, removed=0, modified=0) for t in TABLES}
    kinds = Counter()
    with open(synthetic / "changes.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kinds[row["change"]] += 1
            if row["change"] in ("added", "removed"):
                want["items"][row["change"]] += 1  # the item and every child row count in its table
                for child in ("steps", "accountability", "exemptions", "bases"):
                    want[child][row["change"]] += int(row[child])
            elif row["change"] == "renamed":
                want["items"]["modified"] += 1
            elif row["change"] == "step":
                want["steps"]["modified"] += 1
            elif row["change"] == "citation":
                want["bases"]["modified"] += 1
            elif row["change"] == "case":
                want["accountability"]["added"] += 1
            else:
                assert row["change"] == "cosmetic"  # counts nothing
    # The rates at N=400: 1% removed, 1% added, 0.5% renamed, 2% step-or-citation,
    # 1% inserted case, 1% punctuation-only.
    assert kinds == {"removed": 4, "added": 4, "renamed": 2, "step": 4, "citation": 4, "case": 4, "cosmetic": 4}
    expected = json.loads((synthetic / "expected.json").read_text(encoding="utf-8"))
    assert expected["summary"] == {t: dict(c) for t, c in want.items()}


def test_the_changes_are_where_the_log_says(synthetic):
    """Spot-check the data itself: a removed item is gone, a cosmetic item differs only in punctuation/space."""
    def table(side, name):
        with open(synthetic / side / "tables" / f"{name}.csv", encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    log = {}
    with open(synthetic / "changes.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            log.setdefault(row["change"], []).append(row["item_id"])
    base_ids = {r["item_id"] for r in table("base", "items")}
    next_ids = {r["item_id"] for r in table("next", "items")}
    assert base_ids - next_ids == set(log["removed"])
    assert next_ids - base_ids == set(log["added"])
    squash = lambda s: "".join(s.split()).replace("．", ".")  # noqa: E731
    cosmetic = set(log["cosmetic"])
    for name in ("steps", "accountability"):
        old = {(r["item_id"], r[name == "steps" and "step_no" or "case_no"]): r for r in table("base", name) if r["item_id"] in cosmetic}
        new = {(r["item_id"], r[name == "steps" and "step_no" or "case_no"]): r for r in table("next", name) if r["item_id"] in cosmetic}
        assert old.keys() == new.keys()
        assert any(old[k] != new[k] for k in old)
        assert all({c: squash(v) for c, v in old[k].items()} == {c: squash(v) for c, v in new[k].items()} for k in old)


@pytest.fixture(scope="module")
def corrupted(tmp_path_factory) -> Path:
    """N=4000: big enough that DuckDB reads the larger tables in several buffers, where its
    parallel CSV scan once lost file order (and so row numbers) at this size."""
    out = tmp_path_factory.mktemp("bad")
    generate.generate(4000, out / "n4000", seed=7)
    return corrupt.corrupt_package(out / "n4000" / "base", out / "bad")


def test_fast_validator_findings_equal_frictionless_on_a_corrupted_copy(corrupted):
    pkg = Package(corrupted, "bad")
    fast = validate_package(pkg)
    reference = validate_package(pkg, engine="frictionless")
    assert fast.engine == "duckdb"
    assert not fast.valid
    assert keys(fast) == keys(reference)
    # Same order and wording too, so the CLI prints the same report with either engine.
    assert [(f.table, f.row, f.field, f.type, f.message) for f in fast.findings] == \
           [(f.table, f.row, f.field, f.type, f.message) for f in reference.findings]


def test_corrupted_copy_shows_each_kind_of_breakage(corrupted):
    """Written from benchmarks/corrupt.py's BREAKAGES table (data row i is CSV row i + 2)."""
    found = keys(validate_package(Package(corrupted, "bad")))
    for want in [
        ("items", 3, "seq", "type-error"),
        ("items", 5, "category", "constraint-error"),
        ("items", 7, "name", "constraint-error"),
        ("items", 9, None, "primary-key"),
        ("items", 11, None, "foreign-key"),
        ("items", 13, None, "foreign-key"),
        ("items", 15, "seq", "constraint-error"),
        ("lists", 2, "issued_on", "type-error"),
        ("lists", 2, None, "foreign-key"),
        ("lists", 3, "source_sha256", "constraint-error"),
        ("steps", 3, "step_no", "type-error"),
        ("steps", 5, None, "primary-key"),        # " 1" reads as 1: a duplicate of step 1
        ("steps", 7, "responsible", "missing-cell"),
        ("steps", 9, "", "extra-cell"),
        ("steps", 11, "starts_paragraph", "type-error"),
        ("steps", 13, None, "foreign-key"),
        ("steps", 15, "responsible_placement", "constraint-error"),
        ("accountability", 4, None, "blank-row"),
        ("accountability", 4, None, "primary-key"),
        ("accountability", 6, "case_no", "constraint-error"),
        ("accountability", 8, "text", "constraint-error"),
        ("exemptions", None, "label", "incorrect-label"),
        ("exemptions", 3, "seq", "type-error"),
        ("bases", 3, "role", "constraint-error"),
        ("bases", 5, None, "primary-key"),
        ("bases", 7, "continues", "constraint-error"),
        ("bases", 9, "article_no", "type-error"),
    ]:
        assert want in found, want
    assert ("items", 17, "levels", "type-error") not in found  # list cells take any strings


def test_a_blank_line_is_counted_as_frictionless_counts_it(synthetic, tmp_path):
    """DuckDB skips blank lines; the fast engine must not shift row numbers, so it hands over."""
    pkg_dir = tmp_path / "blank"
    shutil.copytree(synthetic / "base", pkg_dir)
    steps = pkg_dir / "tables" / "steps.csv"
    lines = steps.read_text(encoding="utf-8").split("\n")
    steps.write_text("\n".join(lines[:4] + [""] + lines[4:]), encoding="utf-8")
    pkg = Package(pkg_dir, "blank")
    fast = validate_package(pkg)
    reference = validate_package(pkg, engine="frictionless")
    assert ("steps", 5, None, "blank-row") in keys(reference)
    assert keys(fast) == keys(reference)


def test_diff_summary_counts_equal_the_generators_expected_counts(synthetic):
    from powerlist.diff import diff_packages

    result = diff_packages(synthetic / "base", str(synthetic / "base"), str(synthetic / "next"))
    expected = json.loads((synthetic / "expected.json").read_text(encoding="utf-8"))["summary"]
    got = {t: {k: result["summary"].get(t, {}).get(k, 0) for k in ("added", "removed", "modified")}
           for t in TABLES}
    assert got == expected
    # Punctuation-only edits are reported, as cosmetic, and never counted.
    cosmetic_items = set()
    with open(synthetic / "changes.csv", encoding="utf-8", newline="") as fh:
        cosmetic_items = {r["item_id"] for r in csv.DictReader(fh) if r["change"] == "cosmetic"}
    kinds = {c["change"] for c in result["changes"] if c.get("item_id") in cosmetic_items}
    assert kinds == {"cosmetic"}

"""SQL over compiled files keyed by content, and packages compiled as layers over another's file:
every query answers exactly what a full rebuild answers.

Every package here is SYNTHETIC (benchmarks/generate.py, 200 items in 10 lists, one file per
list), except the CSV records unit test (hand-written bytes). The reference answers come from a
copy of the package compiled from nothing with layers switched off (compiled.LAYER_SHARE < 0).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from powerlist import compiled
from powerlist.ingest.run import ingest_document
from powerlist.package import csv_records
from powerlist.release import create_release, reset_working
from powerlist.schema import TABLES
from powerlist.sql import run_query
from test_per_list_layout import edited_docx, per_list_package

QUERIES = [f"select * from all_{t} order by all" for t in TABLES] + [
    "select * from releases order by all",
    "select * from items order by all",
    "select * from search('责任') order by all",
    "select count(*), count(distinct item_id) from steps",
]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    import generate

    out = tmp_path_factory.mktemp("synthetic-layers") / "n200"
    generate.generate(200, out, seed=5)
    return out


def answers(root: Path) -> list:
    return [(q, run_query(root, q, timeout=0).rows) for q in QUERIES]


def rebuilt(root: Path, tmp_path: Path, monkeypatch) -> list:
    """The answers of a copy of the package compiled from nothing, every package whole."""
    copy = tmp_path / f"rebuilt-{len(list(tmp_path.glob('rebuilt-*')))}"
    shutil.copytree(root, copy, symlinks=True, ignore=shutil.ignore_patterns(".powerlist-cache"))
    with monkeypatch.context() as m:
        m.setattr(compiled, "LAYER_SHARE", -1.0)
        out = answers(copy)
    assert not list((copy / ".powerlist-cache").glob("layer-*.duckdb"))
    return out


def cache(root: Path, kind: str) -> set[str]:
    return {p.name for p in (root / ".powerlist-cache").glob(f"{kind}-*.duckdb")}


def test_sql_after_ingest_release_and_reset_answers_what_a_full_rebuild_answers(synthetic, tmp_path, monkeypatch):
    root = per_list_package(synthetic, tmp_path / "pkg")
    create_release(root, "base", "2026-01-01")
    assert answers(root) == rebuilt(root, tmp_path, monkeypatch)
    # The release was made from the working state: one compiled file serves both.
    assert len(cache(root, "pkg")) == 1 and not cache(root, "layer")
    whole = cache(root, "pkg")

    list_id = "450102-d00"
    ingest_document(root, edited_docx(root, list_id, tmp_path))
    after_ingest = answers(root)
    assert after_ingest == rebuilt(root, tmp_path, monkeypatch)
    assert cache(root, "pkg") == whole and len(cache(root, "layer")) == 1  # the edited list alone

    layers = cache(root, "layer")
    create_release(root, "next", "2026-02-01")
    assert answers(root) == rebuilt(root, tmp_path, monkeypatch)
    assert cache(root, "pkg") == whole and cache(root, "layer") == layers  # the release compiled nothing

    # Back to `next` (reset also resolves every citation's law_id, which rewrites each list's
    # bases file of this synthetic package: too many lists differ for a layer, so it is whole).
    reset_working(root)
    assert answers(root) == rebuilt(root, tmp_path, monkeypatch)


def test_a_layer_whose_base_was_evicted_is_compiled_again(synthetic, tmp_path, monkeypatch):
    root = per_list_package(synthetic, tmp_path / "pkg")
    create_release(root, "base", "2026-01-01")
    answers(root)
    ingest_document(root, edited_docx(root, "450103-d00", tmp_path))
    answers(root)
    for p in (root / ".powerlist-cache").glob("pkg-*.duckdb"):
        p.unlink()  # as the cache cap would
    assert answers(root) == rebuilt(root, tmp_path, monkeypatch)


def test_a_layer_is_laid_anew_when_its_base_is_gone_and_another_file_is_at_hand(synthetic, tmp_path, monkeypatch):
    from powerlist.compiled import compile_package
    from powerlist.package import open_target

    root = per_list_package(synthetic, tmp_path / "pkg")
    create_release(root, "base", "2026-01-01")
    answers(root)                                           # base = working: one whole file
    ingest_document(root, edited_docx(root, "450102-d00", tmp_path))
    answers(root)                                           # working: a layer over it
    create_release(root, "next", "2026-02-01")              # holds the layered state
    ingest_document(root, edited_docx(root, "450103-d00", tmp_path))
    whole = compile_package(open_target(root, "working"), root)  # as a whole diff would
    for p in (root / ".powerlist-cache").glob("pkg-*.duckdb"):
        if p != whole:
            p.unlink()                                      # the layer's base, as the cache cap would
    assert answers(root) == rebuilt(root, tmp_path, monkeypatch)


def test_an_added_and_a_removed_list_are_layered_exactly(synthetic, tmp_path, monkeypatch):
    import json

    root = per_list_package(synthetic, tmp_path / "pkg")
    answers(root)
    # SYNTHETIC edit: list 450105-d00's files leave the package, and its items file is renamed to a
    # new list id (with its rows' list_id changed) — one list removed, one added.
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    items = (root / "tables/items/450105-d00.csv").read_text(encoding="utf-8").replace("450105-d00,", "450105-d99,")
    (root / "tables/items/450105-d99.csv").write_text(items, encoding="utf-8")
    for res in desc["resources"]:
        if isinstance(res["path"], list):
            res["path"] = sorted(p.replace("items/450105-d00", "items/450105-d99") for p in res["path"]
                                 if res["name"] == "items" or "450105-d00" not in p)
    (root / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False, indent=2), encoding="utf-8")
    assert answers(root) == rebuilt(root, tmp_path, monkeypatch)
    assert cache(root, "layer")


@pytest.mark.parametrize("data, records", [
    (b"a,b\n1,2\n", 2),
    (b"a,b\n1,2", 2),                         # no final line end
    (b'a,b\n"x\ny",2\n"p ""q""\n",3\n', 3),   # line ends and doubled quotes inside quoted fields
    (b"", 0),
])
def test_csv_records_counts_records_not_lines(data, records):
    assert csv_records(data) == records

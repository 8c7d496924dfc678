"""The SQLite download in a real Datasette: full-text search over Chinese and the column
descriptions from metadata.json, through Datasette's JSON API on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import copy_package
from powerlist.publish import publish
from powerlist.textsearch import fts_query

pytest.importorskip("datasette")
STEM = "guangxi-baomi-powerlists-2022"


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("ds")
    (base / "pkg").mkdir()
    pkg = copy_package(base / "pkg")
    publish(pkg, base / "dist")
    return base / "dist" / "2022"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def datasette(dist):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(dist / f"{STEM}.sqlite"),
                             "-m", str(dist / "metadata.json"), "-h", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"datasette did not start: {proc.stderr.read().decode()[-500:]}")
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def get(base: str, path: str, **params) -> dict | list:
    url = f"{base}{path}?{urllib.parse.urlencode(params)}" if params else f"{base}{path}"
    with urllib.request.urlopen(url, timeout=20) as r:
        return json.loads(r.read().decode("utf-8"))


def test_search_finds_exactly_the_two_steps_that_say_shoujiao(datasette):
    # 收缴 stands in one 责任事项 of each 2022 document: step 3 of the catalog's item 1 and of
    # Xing'an's item 1 (gx-catalog-2022.txt, xingan-baomi-2022.txt); no other step says it.
    rows = get(datasette, f"/{STEM}/steps.json", _search="收缴", _shape="array")
    assert sorted((r["item_id"], r["step_no"]) for r in rows) == [("450325-baomi-001", 3), ("catalog-baomi-001", 3)]
    assert all("收缴" in r["text"] for r in rows)


def test_metadata_gives_licence_and_column_descriptions(datasette):
    table = get(datasette, f"/{STEM}/steps.json", _size=1)
    assert table["license"] == "CC-BY-4.0"
    meta = get(datasette, "/-/metadata.json")
    columns = meta["databases"][STEM]["tables"]["steps"]["columns"]
    schema = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "steps.json").read_text(encoding="utf-8"))
    text = next(f for f in schema["fields"] if f["name"] == "text")
    assert columns["text"] == f"{text['title']} — {text['description']}"


@pytest.mark.parametrize("table,column", [("items", "name"), ("steps", "text"), ("accountability", "text"),
                                          ("exemptions", "text"), ("bases", "text"), ("bases", "article")])
@pytest.mark.parametrize("query", ["查", "秘", "保密", "收缴", "泄密案件", "第四十五条", "国家秘密载体"])
def test_fts_finds_what_a_substring_search_finds(dist, table, column, query):
    # LIKE is the oracle: FTS over character unigrams and pairs must find exactly the rows whose
    # text holds the query, for one-, two- and longer queries.
    con = sqlite3.connect(dist / f"{STEM}.sqlite")
    try:
        like = {r for (r,) in con.execute(f"select rowid from {table} where {column} like ?", (f"%{query}%",))}
        fts = {r for (r,) in con.execute(f"select rowid from {table}_fts where {column} match ?", (fts_query(query),))}
        exact = {r for r in fts if query in con.execute(f"select {column} from {table} where rowid = ?", (r,)).fetchone()[0]}
    finally:
        con.close()
    assert like <= fts and exact == like
    if (column, query) == ("article", "第四十五条"):  # 保密法 第四十五条 is cited by both 2022 lists
        assert like
    if (table, query) == ("steps", "收缴"):
        assert len(like) == 2


def test_a_column_search_finds_the_rows_whose_column_holds_the_word(datasette):
    # Datasette's _search_<column>= goes through the same index, restricted to that column: the
    # two steps of test_search_finds_exactly_the_two_steps_that_say_shoujiao say 收缴 in their text,
    # and no step's responsible unit says it.
    rows = get(datasette, f"/{STEM}/steps.json", _search_text="收缴", _shape="array")
    assert sorted((r["item_id"], r["step_no"]) for r in rows) == [("450325-baomi-001", 3), ("catalog-baomi-001", 3)]
    assert get(datasette, f"/{STEM}/steps.json", _search_responsible="收缴", _shape="array") == []

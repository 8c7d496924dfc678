"""The change spool: what goes in from Python comes out unchanged, in report order."""

from __future__ import annotations

import duckdb
import pytest

from powerlist.diff import spool


def _key(c: dict) -> tuple:
    # Hand-made sort key (the engine's sort_key is not what is tested here): the values the
    # spool's columns take, awkward ones included.
    return c["k"]


# SYNTHETIC changes: strings with quotes, backslashes, a line separator, a control character and
# CJK; None where a column may be NULL; True where an integer goes (sort_key can meet a bool in a
# key: isinstance(True, int)); an integer beyond 2**53 (not exact as a double).
CHANGES = [
    {"k": (True, 'l"1\\', 3, "450100-d00-00001", 2, 1, 7, "{'role': 'setting', 'seq': 7}", "text"), "table": "bases",
     "change": "modified", "x": "依据\u2028变更\u0001"},
    {"k": (False, "", 0, "", 9, 0, True, "{}", ""), "table": "lists", "change": "added", "x": None},
    {"k": (True, "l2", 2**53 + 1, "i", None, None, 0, "{'step_no': 1}", None), "table": "steps",
     "change": "removed", "x": 'a "quoted" \\n text'},
]


def _spooled(monkeypatch, arrow_after: int, changes: list[dict] = CHANGES) -> list[tuple]:
    monkeypatch.setattr(spool, "_ARROW_AFTER", arrow_after)
    con = duckdb.connect()
    s = spool.ChangeSpool(con, _key)
    s.add(changes[:1])
    s.add(changes[1:])
    rows = con.execute(f"SELECT {', '.join(spool.COLUMNS)} FROM _spool ORDER BY arrival").fetchall()
    con.close()
    return rows


def test_changes_from_python_keep_every_sort_key_value_and_text(monkeypatch):
    rows = _spooled(monkeypatch, spool._ARROW_AFTER)
    assert [r[:9] for r in rows] == [
        (True, 'l"1\\', 3, "450100-d00-00001", 2, 1, 7, "{'role': 'setting', 'seq': 7}", "text"),
        (False, "", 0, "", 9, 0, 1, "{}", ""),
        (True, "l2", 9007199254740993, "i", None, None, 0, "{'step_no': 1}", None),
    ]
    assert [r[9:12] for r in rows] == [(0, "bases", "modified"), (1, "lists", "added"), (2, "steps", "removed")]
    assert [r[12] for r in rows] == [
        '{"k":[true,"l\\"1\\\\",3,"450100-d00-00001",2,1,7,"{\'role\': \'setting\', \'seq\': 7}","text"],'
        '"table":"bases","change":"modified","x":"依据\u2028变更\\u0001"}',
        '{"k":[false,"",0,"",9,0,true,"{}",""],"table":"lists","change":"added","x":null}',
        '{"k":[true,"l2",9007199254740993,"i",null,null,0,"{\'step_no\': 1}",null],"table":"steps",'
        '"change":"removed","x":"a \\"quoted\\" \\\\n text"}',
    ]


def test_the_arrow_path_spools_the_same_rows(monkeypatch):
    # Arrow refuses a bool where an integer goes (the list parameters took it as 1): that one
    # value is left out here.
    pytest.importorskip("pyarrow")
    changes = [CHANGES[0], {**CHANGES[1], "k": (False, "", 0, "", 9, 0, 1, "{}", "")}, CHANGES[2]]
    assert _spooled(monkeypatch, -1, changes) == _spooled(monkeypatch, spool._ARROW_AFTER, changes)


def test_a_text_holding_a_line_break_is_refused():
    with pytest.raises(ValueError, match="line break"):
        spool.joined_lines(["{}", "{\n}"])
    with pytest.raises(ValueError, match="line break"):
        spool.joined_lines([b"{}", b"{\n}"])

"""The byte walk that skips a child table's equal stretches (diff/unchanged.py).

Every CSV here is SYNTHETIC and written by hand below: small files of three-column rows
(item_id, no, text) whose expected kept records are read off the files by eye.
"""

from __future__ import annotations

import collections
import csv
import io
import mmap
import random
from pathlib import Path

import pytest

from powerlist.diff import unchanged

HEADER = "item_id,no,text\n"


def kept(tmp_path: Path, old: str, new: str, column: int = 0) -> tuple[list[str], list[str]]:
    """The records each side keeps (header first), as text."""
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(old.encode("utf-8"))
    b.write_bytes(new.encode("utf-8"))
    with open(a, "rb") as fa, open(b, "rb") as fb, \
            mmap.mmap(fa.fileno(), 0, access=mmap.ACCESS_READ) as ma, mmap.mmap(fb.fileno(), 0, access=mmap.ACCESS_READ) as mb:
        ra, rb = unchanged.differing_records(unchanged._Side(ma, column), unchanged._Side(mb, column))
        return ([ma[s:e].decode("utf-8") for s, e in ra if e > s], [mb[s:e].decode("utf-8") for s, e in rb if e > s])


def rows(*items: str) -> str:
    """Each 'X' gives item X's three rows (no 1..3), texts 'X1'..'X3'."""
    return "".join(f"{x},{n},{x}{n}\n" for x in items for n in (1, 2, 3))


def group(x: str) -> str:
    return rows(x)


def test_equal_files_keep_their_header_only(tmp_path):
    text = HEADER + rows("a", "b", "c")
    assert kept(tmp_path, text, text) == ([HEADER], [HEADER])


def test_an_edited_row_keeps_its_whole_item_on_both_sides(tmp_path):
    old = HEADER + rows(*"abcdefgh")
    new = old.replace("e,2,e2\n", "e,2,e2 edited\n")
    ka, kb = kept(tmp_path, old, new)
    assert ka == [HEADER, group("e")]
    assert kb == [HEADER, group("e").replace("e2\n", "e2 edited\n")]


def test_an_edit_in_the_first_row_of_an_item_keeps_that_item_only(tmp_path):
    old = HEADER + rows(*"abcd")
    new = old.replace("c,1,c1\n", "c,1,C1\n")
    assert kept(tmp_path, old, new) == ([HEADER, group("c")], [HEADER, group("c").replace("c,1,c1", "c,1,C1")])


def test_an_item_inserted_out_of_id_order_is_kept_on_its_side_alone(tmp_path):
    # the new side's item "z" sits between "b" and "c": ids are not sorted
    old = HEADER + rows(*"abcd")
    new = HEADER + rows("a", "b", "z", "c", "d")
    assert kept(tmp_path, old, new) == ([HEADER], [HEADER, group("z")])


def test_an_item_removed_is_kept_on_the_old_side_alone(tmp_path):
    old = HEADER + rows(*"abcde")
    new = HEADER + rows("a", "b", "d", "e")
    assert kept(tmp_path, old, new) == ([HEADER, group("c")], [HEADER])


def test_an_item_that_gained_rows_it_lacked(tmp_path):
    # "c" had no rows in this table before (an item may have no exemptions)
    old = HEADER + rows("a", "b", "d", "e")
    new = HEADER + rows(*"abcde")
    assert kept(tmp_path, old, new) == ([HEADER], [HEADER, group("c")])


def test_two_items_swapped_keep_one_of_them_on_each_side(tmp_path):
    old = HEADER + rows(*"abcd")
    new = HEADER + rows("a", "c", "b", "d")
    # the new side holds "c" before "b": its "c" is kept, then "b" is equal on both sides, then the
    # old side's "c" is kept: each side keeps "c" alone, and the join finds the two equal
    assert kept(tmp_path, old, new) == ([HEADER, group("c")], [HEADER, group("c")])


def test_a_quoted_line_break_is_inside_its_record(tmp_path):
    # item b's second row holds a quoted line break that looks like the start of an item "x"
    quoted = 'b,2,"one\nx,9,two, and ""so"""\n'
    old = HEADER + rows("a") + "b,1,b1\n" + quoted + "b,3,b3\n" + rows("c", "d")
    new = old.replace("b,3,b3\n", "b,3,b3 edited\n")
    ka, kb = kept(tmp_path, old, new)
    assert ka == [HEADER, "b,1,b1\n" + quoted + "b,3,b3\n"]
    assert kb == [HEADER, "b,1,b1\n" + quoted + "b,3,b3 edited\n"]


def test_the_item_id_in_another_column(tmp_path):
    # bases: basis_id first, item_id second
    old = "basis_id,item_id,text\n" + "".join(f"{x}-{n},{x},t{n}\n" for x in "abc" for n in (1, 2))
    new = old.replace("b-2,b,t2\n", "b-2,b,t2 edited\n")
    ka, kb = kept(tmp_path, old, new, column=1)
    assert ka == ["basis_id,item_id,text\n", "b-1,b,t1\nb-2,b,t2\n"]
    assert kb == ["basis_id,item_id,text\n", "b-1,b,t1\nb-2,b,t2 edited\n"]


def test_rows_added_after_a_last_line_without_its_line_break(tmp_path):
    old = HEADER + rows("a", "b") + "c,1,c1"
    new = HEADER + rows("a", "b") + "c,1,c1\nc,2,c2\n"
    assert kept(tmp_path, old, new) == ([HEADER, "c,1,c1"], [HEADER, "c,1,c1\nc,2,c2\n"])


def test_files_with_other_headers_or_little_in_common_are_read_whole(tmp_path):
    text = HEADER + rows(*"abcd")
    with pytest.raises(unchanged._GiveUp):
        kept(tmp_path, text, text.replace("item_id,no,text", "item_id,no,note"))
    with pytest.raises(unchanged._GiveUp):  # every item edited: the walk would keep it all
        kept(tmp_path, text, text.replace("1\n", "1 edited\n"))


def test_differing_only_writes_the_kept_records_under_the_header_and_removes_them(tmp_path, monkeypatch):
    monkeypatch.setattr(unchanged, "SMALLEST", 0)
    old = HEADER + rows(*"abcdefgh")
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(old, encoding="utf-8")
    b.write_text(old.replace("f,3,f3\n", "f,3,f3 edited\n"), encoding="utf-8")
    folder = tmp_path / "scratch"
    with unchanged.differing_only(a, b, 0, folder) as (ka, kb):
        assert ka.parent == folder and ka.read_text(encoding="utf-8") == HEADER + group("f")
        assert kb.read_text(encoding="utf-8") == HEADER + group("f").replace("f3\n", "f3 edited\n")
    assert not list(folder.iterdir())
    monkeypatch.setattr(unchanged, "SMALLEST", 1 << 40)
    with unchanged.differing_only(a, b, 0, folder) as pair:
        assert pair == (a, b)  # small files: read whole


def test_an_edit_after_a_quoted_line_break_keeps_the_record_holding_it(tmp_path):
    # 300 items, each with a quoted two-line text: the equal stretch before the edit spans
    # several of the walk's blocks, whose quotes must be counted to tell the records apart
    def item(i: int, tail: str = "") -> str:
        x = f"i{i:03d}"
        return f'{x},1,"{x} first line\n{x},9,second, ""quoted""{tail}"\n{x},2,{x}2\n'
    old = HEADER + "".join(item(i) for i in range(300))
    new = HEADER + "".join(item(i, " edited" if i == 250 else "") for i in range(300))
    assert len(old) > 3 * 4096
    assert kept(tmp_path, old, new) == ([HEADER, item(250)], [HEADER, item(250, " edited")])


def records(text: str) -> list[str]:
    """A CSV text's records after its header, each as its own CSV line (quoted line breaks kept)."""
    out = []
    for row in list(csv.reader(io.StringIO(text, newline="")))[1:]:
        buf = io.StringIO(newline="")
        csv.writer(buf, lineterminator="\n").writerow(row)
        out.append(buf.getvalue())
    return out


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("look_ahead", [1 << 20, 200])
def test_what_the_walk_leaves_out_is_the_same_records_on_both_sides(tmp_path, monkeypatch, seed, look_ahead):
    # SYNTHETIC files: 120 items of 1-4 rows, some texts quoted with commas, quotes and line
    # breaks; the new side edits, inserts, removes and moves items at random. Whatever the walk
    # keeps, the records it leaves out must be equal on both sides (as multisets), so every record
    # in one side only is kept. look_ahead 200 bytes: the other side's item is often not found.
    monkeypatch.setattr(unchanged, "LOOK_AHEAD", look_ahead)
    rnd = random.Random(seed)

    def text(x, n):
        return rnd.choice([f"{x}{n}", f'"{x}{n}, with a comma"', f'"{x}{n}\n{x},{n + 1},x"', f'"say ""{x}{n}"""'])

    items = {f"i{i:03d}": [f"i{i:03d},{n},{text(f'i{i:03d}', n)}\n" for n in range(1, rnd.randint(1, 4) + 1)]
             for i in range(120)}
    order = list(items)
    new_items = {k: list(v) for k, v in items.items()}
    new_order = list(order)
    for _ in range(rnd.randint(0, 12)):
        kind, x = rnd.choice(["edit", "insert", "remove", "move"]), rnd.choice(new_order)
        if kind == "edit":
            rows = new_items[x]
            k = rnd.randrange(len(rows))
            rows[k] = rows[k][:-1] + " edited\n" if not rows[k].endswith('"\n') else rows[k][:-2] + ' edited"\n'
        elif kind == "insert":
            y = f"n{rnd.randint(0, 999):03d}"
            if y not in new_items:
                new_items[y] = [f"{y},1,{text(y, 1)}\n"]
                new_order.insert(rnd.randrange(len(new_order) + 1), y)
        elif kind == "remove" and len(new_order) > 1:
            new_order.remove(x)
        elif kind == "move":
            new_order.remove(x)
            new_order.insert(rnd.randrange(len(new_order) + 1), x)
    old = HEADER + "".join(r for x in order for r in items[x])
    new = HEADER + "".join(r for x in new_order for r in new_items[x])
    try:
        ka, kb = kept(tmp_path, old, new)
    except unchanged._GiveUp:
        return  # read whole: nothing left out
    assert ka[0] == kb[0] == HEADER
    left_a = collections.Counter(records(old)) - collections.Counter(records("".join(ka)))
    left_b = collections.Counter(records(new)) - collections.Counter(records("".join(kb)))
    assert left_a == left_b
    assert collections.Counter(records("".join(ka))) + left_a == collections.Counter(records(old))  # whole records kept

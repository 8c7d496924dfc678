"""pair_rows: changed child rows of one item paired by content when the counts differ.

The rows are hand-written accountability cases in the style of the Xing'an list (SYNTHETIC
wording); what must pair with what is decided by reading them, not by running the code."""

from __future__ import annotations

from powerlist.diff.align import pair_rows, similarity

A = {"case_no": 1, "text": "无法定依据或者超越法定权限实施调查处理和行政强制的。"}
B = {"case_no": 2, "text": "对发现的泄密隐患未及时采取补救措施，造成国家秘密泄露的。"}
C = {"case_no": 3, "text": "违反规定程序实施行政强制措施的。"}
X = {"case_no": 2, "text": "擅自扩大收缴范围或者拖延返还被收缴物品的。"}  # unrelated to A, B, C


def text(row):
    return row["text"]


def renumbered(row, no, edit=""):
    return {"case_no": no, "text": row["text"].replace("的。", f"{edit}的。")}


def test_an_inserted_case_is_one_addition_and_the_cases_below_pair_with_their_renumbered_selves():
    news = [A, X, renumbered(B, 3, "（合成）"), renumbered(C, 4, "（合成）")]
    pairs = pair_rows([A, B, C], news, text)
    assert [(o and o["case_no"], n and n["case_no"]) for o, n in pairs] == [(1, 1), (None, 2), (2, 3), (3, 4)]


def test_a_deleted_case_is_one_removal():
    news = [renumbered(A, 1, "（合成）"), renumbered(C, 2, "（合成）")]
    pairs = pair_rows([A, B, C], news, text)
    assert [(o and o["case_no"], n and n["case_no"]) for o, n in pairs] == [(1, 1), (2, None), (3, 2)]


def test_rows_below_the_threshold_never_pair():
    assert similarity(A["text"], X["text"]) < 0.5
    pairs = pair_rows([A, B], [X], text)
    assert all(o is None or n is None for o, n in pairs)
    assert sorted((o or n)["text"] for o, n in pairs) == sorted([A["text"], B["text"], X["text"]])


def test_equal_counts_pair_in_order_even_when_rewritten():
    # A rewritten case stays one modification: two rows each side pair by position.
    pairs = pair_rows([A, B], [X, C], text)
    assert [(o["case_no"], n["text"]) for o, n in pairs] == [(1, X["text"]), (2, C["text"])]


def test_the_sql_fold_of_several_columns_is_equal_exactly_when_python_folds_each_equal():
    # Hand-made texts: full-width and ASCII punctuation, ideographic and other spaces, NULL
    # against empty, and the separator characters the SQL join uses inside the texts themselves.
    import duckdb
    from powerlist.diff.normalize import fold, fold_all_sql
    rows = [("（一）保密", "第五条"), ("(一)保密", "第五条"), ("（一） 保密", "第五条\u3000"), ("（一）保密第五条", ""),
            ("（一）保密第五条", None), ("a\x01", "\x02b"), ("a", "\x01\x02b"), ("a\x01\x02", "b"), ("a\x01\x01", "\x02b"),
            ("a \x01", "\x02b"), ("a\x01", " \x02b"), (None, None), ("", ""), ("１．", "—"), ("1.", "-")]
    con = duckdb.connect()
    con.execute("CREATE TABLE r (i INTEGER, a VARCHAR, b VARCHAR)")
    con.executemany("INSERT INTO r VALUES (?, ?, ?)", [(i, a, b) for i, (a, b) in enumerate(rows)])
    expr = fold_all_sql(["x.a", "x.b"])
    folded = dict(con.execute(f"SELECT i, {expr} FROM r x").fetchall())
    for i, x in enumerate(rows):
        for j, y in enumerate(rows):
            assert (folded[i] == folded[j]) == (fold(x[0]) == fold(y[0]) and fold(x[1]) == fold(y[1])), (x, y)

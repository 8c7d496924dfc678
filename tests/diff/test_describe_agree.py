"""The readable text of a child row is written twice — describe_row in Python (pairs, history)
and describe_sql in DuckDB (rows added or removed whole). A property test keeps them equal."""

from __future__ import annotations

from types import SimpleNamespace

import duckdb
from hypothesis import given, settings, strategies as st

from powerlist.diff.describe import describe_row
from powerlist.diff.whole_rows import describe_sql

COLUMNS = {
    "steps": ["name", "text", "responsible"],
    "accountability": ["text", "responsible"],
    "exemptions": ["text"],
    "bases": ["law_type", "law_title", "law_doc", "chapter", "article", "paragraph", "text"],
}
# Values as the tables hold them: absent (NULL), empty, CJK text with the punctuation the lists print.
value = st.one_of(st.none(), st.just(""), st.text(alphabet="保密局第四十五条（）《》【】：；、,.' \"\\", max_size=12))


@settings(max_examples=60, deadline=None)
@given(table=st.sampled_from(sorted(COLUMNS)), data=st.data())
def test_python_and_sql_describe_a_row_alike(table, data):
    cols = COLUMNS[table]
    row = {c: data.draw(value, label=c) for c in cols}
    con = duckdb.connect()
    con.execute(f"CREATE TABLE x ({', '.join(f'{c} VARCHAR' for c in cols)})")
    con.execute(f"INSERT INTO x VALUES ({', '.join('?' for _ in cols)})", [row[c] for c in cols])
    session = SimpleNamespace(columns={"f": {table: cols}})
    [(sql_text,)] = con.execute(f"SELECT {describe_sql(session, 'x', 'f', table)} FROM x").fetchall()
    assert sql_text == describe_row(table, row)

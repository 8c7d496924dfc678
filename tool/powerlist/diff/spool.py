"""Change rows kept in DuckDB until the report is written, so a diff never holds them all in Python.

A province-scale diff has hundreds of thousands of changes; as Python objects they would outweigh
DuckDB's own (bounded) memory. Each change goes into a table on the diff's connection as the JSON
text the report will hold, with its place in the report order: changes built in Python are
encoded (orjson) and appended a batch at a time; the bulk — child rows added or removed whole —
is built and encoded by DuckDB itself (add_query). Reading sorts the table (DuckDB spills to disk
if it must) and fetches the texts a chunk at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import duckdb
import orjson

from .formats.json_format import encode_change

# The sort key's parts (engine.sort_key), arrival (Python's sort was stable), what the summary
# counts, and the text, with their DuckDB types. pyarrow (and with its first array, pandas:
# ~1 s) is imported only once a diff has more than _ARROW_AFTER changes from Python.
_FIELDS = [
    ("has_list", "BOOLEAN"), ("list_id", "VARCHAR"), ("seq", "BIGINT"), ("item_id", "VARCHAR"),
    ("table_rank", "BIGINT"), ("part", "BIGINT"), ("number", "BIGINT"), ("key_text", "VARCHAR"),
    ("field", "VARCHAR"), ("arrival", "BIGINT"), ("tbl", "VARCHAR"), ("change", "VARCHAR"),
    ("body", "VARCHAR"),
]
COLUMNS = [name for name, _ in _FIELDS]


def _arrow_schema():
    import pyarrow as pa
    types = {"BOOLEAN": pa.bool_(), "VARCHAR": pa.string(), "BIGINT": pa.int64()}
    return pa.schema([(name, types[t]) for name, t in _FIELDS])
_ORDER = ", ".join(COLUMNS[:COLUMNS.index("arrival") + 1])
_READ_CHUNK = 20_000
_SMALL_BATCH = 5_000  # changes per INSERT from Python lists
# Measured 2026-12-02 (40,000 SYNTHETIC changes): list parameters ~16 µs a change, Arrow ~4.5 µs
# once imported, its first batch ~1.1 s more (pyarrow, then pandas): break-even near 90,000.
# 2026-12-03 (the 10,502 changes Python describes at 100k items): the sort keys as one JSON text
# ~12 µs a change against ~20 µs as list parameters; the break-even moves to ~150,000.
_ARROW_AFTER = 100_000
# The sort keys as they come back from that JSON text: JSON cast to BIGINT or BOOLEAN (as a list
# parameter takes True for 1), strings unquoted.
_FROM_JSON = ", ".join(f"k->>{i}" if t == "VARCHAR" else f"CAST(k->{i} AS {t})"
                       for i, (_, t) in enumerate(_FIELDS[:-1]))


def joined_lines(texts: list[bytes] | list[str]) -> bytes | str:
    """Texts (UTF-8 bytes, or strings) joined by line breaks; none of them may hold one (compact
    JSON never does), else the block could not be split into its texts again."""
    sep = "\n" if texts and isinstance(texts[0], str) else b"\n"
    block = sep.join(texts)
    if block.count(sep) != len(texts) - 1:
        raise ValueError("diff: a change's JSON text holds a line break")
    return block


def register_strings(con: duckdb.DuckDBPyConnection, name: str, column: str, values: list[str]) -> None:
    """A one-column relation `name` of the given strings (dropped with drop_strings)."""
    if len(values) < _SMALL_BATCH:  # as the spool's list parameters: no pyarrow, so no pandas import
        con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS SELECT unnest(?::VARCHAR[]) AS "{column}"', [values])
    else:
        import pyarrow as pa
        con.register(name, pa.Table.from_arrays([pa.array(values, pa.string())], names=[column]))


def drop_strings(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.unregister(name)
    con.execute(f'DROP TABLE IF EXISTS temp.main."{name}"')


class ChangeSpool:
    def __init__(self, con: duckdb.DuckDBPyConnection, sort_key: Callable[[dict], tuple]):
        self.con = con
        self.sort_key = sort_key
        self.arrived = 0
        cols = ", ".join(f"{name} {t}" for name, t in _FIELDS)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _spool ({cols})")

    def add(self, changes: list[dict]) -> None:
        """Append change dicts (complete, context included)."""
        if not changes:
            return
        columns: list[list] = [[] for _ in _FIELDS]
        for c in changes:
            values = (*self.sort_key(c), self.arrived, c["table"], c["change"], encode_change(c))
            for column, v in zip(columns, values):
                column.append(v)
            self.arrived += 1
        if self.arrived <= _ARROW_AFTER:
            # A few thousand at a time, as two texts: the sort keys as one JSON array of rows
            # (orjson, one call) and the changes' texts joined by line breaks, both split again by
            # DuckDB (its two unnests pair up by place). As list parameters, every value would
            # become a DuckDB value one by one, which cost more than the rest of the insert; pyarrow
            # would import pandas on its first array (~1 s, more than a one-list diff takes).
            *keys, bodies = columns
            for at in range(0, len(changes), _SMALL_BATCH):
                self.con.execute(
                    f"INSERT INTO _spool SELECT {_FROM_JSON}, body FROM (SELECT unnest(from_json(?, '[\"JSON\"]')) AS k, "
                    f"unnest(string_split(?, chr(10))) AS body)",
                    [orjson.dumps(list(zip(*(c[at:at + _SMALL_BATCH] for c in keys)))).decode("utf-8"),
                     joined_lines(bodies[at:at + _SMALL_BATCH])])
            return
        import pyarrow as pa
        schema = _arrow_schema()
        batch = pa.Table.from_arrays([pa.array(col, f.type) for col, f in zip(columns, schema)], schema=schema)
        self.con.register("_spool_batch", batch)
        try:
            self.con.execute("INSERT INTO _spool SELECT * FROM _spool_batch")
        finally:
            self.con.unregister("_spool_batch")

    def add_query(self, select_sql: str) -> None:
        """Append the rows of a query giving every column but arrival, and `nth`: 1, 2, … n
        in the order they arrive (rows whose sort keys tie keep that order on every run). The
        query numbers its rows itself: a window here would carry every row's text along."""
        cols = ", ".join(c if c != "arrival" else f"{self.arrived} + nth - 1 AS arrival" for c in COLUMNS)
        (added,), = self.con.execute(f"INSERT INTO _spool SELECT {cols} FROM ({select_sql})").fetchall()
        self.arrived += added

    def counts(self) -> dict[tuple[str, str], int]:
        """{(table, change): rows}."""
        return {(t, c): n for t, c, n in self.con.execute("SELECT tbl, change, count(*) FROM _spool GROUP BY ALL").fetchall()}

    def texts(self) -> Iterator[str]:
        """Each change's JSON text, in report order."""
        result = self.con.execute(f"SELECT body FROM _spool ORDER BY {_ORDER}")
        while chunk := result.fetchmany(_READ_CHUNK):
            for (body,) in chunk:
                yield body

    def blocks(self) -> Iterator[bytes]:
        """The changes' JSON texts in report order, UTF-8, a chunk of them at a time joined by line
        breaks (json_format.write_json writes a block whole)."""
        # As UTF-8 bytes (encode: no escapes read, unlike a cast to BLOB): never decoded into
        # Python strings and encoded again, which cost more than the rest of writing the report.
        result = self.con.execute(f"SELECT encode(body) FROM _spool ORDER BY {_ORDER}")
        while chunk := result.fetchmany(_READ_CHUNK):
            yield joined_lines([body for (body,) in chunk])

    def changes(self) -> Iterator[dict]:
        for text in self.texts():
            yield orjson.loads(text)

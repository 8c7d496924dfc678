"""Compare two packages with DuckDB: match rows set-wise, yield change rows as plain dicts.

Both packages are attached read-only from their compiled .duckdb files. Each comparison is a
hash full outer join on the stable key; only rows that differ there go on to content alignment
(child rows matched by folded content within their item), and only the rows still unmatched
after that reach Python, which pairs them and describes the change. Python never walks a
whole table, and changes leave in batches (report.py spools them back into DuckDB).
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import duckdb

from ..compiled import ROW_HASHES
from ..laws.update import LABEL as UPDATE_LABEL
from .align import pair_rows
from .classify import (ADDED, COSMETIC, LABELS, MODIFIED, MOVED, REMOVED, RENAMED, classify_child_change,
                       field_difference)
from .describe import describe_row
from .normalize import fold_all_sql, number_style_sql
from .spec import CHILDREN, ITEM_NAME, PROVENANCE, ROLE_ORDER, ROLE_TITLES, ChildSpec, table_rank
from ..sqltext import ident as _q, literal
from .spool import drop_strings, register_strings
from .whole_rows import describe_sql, key_sql, place_sql, solo_sql, column_sql



def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _row(struct: dict | None) -> dict:
    return {k: _plain(v) for k, v in (struct or {}).items() if not k.startswith("_")}


class _Session:
    def __init__(self, con: duckdb.DuckDBPyConnection, spool, item_ids: list[str] | None, recorded_update=None,
                 reduced: frozenset[str] = frozenset()):
        self.con = con
        self.reduced = reduced  # tables holding only rows of pairs that differ, or of no pair (diff/load.py)
        self.spool = spool  # where the changes go (spool.ChangeSpool)
        self.recorded_update = recorded_update  # citation → correspondence it followed (依据更新), or None
        self.filtered = item_ids is not None
        self.dates: set[tuple[str, str, str]] = set()  # (db, table, column) of DATE type
        self.list_titles: dict[str, str] | None = None  # looked up with the first changes
        if self.filtered:
            register_strings(con, "_wanted", "item_id", list(item_ids))
        self.refresh()

    def refresh(self) -> None:
        """Look the attached tables' columns up again (tables that were still being read are there now)."""
        self.typed: dict[str, dict[str, list[tuple[str, str]]]] = {db: self._columns(db) for db in ("f", "t")}
        self.columns = {db: {t: [c for c, _ in cols] for t, cols in tables.items()} for db, tables in self.typed.items()}
        self.hashed = {db: self._hashed(db) for db in ("f", "t")}

    def _columns(self, db: str) -> dict[str, list[tuple[str, str]]]:
        rows = self.con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = ? "
            "AND schema_name = 'main' ORDER BY table_name, column_index", [db]).fetchall()
        cols: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for table, column, data_type in rows:
            cols[table].append((column, data_type))
            if data_type == "DATE":
                self.dates.add((db, table, column))
        return cols

    def _hashed(self, db: str) -> set[str]:
        """Tables whose compiled form carries stored row hashes (compiled.add_row_hashes)."""
        return {r[0] for r in self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = ?",
            [db, ROW_HASHES]).fetchall()}

    def stored_hashes(self, table: str) -> bool:
        """Whether both sides' stored row hashes can stand for comparing their rows: same columns,
        same types, whole tables (a filtered side would no longer line up with its hashes)."""
        return (not self.filtered and table in self.hashed["f"] and table in self.hashed["t"]
                and self.typed["f"][table] == self.typed["t"][table])

    def keyed_hashes(self, db: str, table: str, keys: dict[str, str], exprs: list[str]) -> str:
        """A relation of the table's rows as rid (rowid), `keys` (alias → SQL over x) and h, a hash
        standing for the rest of the row: stored when stored_hashes(table), else computed from exprs."""
        cols = ", ".join(["x.rowid AS rid"] + [f"{sql} AS {alias}" for alias, sql in keys.items()])
        if self.stored_hashes(table):
            return (f"(SELECT {cols}, hh.h FROM {db}.main.{_q(table)} x "
                    f"POSITIONAL JOIN {db}.{_q(ROW_HASHES)}.{_q(table)} hh)")
        where = ""
        if self.filtered and "item_id" in self.columns[db][table]:
            where = " WHERE x.item_id IN (SELECT item_id FROM _wanted)"
        return f"(SELECT {cols}, {_hash('x', exprs)} AS h FROM {db}.main.{_q(table)} x{where})"

    def row_sql(self, alias: str, db: str, table: str) -> str:
        """The side's row as one struct of its own columns, dates already as ISO text: what
        _row would make of it, built by DuckDB instead of per value in Python."""
        fields = []
        for c in self.columns[db][table]:
            value = f"{alias}.{_q(c)}"
            if (db, table, c) in self.dates:
                value = f"CAST({value} AS VARCHAR)"
            fields.append(f"{_q(c)} := {value}")
        return f"struct_pack({', '.join(fields)})"

    def common_columns(self, table: str) -> list[str]:
        theirs = set(self.columns["f"][table])
        return [c for c in self.columns["t"][table] if c in theirs]

    def src(self, db: str, table: str) -> str:
        rel = f"{db}.main.{_q(table)}"
        if self.filtered and "item_id" in self.columns[db][table]:
            return f"(SELECT * FROM {rel} WHERE item_id IN (SELECT item_id FROM _wanted))"
        return rel


def _hash(alias: str, exprs: list[str]) -> str:
    if not exprs:
        return "0"
    return "hash(" + ", ".join(e.format(a=alias) for e in exprs) + ")"


def _change(table, change, *, item_id=None, key=None, field=None, old=None, new=None, label=None, **extra) -> dict:
    return {"table": table, "change": change, "label": label or LABELS[change], "list_id": None,
            "item_id": item_id, "item_name": None, "key": key or {}, "field": field, "old": old, "new": new, **extra}


# ---- items -----------------------------------------------------------------------------

def _diff_items(s: _Session) -> list[dict]:
    cols = [c for c in s.common_columns("items") if c != "item_id"]
    exprs = [f"{{a}}.{_q(c)}" for c in cols]
    differ = {db: s.keyed_hashes(db, "items", {"item_id": "x.item_id"}, exprs) for db in ("f", "t")}
    rows = s.con.execute(
        f"SELECT {s.row_sql('o', 'f', 'items')}, {s.row_sql('n', 't', 'items')} "
        f"FROM (SELECT od.rid AS orid, nd.rid AS nrid FROM {differ['f']} od FULL JOIN {differ['t']} nd "
        f"      ON od.item_id = nd.item_id WHERE od.h IS DISTINCT FROM nd.h) d "
        f"LEFT JOIN f.main.items o ON o.rowid = d.orid LEFT JOIN t.main.items n ON n.rowid = d.nrid").fetchall()
    changes = []
    for o, n in rows:
        if not o.get("item_id"):
            changes.append(_change("items", ADDED, item_id=n["item_id"], key={"item_id": n["item_id"]},
                                   new=describe_row("items", n), row=n))
            continue
        if not n.get("item_id"):
            changes.append(_change("items", REMOVED, item_id=o["item_id"], key={"item_id": o["item_id"]},
                                   old=describe_row("items", o), row=o))
            continue
        changes.extend(_item_fields(o, n, cols))
    return changes


def _item_fields(o: dict, n: dict, cols: list[str]) -> list[dict]:
    key = {"item_id": n["item_id"]}
    out = []
    renamed = field_difference("content", o.get(ITEM_NAME), n.get(ITEM_NAME))
    renumbered = "seq" in cols and o.get("seq") != n.get("seq")
    if renamed == MODIFIED:
        # One row for a renamed item, carrying the renumbering too when both happened.
        out.append(_change("items", RENAMED, item_id=n["item_id"], key=key, field=ITEM_NAME,
                           old=o[ITEM_NAME], new=n[ITEM_NAME], renumbered=renumbered))
    elif renumbered:
        out.append(_change("items", MOVED, item_id=n["item_id"], key=key, field="seq", old=o["seq"], new=n["seq"]))
    if renamed == COSMETIC:
        out.append(_change("items", COSMETIC, item_id=n["item_id"], key=key, field=ITEM_NAME,
                           old=o[ITEM_NAME], new=n[ITEM_NAME]))
    for c in cols:
        if c in ("seq", ITEM_NAME):
            continue
        kind = field_difference("content", o.get(c), n.get(c))
        if kind:
            out.append(_change("items", kind, item_id=n["item_id"], key=key, field=c, old=o.get(c), new=n.get(c)))
    return out


# ---- child rows (steps, accountability, exemptions, bases) ------------------------------

def _diff_children(s: _Session, spec: ChildSpec) -> list[dict]:
    """The changes of the child rows that Python describes; those of rows added or removed
    whole go straight from DuckDB to the spool."""
    cols = s.common_columns(spec.table)
    if "item_id" not in cols or spec.number not in cols or (spec.part and spec.part not in cols):
        return []
    part = _q(spec.part) if spec.part else "NULL"
    num = _q(spec.number)
    others = [c for c in cols if c not in ("item_id", spec.number, spec.part)]
    content, labels, layout = spec.split([c for c in others])
    con = s.con
    t = spec.table

    # 1. Same key, same row: untouched (the bulk of the data) and dropped here — unless the
    # tables hold only rows of differing pairs already (diff/load.py kept no other), where this
    # step would keep every row.
    reduced = t in s.reduced
    if not reduced:
        raw = [f"{{a}}.{_q(c)}" for c in others]
        keys = {"item_id": "x.item_id", "part": f"x.{part}" if spec.part else "NULL", "num": f"x.{num}"}
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _dk AS
            SELECT o.rid AS orid, n.rid AS nrid
            FROM {s.keyed_hashes('f', t, keys, raw)} o FULL JOIN {s.keyed_hashes('t', t, keys, raw)} n
              ON o.item_id = n.item_id AND o.num = n.num {'AND o.part = n.part' if spec.part else ''}
            WHERE o.h IS DISTINCT FROM n.h""")

    # 2. The rest are aligned by folded content within (item, part); duplicates pair in order:
    # by number, then by place in the table (_rid), so rows repeating a key (a package breaking
    # its key) pair the same way on every run and on every path that loads the rows in file order.
    # A row whose item has no such rows on the other side can match nothing: its text is not
    # folded (most rows here are those of items added or removed whole).
    folded = fold_all_sql([f"x.{_q(c)}" for c in content]) if content else None

    def kept(db: str, rid: str, alias: str) -> str:
        # By rowid: the scan skips the untouched rows before reading their text.
        return f"{db}.main.{_q(t)} {alias}" + ("" if reduced else f" SEMI JOIN _dk ON {alias}.rowid = _dk.{rid}")

    for side, db, rid, other, orid in (("_do", "f", "orid", "t", "nrid"), ("_dn", "t", "nrid", "f", "orid")):
        nh = (f"CASE WHEN x.item_id IN (SELECT y.item_id FROM {kept(other, orid, 'y')}) THEN hash({folded}) ELSE 0 END"
              if folded else "0")
        # Only what pairs the rows (the window would carry whole rows along); step 3 joins the
        # rows back by rowid.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {side} AS
            SELECT *, row_number() OVER (PARTITION BY item_id, {part}, _nh ORDER BY {num}, _rid) AS _occ FROM (
              SELECT x.item_id, {f'x.{part}' if spec.part else 'NULL'} AS {part if spec.part else '_part'}, x.{num},
                     x.rowid AS _rid, {nh} AS _nh FROM {kept(db, rid, 'x')})""")

    # 3. Matched rows that still differ (style, layout) and unmatched rows. An (item, part) whose
    # unmatched rows are all on one side (an added or removed item's rows, mostly) needs no
    # pairing: those rows are added or removed whole, and DuckDB builds their entries.
    shown = ([f"{{a}}.{_q(c)}" for c in content] + [number_style_sql(f"{{a}}.{_q(c)}") for c in labels]
             + [f"{{a}}.{_q(c)}" for c in layout])
    only_o = "o.item_id IS NOT NULL AND n.item_id IS NULL"
    only_n = "o.item_id IS NULL AND n.item_id IS NOT NULL"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _dr AS
        WITH j AS (SELECT {s.row_sql('o', 'f', t)} AS o, {s.row_sql('n', 't', t)} AS n,
                     o.item_id AS oi, n.item_id AS ni, ko._rid AS orid, kn._rid AS nrid,
                     coalesce(o.item_id, n.item_id) AS gi,
                     {f'coalesce(o.{part}, n.{part})' if spec.part else 'NULL'} AS gp,
                     CASE WHEN {only_o} THEN {describe_sql(s, 'o', 'f', t)} END AS od,
                     CASE WHEN {only_n} THEN {describe_sql(s, 'n', 't', t)} END AS nd,
                     CASE WHEN {only_o} THEN {place_sql(s, spec, 'o', 'f')} END AS opl,
                     CASE WHEN {only_n} THEN {place_sql(s, spec, 'n', 't')} END AS npl,
                     CASE WHEN {only_o} THEN {key_sql(spec, 'o')} END AS okey,
                     CASE WHEN {only_n} THEN {key_sql(spec, 'n')} END AS nkey,
                     {column_sql(s, 'o', 'f', t, 'basis_id')} AS obid, {column_sql(s, 'n', 't', t, 'basis_id')} AS nbid
              FROM _do ko FULL JOIN _dn kn
                ON ko.item_id = kn.item_id AND ko._nh = kn._nh AND ko._occ = kn._occ {f'AND ko.{part} = kn.{part}' if spec.part else ''}
              LEFT JOIN f.main.{_q(t)} o ON o.rowid = ko._rid LEFT JOIN t.main.{_q(t)} n ON n.rowid = kn._rid
              WHERE o.item_id IS NULL OR n.item_id IS NULL OR {_hash('o', shown)} <> {_hash('n', shown)}),
        -- per (item, part): whether it has rows only on the old side, only on the new side (grouped
        -- apart from the wide rows: a window over them would carry every row's texts along)
        g AS (SELECT gi, gp, bool_or(ni IS NULL) AS o_only, bool_or(oi IS NULL) AS n_only FROM j GROUP BY gi, gp)
        SELECT o, n, oi, ni, orid, nrid, (oi IS NULL OR ni IS NULL) AND (NOT g.o_only OR NOT g.n_only) AS solo,
               od, nd, opl, npl, okey, nkey, obid, nbid
        FROM j JOIN g ON j.gi IS NOT DISTINCT FROM g.gi AND j.gp IS NOT DISTINCT FROM g.gp""")
    for tmp in ("_dk", "_do", "_dn"):
        con.execute(f"DROP TABLE IF EXISTS {tmp}")
    # Rows added or removed whole are the bulk of a large diff: DuckDB builds and encodes them.
    s.spool.add_query(solo_sql(s, spec))
    # In table order, so that leftovers sharing a number keep their places (sorted stably below).
    rows = con.execute("SELECT o, n FROM _dr WHERE NOT solo ORDER BY orid NULLS LAST, nrid").fetchall()
    con.execute("DROP TABLE IF EXISTS _dr")

    kinds = {**{c: "content" for c in content}, **{c: "label" for c in labels}, **{c: "layout" for c in layout}}
    prefetch = getattr(s.recorded_update, "prefetch", None)
    if prefetch is not None and t == "bases":
        prefetch("f", {o["item_id"] for o, _ in rows if o})
        prefetch("t", {n["item_id"] for _, n in rows if n})
    changes: list[dict] = []
    leftovers: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))
    for o, n in rows:
        if o.get("item_id") and n.get("item_id"):
            changes.extend(_pair_fields(spec, o, n, kinds, s.recorded_update))
        elif o.get("item_id"):
            leftovers[(o["item_id"], o.get(spec.part) if spec.part else None)][0].append(o)
        else:
            leftovers[(n["item_id"], n.get(spec.part) if spec.part else None)][1].append(n)
    for (_, _), (olds, news) in leftovers.items():
        olds.sort(key=lambda r: r[spec.number])
        news.sort(key=lambda r: r[spec.number])
        for o, n in pair_rows(olds, news, lambda r: describe_row(t, r)):
            if o and n:
                changes.extend(_pair_fields(spec, o, n, kinds, s.recorded_update))
            elif o:
                changes.append(_child_change(spec, REMOVED, o, None, old=describe_row(t, o)))
            else:
                changes.append(_child_change(spec, ADDED, None, n, new=describe_row(t, n)))
    return changes



def _child_key(spec: ChildSpec, row: dict) -> dict:
    key = {spec.part: row[spec.part]} if spec.part else {}
    key[spec.number] = row[spec.number]
    return key


def _place(spec: ChildSpec, row: dict) -> str:
    if spec.table == "bases":
        return f"{ROLE_TITLES.get(row.get('role'), row.get('role'))}{row.get('ref') or row.get('seq')}"
    return f"{spec.title}{row[spec.number]}"


def _child_change(spec: ChildSpec, change: str, o: dict | None, n: dict | None, **kw) -> dict:
    row = n or o
    extra = {"place": _place(spec, row)}
    if o and n:
        extra["old_key"] = _child_key(spec, o)
        extra["old_place"] = _place(spec, o)
    else:
        extra["row"] = row
    if spec.table == "bases":
        extra["basis_id"] = row.get("basis_id")
    return _change(spec.table, change, item_id=row["item_id"], key=_child_key(spec, row), **extra, **kw)


def _pair_fields(spec: ChildSpec, o: dict, n: dict, kinds: dict[str, str], recorded_update=None) -> list[dict]:
    out = []
    pair_kind = None
    for c, kind in kinds.items():
        diff = field_difference(kind, o.get(c), n.get(c))
        if diff is None:
            continue
        extra = {}
        if diff == MODIFIED:
            pair_kind = pair_kind or classify_child_change(spec.table, o, n, recorded_update)
            change, label = pair_kind
            if label == UPDATE_LABEL and recorded_update is not None:
                extra["correspondence"] = recorded_update(o, n)
        else:
            change, label = COSMETIC, LABELS[COSMETIC]
        out.append(_child_change(spec, change, o, n, field=c, old=o.get(c), new=n.get(c), label=label,
                                 old_text=describe_row(spec.table, o), new_text=describe_row(spec.table, n), **extra))
    return out


# ---- other keyed tables (lists, counties, later reference tables) -----------------------

def _diff_keyed(s: _Session, table: str, key: list[str]) -> list[dict]:
    cols = s.common_columns(table)
    if not key or not set(key) <= set(cols):
        return []
    others = [c for c in cols if c not in key and c not in PROVENANCE.get(table, ())]
    exprs = [f"{{a}}.{_q(c)}" for c in others]
    on = " AND ".join(f"o.{_q(k)} = n.{_q(k)}" for k in key)
    null_o = " AND ".join(f"o.{_q(k)} IS NULL" for k in key)
    null_n = " AND ".join(f"n.{_q(k)} IS NULL" for k in key)
    rows = s.con.execute(
        f"SELECT o, n FROM {s.src('f', table)} o FULL JOIN {s.src('t', table)} n ON {on} "
        f"WHERE ({null_o}) OR ({null_n}) OR {_hash('o', exprs)} <> {_hash('n', exprs)}").fetchall()
    changes = []
    for o, n in rows:
        o, n = _row(o), _row(n)
        present_o = any(o.get(k) is not None for k in key)
        present_n = any(n.get(k) is not None for k in key)
        row = n if present_n else o
        k = {c: row[c] for c in key}
        lid = row.get("list_id")
        if not present_o:
            changes.append(_change(table, ADDED, key=k, new=describe_row(table, n), row=n, list_id_hint=lid))
        elif not present_n:
            changes.append(_change(table, REMOVED, key=k, old=describe_row(table, o), row=o, list_id_hint=lid))
        else:
            for c in others:
                kind = field_difference("content", o.get(c), n.get(c))
                if kind:
                    changes.append(_change(table, kind, key=k, field=c, old=o.get(c), new=n.get(c), list_id_hint=lid))
    return changes


# ---- context, order, summary -----------------------------------------------------------

def _item_context(s: _Session, ids: set[str]) -> dict[str, dict[str, dict]]:
    """{db: {item_id: {list_id, seq, name}}} for the items the changes touch."""
    out: dict[str, dict[str, dict]] = {"f": {}, "t": {}}
    if not ids:
        return out
    register_strings(s.con, "_ctx", "item_id", sorted(ids))
    for db in ("f", "t"):
        if "items" not in s.columns[db]:
            continue
        for item_id, list_id, seq, name in s.con.execute(
                f"SELECT item_id, list_id, seq, name FROM {db}.main.items SEMI JOIN _ctx USING (item_id)").fetchall():
            out[db][item_id] = {"list_id": list_id, "seq": seq, "name": name}
    drop_strings(s.con, "_ctx")
    return out


def _list_titles(s: _Session) -> dict[str, str]:
    titles: dict[str, str] = {}
    for db in ("f", "t"):  # the newer title wins
        if "title" in s.columns[db].get("lists", []):
            titles.update(dict(s.con.execute(f"SELECT list_id, title FROM {db}.main.lists").fetchall()))
    return titles


def _add_context(s: _Session, changes: list[dict]) -> None:
    ctx = _item_context(s, {c["item_id"] for c in changes if c["item_id"]})
    if s.list_titles is None:
        s.list_titles = _list_titles(s)
    for c in changes:
        hint = c.pop("list_id_hint", None)
        if c["item_id"]:
            old, new = ctx["f"].get(c["item_id"]), ctx["t"].get(c["item_id"])
            cur = new or old or {}
            c["list_id"] = cur.get("list_id")
            c["item_name"] = cur.get("name")
            c["seq"] = cur.get("seq")
            c["old_seq"] = old and old["seq"]
            c["new_seq"] = new and new["seq"]
            if c["table"] == "items" and c["change"] == RENAMED:
                c["old_name"], c["new_name"] = c["old"], c["new"]
        else:
            c["list_id"] = hint
        c["list_title"] = s.list_titles.get(c["list_id"]) if c["list_id"] else None


def sort_key(c: dict) -> tuple:
    """The report order: by list, item position, table, step/case number, field."""
    key = c["key"]
    part = ROLE_ORDER.get(key.get("role"), 9) if "role" in key else 0
    number = 0
    for k, v in key.items():  # the first number of the key that is not the part
        if k != "role" and isinstance(v, int):
            number = v
            break
    return (c["list_id"] is not None, c["list_id"] or "", c.get("seq") or 0, c["item_id"] or "",
            table_rank(c["table"]), part, number, str(key), c["field"] or "")


def summary_from_counts(counts: dict[tuple[str, str], int], tables: list[str]) -> dict:
    """The summary of docs/diff-json.md from {(table, change): rows}: renamed and moved also count as modified."""
    def empty() -> dict:
        return {"added": 0, "removed": 0, "modified": 0, "renamed": 0, "moved": 0, "cosmetic": 0}

    summary = {t: empty() for t in tables}
    for (table, kind), n in counts.items():
        row = summary.setdefault(table, empty())
        if kind in (RENAMED, MOVED):
            row["modified"] += n
        row[kind] += n
    return summary


def attach(con: duckdb.DuckDBPyConnection, alias: str, path: Path) -> None:
    con.execute(f"ATTACH {literal(path)} AS {_q(alias)} (READ_ONLY)")


def plan_tables(con: duckdb.DuckDBPyConnection, keys: dict[str, list[str]],
                item_ids: list[str] | None = None, names: dict[str, set[str]] | None = None) -> tuple[list[str], list[str]]:
    """(tables to compare, in report order; tables in only one package) for databases attached as
    f and t, or as they will be once `names` ({db: its tables}) are all read."""
    if names is None:
        names = {db: {r[0] for r in con.execute(
            "SELECT DISTINCT table_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main'",
            [db]).fetchall()} for db in ("f", "t")}
    in_both = names["f"] & names["t"]
    compared = [t for t in in_both
                if t == "items" or t in CHILDREN or (item_ids is None and keys.get(t))]
    compared.sort(key=lambda t: (table_rank(t), t))
    return compared, sorted(names["f"] ^ names["t"])


def compare_attached(con: duckdb.DuckDBPyConnection, tables: list[str], keys: dict[str, list[str]],
                     titles: dict[str, dict], spool, item_ids: list[str] | None = None,
                     recorded_update=None, progress=None, ready=None, reduced: frozenset[str] = frozenset()) -> None:
    """Put every change between databases attached as f and t into the spool (spool.ChangeSpool).
    progress(table, tables done), when given, is called before each table and at the end.
    ready(table), when given, is entered before each table and returns once both databases hold
    it (they are still being read: diff/load.Loading), as a context the table is compared in.
    reduced: the child tables that hold only rows of pairs whose rows differ, or of no pair
    (diff/load.Plan.reduced)."""
    s = _Session(con, spool, item_ids, recorded_update, reduced)
    # The child tables last: while they are still being read, the tables read whole are compared,
    # so the comparison left after the reading is theirs alone. The report's order does not
    # depend on this one: changes of different tables never tie in it (sort_key's table rank;
    # the other tables keep their order among themselves).
    tables = [t for t in tables if t not in CHILDREN] + [t for t in tables if t in CHILDREN]
    for done, table in enumerate(tables):
        if progress:
            progress(table, done)
        with ready(table) if ready else contextlib.nullcontext():
            if ready:
                s.refresh()
            if table == "items":
                batch = _diff_items(s)
            elif table in CHILDREN:
                batch = _diff_children(s, CHILDREN[table])
            else:
                batch = _diff_keyed(s, table, keys[table])
            _add_context(s, batch)
            for c in batch:
                c["field_title"] = (titles.get(c["table"], {}).get(c["field"]) or c["field"]) if c["field"] else None
            spool.add(batch)
    if progress:
        progress("done", len(tables))


def provenance_changes(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Lists in both versions whose source document or its SHA-256 differ, for databases attached
    as f and t: [{list_id, from: {file, sha256}, to: {file, sha256}}] by list_id."""
    cols = PROVENANCE["lists"]
    have = {db: {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' "
        "AND table_name = 'lists'", [db]).fetchall()} for db in ("f", "t")}
    if not all({"list_id", *cols} <= have[db] for db in ("f", "t")):
        return []
    pick = ", ".join(f"o.{_q(c)}, n.{_q(c)}" for c in cols)
    differ = " OR ".join(f"o.{_q(c)} IS DISTINCT FROM n.{_q(c)}" for c in cols)
    rows = con.execute(f"SELECT list_id, {pick} FROM f.main.lists o JOIN t.main.lists n USING (list_id) "
                       f"WHERE {differ} ORDER BY list_id").fetchall()
    return [{"list_id": lid, "from": {"file": of, "sha256": oh}, "to": {"file": nf, "sha256": nh}}
            for lid, of, nf, oh, nh in rows]

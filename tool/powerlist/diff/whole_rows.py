"""SQL that describes child rows added or removed whole, the bulk of a large diff.

What engine._child_change and engine._add_context make of such a row in Python — readable
text, place, key, item and list context — built by DuckDB, and the finished entry encoded as
JSON by to_json, so these rows never become Python objects. `s` is the engine's session
(columns of each side, attached as f and t).
"""

from __future__ import annotations

from .classify import ADDED, LABELS, REMOVED
from .spec import ROLE_ORDER, ROLE_TITLES, ChildSpec, table_rank
from ..sqltext import ident as _q, literal


def column_sql(s, alias: str, db: str, table: str, column: str) -> str:
    """The column, or NULL when this side's table lacks it (as row.get would give None)."""
    return f"{alias}.{_q(column)}" if column in s.columns[db][table] else "NULL"


def describe_sql(s, alias: str, db: str, table: str) -> str:
    """describe_row(table, row) for the child tables, in SQL (same text)."""
    def c(name: str) -> str:
        return column_sql(s, alias, db, table, name)

    def text(name: str) -> str:
        return f"coalesce({c(name)}, '')"

    def paren(name: str) -> str:
        return f"CASE WHEN {text(name)} <> '' THEN '（' || {c(name)} || '）' ELSE '' END"

    if table == "steps":
        return (f"(CASE WHEN {text('name')} <> '' THEN {c('name')} || '：' || {text('text')} ELSE {text('text')} END"
                f" || {paren('responsible')})")
    if table == "accountability":
        return f"({text('text')} || {paren('responsible')})"
    if table == "exemptions":
        return text("text")
    if table == "bases":
        where = " || ".join(text(k) for k in ("chapter", "article", "paragraph"))
        return (f"('【' || {text('law_type')} || '】《' || {text('law_title')} || '》' || {paren('law_doc')}"
                f" || {where} || CASE WHEN {text('text')} <> '' THEN '：' ELSE '' END || {text('text')})")
    raise ValueError(table)


def place_sql(s, spec: ChildSpec, alias: str, db: str) -> str:
    """_place(spec, row) in SQL."""
    if spec.table == "bases":
        roles = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in ROLE_TITLES.items())
        role = column_sql(s, alias, db, "bases", "role")
        ref = column_sql(s, alias, db, "bases", "ref")
        return (f"(coalesce(CASE {role} {roles} ELSE {role} END, 'None') || "
                f"coalesce(CASE WHEN coalesce({ref}, '') <> '' THEN {ref} END, "
                f"CAST({column_sql(s, alias, db, 'bases', 'seq')} AS VARCHAR), 'None'))")
    return f"({literal(spec.title)} || CAST({alias}.{_q(spec.number)} AS VARCHAR))"


def key_sql(spec: ChildSpec, alias: str) -> str:
    """_child_key(spec, row) as a struct (part first, as the dict is built)."""
    parts = [f"{_q(spec.part)} := {alias}.{_q(spec.part)}"] if spec.part else []
    parts.append(f"{_q(spec.number)} := {alias}.{_q(spec.number)}")
    return f"struct_pack({', '.join(parts)})"


def _context_sql(s, db: str, alias: str, on: str) -> str:
    """LEFT JOIN of the side's items (or of nothing, if it has none) as alias."""
    if "items" in s.columns[db]:
        return f"LEFT JOIN {db}.main.items {alias} ON {alias}.item_id = {on}"
    return (f"LEFT JOIN (SELECT NULL::VARCHAR AS item_id, NULL::VARCHAR AS list_id, NULL::BIGINT AS seq, "
            f"NULL::VARCHAR AS name WHERE false) {alias} ON {alias}.item_id = {on}")


def _title_sql(s, db: str, alias: str, on: str) -> str:
    if "title" in s.columns[db].get("lists", []):
        return f"LEFT JOIN {db}.main.lists {alias} ON {alias}.list_id = {on}"
    return (f"LEFT JOIN (SELECT NULL::VARCHAR AS list_id, NULL::VARCHAR AS title WHERE false) {alias} "
            f"ON {alias}.list_id = {on}")


QUOTE = literal("'")


def solo_sql(s, spec: ChildSpec) -> str:
    """The spool rows (spool.COLUMNS but arrival, plus `nth`: their arrival, numbered by their
    places in the tables, orid then nrid) of the child rows in _dr added or removed whole: the
    entries _child_change and _add_context would make, encoded by DuckDB (to_json)."""
    t = spec.table
    rank = table_rank(t)
    if spec.part:
        roles = " ".join(f"WHEN {literal(k)} THEN {v}" for k, v in ROLE_ORDER.items())
        part_rank = f"CASE key.{_q(spec.part)} {roles} ELSE 9 END"
        # str(key) as Python prints the dict: only a tie-break, exact for quote-free part values.
        key_text = (f"'{{''{spec.part}'': ' || CASE WHEN key.{_q(spec.part)} IS NULL THEN 'None' "
                    f"ELSE {QUOTE} || key.{_q(spec.part)} || {QUOTE} END || ', ''{spec.number}'': ' || "
                    f"coalesce(CAST(key.{_q(spec.number)} AS VARCHAR), 'None') || '}}'")
    else:
        part_rank = "0"
        key_text = f"'{{''{spec.number}'': ' || coalesce(CAST(key.{_q(spec.number)} AS VARCHAR), 'None') || '}}'"
    basis = "basis_id := bid, " if t == "bases" else ""
    return f"""
        SELECT c.list_id IS NOT NULL AS has_list, coalesce(c.list_id, '') AS list_id, coalesce(c.seq, 0) AS seq,
               c.place_no AS nth, c.item_id AS item_id, {rank} AS table_rank, {part_rank} AS part,
               coalesce(key.{_q(spec.number)}, 0) AS number, {key_text} AS key_text, '' AS field,
               {literal(t)} AS tbl, change,
               to_json(struct_pack("table" := {literal(t)}, change := change,
                   label := CASE change WHEN {literal(REMOVED)} THEN {literal(LABELS[REMOVED])}
                            ELSE {literal(LABELS[ADDED])} END,
                   list_id := c.list_id, item_id := c.item_id, item_name := item_name, "key" := key,
                   field := NULL, old := CASE change WHEN {literal(REMOVED)} THEN text END,
                   new := CASE change WHEN {literal(ADDED)} THEN text END, place := place, "row" := "row",
                   {basis}seq := c.seq, old_seq := old_seq, new_seq := new_seq,
                   list_title := CASE WHEN tl.list_id IS NOT NULL THEN tl.title ELSE fl.title END,
                   field_title := NULL)) AS body
        FROM (
          SELECT d.*, r.place_no, CASE WHEN ti.item_id IS NOT NULL THEN ti.list_id ELSE fi.list_id END AS list_id,
                 CASE WHEN ti.item_id IS NOT NULL THEN ti.name ELSE fi.name END AS item_name,
                 CASE WHEN ti.item_id IS NOT NULL THEN ti.seq ELSE fi.seq END AS seq,
                 fi.seq AS old_seq, ti.seq AS new_seq
          FROM (SELECT CASE WHEN ni IS NULL THEN {literal(REMOVED)} ELSE {literal(ADDED)} END AS change,
                       coalesce(oi, ni) AS item_id, coalesce(okey, nkey) AS key, coalesce(od, nd) AS text,
                       coalesce(opl, npl) AS place, CASE WHEN ni IS NULL THEN o ELSE n END AS "row",
                       CASE WHEN ni IS NULL THEN obid ELSE nbid END AS bid, orid, nrid
                FROM _dr WHERE solo) d
          -- numbered apart from the rows (a window over them would carry their texts along); a
          -- row added or removed whole has its place on one side only, unique there
          JOIN (SELECT orid, nrid, row_number() OVER (ORDER BY orid NULLS LAST, nrid) AS place_no FROM _dr WHERE solo) r
            ON r.orid IS NOT DISTINCT FROM d.orid AND r.nrid IS NOT DISTINCT FROM d.nrid
          {_context_sql(s, 'f', 'fi', 'd.item_id')} {_context_sql(s, 't', 'ti', 'd.item_id')}
        ) c
        {_title_sql(s, 'f', 'fl', 'c.list_id')} {_title_sql(s, 't', 'tl', 'c.list_id')}"""

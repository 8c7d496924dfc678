"""Each new item's rendered pieces made by DuckDB SQL over the release's tables, many lists at a
time, so the list pass (publish.list_pass) only places bytes: its sheet row (a template with
xlsx.ROW for its number), its list page table row, its nested JSON object, its history texts
(its page's cells and citations, its search text) and the digests of its MERGE_DOWN cells.

Every expression here is the SQL twin of one Python renderer, and gives the same text for the
same values (tests/publish/test_item_sql.py compares them on awkward SYNTHETIC values):
render.ListView.row_cells (with render_citations, steps_cell, cases_cell, exemptions_cell),
render_office.DataRowShape.row with xlsx.row_template, site.pages.ListTableRow and
html.paragraphs / esc, nested_json.item_object through orjson, Site.item_history's texts
(citation_rows, search_text). The Python renderers stay the reference, and are used for what
this does not cover: lists with extra columns (items.extra), a release with a field type the
JSON here does not spell as orjson does, and any list holding a character XML cannot hold
(ListPass renders those in Python, which raises the error it always raised).

A batch of lists is rendered at once (BATCH_ITEMS items): its children are aggregated per item
(a string_agg or list per item does not spill, so the batch bounds what DuckDB holds), from
copies of the wanted items' rows stored by batch (each batch's query reads few row groups).
"""

from __future__ import annotations

import hashlib
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Iterator

import pyarrow as pa

from ..document.layout import CATALOG, JURISDICTION
from ..render import CHILD_ORDER
from ..render_office import BODY, CENTERED, EXTRA_WIDTH, MERGE_DOWN, WIDTHS
from ..sqltext import ident, literal
from .nested_json import CHILDREN
from .site.pages import ROLE, item_url
from .xlsx import ROW, STYLE_ID, column_letter

BATCH_ITEMS = 2_500  # items rendered by one query
AHEAD = 1            # batches rendered at once
# The field types whose JSON to_json writes as orjson does (numbers are not: 1e20, 1.0).
JSON_TYPES = {"string", "integer", "boolean", "list", "date", "object"}
# Characters XML 1.0 cannot hold (xlsx.ILLEGAL, as RE2 spells it).
XML_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{FFFE}\x{FFFF}]"
# What Python's str.strip() removes (str.isspace): html.paragraphs drops paragraphs of only these.
PY_SPACE = (r"[\t\n\x0b\x0c\r\x1c-\x20\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}"
            r"\x{205F}\x{3000}]")
NL = "chr(10)"
EMPTY = "''"


def digest(text: str | None) -> str | None:
    """A MERGE_DOWN cell's identity for merging equal neighbours (md5 as SQL's md5 gives it)."""
    return hashlib.md5(text.encode("utf-8")).hexdigest() if text else None


def supported(rel) -> bool:
    """Whether this release's item tables are all spelled here exactly."""
    if "items" not in rel.schemas:
        return False
    for t in ("items", *CHILD_ORDER):
        if t in rel.schemas and any(f["type"] not in JSON_TYPES for f in rel.schemas[t].fields):
            return False
    return not any(f["name"] in CHILDREN for f in rel.schemas["items"].fields)


# ---- the escapers -----------------------------------------------------------------------

def esc_sql(x: str) -> str:
    """html.escape(value, quote=True) of a text that is not NULL."""
    return (f"CASE WHEN regexp_matches({x}, '[&<>\"'']') THEN replace(replace(replace(replace(replace({x}, '&', '&amp;'), "
            f"'<', '&lt;'), '>', '&gt;'), '\"', '&quot;'), '''', '&#x27;') ELSE {x} END")


def paragraphs_sql(x: str) -> str:
    """html.paragraphs: the escaped text's lines that are not blank, each as <p>; '' for NULL.
    Every line wrapped, then the blank ones' <p></p> taken out: no line holds a < once escaped,
    so each <p>…</p> the pattern finds is one line."""
    wrapped = f"concat('<p>', replace({esc_sql(f'coalesce({x}, {EMPTY})')}, {NL}, '</p><p>'), '</p>')"
    return f"regexp_replace({wrapped}, {literal('<p>' + PY_SPACE + '*</p>')}, '', 'g')"


def xml_text_sql(x: str) -> str:
    """xlsx.cell_xml's escaping of a text (&, <, >)."""
    return (f"CASE WHEN regexp_matches({x}, '[&<>]') THEN "
            f"replace(replace(replace({x}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;') ELSE {x} END")


def json_sql(rel, table: str, alias: str) -> str:
    """orjson.dumps of a row (as ReleaseData.columns reads it: dates as ISO text), as text."""
    fields = ", ".join(f"{ident(f['name'])} := " + (f"CAST({alias}.{ident(f['name'])} AS VARCHAR)" if f["type"] == "date"
                                                     else f"{alias}.{ident(f['name'])}")
                       for f in rel.schemas[table].fields)
    return f"CAST(to_json(struct_pack({fields})) AS VARCHAR)"


# ---- the cells (render.ListView.row_cells) ------------------------------------------------

def _col(rel, table: str, alias: str, name: str) -> str:
    return f"{alias}.{ident(name)}" if any(f["name"] == name for f in rel.schemas[table].fields) else "CAST(NULL AS VARCHAR)"


def _truthy(x: str) -> str:
    return f"coalesce({x}, '') <> ''"


def _joined_responsible(rel, t: str) -> str:
    """cells.join_responsible(text, responsible, placement) of a child row (alias c)."""
    text, resp, place = (_col(rel, t, "c", n) for n in ("text", "responsible", "responsible_placement"))
    return (f"CASE WHEN NOT {_truthy(resp)} THEN coalesce({text}, 'None') "
            f"WHEN {place} = 'before_period' AND ends_with({text}, '。') THEN concat(regexp_replace({text}, '。$', ''), '（', {resp}, '）。') "
            f"ELSE concat({text}, '（', {resp}, '）') END")


def _piece_sql(rel, t: str) -> str:
    """A child row's piece of its cell (steps_cell, cases_cell, exemptions_cell, render_citations)."""
    c = lambda n: _col(rel, t, "c", n)  # noqa: E731
    label = f"coalesce({c('label')}, '')"
    if t == "steps":
        return f"concat({label}, CASE WHEN {_truthy(c('name'))} THEN concat({c('name')}, '：') ELSE '' END, {_joined_responsible(rel, t)})"
    if t == "accountability":
        return f"concat({label}, {_joined_responsible(rel, t)})"
    if t == "exemptions":
        return f"concat({label}, coalesce({c('text')}, 'None'))"
    head = (f"CASE WHEN NOT coalesce({c('continues')}, false) THEN concat({label}, '【', coalesce({c('law_type')}, 'None'), '】《', "
            f"coalesce({c('law_title')}, 'None'), '》', CASE WHEN {c('law_doc')} IS NOT NULL THEN concat('（', {c('law_doc')}, '）') "
            "ELSE '' END) ELSE '' END")
    article = (f"CASE WHEN {_truthy(c('article'))} THEN concat(coalesce({c('chapter')}, ''), {c('article')}, "
               f"coalesce({c('paragraph')}, ''), '：') ELSE '' END")
    return (f"CASE WHEN {_truthy(c('same_as'))} THEN concat({label}, coalesce({c('same_as_printed')}, 'None')) "
            f"ELSE concat({head}, {article}, coalesce({c('text')}, '')) END")


def _cite_sql(rel) -> str:
    """site.pages.citation_rows of one bases row (alias c)."""
    c = lambda n: _col(rel, "bases", "c", n)  # noqa: E731
    book = f"concat('《', {c('law_title')}, '》')"
    url = (f"concat('../laws/', {c('law_id')}, '.html', CASE WHEN {c('article_no')} IS NOT NULL THEN "
           f"concat('#a', CAST({c('article_no')} AS VARCHAR)) ELSE '' END)")
    law = (f"CASE WHEN NOT {_truthy(c('law_title'))} THEN '' WHEN {_truthy(c('law_id'))} THEN "
           f"concat('<a href=\"', {esc_sql(url)}, '\">', {esc_sql(book)}, '</a>') ELSE {esc_sql(book)} END")
    role = "CASE c.role " + " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in ROLE.items()) + " ELSE c.role END"
    where = f"concat_ws(' ', nullif({c('chapter')}, ''), nullif({c('article')}, ''), nullif({c('paragraph')}, ''))"
    role_text, ref = f"coalesce({role}, '')", f"coalesce({c('ref')}, '')"
    return (f"concat('<tr><td>', {esc_sql(role_text)}, ' ', {esc_sql(ref)}, '</td><td>', {law}, ' ', {esc_sql(where)}, "
            f"'</td><td>', {paragraphs_sql(c('text'))}, '</td></tr>')")


def _search_piece_sql(rel) -> str:
    """search_text's piece of one bases row: 《title》 chapter article paragraph, a blank, its text."""
    c = lambda n: _col(rel, "bases", "c", n)  # noqa: E731
    return (f"concat(CASE WHEN {_truthy(c('law_title'))} THEN concat('《', {c('law_title')}, '》') ELSE '' END, "
            f"coalesce({c('chapter')}, ''), coalesce({c('article')}, ''), coalesce({c('paragraph')}, ''), ' ', coalesce({c('text')}, ''))")


def _cells(rel) -> dict[str, str]:
    """Each layout column's cell (ListView.row_cells) over the item (alias i) and its children's
    aggregates (_children_sql's k_<table>_<cell>)."""
    i = lambda n: _col(rel, "items", "i", n)  # noqa: E731
    cases = "coalesce(k_accountability_cell, '')"
    intro = i("accountability_intro")
    return {
        "seq": "CAST(i.seq AS VARCHAR)",  # str(None) is 'None', as coalesce below spells it
        "category": i("category"),
        "name": i("name"),
        "sub_name": f"coalesce({i('sub_name')}, '')",
        "levels": f"coalesce({i('levels_printed')}, '')",
        "implementing_body": f"coalesce({i('implementing_body')}, '')",
        "undertaking_unit": f"coalesce({i('undertaking_unit')}, '')",
        "setting_bases": "coalesce(k_bases_setting, '')",
        "steps": "coalesce(k_steps_cell, '')",
        "step_bases": "coalesce(k_bases_step, '')",
        "cases": (f"CASE WHEN {_truthy(intro)} AND {cases} <> '' THEN concat({intro}, {NL}, {cases}) "
                  f"WHEN {_truthy(intro)} THEN {intro} ELSE {cases} END"),
        "case_bases": "coalesce(k_bases_accountability, '')",
        "exemptions": "coalesce(k_exemptions_cell, '')",
        "remark": f"coalesce({i('remark')}, '')",
    }


# ---- the pieces -------------------------------------------------------------------------

def _sheet_row_sql(layout) -> str:
    """DataRowShape.row + xlsx.row_template: the row's cells (序号 of digits a number) and height."""
    parts, lines = [], []
    for j, c in enumerate(layout.columns, start=1):
        style = STYLE_ID[CENTERED if c in ("seq", "category") else BODY]
        ref = f'<c r="{column_letter(j)}{ROW}" s="{style}"'
        x = f"c_{c}"
        opening = literal(ref + ' t="inlineStr"><is><t xml:space="preserve">')
        text = (f"CASE WHEN coalesce({x}, '') = '' THEN {literal(ref + '/>')} ELSE concat({opening}, "
                f"{xml_text_sql(x)}, '</t></is></c>') END")
        if c == "seq":
            text = f"CASE WHEN i.seq >= 0 THEN concat({literal(ref + '><v>')}, {x}, '</v></c>') ELSE {text} END"
        parts.append(text)
        width = max(int(WIDTHS.get(c, EXTRA_WIDTH) * 1.2), 1)
        one = f"greatest(1, (length({x}) * 2 + {width - 1}) // {width})"  # a cell of one line
        lines.append(f"CASE WHEN {x} IS NULL THEN 1 WHEN NOT contains({x}, {NL}) THEN {one} ELSE "
                     f"list_sum(list_transform(string_split({x}, {NL}), lambda p: greatest(1, (length(p) * 2 + {width - 1}) // {width}))) END")
    height = f"CAST(least(409, 14 * greatest({', '.join(lines)})) AS VARCHAR)"
    return f"concat('<row r=\"{ROW}\" ht=\"', {height}, '\" customHeight=\"1\">', {', '.join(parts)}, '</row>')"


def _table_row_sql(layout) -> str:
    """site.pages.ListTableRow: the item's row of its list page's table, linked to its item page."""
    tds = []
    for c in layout.columns:
        link = ""
        if c == "name":
            before, after = item_url("\0").split("\0")  # the page's path around the item's id
            url = f"concat({literal(before)}, i.item_id, {literal(after)})"
            link = f"'<p><a class=\"item-link\" href=\"../', {esc_sql(url)}, '\">详情与历次版本</a></p>', "
        tds.append(f"'<td class=\"c-{c}\">', {paragraphs_sql(f'c_{c}')}, {link}'</td>'")
    return f"concat('<tr id=\"', {esc_sql('i.item_id')}, '\">', {', '.join(tds)}, '</tr>')"


def _history_sql(layout) -> str:
    """Site.item_history's page text: orjson.dumps([cells, citation_rows(bases)])."""
    cells = ", ".join(f"c_{c}" for c in layout.columns)
    cites = "coalesce(k_bases_cites, '')"
    return f"concat('[', CAST(to_json(list_value({cells})) AS VARCHAR), ',', CAST(to_json({cites}) AS VARCHAR), ']')"


def _by_layout(expr) -> str:
    return f"CASE WHEN i.__catalog THEN {expr(CATALOG)} ELSE {expr(JURISDICTION)} END"


def _joined_sql(piece: str, starts: str, order: str, where: str | None = None) -> str:
    """_entries / render_citations as an aggregate: the pieces in order, a line break before each
    that starts a paragraph but the first (taken off the first again); where: which rows."""
    only = f" FILTER (WHERE {where})" if where else ""
    agg = f"string_agg(CASE WHEN {starts} THEN concat({NL}, {piece}) ELSE {piece} END, '' ORDER BY {order}){only}"
    return f"CASE WHEN first({starts} ORDER BY {order}){only} THEN substr({agg}, 2) ELSE {agg} END"


# What _children_sql gives per child table, when the table is not in the release.
KID_COLUMNS = {"steps": ["cell", "js", "st"], "accountability": ["cell", "js", "st"], "exemptions": ["cell", "js", "st"],
               "bases": ["setting", "step", "accountability", "js", "st", "cites"]}


def _children_sql(rel, batch: int) -> dict[str, str]:
    """Per child table, its rows of the batch aggregated per item in the table's order (ListView's:
    its own order column, then rowid): k_<table>_cell (its cell; for bases one per role),
    _js (its JSON objects joined by commas), _st (its search texts), for bases _cites (citation_rows)."""
    out = {}
    for t, order in CHILD_ORDER.items():
        if t not in rel.schemas:
            continue
        o = f"c.{ident(order)}, c.__r"
        starts = f"coalesce({_col(rel, t, 'c', 'starts_paragraph')}, false)"
        k = f"k_{t}"
        if t == "bases":
            skip = f"({_truthy(_col(rel, t, 'c', 'same_as'))} AND coalesce(c.continues, false))"
            aggs = [f"{_joined_sql('c.__piece', starts, o, f'c.role = {literal(role)} AND NOT {skip}')} AS {k}_{role}"
                    for role in ("setting", "step", "accountability")]
            aggs += [f"string_agg(c.__st, ' ' ORDER BY {o}) AS {k}_st", f"string_agg(c.__cite, '' ORDER BY {o}) AS {k}_cites"]
            extra = f", {_search_piece_sql(rel)} AS __st, {_cite_sql(rel)} AS __cite"
        else:
            aggs = [f"{_joined_sql('c.__piece', starts, o)} AS {k}_cell",
                    f"string_agg(nullif({_col(rel, t, 'c', 'text')}, ''), ' ' ORDER BY {o}) AS {k}_st"]
            extra = ""
        aggs.append(f"string_agg(c.__js, ',' ORDER BY {o}) AS {k}_js")
        out[t] = (f"SELECT item_id, {', '.join(aggs)} FROM (SELECT c.*, {_piece_sql(rel, t)} AS __piece, "
                  f"{json_sql(rel, t, 'c')} AS __js{extra} FROM __pl_{t} c WHERE c.__b = {batch}) c GROUP BY item_id")
    return out


def pieces_sql(rel, batch: int) -> str:
    """The SELECT of every piece of the batch's items, by list and 序号 (rowid breaking ties)."""
    kids = _children_sql(rel, batch)
    joins = "".join(f" LEFT JOIN ({sql}) USING (item_id)" for sql in kids.values())
    empty = "".join(f", CAST(NULL AS VARCHAR) AS k_{t}_{n}" for t in CHILD_ORDER if t not in kids for n in KID_COLUMNS[t])
    cells = _cells(rel)
    # The cells first (a subquery), then the pieces made of them.
    base = f"SELECT *{empty} FROM __pl_items i{joins} WHERE i.__b = {batch}"
    with_cells = (f"SELECT i.*, {', '.join(f'{sql} AS c_{c}' for c, sql in cells.items())}, {json_sql(rel, 'items', 'i')} AS __o "
                  f"FROM ({base}) i")
    nested = ", ".join(f"',\"{t}\":[', coalesce(k_{t}_js, ''), ']'" for t in CHILDREN)
    obj = f"concat(substr(i.__o, 1, length(i.__o) - 1), {nested}, '}}')"  # the item's object, its children added
    search = f"concat_ws(' ', nullif(i.sub_name, ''), {', '.join(f'k_{t}_st' for t in CHILD_ORDER)})"
    every = ", ".join(f"coalesce(c_{c}, '')" for c in cells)
    merges = ", ".join(f"CASE WHEN coalesce(c_{c}, '') = '' THEN NULL ELSE md5(c_{c}) END AS m_{c}" for c in MERGE_DOWN)
    return (f"SELECT i.list_id, i.item_id, i.seq, i.name, i.sub_name, "
            f"encode({_by_layout(_sheet_row_sql)}) AS sheet, "
            f"encode({_by_layout(_table_row_sql)}) AS tr, encode({obj}) AS obj, encode({_by_layout(_history_sql)}) AS hist, "
            f"encode({search}) AS search, {merges}, "
            f"regexp_matches(concat({every}), {literal(XML_ILLEGAL)}) AS bad "
            f"FROM ({with_cells}) i ORDER BY i.list_id, i.seq, i.__r")


def _batch(rel, b: int, cites: bool) -> tuple[dict[str, list], dict[str, list[dict]]]:
    """One batch's pieces (column → values) and its items' bases with a law_id (item_id → rows)."""
    cur = rel.con.cursor()
    try:
        table = cur.sql(pieces_sql(rel, b)).to_arrow_table()
        cols = {n: table.column(n).to_pylist() for n in table.column_names}
        del table
        laws: dict[str, list[dict]] = {}
        if cites:
            rows = cur.execute(
                "SELECT c.item_id, c.law_id, c.article_no, c.article, c.text, c.role FROM __pl_bases c "
                f"WHERE c.__b = {b} AND coalesce(c.law_id, '') <> '' ORDER BY c.item_id, c.seq, c.__r").fetchall()
            for item_id, law_id, article_no, article, text, role in rows:
                laws.setdefault(item_id, []).append({"law_id": law_id, "article_no": article_no, "article": article,
                                                     "text": text, "role": role})
        return cols, laws
    finally:
        cur.close()


@dataclass
class Pieces:
    """One list's rendered items (those asked for, in list order): per item its id, 序号, name,
    sub_name, sheet row template, page table row, JSON object, history page text and search text
    (UTF-8), its MERGE_DOWN digests, and its citations for Citations.add (bases with a law_id)."""
    item_ids: list
    seqs: list
    names: list
    sub_names: list
    sheet: list
    tr: list
    obj: list
    hist: list
    search: list
    merges: list
    bad: bool
    cites: dict


def item_pieces(rel, wanted: list[tuple[str, bool, list[str]]]) -> Iterator[tuple[str, Pieces]]:
    """(list_id, its Pieces) for each (list_id, is a catalog, its item ids to render) of wanted,
    in that order (list_id order)."""
    if not wanted:
        return
    ids, batches, catalog = [], [], []
    batch = size = 0
    for _list_id, is_catalog, items in wanted:
        if size >= BATCH_ITEMS:
            batch, size = batch + 1, 0
        ids += items
        batches += [batch] * len(items)
        catalog += [is_catalog] * len(items)
        size += len(items)
    con = rel.con
    tables = ["__pl_want", "__pl_items", *(f"__pl_{t}" for t in CHILD_ORDER)]
    con.from_arrow(pa.table({"item_id": pa.array(ids, pa.string()), "__b": pa.array(batches, pa.int32()),
                             "__catalog": pa.array(catalog, pa.bool_())})).create("__pl_want")
    try:
        con.execute("CREATE TABLE __pl_items AS SELECT i.*, i.rowid AS __r, w.__b, w.__catalog FROM items i "
                    "JOIN __pl_want w USING (item_id) ORDER BY w.__b")
        for t in CHILD_ORDER:
            if t in rel.schemas:
                con.execute(f"CREATE TABLE __pl_{t} AS SELECT c.*, c.rowid AS __r, w.__b FROM {ident(t)} c "
                            f"JOIN __pl_want w USING (item_id) ORDER BY w.__b")
        cites = "bases" in rel.schemas and any(f["name"] == "law_id" for f in rel.schemas["bases"].fields)
        # Batches are rendered AHEAD at a time, each by a thread on its own cursor: one batch's
        # query runs on one DuckDB thread (its rows are one row group), so two use both cores.
        pool = ThreadPoolExecutor(AHEAD, thread_name_prefix="powerlist-items")
        try:
            pending = deque(pool.submit(_batch, rel, b, cites) for b in range(min(AHEAD, batch + 1)))
            order = iter(wanted)
            for b in range(batch + 1):
                cols, laws = pending.popleft().result()
                if b + AHEAD <= batch:
                    pending.append(pool.submit(_batch, rel, b + AHEAD, cites))
                at, n = 0, len(cols["item_id"])
                while at < n:
                    list_id, _, items = next(order)
                    end = at + len(items)
                    if cols["list_id"][at:end] != [list_id] * len(items) or cols["item_id"][at:end] != items:
                        raise RuntimeError(f"publish: the items of list {list_id} were not rendered in list order")
                    part = slice(at, end)
                    yield list_id, Pieces(cols["item_id"][part], cols["seq"][part], cols["name"][part], cols["sub_name"][part],
                                          cols["sheet"][part], cols["tr"][part], cols["obj"][part], cols["hist"][part],
                                          cols["search"][part], list(zip(*(cols[f"m_{c}"][part] for c in MERGE_DOWN))),
                                          any(cols["bad"][part]), laws)
                    at = end
        finally:
            pool.shutdown(wait=True, cancel_futures=True)  # no query runs on the tables dropped below
            if next(order, None) is not None:
                raise RuntimeError("publish: a list's items were not rendered")
    finally:
        for name in tables:
            con.execute(f"DROP TABLE IF EXISTS {name}")

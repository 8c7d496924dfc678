"""Ingest one document into the working state: read, parse, keep ids, write atomically."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ..descriptor import descriptor_bytes
from ..digests import remember_written
from ..errors import PowerlistError
from ..files import StagedState, sha256_file
from ..manifest import checked_file
from ..storage import PARTITIONED, list_of_part, part_path, paths_of, resource_path, single_path
from ..lock import locked
from ..names import check_name
from ..package import DESCRIPTOR, Package, csv_bytes, layout_files, release_tags, row_typer, stream_parts
from ..schema import REFERENCE_TABLES
from .listmeta import CatalogCitation, ListMeta, cited_catalog, find_county, read_meta
from .match import Match, link_catalog, match_items
from .parse import ParsedList, parse_grid
from .readers import read_grid
from .tables import CHILD_TABLES, item_rows
from ..laws.resolve import resolve_law_ids


@dataclass
class IngestReport:
    list_id: str
    new_list: bool
    kind: str
    title: str
    source_file: str
    matches: list[Match] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)   # existing items no row matched
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    how: str = ""   # how the list was chosen: same title, --list, new jurisdiction …
    cells_read: int = 0      # non-empty cells of the document's list table(s)
    cells_placed: int = 0    # of those, the cells that landed in a table (always all: see tabular.py)
    extra_columns: list[str] = field(default_factory=list)

    @property
    def accounting(self) -> str:
        """The ingest's closing line: what was read and that all of it was placed."""
        items = len(self.matches)
        if self.cells_placed == self.cells_read:
            return f"读取 {items} 项事项、{self.cells_read} 个非空单元格，全部入表"
        return f"读取 {items} 项事项、{self.cells_read} 个非空单元格，入表 {self.cells_placed} 个"


def store_source(root: Path, doc: Path, list_id: str, lists: list[dict]) -> Path:
    """The document's place under sources/: kept where it is if already there, else copied in.

    A different document of the same name in sources/working/ is the previous working copy of
    this list's source (a corrected document): it is replaced, the old one surviving only in
    history (releases keep their own copies). If it is another list's source, that is refused.
    """
    doc = doc.resolve()
    sources = (root / "sources").resolve()
    if sources in doc.parents:
        return doc
    target = sources / "working" / doc.name
    if target.exists() and sha256_file(target) != sha256_file(doc):
        rel = target.relative_to(root.resolve()).as_posix()
        owner = next((l["list_id"] for l in lists if l.get("source_file") == rel and l["list_id"] != list_id), None)
        if owner:
            raise PowerlistError(
                f"{doc}: a different document named {doc.name} in {target.parent} is the source of {owner}; "
                "rename the new document (e.g. add its year) and ingest it again"
            )
    return target


def detect_county(meta: ListMeta, items: list, counties: list[dict]) -> tuple[dict | None, str | None]:
    """(county, where it was named): the title first, then the issuer, then the 实施主体 cells."""
    places = [("title", meta.title), ("issuer", meta.issuer or "")]
    places += [("实施主体", i.fields.get("implementing_body") or "") for i in items]
    for where, text in places:
        county = find_county(text, counties) if text else None
        if county:
            return county, where
    return None, None


def choose_list(meta: ListMeta, kind: str, county: dict | None, lists: list[dict], override: str | None):
    """(list_id, is_new, how). Same title, else same kind+jurisdiction+domain, else a new id."""
    if override:
        check_name("list id (--list)", override)
        return override, not any(l["list_id"] == override for l in lists), "--list"
    code = county["code"] if county else None
    for l in lists:
        if l["title"] == meta.title:
            return l["list_id"], False, "same title"
    if meta.domain_slug == "list":
        raise PowerlistError(
            f"cannot tell which list {meta.title!r} updates: its title names no known field of work "
            "(保密) and no existing list has this title; use --list LIST_ID"
        )
    for l in lists:
        if l["kind"] == kind and l.get("county_code") == code and l["domain"] == meta.domain:
            return l["list_id"], False, f"same {'jurisdiction' if code else 'kind'} and field of work"
    if kind == "catalog":
        return f"catalog-{meta.domain_slug}", True, "new catalog"
    if not code:
        raise PowerlistError(
            f"cannot tell which list {meta.title!r} updates: no Guangxi county named in its title, "
            "issuer or 实施主体; use --list LIST_ID"
        )
    return f"{code}-{meta.domain_slug}", True, "new jurisdiction"


def used_item_ids(root: Path, list_id: str) -> set[str]:
    """Every id the list's items had in the working state and in any release: ids are never
    reused (an item id is its list's id and a number, so other lists' files are not read).

    Of each release only the file holding the list's items is read, checked against the
    release's manifest (manifest.checked_file): releases are immutable, and opening each one
    whole (check_release stats every file) cost ~0.4 s a release at province scale.
    """
    ids = {r["item_id"] for r in Package(root, "working").read_lists({list_id}, ["items"])["items"]}
    for tag in release_tags(root):
        folder = root / "releases" / tag
        per_list = checked_file(root, folder, tag, part_path("items", list_id))
        path = per_list or checked_file(root, folder, tag, single_path("items"))
        if path is None:
            continue  # a release made before the list existed stores no items file for it
        with open(path, encoding="utf-8", newline="") as fh:
            ids |= {r["item_id"] for r in csv.DictReader(fh) if per_list or r["list_id"] == list_id}
    return ids


# Tables read whole by ingest: small, and needed to choose the list and resolve citations.
WHOLE_TABLES = ["counties", *REFERENCE_TABLES, "lists"]


@dataclass
class DocumentState:
    """What ingesting a document would make of the package, computed without writing anything."""

    tables: dict[str, list[dict]]   # the whole small tables, and the partitioned tables' rows of report.list_id
    report: IngestReport
    stored: Path                    # where ingest keeps the document's copy


def ingest_document(root: Path, doc: Path, list_id: str | None = None) -> IngestReport:
    """Read doc and write it into the working state, holding the package's exclusive lock:
    document_state() of the working state, written."""
    grid = read_grid(doc)
    with locked(root, exclusive=True) as notes:
        state = document_state(root, doc, list_id, grid=grid)
        if state.stored != doc.resolve() and state.stored.exists() and sha256_file(state.stored) != sha256_file(doc):
            state.report.notes.append(f"{state.report.source_file}: replaces the previous working copy of this "
                                      "list's source (a corrected document of the same name)")
        commit(root, Package(root, "working"), state.tables, state.report.list_id, doc, state.stored)
    state.report.notes[:0] = notes
    return state.report


def document_state(root: Path, doc: Path, list_id: str | None = None, base: Package | None = None,
                   grid=None) -> DocumentState:
    """The package's tables with the document read in place of its list, on top of `base`
    (default: the working state). Nothing is written: ingest writes this, diff/review compare it.

    Tables the base lacks (an older release without the law reference tables) come from the
    working state, so citations resolve the same way whatever the base.
    """
    grid = grid if grid is not None else read_grid(doc)
    parsed = parse_grid(grid)
    meta = read_meta(grid.preamble, parsed.kind)
    working = Package(root, "working")
    base = base or working
    tables = {name: (base if base.has_table(name) else working).read_table(name) for name in WHOLE_TABLES}
    county, county_where = (detect_county(meta, parsed.items, tables["counties"])
                            if parsed.kind == "jurisdiction" else (None, None))
    chosen, is_new, how = choose_list(meta, parsed.kind, county, tables["lists"], list_id)
    old_list = next((l for l in tables["lists"] if l["list_id"] == chosen), None)
    if old_list and old_list["kind"] != parsed.kind:
        raise PowerlistError(f"{doc}: is a {parsed.kind} list but {chosen} is a {old_list['kind']} list")

    stored = store_source(root, doc, chosen, tables["lists"])
    report = IngestReport(chosen, is_new, parsed.kind, meta.title, stored.relative_to(root.resolve()).as_posix())
    report.how = how
    report.cells_read, report.cells_placed = grid.cells_read, grid.cells_placed
    report.extra_columns = list(grid.extra_labels)
    report.notes.extend(grid.notes)
    if county:
        report.notes.append(f"jurisdiction: {county['city_name']}{county['name']} {county['code']} (named in the {county_where})")
    if is_new:
        report.notes.append(
            f"新清单 new list {chosen}: no existing list has this title or this jurisdiction and field of work; "
            "it is added beside the others (use --list LIST_ID to update an existing list instead)"
        )
    # Only this list's rows are read (a table still in one file is streamed to find them); when
    # the working state stores a table in one file, commit() moves the other lists' rows to
    # their own files (the layout migration) without holding them.
    tables.update(base.read_lists({chosen}))
    catalog = _catalog_for(tables["lists"], meta) if parsed.kind == "jurisdiction" else None
    if catalog:
        catalog_items = base.read_lists({catalog["list_id"]}, ["items"])["items"]
        report.notes.extend(link_catalog(parsed.items, catalog_items))

    old_items = [i for i in tables["items"] if i["list_id"] == chosen]
    old_steps: dict[str, list[str]] = {}
    for s in tables["steps"]:
        old_steps.setdefault(s["item_id"], []).append(s["text"])
    report.matches = match_items(chosen, parsed.items, old_items, old_steps, used_item_ids(root, chosen))
    kept = {m.item_id for m in report.matches}
    report.removed = [i for i in old_items if i["item_id"] not in kept]

    list_row = _list_row(chosen, parsed, meta, county, catalog, old_list, report.source_file, doc)
    _replace_list(tables, chosen, list_row, parsed, report.matches)
    report.notes.extend(resolve_law_ids(tables, kept))
    # The first document naming the catalog's notice stays the basis: a later adjustment citing
    # the same notice must not rewrite the catalog's provenance.
    if catalog and not catalog.get("doc_no") and not catalog.get("doc_no_inferred"):
        citation = cited_catalog(grid.preamble)
        if citation:
            _infer_catalog(tables, catalog["list_id"], citation, list_row, report)
    report.counts = {"items": len(kept), **{name: sum(1 for r in tables[name] if r["item_id"] in kept)
                                             for name in CHILD_TABLES}}
    return DocumentState(tables, report, stored)




def commit(root: Path, working: Package, tables: dict[str, list[dict]], list_id: str,
           doc: Path, stored: Path) -> None:
    """Write the source copy, the list's files, lists.csv and datapackage.json, or on any failure
    none of them (one `files.StagedState`: a kill at any moment leaves the old state or the new one).

    `tables` holds the whole small tables and the partitioned tables' rows of `list_id`. A
    partitioned table still stored in one file (a generated package, or a working state from
    before the per-list layout) is moved to one file per list in the same commit (_migrate).
    """
    schemas = working.schemas
    whole = [t for t in PARTITIONED if working.has_table(t) and not working.partitioned(t)]
    all_ids = {l["list_id"] for l in tables["lists"]} | {
        list_of_part(p) for t in PARTITIONED if working.has_table(t) for p in paths_of(working.resource(t))} - {None}
    writes: dict[str, bytes | str] = {}
    with StagedState(root) as state:
        if whole:
            extra = _migrate(working, schemas, list_id, tables, state, all_ids)
            tables = {**tables, **{n: extra[n] + tables[n] for n in extra}}
        writes.update(layout_files(schemas, {n: tables[n] for n in ["lists", *PARTITIONED] if n in schemas}, {list_id}))
        # A corrected document of the same name replaces the list's working copy (store_source).
        if stored != doc.resolve() and (not stored.exists() or sha256_file(stored) != sha256_file(doc)):
            writes[stored.resolve().relative_to(root.resolve()).as_posix()] = doc.read_bytes()
        paths = {t: resource_path(t, all_ids | {list_id}) for t in PARTITIONED}
        writes[DESCRIPTOR] = descriptor_bytes(root, tables["lists"], paths)
        for rel, data in sorted(writes.items()):
            state.write(rel, data)
        state.commit([p for t in whole for p in paths_of(working.resource(t)) if p not in writes])
    remember_written(root, writes)


def _migrate(working: Package, schemas, list_id: str, tables: dict[str, list[dict]], state: StagedState,
             all_ids: set[str]) -> dict[str, list[dict]]:
    """Stage every other list's rows of the partitioned tables in their own files, read row by
    row from the files the tables have now (one per table, or a mix), never held whole. Adds to
    `all_ids` every list a row names; every list gets a file of each table (a header only when
    it has no rows). Returns, per table, the rows of `list_id` that its document does not
    replace (child rows of none of its old items, placed before its new rows), as a whole
    rewrite of the tables would keep them.
    """
    new_items = {i["item_id"] for i in tables.get("items", [])}
    owner: dict[str, str] = {}   # item id → list id, for the child tables' rows
    old_items: set[str] = set()  # the list's items before this document
    names: dict[str, str] = {}   # one string per list id: a million items share a few thousand
    extra: dict[str, list[dict]] = {}

    def items():
        for row in working.rows("items", typed=False):
            if not row.get("list_id"):
                raise PowerlistError(f"items: item {row.get('item_id')!r} has no list_id; it belongs to no list")
            lid = names.setdefault(row["list_id"], row["list_id"])
            if lid == list_id:
                old_items.add(row["item_id"] or None)
                continue
            owner[row["item_id"] or None] = lid
            yield lid, row

    def children(name: str):
        typed = row_typer(schemas[name])
        for row in working.rows(name, typed=False):
            item = row["item_id"] or None
            if item in old_items:
                continue
            lid = list_id if item in new_items else owner.get(item)
            if lid is None:
                raise PowerlistError(f"{name}: row of item {item!r} belongs to no list being written")
            if lid == list_id:
                extra[name].append(typed(row))
                continue
            yield lid, row

    for name in PARTITIONED:
        if name not in schemas:
            continue
        extra[name] = []
        rows = items() if name == "items" else children(name)
        written = stream_parts(schemas[name], name, rows, state.append) if working.has_table(name) else set()
        all_ids |= written
        for lid in sorted(all_ids - written - {list_id}):
            state.write(part_path(name, lid), csv_bytes(schemas[name], []))
    return extra


def _catalog_for(lists: list[dict], meta: ListMeta) -> dict | None:
    return next((l for l in lists if l["kind"] == "catalog" and l["domain"] == meta.domain), None)


def _list_row(list_id, parsed: ParsedList, meta: ListMeta, county, catalog, old, source_file, doc) -> dict:
    row = {
        "list_id": list_id, "kind": parsed.kind, "title": meta.title, "notice_title": meta.notice_title,
        "domain": meta.domain, "issuer": meta.issuer, "doc_no": meta.doc_no, "issued_on": meta.issued_on,
        "county_code": county["code"] if county else None,
        "catalog_list_id": catalog["list_id"] if catalog else None,
        "source_file": source_file, "source_sha256": sha256_file(doc),
    }
    # Inferred facts come from other documents: a re-ingest of this one must not drop them.
    for key in ("issuer_inferred", "doc_no_inferred", "issued_on_inferred", "inferred_basis"):
        row[key] = old.get(key) if old else None
    return row


def _replace_list(tables, list_id, list_row, parsed: ParsedList, matches: list[Match]) -> None:
    old_ids = {i["item_id"] for i in tables["items"] if i["list_id"] == list_id}
    tables["lists"] = [l for l in tables["lists"] if l["list_id"] != list_id] + [list_row]
    tables["items"] = [i for i in tables["items"] if i["list_id"] != list_id]
    for name in CHILD_TABLES:
        tables[name] = [r for r in tables[name] if r["item_id"] not in old_ids]
    for item, m in zip(parsed.items, matches):
        for name, rows in item_rows(list_id, m.item_id, item).items():
            tables[name].extend(rows)
    tables["lists"].sort(key=lambda l: l["list_id"])


def _infer_catalog(tables, catalog_id: str, citation: CatalogCitation, list_row: dict, report) -> None:
    for l in tables["lists"]:
        if l["list_id"] == catalog_id:
            l["issuer_inferred"] = citation.issuer
            l["doc_no_inferred"] = citation.doc_no
            l["inferred_basis"] = (
                f"{list_row['doc_no'] or list_row['title']} ({list_row['issued_on']}) cites "
                f"{citation.quoted} ({list_row['source_file']} line {citation.line}); "
                "most likely the notice that issued this catalog"
            )
            report.notes.append(f"{catalog_id}: inferred 文号 {citation.doc_no} from {list_row['source_file']}")


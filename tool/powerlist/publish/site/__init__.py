"""dist/site/: a static site that works from file:// and any web server.

Every downloadable file lives under site/downloads/ (hard links to dist/, so the site can be served
on its own): each release's files and source documents, the Hive dataset, CHANGELOG.md, dcat.json.
Pages: the index (with schema.org JSON-LD), a page per list and release, a page per item across
releases (items/<item_id>.html: its newest version, citations linked to the law pages, its history
with redlines and links to each release's row), latest/ (the newest release's list pages under a
stable URL), a page per cited law, a redline page per release pair.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ...files import sha256_file
from ..changes import PairDiff
from ..portal import Download, Portal, dcat
from ..release_data import ReleaseData
from .assets import SEARCH, STYLE
from .pages import (LATEST, index_page, item_page, item_url, latest_index, law_page, law_url, list_page, list_url,
                    redline_page, redline_url)
from .search_index import search_script

DCAT = "dcat.json"
KINDS = {".zip": "数据包（Frictionless，zip）", ".xlsx": "Excel 工作簿", ".duckdb": "DuckDB 数据库",
         ".sqlite": "SQLite 数据库（Datasette）", ".parquet": "Parquet", ".json": "JSON（按清单嵌套）",
         ".txt": "原始文件", ".md": "变更记录"}
ORDER = [".zip", ".xlsx", ".sqlite", ".duckdb", ".json", ".parquet", ".txt"]


def _link_or_copy(src: Path, dest: Path) -> None:
    """Downloads sit inside the site so it can be served on its own; a hard link costs no space."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copyfile(src, dest)


def _label(path: Path, folder: Path) -> str:
    name = path.relative_to(folder).as_posix()
    if path.name == "metadata.json":
        return f"Datasette 元数据 · {name}"
    return f"{KINDS.get(path.suffix, path.suffix)} · {name}"


def _order(path: Path):
    return (path.name == "metadata.json", ORDER.index(path.suffix) if path.suffix in ORDER else len(ORDER), path.as_posix())


def collect_downloads(out: Path, releases: list[ReleaseData]) -> list[Download]:
    """Link every published file into site/downloads/ and describe it (release files first)."""
    site = out / "site"
    found: list[Download] = []
    groups = [(rel.tag, out / rel.tag) for rel in releases] + [("", out / "parquet")]
    for tag, folder in groups:
        if not folder.is_dir():
            continue
        for path in sorted((p for p in folder.rglob("*") if p.is_file()), key=_order):
            rel_name = path.relative_to(out).as_posix()
            _link_or_copy(path, site / "downloads" / rel_name)
            title = _label(path, folder) if tag else f"Parquet 数据集（Hive 分区）· {rel_name}"
            found.append(Download(tag, title, f"downloads/{rel_name}", path.stat().st_size, sha256_file(path)))
    if (out / "CHANGELOG.md").is_file():
        _link_or_copy(out / "CHANGELOG.md", site / "downloads" / "CHANGELOG.md")
        found.append(Download("", "变更记录 · CHANGELOG.md", "downloads/CHANGELOG.md",
                              (out / "CHANGELOG.md").stat().st_size, sha256_file(out / "CHANGELOG.md")))
    return found


def write_dcat(out: Path, meta: Portal, releases: list[ReleaseData], downloads: list[Download]) -> Download:
    path = out / DCAT
    path.write_text(json.dumps(dcat(meta, releases, downloads), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _link_or_copy(path, out / "site" / "downloads" / DCAT)
    return Download("", "DCAT-AP · dcat.json", f"downloads/{DCAT}", path.stat().st_size, sha256_file(path))


def write_site(out: Path, meta: Portal, releases: list[ReleaseData], diffs: list[PairDiff],
               missing: str | None = None) -> list[Path]:
    site = out / "site"
    site.mkdir(parents=True, exist_ok=True)
    written = []
    folders: set[Path] = set()

    def put(rel_path: str, text: str) -> Path:
        # One open and one write per page (a province has a hundred thousand item pages).
        path = site / rel_path
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        with open(path, "wb") as fh:
            fh.write(text.encode("utf-8"))
        written.append(path)
        return path

    downloads = collect_downloads(out, releases)
    dcat_file = write_dcat(out, meta, releases, downloads)

    # Every version of each item, oldest release first (item ids are stable across releases).
    history: dict[str, list] = {}
    for rel in releases:
        for list_id in sorted(rel.views):
            v = rel.views[list_id]
            for item in v.items:
                history.setdefault(item["item_id"], []).append((rel, v, item))

    put("style.css", STYLE)
    put("search.js", SEARCH)
    put("search-index.js", search_script(releases))
    latest = releases[-1]
    for rel in releases:
        for list_id in sorted(rel.views):
            path = put(list_url(rel.tag, list_id), list_page(rel, list_id))
            if rel is latest:
                # latest/ holds the newest release's list pages at the same depth: the same file.
                _link_or_copy(path, site / list_url(LATEST, list_id))
                written.append(site / list_url(LATEST, list_id))
    for versions in history.values():
        put(item_url(versions[0][2]["item_id"]), item_page(versions, latest.tag))
    put(f"{LATEST}/index.html", latest_index(releases, downloads))
    laws = {r["law_id"]: r for r in latest.tables.get("laws", [])}
    versions = latest.tables.get("law_versions", [])
    cited: dict[str, list] = {}
    for rel in releases:
        items = {i["item_id"]: i for v in rel.views.values() for i in v.items}
        for b in rel.tables.get("bases", []):
            if b.get("law_id") in laws:
                cited.setdefault(b["law_id"], []).append((rel, b, items[b["item_id"]]))
    for law_id, law in laws.items():
        put(law_url(law_id), law_page(law, [v for v in versions if v["law_id"] == law_id], cited.get(law_id, [])))
    for d in diffs:
        put(redline_url(d), redline_page(d))
    put("index.html", index_page(meta, releases, downloads, diffs, dcat_file, missing))
    return written

"""dist/site/: a static site that works from file:// and any web server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..changes import PairDiff
from ...files import sha256_file
from ..release_data import ReleaseData
from .assets import SEARCH, STYLE
from .pages import index_page, list_page, list_url, redline_page, redline_url
from .search_index import search_script


def _link_or_copy(src: Path, dest: Path) -> None:
    """Downloads sit inside the site so it can be served on its own; a hard link costs no space."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copyfile(src, dest)


def _label(path: Path, folder: Path) -> str:
    kinds = {".zip": "数据包（Frictionless，zip）", ".xlsx": "Excel 工作簿", ".duckdb": "DuckDB 数据库",
             ".sqlite": "SQLite 数据库（Datasette）", ".parquet": "Parquet", ".json": "JSON（按清单嵌套）"}
    return f"{kinds.get(path.suffix, path.suffix)} · {path.relative_to(folder).as_posix()}"


ORDER = [".zip", ".xlsx", ".sqlite", ".duckdb", ".json", ".parquet"]


def write_site(out: Path, title: str, releases: list[ReleaseData], diffs: list[PairDiff],
               missing: str | None = None) -> list[Path]:
    site = out / "site"
    site.mkdir(parents=True, exist_ok=True)
    written = []

    def put(rel_path: str, text: str) -> None:
        path = site / rel_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    downloads: dict[str, list[tuple[str, str, int, str]]] = {}
    for rel in releases:
        folder = out / rel.tag
        files = [p for p in folder.rglob("*") if p.is_file()]
        for path in sorted(files, key=lambda p: (ORDER.index(p.suffix) if p.suffix in ORDER else len(ORDER), p.as_posix())):
            rel_name = path.relative_to(out).as_posix()
            _link_or_copy(path, site / "downloads" / rel_name)
            downloads.setdefault(rel.tag, []).append(
                (_label(path, folder), f"downloads/{rel_name}", path.stat().st_size, sha256_file(path)))
    changelog = None
    if (out / "CHANGELOG.md").is_file():
        _link_or_copy(out / "CHANGELOG.md", site / "downloads" / "CHANGELOG.md")
        changelog = ("downloads/CHANGELOG.md", sha256_file(out / "CHANGELOG.md"))

    put("style.css", STYLE)
    put("search.js", SEARCH)
    put("search-index.js", search_script(releases))
    for rel in releases:
        for list_id in sorted(rel.views):
            put(list_url(rel.tag, list_id), list_page(rel, list_id))
    for d in diffs:
        put(redline_url(d), redline_page(d))
    put("index.html", index_page(title, releases, downloads, diffs, changelog, missing))
    return written

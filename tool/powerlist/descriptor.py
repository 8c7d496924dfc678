"""The datapackage.json of the working state, rebuilt from the schemas and the lists table."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from .files import json_bytes, write_file
from .storage import detect_paths
from .package import DESCRIPTOR, read_csv
from .schema import load_schemas

NAME = "guangxi-baomi-powerlists"
TITLE = "广西保密工作权责清单 Guangxi secrecy-work power-and-responsibility lists"
DESCRIPTION = (
    "The secrecy-work power-and-responsibility lists (保密工作权责清单) published by Guangxi's "
    "governments, normalized from the published documents into validated tables, one release per "
    "annual dynamic adjustment (动态调整)."
)
LICENSES = [{
    "name": "CC-BY-4.0",
    "title": ("Creative Commons Attribution 4.0 (this compilation: the normalized tables, schemas and derived "
              "columns; the list documents themselves are official documents of state organs, to which the PRC "
              "Copyright Law does not apply, art. 5)"),
    "path": "https://creativecommons.org/licenses/by/4.0/",
}]
CONTRIBUTORS = [{"title": "powerlist maintainers", "roles": ["creator", "maintainer", "publisher"]}]
KEYWORDS = ["保密工作", "权责清单", "权力清单", "责任清单", "动态调整", "广西", "开放数据",
            "power and responsibility list", "Guangxi", "open data"]


def resource(name: str, schema: dict, sources: list[dict] | None = None,
             path: str | list[str] | None = None) -> dict:
    res = {
        "name": name,
        "type": "table",
        # A list of files (one per list) is a Frictionless multi-file resource: read in order,
        # each file with its header (storage.py).
        "path": path or f"tables/{name}.csv",
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": schema.get("title", name),
        "schema": f"schemas/{name}.json",
    }
    if schema.get("description"):
        # The curated reference tables say here what they are curated from.
        res["description"] = schema["description"]
    if sources:
        res["sources"] = sources
    return res


def source_entry(row: dict) -> dict:
    """A list's document as a source: its frozen path and hash, and what it prints — publisher
    (issuer), 文号, date — or, where it prints none, what the package infers, marked *_inferred.
    No URL: none of the documents' sources states one, and one is never guessed."""
    entry = {"title": row["title"], "path": row["source_file"], "sha256": row["source_sha256"]}
    for key, name in (("issuer", "publisher"), ("doc_no", "doc_no"), ("issued_on", "issued_on")):
        if row.get(key):
            entry[name] = str(row[key])
        elif row.get(f"{key}_inferred"):
            entry[f"{name}_inferred"] = str(row[f"{key}_inferred"])
    return entry


def document_sources(root: Path, lists: list[dict] | None = None) -> list[dict]:
    """One source per list document; `lists` are the lists rows (default: read from tables/lists.csv)."""
    if lists is None:
        lists_csv = root / "tables" / "lists.csv"
        if not lists_csv.exists():
            return []
        lists = list(read_csv(lists_csv, load_schemas(root / "schemas")["lists"]))
    return [source_entry(row) for row in lists]


def build_descriptor(root: Path, previous: dict | None, version: str = "working",
                     created: str | None = None, paths: dict | None = None,
                     lists: list[dict] | None = None) -> dict:
    """Resources follow schemas/; resource-level sources (the counties' vintage) are kept.

    Each resource's path is the file(s) the folder holds (layout.detect_paths) unless `paths`
    gives them (a write that has not happened yet); `lists` likewise stands for tables/lists.csv.
    """
    previous = previous or {}
    old_sources = {r["name"]: r.get("sources") for r in previous.get("resources", [])}
    schemas = load_schemas(root / "schemas")
    paths = {**detect_paths(root, [t for t in schemas if t not in (paths or {})]), **(paths or {})}
    resources = [resource(name, s.descriptor, old_sources.get(name), paths[name]) for name, s in schemas.items()]
    vintage = [s for r in resources for s in r.get("sources", [])]
    return {
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "version": version,
        # The working package keeps the time it was first created, so re-ingesting does not churn it.
        "created": created or previous.get("created") or datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "keywords": KEYWORDS,
        "licenses": LICENSES,
        "contributors": CONTRIBUTORS,
        "sources": document_sources(root, lists) + vintage,
        "resources": resources,
    }


def descriptor_bytes(root: Path, lists: list[dict] | None = None, paths: dict | None = None) -> bytes:
    """The working state's datapackage.json as it should be written (for `files.commit_state`);
    `lists` and `paths` stand for what the same commit writes (see build_descriptor)."""
    path = root / DESCRIPTOR
    previous = None
    if path.exists():
        import json
        previous = json.loads(path.read_text(encoding="utf-8"))
    return json_bytes(build_descriptor(root, previous, lists=lists, paths=paths))


def write_descriptor(root: Path) -> None:
    write_file(root / DESCRIPTOR, descriptor_bytes(root))

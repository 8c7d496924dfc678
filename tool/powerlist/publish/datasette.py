"""metadata.json beside each release's SQLite file, for `datasette <tag>.sqlite -m metadata.json`:
title, licence and source, every table's and column's description from the Table Schemas, the
facets worth offering, and the full-text table of each searchable table."""

from __future__ import annotations

import json
from pathlib import Path

from ..textsearch import SEARCH_COLUMNS
from .portal import Portal, document_sources
from .release_data import ReleaseData
from .sqlite_db import fts_table

# Columns with a small closed vocabulary: offered as facets on the table page.
FACETS = {"items": ["list_id", "category"], "steps": ["name"], "bases": ["role", "law_type", "law_id"],
          "lists": ["kind"], "counties": ["level", "city_name"], "laws": ["law_type"]}


def column_text(f: dict) -> str:
    return " — ".join(x for x in (f.get("title"), f.get("description")) if x)


def metadata(rel: ReleaseData, portal: Portal) -> dict:
    tables = {}
    for name, ts in rel.schemas.items():
        entry: dict = {"description": ts.descriptor.get("description") or ts.descriptor.get("title", ""),
                       "columns": {f["name"]: column_text(f) for f in ts.fields if column_text(f)}}
        if FACETS.get(name):
            entry["facets"] = [c for c in FACETS[name] if c in ts.columns]
        if name in SEARCH_COLUMNS:
            entry["fts_table"] = fts_table(name)
            entry["fts_pk"] = "rowid"
        tables[name] = entry
    docs = document_sources(rel)
    return {
        "title": f"{portal.title} · {rel.tag}",
        "description": portal.description,
        "license": portal.license["name"],
        "license_url": portal.license["path"],
        "source": "；".join(f"{d['title']}（{d.get('doc_no') or d.get('doc_no_inferred', '')}）".replace("（）", "")
                           for d in docs),
        "source_url": portal.url("index.html"),
        "databases": {rel.stem: {"tables": tables}},
    }


def write_metadata(rel: ReleaseData, folder: Path, portal: Portal) -> Path:
    path = folder / "metadata.json"
    path.write_text(json.dumps(metadata(rel, portal), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path

"""How a table's rows are laid out in files (storage): one CSV per list, or one CSV per table.

The working state stores `items` and the tables hanging off an item one file per list
(`tables/items/<list_id>.csv`, `tables/steps/<list_id>.csv`, …): a Frictionless multi-file
resource whose `path` is the list of those files, read one after another, each file with its own
header. Ingesting one list then rewrites that list's files only, and two packages can be compared
file by file: a file whose SHA-256 is the same on both sides holds the same rows. The other
tables (`lists`, `counties`, the law tables) stay one file each. Releases made before this layout
hold one file per table; every reader takes both (a resource's `path` is a string or a list).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# Tables stored one file per list: items (which carry list_id) and every table keyed by item_id.
PARTITIONED = ("items", "steps", "accountability", "exemptions", "bases")

_PART = re.compile(r"^tables/([a-z_]+)/([^/]+)\.csv$")


def single_path(table: str) -> str:
    return f"tables/{table}.csv"


def part_path(table: str, list_id: str) -> str:
    return f"tables/{table}/{list_id}.csv"


def resource_path(table: str, list_ids) -> str | list[str]:
    """The descriptor's `path` for a table: its per-list files (sorted by list id), or one file.

    A partitioned table of a package with no lists yet is one (header-only) file: a multi-file
    resource needs at least one path.
    """
    ids = sorted(list_ids or ())
    if table in PARTITIONED and ids:
        return [part_path(table, l) for l in ids]
    return single_path(table)


def paths_of(resource: dict) -> list[str]:
    """The file(s) of a descriptor resource, in reading order."""
    path = resource["path"]
    return list(path) if isinstance(path, list) else [path]


def list_of_part(relpath: str) -> str | None:
    """The list id a per-list file holds (tables/items/450325-baomi.csv → 450325-baomi), else None."""
    m = _PART.match(relpath)
    return m.group(2) if m and m.group(1) in PARTITIONED else None


def detect_paths(folder: Path, tables) -> dict[str, str | list[str]]:
    """Each table's path as the folder holds it: its per-list files when tables/<table>/ exists."""
    out: dict[str, str | list[str]] = {}
    for t in tables:
        d = folder / "tables" / t
        if t in PARTITIONED and d.is_dir():
            with os.scandir(d) as entries:  # names only: a pathlib object per file cost seconds at 25k files
                out[t] = resource_path(t, [e.name[:-4] for e in entries if e.name.endswith(".csv")])
        else:
            out[t] = single_path(t)
    return out

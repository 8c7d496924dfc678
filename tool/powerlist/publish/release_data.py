"""One release read once for every artifact: its tables as typed rows, schemas and metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from ..package import Package, open_target
from ..render import ListView
from ..schema import TableSchema


@dataclass
class ReleaseData:
    tag: str
    date: str                      # release date from release.json, YYYY-MM-DD
    package: Package
    name: str                      # the data package's name, used as the file name prefix
    schemas: dict[str, TableSchema]
    tables: dict[str, list[dict]]
    views: dict[str, ListView] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return f"{self.name}-{self.tag}"

    @property
    def day(self) -> Date:
        return Date.fromisoformat(self.date)

    def zip_time(self) -> tuple[int, int, int, int, int, int]:
        """Every archive entry is stamped with the release date, so archives are reproducible."""
        d = self.day
        return (max(d.year, 1980), d.month, d.day, 0, 0, 0)


def load_release(root: Path, tag: str) -> ReleaseData:
    pkg = open_target(root, tag)
    manifest = json.loads((pkg.path / "release.json").read_text(encoding="utf-8"))
    schemas = {n: s for n, s in pkg.schemas.items() if pkg.has_table(n)}
    tables = {n: pkg.read_table(n) for n in schemas}
    data = ReleaseData(tag, manifest["date"], pkg, pkg.descriptor.get("name", "powerlist"), schemas, tables)
    data.views = {l["list_id"]: ListView(pkg, l["list_id"]) for l in tables.get("lists", [])}
    return data

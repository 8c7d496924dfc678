"""Print powerlist's validation findings of one package as JSON keys (table, row, field, type)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tool"))

from powerlist.package import Package  # noqa: E402
from powerlist.validate import validate_package  # noqa: E402

if __name__ == "__main__":
    engine = sys.argv[2] if len(sys.argv) > 2 else "duckdb"
    result = validate_package(Package(Path(sys.argv[1]), sys.argv[1]), engine=engine)
    keys = sorted({(f.table, f.row, f.field, f.type) for f in result.findings}, key=str)
    print(json.dumps({"engine": result.engine, "rows": result.rows, "keys": keys}, ensure_ascii=False))

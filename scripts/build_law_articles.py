#!/usr/bin/env python3
"""Build tables/law_articles.csv from the official texts in sources/reference/laws/.

Nothing is typed: each file's instrument and version come from its name (title and date) matched
against tables/laws.csv and tables/law_versions.csv, and every row from the file's lines (see
powerlist.laws.texts for the layout). The resource's sources in datapackage.json name each file,
its sha256 and the LawRefBook/Laws path and commit it was copied from.

Usage: PYTHONPATH=tool python scripts/build_law_articles.py [ROOT]
"""
from __future__ import annotations

import sys
from pathlib import Path

from powerlist.laws.texts import write_law_articles

if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    rows = write_law_articles(root)
    counts: dict[str, int] = {}
    for r in rows:
        if r["paragraph_no"] == 1 and r["item_no"] == 0:
            counts[r["version_id"]] = counts.get(r["version_id"], 0) + 1
    for version_id, n in counts.items():
        print(f"{version_id}: {n} articles")
    print(f"{len(rows)} rows → tables/law_articles.csv")

#!/usr/bin/env python3
"""Rebuild the 2022 working state from sources/2022 with the ingester, then freeze release 2022.

Run from the package root after `pip install -e .`:
    python scripts/build_counties.py && python scripts/build_2022.py
The tables are never typed by hand: this script is how they came to be, and
tests/test_build.py rebuilds them in a temporary folder and compares.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from powerlist.descriptor import write_descriptor
from powerlist.ingest.run import ingest_document
from powerlist.laws.texts import write_law_articles
from powerlist.package import Package, write_tables
from powerlist.release import create_release
from powerlist.schema import REFERENCE_TABLES

SOURCES_2022 = ["sources/2022/gx-catalog-2022.txt", "sources/2022/xingan-baomi-2022.txt"]


def rebuild(root: Path) -> None:
    """Ingest the 2022 documents in order (catalog first) over the working state.

    Re-ingesting over existing tables keeps every item id (matched by name); in a fresh folder
    holding only counties and the curated law tables, the other tables are created from nothing.
    """
    # The descriptor follows schemas/ first, so tables added there (the curated law tables) are
    # read and carried through by the ingester instead of being written back empty.
    write_descriptor(root)
    if not (root / "tables" / "lists.csv").exists():
        working = Package(root, "working")
        # counties and the curated law tables are inputs, not ingester output: keep them.
        write_tables(root, {name: working.read_table(name) for name in ["counties", *REFERENCE_TABLES]})
        write_descriptor(root)
        # law_articles is not curated: it is derived from the official texts in sources/reference/laws.
        write_law_articles(root)
    for doc in SOURCES_2022:
        report = ingest_document(root, root / doc)
        print(f"{doc}: {report.list_id} {report.counts}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--release", action="store_true", help="also freeze the result as release 2022")
    args = ap.parse_args()
    root = Path.cwd()
    rebuild(root)
    if args.release:
        create_release(root, "2022", "2022-07-18")
    return 0


if __name__ == "__main__":
    sys.exit(main())

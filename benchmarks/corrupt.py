"""Copy a SYNTHETIC generated package and break it in known ways, for comparing validators.

    python benchmarks/corrupt.py SRC DEST

The breakages sit in the first rows of each table (the rest is copied byte for byte, so this is
fast at any size): wrong types, missing required values, bad enum values, pattern and minimum
violations, duplicate primary keys (one only visible after integer parsing), dangling foreign
keys (to another table and to the same table), a blank row, a short row, a long row and a
renamed header label. It assumes the row layout benchmarks/generate.py writes.
"""

from __future__ import annotations

import csv
import io
import shutil
import sys
from pathlib import Path

# table -> {data row index (0 = first row after the header): {column: new value}}
# Special values: "__TRUNCATE__" keeps only the first 3 cells; "__EXTRA__" appends a cell;
# "__BLANK__" empties every cell; "__COPY_KEY__" copies the key cells of the previous row.
BREAKAGES: dict[str, dict[int, dict[str, str]]] = {
    "items": {
        1: {"seq": "abc"},                        # type-error
        3: {"category": "行政命令"},               # enum
        5: {"name": ""},                          # required
        7: {"item_id": "__COPY_KEY__"},            # duplicate primary key
        9: {"list_id": "nowhere-d99"},            # foreign key to lists
        11: {"catalog_item_id": "ghost-00001"},   # self-referencing foreign key
        13: {"seq": "0"},                         # minimum
        15: {"levels": "县级,,设区市"},             # a list: any strings are fine
    },
    "lists": {
        0: {"county_code": "459999", "issued_on": "2022-13-45"},  # foreign key, date type
        1: {"source_sha256": "XYZ"},              # pattern
    },
    "steps": {
        1: {"step_no": "x"},                      # type-error in a key cell
        3: {"step_no": " 1"},                     # reads as 1: duplicates the item's step 1
        5: {"__row__": "__TRUNCATE__"},           # missing cells
        7: {"__row__": "__EXTRA__"},              # extra cell
        9: {"starts_paragraph": "yes"},           # boolean type-error
        11: {"item_id": "missing-item-00001"},    # foreign key to items
        13: {"responsible_placement": "middle"},  # enum
    },
    "accountability": {
        2: {"__row__": "__BLANK__"},              # blank row (and an all-empty primary key)
        4: {"case_no": "-3"},                     # minimum
        6: {"text": ""},                          # required
    },
    "exemptions": {
        1: {"seq": "1.5"},                        # integer type-error
    },
    "bases": {
        1: {"role": "other"},                     # enum
        3: {"basis_id": "__COPY_KEY__"},           # duplicate primary key
        5: {"continues": ""},                     # required boolean
        7: {"article_no": "第五条"},               # integer type-error
    },
}
RENAMED_LABELS = {"exemptions": {"label": "标签"}}  # incorrect-label in the header


def corrupt_table(src: Path, dest: Path, name: str) -> None:
    breaks = BREAKAGES.get(name, {})
    with open(src, encoding="utf-8", newline="") as fin, open(dest, "w", encoding="utf-8", newline="") as fout:
        header_line = fin.readline()
        header = next(csv.reader([header_line]))
        labels = [RENAMED_LABELS.get(name, {}).get(h, h) for h in header]
        w = csv.writer(fout, lineterminator="\n")
        w.writerow(labels)
        previous = None
        last = max(breaks, default=-1)
        for i in range(last + 1):
            line = fin.readline()
            if not line:
                break
            row = next(csv.reader([line]))
            change = breaks.get(i, {})
            out = list(row)
            for col, value in change.items():
                if value == "__TRUNCATE__":
                    out = out[:3]
                elif value == "__EXTRA__":
                    out = out + ["多余"]
                elif value == "__BLANK__":
                    out = [""] * len(out)
                elif value == "__COPY_KEY__":
                    out[header.index(col)] = previous[header.index(col)]
                else:
                    out[header.index(col)] = value
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerow(out)
            fout.write(buf.getvalue())
            previous = row
        shutil.copyfileobj(fin, fout, 16 << 20)


def corrupt_package(src: Path, dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("tables"))
    (dest / "tables").mkdir()
    for csv_path in sorted((src / "tables").glob("*.csv")):
        corrupt_table(csv_path, dest / "tables" / csv_path.name, csv_path.stem)
    return dest


if __name__ == "__main__":
    corrupt_package(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"corrupted copy of {sys.argv[1]} written to {sys.argv[2]}")

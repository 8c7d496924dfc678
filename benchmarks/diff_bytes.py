"""SHA-256 of `diff FROM TO --format json` computed both ways: lists whose files differ alone, and whole.

    python benchmarks/diff_bytes.py PACKAGE FROM TO

Prints both digests; they must be equal (the incremental diff gives the same bytes). Saved
whole-diff reports (diff/saved.py) are removed first, so the whole diff is computed, not read back.
"""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tool"))

from powerlist.diff import report  # noqa: E402
from powerlist.diff.formats.json_format import write_json  # noqa: E402


def digest(root: Path, a: str, b: str, share: float) -> str:
    old = report.SUBSET_SHARE
    report.SUBSET_SHARE = share
    try:
        with report.open_diff(root, a, b) as r:
            buf = io.BytesIO()
            write_json(r.fields(), buf, r.change_blocks())
    finally:
        report.SUBSET_SHARE = old
    return hashlib.sha256(buf.getvalue()).hexdigest()


if __name__ == "__main__":
    from powerlist.compiled import cache_dir  # noqa: E402
    from powerlist.diff import saved  # noqa: E402
    root, a, b = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    for p in cache_dir(root).glob(f"{saved.PREFIX}*{saved.SUFFIX}"):
        p.unlink()
    print("by list:", digest(root, a, b, 1.0))
    print("whole:  ", digest(root, a, b, -1.0))

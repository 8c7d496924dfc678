"""The identity of powerlist's own code, part of the key of everything it caches from its input.

A cached result (a compiled package, a file's validation findings, a saved diff report) is a
function of its input files AND of the code that made it. Format numbers (compiled.FORMAT_VERSION,
validate_cache.FORMAT) say when the stored layout changes, but a fix to how a value is read or
judged changes the result without changing the layout: keyed by the code's own bytes, the caches
of an older (or newer) powerlist are never read as this one's.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_digest: str | None = None


def code_digest() -> str:
    """SHA-256 of every .py file of the powerlist package, by path (~150 files, ~5 ms, once per process)."""
    global _digest
    if _digest is None:
        top = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for path in sorted(top.rglob("*.py")):
            h.update(f"{path.relative_to(top)}\0".encode())
            h.update(path.read_bytes())
        _digest = h.hexdigest()
    return _digest

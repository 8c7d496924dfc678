"""dist/SHA256SUMS: every published file, in the format `sha256sum -c` reads."""

from __future__ import annotations

import hashlib
from pathlib import Path

NAME = "SHA256SUMS"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_sha256sums(out: Path) -> Path:
    files = sorted((p for p in out.rglob("*") if p.is_file() and p.name != NAME),
                   key=lambda p: p.relative_to(out).as_posix())
    path = out / NAME
    path.write_text("".join(f"{sha256(p)}  {p.relative_to(out).as_posix()}\n" for p in files), encoding="utf-8")
    return path

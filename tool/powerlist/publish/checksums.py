"""dist/SHA256SUMS: every published file, in the format `sha256sum -c` reads."""

from __future__ import annotations

from pathlib import Path

from ..files import sha256_file

NAME = "SHA256SUMS"


def write_sha256sums(out: Path) -> Path:
    files = sorted((p for p in out.rglob("*") if p.is_file() and p.name != NAME),
                   key=lambda p: p.relative_to(out).as_posix())
    path = out / NAME
    path.write_text("".join(f"{sha256_file(p)}  {p.relative_to(out).as_posix()}\n" for p in files), encoding="utf-8")
    return path

"""Zip archives whose bytes depend only on their content (fixed entry times, order and modes)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

DateTime = tuple[int, int, int, int, int, int]


def zip_info(name: str, date_time: DateTime, level: int = 6) -> zipfile.ZipInfo:
    """An entry stamped date_time with mode 0644, deflated at `level`."""
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = level  # what ZipFile.open(info, "w") compresses with
    info.external_attr = 0o100644 << 16
    info.create_system = 3  # unix, whatever the building machine
    return info


def write_zip(path: Path, entries: list[tuple[str, bytes]], date_time: DateTime) -> None:
    """Entries are written in the order given, each stamped date_time with mode 0644."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries:
            zf.writestr(zip_info(name, date_time), data, compresslevel=6)


def restamp_zip(data: bytes, path: Path, date_time: DateTime) -> None:
    """Rewrite an archive made by another library (openpyxl) with fixed entry metadata."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        entries = [(info.filename, zf.read(info)) for info in zf.infolist()]
    write_zip(path, entries, date_time)

"""The release's Frictionless data package as one zip (unzips to a folder that validates).

Files are streamed into the archive (a province-scale release is ~600 MB of CSV; it is never in
memory). Releases share most of their files (an unchanged list's files are the same bytes in
every release), and deflating is most of this step's cost, so a file whose SHA-256 the release's
manifest records is deflated once per publish: a later release holding the same bytes copies the
deflated bytes from the first archive (deflate is deterministic, so the archive is the same bytes
as if it had deflated them itself).
"""

from __future__ import annotations

import shutil
import struct
import zipfile
from pathlib import Path

from .deterministic import zip_info
from .release_data import ReleaseData
from .reuse import recall, record

CHUNK = 1 << 20
# Deflate level 3, not zlib's default 6: on these CSV files it is 2.7× faster for an archive ~25%
# larger (100,000 items: 3 instead of 8 CPU s per release, 70 instead of 56 MB).
LEVEL = 3
_HEADER = struct.Struct("<4s2B4HL2L2H")  # a zip local file header (zipfile's structFileHeader)


def write_datapackage_zip(rel: ReleaseData, folder: Path) -> Path:
    """Every file of releases/TAG under a top folder named like the zip, in path order."""
    path = folder / f"{rel.stem}.zip"
    src = rel.package.path
    digests = rel.manifest.get("files", {})
    files = sorted((p for p in src.rglob("*") if p.is_file() and not p.name.startswith(".")),
                   key=lambda p: p.relative_to(src).as_posix())
    with zipfile.ZipFile(path, "w", allowZip64=True) as zf:
        for p in files:
            name = p.relative_to(src).as_posix()
            info = zip_info(f"{rel.stem}/{name}", rel.zip_time(), LEVEL)
            info.file_size = p.stat().st_size
            digest = digests.get(name)
            earlier = recall("deflated", digest) if digest else None
            if earlier is not None:
                _copy_deflated(zf, info, *earlier)
                continue
            with open(p, "rb") as fh, zf.open(info, "w") as dest:
                shutil.copyfileobj(fh, dest, CHUNK)
            if digest:
                record("deflated", digest, (path, info.header_offset, info.CRC, info.compress_size))
    return path


def _copy_deflated(zf: zipfile.ZipFile, info: zipfile.ZipInfo, archive: Path, offset: int, crc: int,
                   compressed: int) -> None:
    """Add `info` to an archive being written with the deflated bytes of an entry of an earlier
    archive, writing the header exactly as ZipFile.open(info, "w") would for the same bytes
    (zipfile has no public call for an entry deflated elsewhere)."""
    with open(archive, "rb") as fh:
        fh.seek(offset)
        fields = _HEADER.unpack(fh.read(_HEADER.size))
        fh.seek(fields[-2] + fields[-1], 1)  # past the file name and the extra field
        info.flag_bits = 0
        info.CRC, info.compress_size = crc, compressed
        zip64 = info.file_size * 1.05 > zipfile.ZIP64_LIMIT  # ZipFile._open_to_write's rule
        zf.fp.seek(zf.start_dir)
        info.header_offset = zf.fp.tell()
        zf._writecheck(info)
        zf._didModify = True
        zf.fp.write(info.FileHeader(zip64))
        left = compressed
        while left:
            block = fh.read(min(CHUNK, left))
            if not block:
                raise OSError(f"{archive}: entry at {offset} is shorter than recorded")
            zf.fp.write(block)
            left -= len(block)
    zf.start_dir = zf.fp.tell()
    zf.filelist.append(info)
    zf.NameToInfo[info.filename] = info

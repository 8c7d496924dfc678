"""Legacy and open office formats → .docx/.xlsx through LibreOffice headless, then the Office readers.

.doc/.wps/.odt are word-processing documents, .xls/.et/.ods spreadsheets. Each conversion runs in
its own temporary folder with its own LibreOffice profile (-env:UserInstallation), so a desktop
LibreOffice the user has open, or another conversion running at the same time, cannot interfere,
and under a time limit, so a document LibreOffice hangs on (a password prompt, a damaged file)
fails with one line instead of never returning.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import PowerlistError

# Suffix → (format LibreOffice writes, Debian package holding the LibreOffice filter that reads it).
TARGETS = {
    ".doc": ("docx", "libreoffice-writer-nogui"),
    ".wps": ("docx", "libreoffice-writer-nogui"),
    ".odt": ("docx", "libreoffice-writer-nogui"),
    ".xls": ("xlsx", "libreoffice-calc-nogui"),
    ".et": ("xlsx", "libreoffice-calc-nogui"),
    ".ods": ("xlsx", "libreoffice-calc-nogui"),
}

TIMEOUT_ENV = "POWERLIST_SOFFICE_TIMEOUT"
# LibreOffice prints this on every run where no Java is installed; it says nothing about the file.
JAVA_WARNING = "Warning: failed to launch javaldx - java may not function correctly"
DEFAULT_TIMEOUT = 120.0  # seconds; a 200-item list converts in a few seconds, a cold first start takes longer


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def timeout_seconds() -> float:
    raw = os.environ.get(TIMEOUT_ENV)
    if raw is None:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise PowerlistError(f"{TIMEOUT_ENV}={raw!r}: expected a number of seconds greater than 0")
    return value


def run_soffice(files: list[Path], target: str, outdir: Path, workdir: Path, *, package: str,
                timeout: float | None = None, name: Path | None = None) -> subprocess.CompletedProcess:
    """One LibreOffice run converting `files` to `target` into `outdir`, with a profile of its own
    under `workdir`. Raises the one-line errors, naming `name` (default: the first file):
    LibreOffice missing, time limit passed."""
    name = name or files[0]
    exe = soffice()
    if exe is None:
        raise PowerlistError(
            f"{name}: reading {name.suffix.lower()} needs LibreOffice, which is not installed; "
            f"install it with `apt-get install {package}` (or convert the file to .{target} yourself)"
        )
    limit = timeout_seconds() if timeout is None else timeout
    cmd = [exe, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={(workdir / 'profile').as_uri()}",
           "--convert-to", target, "--outdir", str(outdir), *map(str, files)]
    # Its own session, so that on the time limit the whole LibreOffice process group (the
    # launcher and soffice.bin) is ended, not only the launcher.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "HOME": str(workdir)}, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise PowerlistError(
            f"{name}: LibreOffice did not convert the file to .{target.split(':')[0]} within {limit:g} s "
            f"(set {TIMEOUT_ENV} to allow longer); the file may be damaged or ask for a password"
        ) from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def convert(path: Path, target: str, workdir: Path, *, package: str = "libreoffice",
            timeout: float | None = None) -> Path:
    """Convert `path` to `target` ("docx", "xlsx") in `workdir`; the converted file's path."""
    # LibreOffice names its output after the input; a copy with an ASCII name keeps it predictable
    # whatever the document is called, and the user's file is never opened for writing.
    src = workdir / f"document{path.suffix.lower()}"
    shutil.copyfile(path, src)
    proc = run_soffice([src], target, workdir / "out", workdir, package=package, timeout=timeout, name=path)
    out = workdir / "out" / f"document.{target}"
    if proc.returncode != 0 or not out.is_file():
        said = " ".join((proc.stderr or proc.stdout or "").replace(JAVA_WARNING, "").split())
        detail = f" ({said[:160]})" if said else ""
        raise PowerlistError(
            f"{path}: LibreOffice could not convert the file to .{target}{detail}; "
            "it may be damaged, password-protected or not a "
            f"{'word-processing document' if target == 'docx' else 'spreadsheet'}"
        )
    return out


# How each kind of file begins. LibreOffice reads anything it cannot recognise as plain text, so a
# damaged or mislabelled file would come back as a sheet of garbage: refuse it here instead.
# Word files saved as RTF or web pages under .doc are common and LibreOffice reads them.
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
STARTS = {".doc": (OLE_MAGIC, b"{\\rtf", b"<"), ".wps": (OLE_MAGIC, b"{\\rtf", b"<"),
          ".xls": (OLE_MAGIC, b"<"), ".et": (OLE_MAGIC, b"<"), ".odt": (b"PK\x03\x04",), ".ods": (b"PK\x03\x04",)}


def check_content(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(16).lstrip()
    if not head.startswith(STARTS[path.suffix.lower()]):
        kind = "OpenDocument (zip)" if path.suffix.lower() in (".odt", ".ods") else "Office (OLE compound)"
        raise PowerlistError(f"{path}: not a {path.suffix.lower()} file: it does not begin like an {kind} file; "
                             "the file may be damaged or have the wrong ending")


def read_converted_grid(path: Path):
    """Convert a .doc/.wps/.odt/.xls/.et/.ods document and read it with the .docx/.xlsx reader.

    Errors name the user's file, not the temporary copy; cell places (table row/column, sheet cell)
    are those of the converted table, which LibreOffice keeps in the document's own order.
    """
    target, package = TARGETS[path.suffix.lower()]
    check_content(path)
    with tempfile.TemporaryDirectory(prefix="powerlist-convert-") as tmp:
        out = convert(path, target, Path(tmp), package=package)
        if target == "docx":
            from .docx import read_docx_grid
            reader = read_docx_grid
        else:
            from .xlsx import read_xlsx_grid
            reader = read_xlsx_grid
        try:
            grid = reader(out)
        except PowerlistError as exc:
            raise PowerlistError(str(exc).replace(str(out), str(path))) from None
    grid.name = str(path)
    return grid

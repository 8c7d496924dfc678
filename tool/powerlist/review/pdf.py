"""The review report as PDF: the .docx converted by LibreOffice (`soffice --headless`)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import PowerlistError

TIMEOUT = 180  # seconds; a first start of LibreOffice builds its profile


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx_bytes: bytes) -> bytes:
    exe = soffice()
    if exe is None:
        raise PowerlistError("cannot write PDF: LibreOffice (soffice) is not installed; write the .docx "
                             "(-o REPORT.docx) and convert it, or install libreoffice")
    with tempfile.TemporaryDirectory(prefix="powerlist-pdf-") as tmp:
        src = Path(tmp) / "report.docx"
        src.write_bytes(docx_bytes)
        # A profile of its own: a user's running LibreOffice would otherwise take the job and hang.
        profile = Path(tmp, "profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(src)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise PowerlistError(f"cannot write PDF: LibreOffice did not finish within {TIMEOUT} s") from None
        pdf = Path(tmp) / "report.pdf"
        if done.returncode != 0 or not pdf.is_file():
            why = (done.stderr or done.stdout).strip().splitlines()
            raise PowerlistError(f"cannot write PDF: LibreOffice failed ({why[-1] if why else f'exit {done.returncode}'})")
        return pdf.read_bytes()

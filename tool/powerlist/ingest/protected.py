"""Password-protected documents, recognised before any reader opens them, refused with one line.

An Office file saved with a password is no longer a zip (.docx/.xlsx) or a plain Word/Excel
binary: Office wraps it in an OLE compound file whose directory holds an `EncryptedPackage`
stream (MS-OFFCRYPTO §2.3.4, "ECMA-376 Document Encryption"); WPS Office does the same. A legacy
.doc/.xls encrypted in place (RC4 inside the binary) is not recognised here: LibreOffice cannot open
it without the password and its conversion fails with a line that names a password as one cause.
An encrypted PDF is refused by pdf.py through `refuse`.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import PowerlistError

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# Directory entry names are UTF-16LE; finding the name is enough, and needs no OLE parser.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def refuse(path: Path, what: str) -> None:
    raise PowerlistError(
        f"{path}: the {what} is password-protected; open it with its password, save a copy "
        "without one, and ingest that copy"
    )


def check_not_protected(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(8)
        if head != OLE_MAGIC:
            return
        fh.seek(0)
        data = fh.read()
    suffix = path.suffix.lower()
    if ENCRYPTED_PACKAGE in data:
        refuse(path, "workbook" if suffix in (".xlsx", ".xls", ".et") else "document")
    if suffix in (".docx", ".xlsx"):
        # An OLE file under an OOXML name without EncryptedPackage is a legacy file renamed.
        raise PowerlistError(
            f"{path}: is an old binary Office file (.doc/.xls) named {suffix}; rename it to "
            f"{'.doc' if suffix == '.docx' else '.xls'} and ingest it again"
        )

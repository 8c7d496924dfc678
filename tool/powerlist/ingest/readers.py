"""Pick the reader for a document by its file ending; every reader returns the same Grid."""

from __future__ import annotations

from pathlib import Path

from ..errors import PowerlistError
from .bounds import check_cells, check_file
from .convert import TARGETS as CONVERTED  # read through LibreOffice: .doc/.wps/.odt/.xls/.et/.ods
from .decode import decode_document
from .grid import Grid, read_text_grid


def read_grid(path: Path) -> Grid:
    """The document's grid, refused with one line when it is over a size limit (bounds.py)."""
    if not path.is_file():
        raise PowerlistError(f"{path}: no such file")
    check_file(path)
    grid = _read(path)
    check_cells(grid, path)
    return grid


def _read(path: Path) -> Grid:
    suffix = path.suffix.lower()
    if suffix in (".txt", ".text", ""):
        return read_text_grid(decode_document(path.read_bytes(), str(path)), str(path))
    if suffix in (".docx", ".xlsx", ".doc", ".wps", ".xls", ".et"):
        from .protected import check_not_protected
        check_not_protected(path)
    if suffix == ".docx":
        from .docx import read_docx_grid
        return read_docx_grid(path)
    if suffix == ".xlsx":
        from .xlsx import read_xlsx_grid
        return read_xlsx_grid(path)
    if suffix in CONVERTED:
        from .convert import read_converted_grid  # noqa: PLC0415
        return read_converted_grid(path)
    if suffix == ".pdf":
        from .pdf import read_pdf_grid
        return read_pdf_grid(path)
    if suffix in (".html", ".htm"):
        from .webpage import read_html_grid
        return read_html_grid(path)
    raise PowerlistError(
        f"{path}: unsupported document type {suffix!r}; expected .txt, .docx, .xlsx, "
        f"{', '.join(CONVERTED)}, .pdf, .html or .htm"
    )

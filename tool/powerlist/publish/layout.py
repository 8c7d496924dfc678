"""The official table's two header rows as merged cells for the site's HTML table, from the same
geometry the office renderer uses (render_office.header_spans / second_row)."""

from __future__ import annotations

from dataclasses import dataclass

from ..render import ListView
from ..render_office import header_spans, second_row


@dataclass(frozen=True)
class HeaderCell:
    row: int       # 0 or 1
    col: int
    rowspan: int
    colspan: int
    text: str


def header_cells(view: ListView) -> list[HeaderCell]:
    """序号, 权力分类 and 备注 span both rows; 权力清单 and 责任清单 span their columns."""
    second = second_row(view)
    cells = []
    for label, first, last in header_spans(view):
        if first == last and not second[first]:
            cells.append(HeaderCell(0, first, 2, 1, label))
        else:
            cells.append(HeaderCell(0, first, 1, last - first + 1, label))
            cells += [HeaderCell(1, col, 1, 1, second[col]) for col in range(first, last + 1)]
    return cells

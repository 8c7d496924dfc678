"""The official table's two header rows as merged cells, shared by the workbook and the site."""

from __future__ import annotations

from dataclasses import dataclass

from ..render import ListView


@dataclass(frozen=True)
class HeaderCell:
    row: int       # 0 or 1
    col: int
    rowspan: int
    colspan: int
    text: str


def header_cells(view: ListView) -> list[HeaderCell]:
    """序号, 权力分类 and 备注 span both rows; 权力清单 spans the power columns up to 责任事项,
    责任清单 the responsibility columns after it — as in the printed documents."""
    second = view.header_rows()[1]
    cells = []
    for label, start, last in view.layout.header_spans():
        width = last - start + 1
        if width == 1 and not second[start]:
            cells.append(HeaderCell(0, start, 2, 1, label))
        else:
            cells.append(HeaderCell(0, start, 1, width, label))
            for col in range(start, start + width):
                cells.append(HeaderCell(1, col, 1, 1, "\n".join(second[col].split())))
    return cells

"""The two official table layouts (catalog and jurisdiction list) and how to recognise them."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import PowerlistError
from .columns import COLUMN_TITLES, header_key

HEADER_ROW1 = ["序号", "权力分类", "权力清单", "责任清单", "备注"]


@dataclass(frozen=True)
class Layout:
    kind: str                 # "catalog" or "jurisdiction"
    columns: list[str]        # internal column names, one per cell of a data row
    header_row2: list[str]    # second header row as printed (line breaks kept for render)

    @property
    def column_titles(self) -> str:
        return "、".join(COLUMN_TITLES[c] for c in self.columns)

    def header_spans(self) -> list[tuple[str, int, int]]:
        """The first header row as (label, first column, last column), 0-based: 序号, 权力分类 and
        备注 stand over one column each (merged down over both rows), 权力清单 over the power
        columns up to 责任事项, 责任清单 over the responsibility columns from it to 备注."""
        n, k = len(self.columns), self.columns.index("steps")
        return [("序号", 0, 0), ("权力分类", 1, 1), ("权力清单", 2, k - 1), ("责任清单", k, n - 2), ("备注", n - 1, n - 1)]

    @property
    def header_cells(self) -> int:
        return len(HEADER_ROW1) + len(self.header_row2)


CATALOG = Layout(
    "catalog",
    ["seq", "category", "name", "sub_name", "levels", "setting_bases", "steps", "step_bases", "remark"],
    ["", "", "项目名称", "子项名称", "实施层级", "设定依据", "责任事项", "责任事项依据", ""],
)

JURISDICTION = Layout(
    "jurisdiction",
    ["seq", "category", "name", "sub_name", "implementing_body", "undertaking_unit", "setting_bases",
     "steps", "step_bases", "cases", "case_bases", "exemptions", "remark"],
    ["", "", "项目名称", "子项名称", "实施主体", "承办的\n\n内设机构", "实施依据", "责任事项\n\n(明确责任主体)",
     "责任事项依据", "追责情形（明确内部追责主体）", "追责依据", "免责事项", ""],
)

LAYOUTS = [CATALOG, JURISDICTION]


def detect_layout(cells, name: str) -> Layout:
    """Recognise the layout from the header cells (grid Cells: .text and .at)."""
    first = cells[0]
    if header_key(first.text) != "序号":
        raise PowerlistError(
            f"{name}: {first.at}: expected the header cell '序号' to start the table, "
            f"found {first.text[:20]!r}"
        )
    for i, want in enumerate(HEADER_ROW1):
        if i >= len(cells) or header_key(cells[i].text) != want:
            got = cells[i] if i < len(cells) else cells[-1]
            raise PowerlistError(
                f"{name}: {got.at}: expected header cell {want!r} in the first header row, "
                f"found {got.text[:20]!r}"
            )
    row2 = cells[len(HEADER_ROW1):]
    for layout in LAYOUTS:
        wanted = [header_key(h) for h in layout.header_row2]
        got = [header_key(c.text) for c in row2[: len(wanted)]]
        if got == wanted:
            return layout
    # Name the first cell that matches neither layout, to point at the line to fix.
    for i, cell in enumerate(row2):
        options = {header_key(lay.header_row2[i]) for lay in LAYOUTS if i < len(lay.header_row2)}
        if header_key(cell.text) not in options:
            expected = " or ".join(repr(o) for o in sorted(options) if o) or "an empty cell"
            raise PowerlistError(
                f"{name}: {cell.at}: unexpected second-row header cell {cell.text[:20]!r}, "
                f"expected {expected}"
            )
    last = row2[-1] if row2 else cells[-1]
    raise PowerlistError(f"{name}: {last.at}: the header's second row is incomplete")

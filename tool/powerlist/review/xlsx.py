"""The review report as a workbook: one sheet per part (sheets.write_sheet's printable layout)."""

from __future__ import annotations

import io

from ..sheets import write_sheet
from .parts import parts

SHEET_NAMES = ("基本情况", "调整情况汇总", "调整对照表", "合规与审核")
WIDTHS = {"序号": 6, "事项名称": 28, "调整类型": 12, "调整内容": 22, "调整前": 60, "调整后": 60, "项目": 10,
          "对照版本": 50, "审查文件": 50, "说明": 60, "目录": 45, "清单": 45, "位置": 22, "目录事项": 30}


def render_xlsx(review: dict) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for part, name in zip(parts(review), SHEET_NAMES):
        write_sheet(wb.create_sheet(name), f"{review['header']['title']}　{part.title}", part.lines, part.tables, WIDTHS)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

"""The column vocabulary of a list table: internal names, printed titles, and the synonym table.

SYNONYMS is the ONE place that says which header labels name which column. Labels compare by
`header_key` (no whitespace, one width of brackets), so `承办的\\n\\n内设机构`, `责任事项 (明确责任主体)`
and `责任事项（明确责任主体）` are the same label. A label no entry knows is an extra column: kept
in `items.extra` and reported, never dropped.
"""

from __future__ import annotations

import re

# How the documents name each column, for messages to the people who edit them.
COLUMN_TITLES = {
    "seq": "序号", "category": "权力分类", "name": "项目名称", "sub_name": "子项名称", "levels": "实施层级",
    "implementing_body": "实施主体", "undertaking_unit": "承办的内设机构", "setting_bases": "设定/实施依据",
    "steps": "责任事项", "step_bases": "责任事项依据", "cases": "追责情形", "case_bases": "追责依据",
    "exemptions": "免责事项", "remark": "备注",
}

# What each role of a citation (bases.role) is called. The cell of a setting citation is printed
# 设定依据 in a catalog and 实施依据 in a jurisdiction's list; where the list kind is not at hand
# (show, conform) both are named, as the official header does: 设定/实施依据.
ROLE_TITLES = {"setting": COLUMN_TITLES["setting_bases"], "step": COLUMN_TITLES["step_bases"],
               "accountability": COLUMN_TITLES["case_bases"]}
SETTING_TITLES = {"catalog": "设定依据", "jurisdiction": "实施依据"}


def role_title(role: str, list_kind: str | None = None) -> str:
    """The title of a citation role: in the wording of a list of that kind when one is given."""
    if role == "setting" and list_kind is not None:
        return SETTING_TITLES.get(list_kind, SETTING_TITLES["catalog"])
    return ROLE_TITLES.get(role, role)


# Header label (as header_key gives it) → column. Seen in the 2022 lists and in real lists of
# other counties and years (权力类型, 权力项目名称, 责任主体, 法律依据 …).
SYNONYMS: dict[str, str] = {
    "序号": "seq", "编号": "seq",
    "权力分类": "category", "权力类型": "category", "权力类别": "category", "事项类型": "category",
    "类别": "category",
    "项目名称": "name", "权力项目名称": "name", "事项名称": "name", "权力事项名称": "name",
    "权力名称": "name", "职权名称": "name",
    "子项名称": "sub_name", "子项": "sub_name",
    "实施层级": "levels", "行使层级": "levels",
    "实施主体": "implementing_body", "责任主体": "implementing_body", "实施机关": "implementing_body",
    "承办的内设机构": "undertaking_unit", "承办机构": "undertaking_unit", "承办内设机构": "undertaking_unit",
    "设定依据": "setting_bases", "实施依据": "setting_bases", "法律依据": "setting_bases",
    "设定/实施依据": "setting_bases", "设定和实施依据": "setting_bases", "设定及实施依据": "setting_bases",
    "责任事项": "steps", "责任事项（明确责任主体）": "steps", "责任事项内容": "steps",
    "责任事项依据": "step_bases",
    "追责情形": "cases", "追责情形（明确内部追责主体）": "cases", "问责情形": "cases",
    "追责依据": "case_bases", "问责依据": "case_bases",
    "免责事项": "exemptions", "免责情形": "exemptions",
    "备注": "remark",
}

# Labels over a group of columns (the first header row of the official layout): not a column.
GROUP_LABELS = {"权力清单", "责任清单"}

# A summary table before the list (分类/数量): its count column, by label.
COUNT_LABELS = {"数量", "事项数", "项数", "个数", "事项数量", "数量（项）"}


def header_key(label: str) -> str:
    """Header labels compare without whitespace and with one width of parentheses."""
    return re.sub(r"\s+", "", label).replace("(", "（").replace(")", "）")


def column_for(label: str) -> str | None:
    """The column a header label names, or None for a label no synonym knows."""
    return SYNONYMS.get(header_key(label))

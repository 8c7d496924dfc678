"""What a finding is, and the rules and severities there are."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SEVERITIES = ["info", "warning", "error"]

# rule number → (short id, what it finds, in the data's language)
RULES = {
    1: ("citation-variants", "同一法规引用名称或文号不一致"),
    2: ("quote-wording", "同一条文引文文字不一致"),
    3: ("sibling-typo", "同类事项同一情形用语疑似笔误"),
    4: ("superseded-version", "引用已被修订替代的版本"),
    5: ("type-label", "法规类型标注与发布形式不符"),
    6: ("numbering", "编号缺漏、重复或同N指向不存在"),
    7: ("no-responsible-body", "未明确责任主体"),
    8: ("official-text", "引文与官方文本不同"),
}


@dataclass
class Finding:
    rule: int
    severity: str
    list_id: str
    item_id: str | None      # None for a finding about the whole list
    cell: str                # the column a reader looks at (实施依据, 追责情形 …), with the label
    message: str             # one line, Chinese
    evidence: dict = field(default_factory=dict)
    item_seq: int | None = None
    item_name: str | None = None

    @property
    def rule_id(self) -> str:
        return RULES[self.rule][0]

    def to_dict(self) -> dict:
        return {"rule": self.rule, "rule_id": self.rule_id, **asdict(self)}


def at_least(severity: str, floor: str) -> bool:
    return SEVERITIES.index(severity) >= SEVERITIES.index(floor)

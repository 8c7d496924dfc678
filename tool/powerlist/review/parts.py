"""The four parts of a review report as titled tables of text: what every format lays out."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diff.view import shown
from ..sheets import Table

WHOLE_ITEM = "整个事项"  # 调整内容 of a row holding a whole new or removed item
PART_TITLES = ("一、基本情况", "二、调整情况汇总", "三、调整对照表", "四、合规与审核")
TABLE_COLUMNS = ["序号", "事项名称", "调整类型", "调整内容", "调整前", "调整后"]
CONFORM_COLUMNS = ["类型", "序号", "事项名称", "目录事项", "位置", "目录", "清单"]
AUDIT_COLUMNS = ["规则", "严重程度", "序号", "事项名称", "位置", "说明"]


@dataclass
class Part:
    title: str
    lines: list[str] = field(default_factory=list)   # paragraphs before the tables
    tables: list[Table] = field(default_factory=list)


def header_part(review: dict) -> Part:
    h = review["header"]
    b, a, m = h["before"], h["after"], h["matched"]
    rows = [
        {"项目": "清单", "对照版本": h["list_title"], "审查文件": h["list_title"]},
        {"项目": "版本", "对照版本": f"发布版 {b['version']}", "审查文件": a["document"]},
        {"项目": "文号", "对照版本": shown(b["doc_no"]), "审查文件": shown(a["doc_no"])},
        {"项目": "日期", "对照版本": shown(b["issued_on"]), "审查文件": shown(a["issued_on"])},
        {"项目": "来源文件", "对照版本": shown(b["source_file"]), "审查文件": a["source_file"]},
        {"项目": "SHA-256", "对照版本": shown(b["source_sha256"]), "审查文件": a["source_sha256"]},
    ]
    how = "（新清单）" if m["new_list"] else ""
    lines = [f"审查文件对应清单 {m['list_id']}{how}，依据：{m['how_zh']}。"]
    items = [{"序号": str(i["seq"]), "事项名称": i["name"], "事项编号": i["item_id"],
              "对应方式": i["rule_zh"] + (f"（原序号 {i['old_seq']}）" if i["old_seq"] not in (None, i["seq"]) else "")}
             for i in m["items"]]
    notes = [f"取消：原序号 {r['seq']}《{r['name']}》（{r['item_id']}）" for r in m["removed"]] + m["notes"]
    return Part(PART_TITLES[0], lines, [Table(None, ["项目", "对照版本", "审查文件"], rows),
                                        Table("事项对应情况", ["序号", "事项名称", "事项编号", "对应方式"], items, notes)])


def summary_part(review: dict) -> Part:
    rows = [{"调整类型": r["调整类型"], "条数": str(r["条数"])} for r in review["summary"]]
    total = sum(r["条数"] for r in review["summary"])
    lines = [f"共 {total} 条调整（新增或取消的事项整项计一条）。" if total else "与对照版本相比无实质调整。"]
    return Part(PART_TITLES[1], lines, [Table(None, ["调整类型", "条数"], rows)])


def table_part(review: dict) -> Part:
    return Part(PART_TITLES[2], ["删除的文字以红色删除线标出，新增的文字以下划线标出；新增或取消的事项列出其全部内容。"],
                [Table(None, TABLE_COLUMNS, review["rows"])])


def checks_part(review: dict) -> Part:
    c = review["checks"]
    part = Part(PART_TITLES[3])
    conf = c.get("conformance")
    if conf is None:
        part.lines.append("合规性：本清单即通用目录，不作目录对照。" if c.get("kind") == "catalog"
                          else "合规性：本清单未记录对应的通用目录，未作对照。")
    else:
        part.tables.append(Table(
            f"与通用目录（{conf['catalog_list_id']}，{conf['level']}）对照：新发现 {len(conf['new'])} 处",
            CONFORM_COLUMNS, conf["new"], [f"对照版本已有的 {conf['already_present']} 处不再列出。"]))
    audit = c["audit"]
    part.tables.append(Table(f"审核（依据引用规则）：新发现 {len(audit['new'])} 处", AUDIT_COLUMNS, audit["new"],
                             [f"对照版本已有的 {audit['already_present']} 处不再列出。"]))
    return part


def parts(review: dict) -> list[Part]:
    return [header_part(review), summary_part(review), table_part(review), checks_part(review)]

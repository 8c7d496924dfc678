"""A jurisdiction list against the catalog it implements, for the catalog items of its level.

Compared: which catalog items the list lacks, which list items the catalog lacks, and the wording
of the columns both print (权力分类, 项目名称, 子项名称, 设定/实施依据, 责任事项, 责任事项依据).
Ignored as the jurisdiction's own additions: the responsible body in parentheses (already split
into `responsible`), 实施主体, 承办的内设机构, the columns only jurisdictions print (追责, 免责),
whitespace, and character width (1．/1., （/(, －/—).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from .document.columns import ROLE_TITLES
from .errors import PowerlistError
from .package import Package
from .textdiff import EQUAL, segments

LEVEL_OF_COUNTY = {"prefecture": "设区市"}  # every other county-level division is 县级
# The citation columns both a catalog and a jurisdiction list print (追责依据 is the jurisdiction's own).
ROLES = {role: ROLE_TITLES[role] for role in ("setting", "step")}
DASHES = str.maketrans({"—": "-", "－": "-", "–": "-", "‐": "-"})


@dataclass
class Finding:
    # missing_item | extra_item | shared_catalog_item | wrong_level | wording | citation_form |
    # missing_part | extra_part | order
    kind: str
    label: str              # the Chinese word shown to people
    column: str | None = None
    key: str | None = None  # which step or citation, e.g. "责任事项 2" or "1 第三十五条"
    item_id: str | None = None
    seq: int | None = None
    name: str | None = None
    catalog_item_id: str | None = None
    catalog_seq: int | None = None
    catalog_text: str | None = None   # as the catalog prints it
    list_text: str | None = None      # as the list prints it
    diff: list[tuple[str, str]] = field(default_factory=list)  # (equal|delete|insert, text)


@dataclass
class ConformReport:
    list_id: str
    catalog_list_id: str
    level: str
    expected: list[dict]        # catalog items of this level: {catalog_item_id, seq, name}
    not_for_level: list[dict]   # catalog items of other levels only, with their levels
    pairs: list[dict]           # {item_id, seq, catalog_item_id, catalog_seq, name}
    findings: list[Finding]

    @property
    def conforms(self) -> bool:
        return not self.findings


def canon(ch: str) -> str:
    """One character as compared: width folded (NFKC), dashes unified."""
    return unicodedata.normalize("NFKC", ch).translate(DASHES)


def same_wording(a: str | None, b: str | None) -> bool:
    return all(op == EQUAL for op, _ in char_diff(a, b))


def char_diff(a: str | None, b: str | None) -> list[tuple[str, str]]:
    """Character-level differences of a (catalog) → b (list), width and whitespace ignored."""
    return segments(a, b, fold=canon, skip_space=True)


def list_level(pkg: Package, lst: dict) -> str:
    counties = {c["code"]: c for c in pkg.read_table("counties")}
    county = counties.get(lst.get("county_code") or "")
    if county is None:
        raise PowerlistError(f"{lst['list_id']}: no county recorded (county_code), so its level is unknown")
    return LEVEL_OF_COUNTY.get(county["level"], "县级")


def _step_text(s: dict) -> str:
    return f"{s['name']}：{s['text']}" if s.get("name") else s["text"]


def _where(b: dict) -> str:
    return f"{b.get('article') or ''}{b.get('paragraph') or ''}" or "（无条款）"


def _law(b: dict) -> str:
    doc = f"（{b['law_doc']}）" if b.get("law_doc") else ""
    return f"【{b['law_type']}】《{b['law_title']}》{doc}"


def _ref(b: dict) -> str:
    return (b.get("ref") or "").translate(DASHES)


class _Compare:
    def __init__(self, item: dict, cat: dict):
        self.item, self.cat = item, cat
        self.findings: list[Finding] = []

    def add(self, kind: str, label: str, column: str, key: str | None, catalog=None, mine=None, diff=None):
        self.findings.append(Finding(
            kind, label, column, key, self.item["item_id"], self.item["seq"], self.item["name"],
            self.cat["item_id"], self.cat["seq"], catalog, mine, diff or []))

    def text(self, column: str, key: str | None, catalog: str | None, mine: str | None) -> None:
        if not same_wording(catalog, mine):
            self.add("wording", "表述差异", column, key, catalog, mine, char_diff(catalog or "", mine or ""))

    def steps(self, cat_steps: list[dict], my_steps: list[dict]) -> None:
        mine = {s["step_no"]: s for s in my_steps}
        theirs = {s["step_no"]: s for s in cat_steps}
        for no in sorted(set(mine) | set(theirs)):
            key = f"责任事项 {no}"
            if no not in mine:
                self.add("missing_part", "缺少目录内容", "责任事项", key, _step_text(theirs[no]), None)
            elif no not in theirs:
                self.add("extra_part", "多出目录外内容", "责任事项", key, None, _step_text(mine[no]))
            else:
                self.text("责任事项", key, _step_text(theirs[no]), _step_text(mine[no]))

    def bases(self, role: str, cat_bases: list[dict], my_bases: list[dict]) -> None:
        column = ROLES[role]
        printed: dict[str, str] = {}  # matched with dashes unified, shown as the catalog prints it
        for b in cat_bases + my_bases:
            printed.setdefault(_ref(b), b.get("ref") or "")
        for ref, shown in printed.items():
            theirs = [b for b in cat_bases if _ref(b) == ref]
            mine = [b for b in my_bases if _ref(b) == ref]
            self._citation(column, shown, theirs, mine)

    def _citation(self, column: str, ref: str, theirs: list[dict], mine: list[dict]) -> None:
        label = ref or "（无编号）"
        if not mine:
            self.add("missing_part", "缺少目录内容", column, label,
                     "；".join(_law(b) + _where(b) for b in theirs), None)
            return
        if not theirs:
            self.add("extra_part", "多出目录外内容", column, label, None, "；".join(_law(b) + _where(b) for b in mine))
            return
        if not same_wording(_law(theirs[0]), _law(mine[0])):
            self.add("wording", "表述差异", column, f"{label} 依据文件", _law(theirs[0]), _law(mine[0]),
                     char_diff(_law(theirs[0]), _law(mine[0])))
        by_article = lambda rows: {(b.get("article_no"), b.get("paragraph_no")): b for b in rows}  # noqa: E731
        t, m = by_article(theirs), by_article(mine)
        shared = [k for k in t if k in m]
        if [k for k in m if k in t] != shared:
            self.add("order", "顺序不同", column, label,
                     "、".join(_where(t[k]) for k in shared), "、".join(_where(m[k]) for k in m if k in t))
        for k, b in t.items():
            key = f"{label} {_where(b)}"
            if k not in m:
                self.add("missing_part", "缺少目录内容", column, key, _where(b), None)
                continue
            mb = m[k]
            if (b.get("chapter") or "") != (mb.get("chapter") or ""):
                cat_form = f"{b.get('chapter') or ''}{_where(b)}"
                my_form = f"{mb.get('chapter') or ''}{_where(mb)}"
                self.add("citation_form", "引用格式", column, key, cat_form, my_form, char_diff(cat_form, my_form))
            self.text(column, key, b.get("text"), mb.get("text"))
        for k, b in m.items():
            if k not in t:
                self.add("extra_part", "多出目录外内容", column, f"{label} {_where(b)}", None, _where(b))


def _outside_catalog(item: dict, cat_items: list[dict], implementer: dict[str, dict]) -> Finding:
    """A list item with no catalog counterpart; if its name resembles a catalog item another list
    item implements, that catalog item is named (ingest refuses such a link by similarity alone)."""
    from .ingest.match import most_similar

    near = most_similar(item["name"], cat_items)
    other = implementer.get(near["item_id"]) if near else None
    if near is None or other is None:
        return Finding("extra_item", "目录外事项", None, None, item["item_id"], item["seq"],
                       item["name"], None, None, None, item["name"])
    return Finding("extra_item", "目录外事项", None, None, item["item_id"], item["seq"], item["name"],
                   near["item_id"], near["seq"], near["name"],
                   f"{item['name']}（与目录第 {near['seq']} 项相近，该目录事项已由序号 {other['seq']}《{other['name']}》实施）")


def conform(pkg: Package, list_id: str) -> ConformReport:
    lists = {l["list_id"]: l for l in pkg.read_table("lists")}
    if list_id not in lists:
        raise PowerlistError(f"{pkg.label}: unknown list {list_id!r} (known: {', '.join(sorted(lists)) or 'none'})")
    lst = lists[list_id]
    if lst["kind"] != "jurisdiction":
        raise PowerlistError(f"{list_id} is a {lst['kind']} list; conform compares a jurisdiction list with its catalog")
    catalog_id = lst.get("catalog_list_id")
    if not catalog_id or catalog_id not in lists:
        raise PowerlistError(f"{list_id}: no catalog recorded for it (catalog_list_id), nothing to compare with")
    level = list_level(pkg, lst)

    items = sorted((i for i in pkg.read_table("items") if i["list_id"] == list_id), key=lambda i: i["seq"])
    cat_items = sorted((i for i in pkg.read_table("items") if i["list_id"] == catalog_id), key=lambda i: i["seq"])
    ids = {i["item_id"] for i in items} | {i["item_id"] for i in cat_items}
    steps: dict[str, list[dict]] = {}
    for s in sorted(pkg.read_table("steps"), key=lambda s: s["step_no"]):
        if s["item_id"] in ids:
            steps.setdefault(s["item_id"], []).append(s)
    bases: dict[tuple[str, str], list[dict]] = {}
    for b in sorted(pkg.read_table("bases"), key=lambda b: b["seq"]):
        if b["item_id"] in ids and b["role"] in ROLES:
            bases.setdefault((b["item_id"], b["role"]), []).append(b)

    expected = [c for c in cat_items if level in (c.get("levels") or [])]
    others = [c for c in cat_items if c not in expected]
    linked = {i["catalog_item_id"]: i for i in items if i.get("catalog_item_id")}
    findings: list[Finding] = []
    pairs = []
    for c in expected:
        if c["item_id"] not in linked:
            findings.append(Finding("missing_item", "目录事项缺失", None, None, None, None, None,
                                    c["item_id"], c["seq"], c["name"], None))
    cat_by_id = {c["item_id"]: c for c in cat_items}
    implementer: dict[str, dict] = {}  # catalog item → the first list item linked to it
    for item in items:
        implementer.setdefault(item.get("catalog_item_id") or "", item)
    for item in items:
        cat = cat_by_id.get(item.get("catalog_item_id") or "")
        if cat is None:
            findings.append(_outside_catalog(item, cat_items, implementer))
            continue
        first = implementer[cat["item_id"]]
        if first is not item:
            findings.append(Finding(
                "shared_catalog_item", "重复对应目录事项", None, None, item["item_id"], item["seq"], item["name"],
                cat["item_id"], cat["seq"], cat["name"],
                f"目录第 {cat['seq']} 项已由序号 {first['seq']}《{first['name']}》实施"))
        pairs.append({"item_id": item["item_id"], "seq": item["seq"], "catalog_item_id": cat["item_id"],
                      "catalog_seq": cat["seq"], "name": item["name"]})
        cmp = _Compare(item, cat)
        if cat not in expected:
            cmp.add("wrong_level", "层级不符", "实施层级", None, cat.get("levels_printed"), level)
        cmp.text("权力分类", None, cat["category"], item["category"])
        cmp.text("项目名称", None, cat["name"], item["name"])
        cmp.text("子项名称", None, cat.get("sub_name"), item.get("sub_name"))
        for role in ROLES:
            cmp.bases(role, bases.get((cat["item_id"], role), []), bases.get((item["item_id"], role), []))
        cmp.steps(steps.get(cat["item_id"], []), steps.get(item["item_id"], []))
        findings.extend(cmp.findings)
    return ConformReport(
        list_id, catalog_id, level,
        [{"catalog_item_id": c["item_id"], "seq": c["seq"], "name": c["name"]} for c in expected],
        [{"catalog_item_id": c["item_id"], "seq": c["seq"], "name": c["name"], "levels": c.get("levels_printed")}
         for c in others],
        pairs, findings,
    )

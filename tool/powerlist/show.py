"""One item with everything that hangs off it, as a nested record and as a readable print-out."""

from __future__ import annotations

from rich.console import Console

from .document.columns import ROLE_TITLES
from .errors import PowerlistError
from .package import Package


def item_record(pkg: Package, item_id: str) -> dict:
    items = {i["item_id"]: i for i in pkg.read_table("items")}
    if item_id not in items:
        raise PowerlistError(f"{pkg.label}: unknown item {item_id!r}")
    record = dict(items[item_id])
    for table, key in (("steps", "step_no"), ("accountability", "case_no"), ("exemptions", "seq"), ("bases", "seq")):
        rows = [r for r in pkg.read_table(table) if r["item_id"] == item_id]
        record[table] = sorted(rows, key=lambda r: (r.get("role") or "", r[key]))
    return record




def _citation(b: dict) -> str:
    where = f"{b.get('chapter') or ''}{b.get('article') or ''}{b.get('paragraph') or ''}"
    doc = f"（{b['law_doc']}）" if b.get("law_doc") else ""
    same = f" [{b['same_as_printed']}]" if b.get("same_as") else ""
    return f"{b.get('ref') or '-'} 【{b['law_type']}】《{b['law_title']}》{doc}{where}{same}"


def print_item(console: Console, r: dict) -> None:
    p = lambda text="", style=None: console.print(text, style=style, markup=False, highlight=False)
    p(f"{r['item_id']}  序号 {r['seq']}  {r['category']}", style="bold")
    p(r["name"], style="bold")
    for key, title in (("sub_name", "子项名称"), ("levels_printed", "实施层级"), ("implementing_body", "实施主体"),
                       ("undertaking_unit", "承办的内设机构"), ("catalog_item_id", "对应通用目录事项"), ("remark", "备注")):
        if r.get(key):
            p(f"{title}：{r[key]}")
    for role, title in ROLE_TITLES.items():
        bases = [b for b in r["bases"] if b["role"] == role]
        if bases:
            p()
            p(title, style="bold")
            for b in bases:
                p(f"  {_citation(b)}")
    if r["steps"]:
        p()
        p("责任事项", style="bold")
        for s in r["steps"]:
            body = f"{s['name']}：{s['text']}" if s.get("name") else s["text"]
            p(f"  {s['step_no']}. {body}" + (f"  ［责任主体：{s['responsible']}］" if s.get("responsible") else ""))
    if r["accountability"]:
        p()
        p("追责情形", style="bold")
        if r.get("accountability_intro"):
            p(f"  {r['accountability_intro']}")
        for c in r["accountability"]:
            p(f"  {c['case_no']}. {c['text']}" + (f"  ［追责主体：{c['responsible']}］" if c.get("responsible") else ""))
    if r["exemptions"]:
        p()
        p("免责事项", style="bold")
        for e in r["exemptions"]:
            p(f"  {e['text']}")


def list_rows(pkg: Package) -> list[dict]:
    """One row per list: id, kind, jurisdiction, 文号 and date (marked when inferred), item count, title."""
    counties = {c["code"]: c for c in pkg.read_table("counties")}
    counts: dict[str, int] = {}
    for item in pkg.read_table("items"):
        counts[item["list_id"]] = counts.get(item["list_id"], 0) + 1
    rows = []
    for l in pkg.read_table("lists"):
        county = counties.get(l.get("county_code") or "")
        rows.append({
            "list_id": l["list_id"],
            "kind": l["kind"],
            "jurisdiction": f"{county['city_name']} {county['name']} {county['code']}" if county else "广西（全区）",
            "doc no": l.get("doc_no") or (f"{l['doc_no_inferred']} (inferred)" if l.get("doc_no_inferred") else ""),
            "date": l.get("issued_on") or (f"{l['issued_on_inferred']} (inferred)" if l.get("issued_on_inferred") else ""),
            "items": counts.get(l["list_id"], 0),
            "title": l["title"],
        })
    return rows

"""The site's pages: index, one page per list and release, one redline page per release pair."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...diff.formats.html import redline
from ..changes import PairDiff
from ..layout import header_cells
from ..portal import DATA_LICENSE_NOTE, Download, Portal, contact_iri, document_sources, schema_org
from ..release_data import ReleaseData
from .html import esc, json_ld, page, page_parts, paragraphs

KIND = {"catalog": "通用目录", "jurisdiction": "本级清单"}


LATEST = "latest"
ROLE = {"setting": "设定依据", "step": "责任事项依据", "accountability": "追责依据"}


def list_url(tag: str, list_id: str) -> str:
    return f"{tag}/{list_id}.html"


def item_url(item_id: str) -> str:
    """One page per item across releases (item ids are stable): its newest version and its history."""
    return f"items/{item_id}.html"


def law_url(law_id: str, article_no: int | None = None) -> str:
    return f"laws/{law_id}.html" + (f"#a{article_no}" if article_no is not None else "")


def redline_url(d: PairDiff) -> str:
    return f"redline/{d.from_tag}-{d.to_tag}.html"


def human_size(n: int) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def jurisdiction(rel: ReleaseData, l: dict, counties: dict | None = None) -> str:
    counties = {c["code"]: c for c in rel.tables.get("counties", [])} if counties is None else counties
    c = counties.get(l.get("county_code") or "")
    return f"{c['city_name']} {c['name']}" if c else "广西（全区）"


def index_page(meta: Portal, releases: list[ReleaseData], downloads: list[Download], diffs: list[PairDiff],
               dcat_file: Download, missing: str | None = None) -> str:
    title = meta.title
    latest = releases[-1]
    parts = [f"<h1>{esc(title)}</h1>",
             '<p class="muted">各版本权责清单的在线阅读、检索与开放数据下载。数据表结构见数据包中的 Table Schema。</p>',
             '<dl class="meta">'
             f'<dt>最新版本</dt><dd><a href="{esc(LATEST)}/index.html">{esc(latest.tag)}（{esc(latest.date)}）</a></dd>'
             f'<dt>许可</dt><dd><a href="{esc(meta.license["path"])}" rel="license">{esc(meta.license["name"])}</a> · '
             f'{esc(DATA_LICENSE_NOTE)}</dd>'
             f'<dt>发布者</dt><dd>{esc(meta.publisher)}</dd>'
             + (f'<dt>联系</dt><dd><a href="{esc(contact_iri(meta.contact))}">{esc(meta.contact)}</a></dd>' if meta.contact else "") +
             f'<dt>元数据</dt><dd><a href="{esc(dcat_file.path)}">DCAT-AP（dcat.json）</a> '
             f'<span class="sha">{esc(dcat_file.sha256)}</span>；'
             '各版本的 Datasette 元数据（metadata.json）见下载表</dd></dl>',
             '<section class="search"><label for="q">检索事项名称、内容与依据（可用链接 ?q=关键词 分享检索）</label>'
             '<input id="q" type="search" placeholder="例如：保密检查、收缴、第四十五条" autocomplete="off">'
             '<p id="search-status" class="muted" aria-live="polite"></p><ul id="results"></ul></section>']
    parts.append("<h2>版本对照（红线）</h2>")
    if diffs:
        parts.append("<ul>" + "".join(
            f'<li><a href="{esc(redline_url(d))}">{esc(d.from_tag)} → {esc(d.to_tag)} 调整对照</a></li>'
            for d in reversed(diffs)) + "</ul>")
    elif len(releases) > 1:
        parts.append(f'<p class="muted">本次发布未生成版本对照：{esc(missing or "")}</p>')
    else:
        parts.append('<p class="muted">目前只有一个发布版本，尚无相邻版本之间的对照。</p>')
    for rel in reversed(releases):
        parts.append(f'<h2 id="r{esc(rel.tag)}">{esc(rel.tag)} 版 <span class="muted">发布日期 {esc(rel.date)}</span></h2>')
        parts.append(lists_table(rel, ""))
        parts.append(sources_table(rel, downloads, ""))
        parts.append(downloads_table([d for d in downloads if d.tag == rel.tag]))
    shared = [d for d in downloads if not d.tag]
    if shared:
        parts.append("<h2>跨版本文件</h2>")
        parts.append('<p class="muted">按版本分区（Hive 分区 <code>release=r版本</code>，分区值为文本）的 Parquet 数据集，'
                     '可供 DuckDB、Spark、Trino 一次读取全部版本；另有变更记录与 DCAT-AP 元数据。</p>')
        parts.append(downloads_table(shared))
    return page(title, "\n".join(parts), scripts=["search-index.js", "search.js"],
                head=json_ld(schema_org(meta, releases, downloads)))


def lists_table(rel: ReleaseData, up: str) -> str:
    rows = ['<table class="plain"><thead><tr><th>清单</th><th>类型</th><th>适用范围</th><th>文号</th><th>事项数</th></tr></thead><tbody>']
    counties = {c["code"]: c for c in rel.tables.get("counties", [])}
    for list_id, lst in rel.lists.items():
        doc_no = lst.get("doc_no") or (f"{lst['doc_no_inferred']}（推断）" if lst.get("doc_no_inferred") else "")
        rows.append(
            f'<tr><td><a href="{esc(up + list_url(rel.tag, list_id))}">{esc(lst["title"])}</a></td>'
            f'<td>{esc(KIND.get(lst["kind"], lst["kind"]))}</td><td>{esc(jurisdiction(rel, lst, counties))}</td>'
            f'<td>{esc(doc_no)}</td><td>{rel.item_counts.get(list_id, 0)}</td></tr>')
    rows.append("</tbody></table>")
    return "".join(rows)


def source_download(rel: ReleaseData, by_path: dict[str, Download], frozen_path: str) -> Download | None:
    """by_path: the release's downloads by their path (a province's release has thousands)."""
    tail = frozen_path.removeprefix(f"releases/{rel.tag}/")
    return by_path.get(f"downloads/{rel.tag}/{tail}")


def sources_table(rel: ReleaseData, downloads: list[Download], up: str) -> str:
    """The release's documents: what they print (or what is inferred, marked), the frozen file."""
    rows = ['<table class="plain"><thead><tr><th>原始文件</th><th>发布机关</th><th>文号</th><th>日期</th>'
            '<th>冻结路径</th></tr></thead><tbody>']
    by_path = {}
    for d in downloads:
        if d.tag == rel.tag:
            by_path.setdefault(d.path, d)  # the first, as a scan would find it
    for s in document_sources(rel):
        d = source_download(rel, by_path, s["frozen_path"])
        name = f'<a href="{esc(up + d.path)}">{esc(s["title"])}</a>' if d else esc(s["title"])
        cells = [s.get(k) or (f"{s[k + '_inferred']}（推断）" if s.get(k + "_inferred") else "")
                 for k in ("publisher", "doc_no", "issued_on")]
        rows.append(f"<tr><td>{name}</td>" + "".join(f"<td>{esc(c)}</td>" for c in cells)
                    + f'<td><code>{esc(s["frozen_path"])}</code> <span class="sha">{esc(s["sha256"])}</span></td></tr>')
    rows.append("</tbody></table>")
    return "".join(rows)


def downloads_table(downloads: list[Download], up: str = "") -> str:
    rows = ['<table class="plain"><thead><tr><th>下载</th><th>大小</th><th>SHA-256</th></tr></thead><tbody>']
    for d in downloads:
        rows.append(f'<tr><td><a href="{esc(up + d.path)}">{esc(d.title)}</a></td><td class="nowrap">{esc(human_size(d.size))}</td>'
                    f'<td class="sha">{esc(d.sha256)}</td></tr>')
    rows.append("</tbody></table>")
    return "".join(rows)


def latest_index(releases: list[ReleaseData], downloads: list[Download]) -> str:
    rel = releases[-1]
    body = (f'<p class="muted"><a href="../index.html">首页</a> › 最新版本</p>'
            f"<h1>最新版本：{esc(rel.tag)}（{esc(rel.date)}）</h1>"
            '<p class="muted">本目录始终指向最新发布的版本；引用固定版本请使用带版本号的链接。</p>'
            + lists_table(rel, "../").replace(f'href="../{esc(rel.tag)}/', 'href="')
            + sources_table(rel, downloads, "../") + downloads_table([d for d in downloads if d.tag == rel.tag], "../"))
    return page(f"最新版本 {rel.tag}", body, up="../")


def list_page(rel: ReleaseData, v) -> str:
    """One list of one release in the official layout (v: its render.ListView)."""
    before, after = list_page_parts(rel, v.list)
    return before + list_table(v) + after


def list_page_parts(rel: ReleaseData, l: dict) -> tuple[str, str]:
    """A list page around its table: what depends on the release (its tag, date, frozen source
    path, jurisdiction); list_table is the same for the same list content in any release."""
    meta = [("版本", f"{rel.tag}（{rel.date}）"), ("清单编号", l["list_id"]), ("类型", KIND.get(l["kind"], l["kind"])),
            ("适用范围", jurisdiction(rel, l))]
    for label, key in (("通知", "notice_title"), ("发布机关", "issuer"), ("文号", "doc_no"), ("发布日期", "issued_on")):
        if l.get(key):
            meta.append((label, l[key]))
        elif l.get(f"{key}_inferred"):
            meta.append((label, f"{l[f'{key}_inferred']}（推断，依据见下）"))
    if l.get("inferred_basis"):
        meta.append(("推断依据", l["inferred_basis"]))
    frozen = f"releases/{rel.tag}/{l['source_file']}"
    meta.append(("来源文件", f"{frozen}（SHA-256 {l['source_sha256']}）"))
    before, after = page_parts(f"{l['title']}（{rel.tag}）", up="../", wide=True)
    head = (
        f'<p class="muted"><a href="../index.html#r{esc(rel.tag)}">首页</a> › {esc(rel.tag)} 版</p>'
        f"<h1>{esc(l['title'])}</h1>"
        '<dl class="meta">' + "".join(f"<dt>{esc(k)}</dt><dd>{esc(val)}</dd>" for k, val in meta) + "</dl>"
        f'<p><a href="../downloads/{esc(rel.tag)}/{esc(l["source_file"])}">下载原始文件</a></p>')
    return before + head, after


def list_table(v) -> str:
    """The list's table in the official layout: two header rows, a row per item linked to its page."""
    opening, closing = list_table_ends(v)
    row = ListTableRow(v)
    return opening + "".join(row(item, cells) for item, cells in zip(v.items, v.data_rows())) + closing


def list_table_ends(v) -> tuple[str, str]:
    """What list_table writes before and after its item rows."""
    head = header_cells(v)
    rows = []
    for r in (0, 1):
        cells = "".join(
            f'<th{f" rowspan={h.rowspan}" if h.rowspan > 1 else ""}{f" colspan={h.colspan}" if h.colspan > 1 else ""}>{esc(h.text)}</th>'
            for h in head if h.row == r)
        rows.append(f"<tr>{cells}</tr>")
    return f'<div class="scroll"><table class="official"><thead>{"".join(rows)}</thead><tbody>', "</tbody></table></div>"


class ListTableRow:
    """One item's row of list_table (its cells: ListView.row_cells), the same wherever it stands."""

    def __init__(self, v):
        self.opening = [f'<td class="c-{esc(col)}">' for col in v.layout.columns]  # the same for every row
        self.at_name = v.layout.columns.index("name") if "name" in v.layout.columns else -1

    def __call__(self, item: dict, cells: list[str]) -> str:
        tds = [f"{o}{paragraphs(text)}</td>" for o, text in zip(self.opening, cells)]
        if self.at_name >= 0:
            link = f'<p><a class="item-link" href="../{esc(item_url(item["item_id"]))}">详情与历次版本</a></p>'
            tds[self.at_name] = tds[self.at_name][:-5] + link + "</td>"
        return f'<tr id="{esc(item["item_id"])}">{"".join(tds)}</tr>'


def column_labels(view) -> dict[str, str]:
    """Each layout column's header label as printed (the second row's, else the first row's)."""
    cols = view.layout.columns
    labels = {}
    for h in header_cells(view):
        if h.row == 1 or h.rowspan == 2:
            labels[cols[h.col]] = h.text.replace("\n", "")
    return labels


@dataclass
class ItemVersion:
    """An item as one release publishes it: what its page shows of that version."""
    item_id: str
    tag: str
    date: str
    list_id: str
    list_title: str
    seq: int
    name: str
    sub_name: str | None
    columns: list[str]     # the list layout's columns
    cells: list[str]       # the item's cells in those columns, as printed
    cites: str             # its citation rows (<tr>…), linked to the law pages


def redlines(history: list[ItemVersion], labels: dict[str, str]) -> str:
    """The changed cells of each consecutive pair of an item's versions, redlined."""
    hist: list[str] = []
    for a, b in zip(history, history[1:]):
        old = dict(zip(a.columns, a.cells))
        new = dict(zip(b.columns, b.cells))
        changed = [c for c in new if old.get(c, "") != new[c]] + [c for c in old if c not in new and old[c]]
        hist.append(f'<h3 id="redline-{esc(a.tag)}-{esc(b.tag)}">{esc(a.tag)} → {esc(b.tag)}</h3>')
        if not changed:
            hist.append('<p class="muted">无变化。</p>')
            continue
        hist.append('<table class="plain redline">' + "".join(
            f"<tr><th>{esc(labels.get(c, c))}</th><td>{redline(old.get(c, ''), new.get(c, '')).replace(chr(10), '<br>')}</td></tr>"
            for c in changed) + "</table>")
    return "".join(hist)


ITEM_UP = "../"  # item pages sit one folder below the site root


def citation_rows(bases: list[dict], up: str = ITEM_UP) -> str:
    cites = []
    for b in bases:
        law = esc(f"《{b['law_title']}》") if b.get("law_title") else ""
        if b.get("law_id") and b.get("law_title"):
            law = f'<a href="{esc(up + law_url(b["law_id"], b.get("article_no")))}">{law}</a>'
        where = " ".join(x for x in (b.get("chapter"), b.get("article"), b.get("paragraph")) if x)
        cites.append(f'<tr><td>{esc(ROLE.get(b["role"], b["role"]))} {esc(b.get("ref") or "")}</td><td>{law} {esc(where)}</td>'
                     f"<td>{paragraphs(b.get('text'))}</td></tr>")
    return "".join(cites)


def item_page(history: list[ItemVersion], latest_tag: str, labels: dict[str, str]) -> str:
    """One item across releases: its cells as its newest release publishes them, that version's
    citations linked to the law pages, and its history — every release that holds it, linked to
    that release's row in the list page — with the changed cells redlined."""
    v = history[-1]
    up = ITEM_UP
    rows = "".join(f"<tr><th>{esc(labels.get(c, c))}</th><td>{paragraphs(t)}</td></tr>"
                   for c, t in zip(v.columns, v.cells) if t and c not in ("setting_bases", "step_bases", "case_bases"))
    hist = ['<table class="plain"><thead><tr><th>版本</th><th>清单</th><th>序号</th><th>名称</th></tr></thead><tbody>']
    for h in history:
        here = " ✓" if h is v else ""
        row = f"{up}{list_url(h.tag, h.list_id)}#{h.item_id}"
        hist.append(f'<tr><td><a href="{esc(row)}">{esc(h.tag)}</a>{here}</td>'
                    f'<td>{esc(h.list_title)}</td><td>{esc(h.seq)}</td><td>{esc(h.name)}</td></tr>')
    hist.append("</tbody></table>")
    hist.append(redlines(history, labels))
    title = v.name + (f"（{v.sub_name}）" if v.sub_name else "")
    status = "" if v.tag == latest_tag else f'<p class="muted">本事项未列入最新版本（{esc(latest_tag)}）；以下为其最后所在的 {esc(v.tag)} 版。</p>'
    body = (f'<p class="muted"><a href="{up}index.html">首页</a> › {esc(v.tag)} 版 › '
            f'<a href="{esc(up + list_url(v.tag, v.list_id))}#{esc(v.item_id)}">{esc(v.list_title)}</a></p>'
            f"<h1>{esc(title)}</h1>{status}"
            f'<dl class="meta"><dt>版本</dt><dd>{esc(v.tag)}（{esc(v.date)}）</dd><dt>事项编号</dt><dd>{esc(v.item_id)}</dd>'
            f'<dt>所在版本</dt><dd>{esc("、".join(h.tag for h in history))}</dd></dl>'
            f'<table class="plain item"><tbody>{rows}</tbody></table>'
            '<h2>依据</h2>' + ('<table class="plain"><thead><tr><th>位置</th><th>法律法规及条款</th><th>引用原文</th></tr></thead>'
                              f"<tbody>{v.cites}</tbody></table>" if v.cites else '<p class="muted">无。</p>')
            + '<h2 id="history">历次版本</h2>' + "".join(hist))
    return page(f"{title}（{v.tag}）", body, up=up)


class Citations:
    """What the items quote from each law, gathered release by release for the law pages:
    law → article number → {label, texts: quoted text → item → [name, releases]}, where
    `releases` is a bit set of (release, role) pairs (`where` spells it): at province scale a
    set of roles per release and item was most of the site's memory (100,000 items: a million
    items quoted per text)."""

    def __init__(self) -> None:
        self.laws: dict[str, dict] = {}
        self.pairs: list[tuple[str, str]] = []            # bit n of a releases set: (release, role)
        self.bits: dict[str, dict[str, int]] = {}         # release → role → its bit's value
        self.spelt: dict[int, str] = {}                   # releases set → where() (sets recur)

    def add(self, tag: str, item: dict, bases: list[dict]) -> list[tuple]:
        """Returns the places it filled (slots), so replay() can add the same citations of a
        later release without reading them again."""
        slots = []
        for b in bases:
            if not b.get("law_id"):
                continue
            article = self.laws.setdefault(b["law_id"], {}).setdefault(
                b.get("article_no"), {"label": b.get("article"), "texts": {}})
            who = article["texts"].setdefault(b.get("text") or "", {}).setdefault(item["item_id"], [item["name"], 0])
            slots.append((who, item["name"], ROLE.get(b["role"], b["role"])))
        self.replay(tag, slots)
        return slots

    def replay(self, tag: str, slots: list[tuple]) -> None:
        """add() again for the same items and bases, in release `tag` (every place exists already)."""
        bits = self.bits.setdefault(tag, {})
        for who, name, role in slots:
            who[0] = name
            bit = bits.get(role)
            if bit is None:
                bit = bits[role] = 1 << len(self.pairs)
                self.pairs.append((tag, role))
            who[1] |= bit

    def roles(self, releases: int) -> dict[str, list[str]]:
        """A releases set as release → its roles, sorted; releases in the order they were added
        (publish's release order)."""
        tags: dict[str, list[str]] = {}
        for n, (tag, role) in enumerate(self.pairs):
            if releases >> n & 1:
                tags.setdefault(tag, []).append(role)
        return {tag: sorted(roles) for tag, roles in tags.items()}

    def where(self, releases: int) -> str:
        """A releases set as the law page prints it."""
        text = self.spelt.get(releases)
        if text is None:
            text = self.spelt[releases] = "；".join(f"{tag} {'、'.join(roles)}" for tag, roles in self.roles(releases).items())
        return text


def law_page(law: dict, versions: list[dict], citations: Citations) -> str:
    """A cited instrument: its versions (curated reference data) and, per article, each distinct
    text the items quote from it, followed by the items that quote it (with the releases they
    do so in), linked to the item pages."""
    articles = citations.laws.get(law["law_id"], {})
    parts = [f'<p class="muted"><a href="../index.html">首页</a> › 法律法规</p><h1>{esc(law["title"])}</h1>',
             f'<dl class="meta"><dt>类别</dt><dd>{esc(law.get("law_type") or "")}</dd><dt>编号</dt><dd>{esc(law["law_id"])}</dd></dl>']
    if versions:
        parts.append('<table class="plain"><thead><tr><th>版本</th><th>文号</th><th>施行日期</th><th>来源</th></tr></thead><tbody>')
        for ver in versions:
            parts.append(f"<tr><td>{esc(ver.get('version_id'))}</td><td>{esc(ver.get('promulgated_by') or '')}</td>"
                         f"<td>{esc(ver.get('in_force_from') or '')}</td><td>{esc(ver.get('source') or '')}</td></tr>")
        parts.append("</tbody></table>")
    for article in sorted(articles, key=lambda a: (a is None, a or 0)):
        entry = articles[article]
        anchor = f' id="a{esc(article)}"' if article is not None else ""
        parts.append(f"<h2{anchor}>{esc(entry['label'] or '（未标条款）')}</h2>")
        for text, items in entry["texts"].items():
            parts.append(f'<div class="quote">{paragraphs(text)}</div><ul>')
            for item_id, (name, releases) in items.items():
                where = citations.where(releases)
                parts.append(f'<li><a href="../{esc(item_url(item_id))}">{esc(name)}</a> '
                             f'<span class="muted">{esc(where)}</span></li>')
            parts.append("</ul>")
    return page(law["title"], "".join(parts), up="../")


NAV = '<p style="margin:.5rem 1rem"><a href="../index.html">← 返回首页</a></p>'


def redline_page(d: PairDiff) -> str:
    """The diff engine's html report, with a way back to the index; wrapped if it is a fragment."""
    doc = d.html
    if re.search(r"<body[^>]*>", doc, re.I):
        return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + NAV, doc, count=1, flags=re.I)
    return page(f"{d.from_tag} → {d.to_tag} 调整对照", doc, up="../", wide=True)

"""The site's pages: index, one page per list and release, one redline page per release pair."""

from __future__ import annotations

import re

from ..changes import PairDiff
from ..layout import header_cells
from ..release_data import ReleaseData
from .html import esc, page, paragraphs

KIND = {"catalog": "通用目录", "jurisdiction": "本级清单"}


def list_url(tag: str, list_id: str) -> str:
    return f"{tag}/{list_id}.html"


def redline_url(d: PairDiff) -> str:
    return f"redline/{d.from_tag}-{d.to_tag}.html"


def human_size(n: int) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def jurisdiction(rel: ReleaseData, l: dict) -> str:
    counties = {c["code"]: c for c in rel.tables.get("counties", [])}
    c = counties.get(l.get("county_code") or "")
    return f"{c['city_name']} {c['name']}" if c else "广西（全区）"


def index_page(title: str, releases: list[ReleaseData], downloads: dict[str, list[tuple[str, str, int, str]]],
               diffs: list[PairDiff], changelog: tuple[str, str] | None, missing: str | None = None) -> str:
    """downloads: tag → [(label, relative url, size, sha256)]."""
    parts = [f"<h1>{esc(title)}</h1>",
             '<p class="muted">各版本权责清单的在线阅读、检索与开放数据下载。数据表结构见数据包中的 Table Schema。</p>',
             '<section class="search"><label for="q">检索事项名称与内容</label>'
             '<input id="q" type="search" placeholder="例如：保密检查、泄密案件、国家秘密载体" autocomplete="off">'
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
        parts.append('<table class="plain"><thead><tr><th>清单</th><th>类型</th><th>适用范围</th><th>文号</th><th>事项数</th></tr></thead><tbody>')
        for list_id in sorted(rel.views):
            v = rel.views[list_id]
            doc_no = v.list.get("doc_no") or (f"{v.list['doc_no_inferred']}（推断）" if v.list.get("doc_no_inferred") else "")
            parts.append(
                f'<tr><td><a href="{esc(list_url(rel.tag, list_id))}">{esc(v.list["title"])}</a></td>'
                f'<td>{esc(KIND.get(v.list["kind"], v.list["kind"]))}</td><td>{esc(jurisdiction(rel, v.list))}</td>'
                f'<td>{esc(doc_no)}</td><td>{len(v.items)}</td></tr>')
        parts.append("</tbody></table>")
        parts.append('<table class="plain"><thead><tr><th>下载</th><th>大小</th><th>SHA-256</th></tr></thead><tbody>')
        for label, url, size, digest in downloads.get(rel.tag, []):
            parts.append(f'<tr><td><a href="{esc(url)}">{esc(label)}</a></td><td class="nowrap">{esc(human_size(size))}</td>'
                         f'<td class="sha">{esc(digest)}</td></tr>')
        parts.append("</tbody></table>")
    if changelog:
        parts.append(f'<p><a href="{esc(changelog[0])}">变更记录 CHANGELOG.md</a> <span class="sha">{esc(changelog[1])}</span></p>')
    parts.append('<p class="muted">另有按版本分区（Hive 分区 <code>release=版本</code>）的 Parquet 数据集，'
                 '位于下载包的 <code>parquet/</code> 目录，可供 DuckDB、Spark、Trino 一次读取全部版本。</p>')
    return page(title, "\n".join(parts), scripts=["search-index.js", "search.js"])


def list_page(rel: ReleaseData, list_id: str) -> str:
    v = rel.views[list_id]
    l = v.list
    meta = [("版本", f"{rel.tag}（{rel.date}）"), ("清单编号", list_id), ("类型", KIND.get(l["kind"], l["kind"])),
            ("适用范围", jurisdiction(rel, l))]
    for label, key in (("通知", "notice_title"), ("发布机关", "issuer"), ("文号", "doc_no"), ("发布日期", "issued_on")):
        if l.get(key):
            meta.append((label, l[key]))
        elif l.get(f"{key}_inferred"):
            meta.append((label, f"{l[f'{key}_inferred']}（推断，依据见下）"))
    if l.get("inferred_basis"):
        meta.append(("推断依据", l["inferred_basis"]))
    meta.append(("来源文件", f"{l['source_file']}（SHA-256 {l['source_sha256']}）"))
    head = header_cells(v)
    rows = []
    for r in (0, 1):
        cells = "".join(
            f'<th{f" rowspan={h.rowspan}" if h.rowspan > 1 else ""}{f" colspan={h.colspan}" if h.colspan > 1 else ""}>{esc(h.text)}</th>'
            for h in head if h.row == r)
        rows.append(f"<tr>{cells}</tr>")
    body_rows = []
    for item, cells in zip(v.items, v.data_rows()):
        tds = "".join(f'<td class="c-{esc(col)}">{paragraphs(text)}</td>' for col, text in zip(v.layout.columns, cells))
        body_rows.append(f'<tr id="{esc(item["item_id"])}">{tds}</tr>')
    body = (
        f'<p class="muted"><a href="../index.html#r{esc(rel.tag)}">首页</a> › {esc(rel.tag)} 版</p>'
        f"<h1>{esc(l['title'])}</h1>"
        '<dl class="meta">' + "".join(f"<dt>{esc(k)}</dt><dd>{esc(val)}</dd>" for k, val in meta) + "</dl>"
        '<div class="scroll"><table class="official">'
        f"<thead>{''.join(rows)}</thead><tbody>{''.join(body_rows)}</tbody></table></div>"
    )
    return page(f"{l['title']}（{rel.tag}）", body, up="../", wide=True)


NAV = '<p style="margin:.5rem 1rem"><a href="../index.html">← 返回首页</a></p>'


def redline_page(d: PairDiff) -> str:
    """The diff engine's html report, with a way back to the index; wrapped if it is a fragment."""
    doc = d.html
    if re.search(r"<body[^>]*>", doc, re.I):
        return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + NAV, doc, count=1, flags=re.I)
    return page(f"{d.from_tag} → {d.to_tag} 调整对照", doc, up="../", wide=True)

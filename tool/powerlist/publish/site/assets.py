"""The site's stylesheet and search script: static text, no external fonts, CDNs or fetch()."""

STYLE = """\
:root {
  --ink: #1f2328; --muted: #5b6470; --line: #c9d1d9; --head: #eef2f6; --accent: #a61b1b; --hit: #fff3b0;
  --cjk-sans: "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC",
              "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
  --cjk-serif: "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; font: 16px/1.8 system-ui, -apple-system, var(--cjk-sans);
       font-kerning: normal; line-break: strict; overflow-wrap: anywhere; }
header.site { border-bottom: 3px solid var(--accent); padding: 1rem 1.5rem; }
header.site a { color: inherit; text-decoration: none; }
header.site .title { font-size: 1.35rem; font-weight: 700; letter-spacing: .05em; }
main { max-width: 1180px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
main.wide { max-width: none; }
h1 { font-size: 1.6rem; line-height: 1.4; letter-spacing: .03em; margin: 1rem 0 .5rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
a { color: #0b57a4; }
.muted, .meta dt { color: var(--muted); }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0 1rem; }
.meta dt, .meta dd { margin: 0; }
code, .sha { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85em; }
.nowrap { white-space: nowrap; }
.sha { color: var(--muted); font-size: .75em; white-space: nowrap; }
table.plain { border-collapse: collapse; width: 100%; margin: .5rem 0; }
table.plain th, table.plain td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
table.plain th { background: var(--head); font-weight: 600; }
.scroll { overflow-x: auto; border: 1px solid var(--line); }
table.official { border-collapse: collapse; font-family: var(--cjk-serif); font-size: 15px; line-height: 1.75; min-width: 1100px; }
table.official th { font-family: var(--cjk-sans); background: var(--head); font-weight: 700; text-align: center;
                    vertical-align: middle; white-space: pre-line; padding: .4rem; border: 1px solid #8c959f; }
table.official td { border: 1px solid #8c959f; padding: .45rem .55rem; vertical-align: top; text-align: left; }
table.official td p { margin: 0 0 .45em; }
table.official td p:last-child { margin-bottom: 0; }
table.official td.c-seq, table.official td.c-category { text-align: center; white-space: nowrap; }
table.official td.c-name { min-width: 9em; font-weight: 600; }
table.official td.c-seq { min-width: 3em; }
table.official td.c-category { min-width: 6em; }
table.official td.c-sub_name, table.official td.c-levels, table.official td.c-undertaking_unit { min-width: 6em; }
table.official td.c-implementing_body { min-width: 8em; }
table.official td.c-remark { min-width: 4em; }
table.official td.c-setting_bases, table.official td.c-steps, table.official td.c-step_bases,
table.official td.c-cases, table.official td.c-case_bases { min-width: 14em; }
table.official tr:target td { background: var(--hit); }
.search { margin: 1rem 0 1.5rem; }
.search input { width: 100%; font: inherit; padding: .55rem .8rem; border: 2px solid var(--line); border-radius: 6px; }
.search input:focus { outline: none; border-color: var(--accent); }
#results { list-style: none; padding: 0; margin: .5rem 0; }
#results li { padding: .45rem 0; border-bottom: 1px dashed var(--line); }
#results .where { color: var(--muted); font-size: .85em; margin-right: .5em; }
#results .snippet { display: block; color: var(--muted); font-size: .9em; }
mark { background: var(--hit); color: inherit; }
table.item th { width: 9em; white-space: nowrap; }
.quote { border-left: 3px solid var(--line); padding: .1rem .8rem; margin: .6rem 0 .2rem; font-family: var(--cjk-serif); }
.item-link { font-family: var(--cjk-sans); font-size: .85em; font-weight: normal; }
del { color: #b42318; background: #ffebe9; text-decoration: line-through; }
ins { color: #1a7f37; background: #dafbe1; text-decoration: underline; }
footer { color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); padding: 1rem 1.5rem; }
@media print { header.site, .search, footer { display: none; } .scroll { overflow: visible; border: 0; } }
"""

# Builds results with DOM text nodes only (never innerHTML), so data cannot become markup.
SEARCH = """\
(function () {
  "use strict";
  var data = window.POWERLIST_SEARCH || [];
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("search-status");
  if (!input || !list) { return; }
  var LIMIT = 50;

  function marked(parent, text, q) {
    var lower = text.toLowerCase(), at = 0, i;
    while (q && (i = lower.indexOf(q, at)) !== -1) {
      parent.appendChild(document.createTextNode(text.slice(at, i)));
      var m = document.createElement("mark");
      m.textContent = text.slice(i, i + q.length);
      parent.appendChild(m);
      at = i + q.length;
    }
    parent.appendChild(document.createTextNode(text.slice(at)));
  }

  function snippet(text, q) {
    var i = text.toLowerCase().indexOf(q);
    if (i < 0) { return ""; }
    var start = Math.max(0, i - 30), end = Math.min(text.length, i + q.length + 50);
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  // Every whitespace-separated term must occur (substring match: Chinese has no spaces, so a
  // one- or two-character word is found wherever it stands).
  function terms(value) {
    return value.trim().toLowerCase().split(/\\s+/).filter(function (t) { return t; });
  }

  function run() {
    var qs = terms(input.value), q = qs[0] || "";
    while (list.firstChild) { list.removeChild(list.firstChild); }
    try {  // the query is part of the URL, so a search can be linked (?q=…)
      var url = new URL(window.location.href);
      if (qs.length) { url.searchParams.set("q", input.value.trim()); } else { url.searchParams.delete("q"); }
      window.history.replaceState(null, "", url.toString());
    } catch (e) { /* some file:// contexts refuse replaceState; the search still works */ }
    if (!qs.length) { status.textContent = ""; return; }
    var hits = data.filter(function (e) {
      var hay = (e.n + "\\n" + e.t).toLowerCase();
      return qs.every(function (t) { return hay.indexOf(t) !== -1; });
    });
    status.textContent = hits.length ? "找到 " + hits.length + " 项" + (hits.length > LIMIT ? "，显示前 " + LIMIT + " 项" : "") : "没有找到匹配的事项";
    hits.slice(0, LIMIT).forEach(function (e) {
      var li = document.createElement("li");
      var where = document.createElement("span");
      where.className = "where";
      where.textContent = e.r + " · " + e.lt + " · 序号 " + e.s;
      var a = document.createElement("a");
      a.href = e.u;
      marked(a, e.n, q);
      li.appendChild(where);
      li.appendChild(a);
      if (e.n.toLowerCase().indexOf(q) === -1) {
        var s = document.createElement("span");
        s.className = "snippet";
        marked(s, snippet(e.t, q), q);
        li.appendChild(s);
      }
      list.appendChild(li);
    });
  }

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; }
  input.addEventListener("input", run);
  run();
})();
"""

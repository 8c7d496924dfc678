"""The official full texts of cited instruments (sources/reference/laws/), parsed into law_articles rows.

One file per instrument and version, kept unchanged as LawRefBook/Laws has them (see that folder's
README for the layout). A row is one paragraph (款, item_no 0: its own text without the items) or
one item (项, item_no ≥ 1: the item line as printed, （一）… included), so a provision can be read,
quoted and compared at the level a citation names. Every row says which file and line it is.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..descriptor import build_descriptor
from ..errors import PowerlistError
from ..files import commit_state, json_bytes
from ..storage import single_path
from ..package import DESCRIPTOR, Package, csv_bytes
from ..schema import load_schema

TEXTS_DIR = Path("sources") / "reference" / "laws"
COLUMNS = ["law_id", "version_id", "chapter", "section", "article_no", "paragraph_no", "item_no", "text", "source"]

FILE_NAME = re.compile(r"^(?P<title>.+)\((?P<date>\d{4}-\d{2}-\d{2})\)\.md$")
UPSTREAM = re.compile(r"^<!-- source: (?P<host>\S+) path=(?P<path>\S+) commit=(?P<commit>[0-9a-f]{40})")
ARTICLE = re.compile(r"^第(?P<no>[一二三四五六七八九十百零〇]+)条[ \u3000](?P<text>.*)$")
CHAPTER = re.compile(r"^## (?P<name>第[一二三四五六七八九十百零〇]+章.*)$")
SECTION = re.compile(r"^### (?P<name>第[一二三四五六七八九十百零〇]+节.*)$")
# Items are （一） in four files and half-width (一) in the 2014 regulation (an artefact of the copy).
ITEM = re.compile(r"^[（(](?P<no>[一二三四五六七八九十百零〇]+)[）)]")
INFO_END = "<!-- INFO END -->"


@dataclass(frozen=True)
class TextFile:
    path: Path              # relative to the package root
    title: str              # from the file name
    date: str               # the date in the file name (adoption or promulgation, ISO)
    upstream_path: str
    upstream_commit: str


def _number(text: str, where: str) -> int:
    import cn2an  # imported when first needed: it takes ~0.4 s, and most commands never need it

    try:
        return int(cn2an.cn2an(text, "strict"))
    except (ValueError, KeyError):
        raise PowerlistError(f"{where}: {text!r} is not a Chinese numeral") from None


def text_files(root: Path) -> list[TextFile]:
    """Every official text in the package's reference sources, by file name."""
    folder = root / TEXTS_DIR
    out = []
    for p in sorted(folder.glob("*.md")):
        m = FILE_NAME.match(p.name)
        if not m:
            continue  # README.md and other notes
        first = p.read_text(encoding="utf-8").split("\n", 1)[0]
        up = UPSTREAM.match(first)
        if not up:
            raise PowerlistError(f"{TEXTS_DIR / p.name} line 1: no '<!-- source: … path=… commit=… -->' provenance line")
        out.append(TextFile(TEXTS_DIR / p.name, m["title"], m["date"], up["path"], up["commit"]))
    return out


def version_for(f: TextFile, laws: list[dict], versions: list[dict]) -> dict:
    """The law_versions row a text file is: its instrument by exact title, its version by the
    year of the file's date, which must be the version's adoption or promulgation date."""
    law = [l for l in laws if l["title"] == f.title]
    if len(law) != 1:
        raise PowerlistError(f"{f.path}: no instrument titled {f.title!r} in tables/laws.csv")
    year = int(f.date[:4])
    found = [v for v in versions if v["law_id"] == law[0]["law_id"] and v["year"] == year]
    if len(found) != 1:
        raise PowerlistError(f"{f.path}: {f.title} has no version {year} in tables/law_versions.csv")
    v = found[0]
    dates = {str(v.get(k)) for k in ("adopted", "promulgated_on") if v.get(k)}
    if dates and f.date not in dates:
        raise PowerlistError(f"{f.path}: dated {f.date} but version {v['version_id']} was adopted/promulgated "
                             + " / ".join(sorted(dates)))
    return v


def parse_text(root: Path, f: TextFile, law_id: str, version_id: str) -> list[dict]:
    """law_articles rows of one file. Articles must run 1, 2, 3 … without a gap, items of a
    paragraph likewise: a copy that skipped or repeated one fails here, not in a quote check."""
    lines = (root / f.path).read_text(encoding="utf-8").split("\n")
    try:
        start = lines.index(INFO_END) + 1
    except ValueError:
        raise PowerlistError(f"{f.path}: no {INFO_END} line") from None
    short = f.upstream_commit[:7]
    rows: list[dict] = []
    chapter = section = None
    article = paragraph = item = 0
    for n, raw in enumerate(lines[start:], start + 1):
        line = raw.strip()
        where = f"{f.path} line {n}"
        if not line:
            continue
        if m := CHAPTER.match(line):
            chapter, section = m["name"], None
            continue
        if m := SECTION.match(line):
            section = m["name"]
            continue
        if line.startswith("#"):
            raise PowerlistError(f"{where}: a heading that is neither a chapter nor a section: {line[:30]!r}")
        base = {"law_id": law_id, "version_id": version_id, "chapter": chapter, "section": section,
                "source": f"{f.path.as_posix()} line {n} (LawRefBook/Laws {short})"}
        if m := ARTICLE.match(line):
            no = _number(m["no"], where)
            if no != article + 1:
                raise PowerlistError(f"{where}: article {no} follows article {article}")
            article, paragraph, item = no, 1, 0
            rows.append({**base, "article_no": article, "paragraph_no": 1, "item_no": 0, "text": m["text"].strip()})
            continue
        if not article:
            raise PowerlistError(f"{where}: text before the first article: {line[:30]!r}")
        if m := ITEM.match(line):
            no = _number(m["no"], where)
            if no != item + 1:
                raise PowerlistError(f"{where}: item {no} follows item {item} of article {article}")
            item = no
            rows.append({**base, "article_no": article, "paragraph_no": paragraph, "item_no": item, "text": line})
            continue
        paragraph, item = paragraph + 1, 0
        rows.append({**base, "article_no": article, "paragraph_no": paragraph, "item_no": 0, "text": line})
    if not rows:
        raise PowerlistError(f"{f.path}: no articles found")
    return rows


def build_law_articles(root: Path, laws: list[dict], versions: list[dict]) -> list[dict]:
    """Every law_articles row of every official text under root, in file order."""
    rows = []
    for f in text_files(root):
        v = version_for(f, laws, versions)
        rows += parse_text(root, f, v["law_id"], v["version_id"])
    return rows


def file_sources(root: Path) -> list[dict]:
    """The law_articles resource's sources: each file with its hash and where it was copied from."""
    return [{"title": f"{f.title} ({f.date})", "path": f.path.as_posix(),
             "sha256": hashlib.sha256((root / f.path).read_bytes()).hexdigest(),
             "upstream": f"github.com/LawRefBook/Laws {f.upstream_path} @ {f.upstream_commit}"}
            for f in text_files(root)]


def write_law_articles(root: Path) -> list[dict]:
    """The build step: tables/law_articles.csv and its resource in datapackage.json, from the
    texts, committed together."""
    working = Package(root, "working")
    rows = build_law_articles(root, working.read_table("laws"), working.read_table("law_versions"))
    schema = load_schema(root / "schemas", "law_articles")
    path = root / DESCRIPTOR
    previous = json.loads(path.read_text(encoding="utf-8"))
    # build_descriptor keeps a resource's sources from the previous descriptor: set them there.
    for res in previous["resources"]:
        if res["name"] == "law_articles":
            res["sources"] = file_sources(root)
            break
    else:
        previous["resources"].append({"name": "law_articles", "sources": file_sources(root)})
    descriptor = build_descriptor(root, previous, paths={"law_articles": single_path("law_articles")})
    commit_state(root, {single_path("law_articles"): csv_bytes(schema, rows), DESCRIPTOR: json_bytes(descriptor)})
    return rows


class LawTexts:
    """The law_articles rows of a package, looked up by version and provision."""

    def __init__(self, rows: list[dict]):
        self._by: dict[tuple[str, int], list[dict]] = {}
        for r in rows:
            self._by.setdefault((r["version_id"], r["article_no"]), []).append(r)
        for units in self._by.values():
            units.sort(key=lambda r: (r["paragraph_no"], r["item_no"]))
        self.versions = {v for v, _ in self._by}

    @classmethod
    def load(cls, root: Path) -> "LawTexts":
        return cls(Package(root, "working").read_table("law_articles"))

    def has(self, version_id: str | None) -> bool:
        return version_id in self.versions

    def articles(self, version_id: str) -> list[int]:
        return sorted(a for v, a in self._by if v == version_id)

    def units(self, version_id: str, article: int, paragraph: int | None = None) -> list[dict]:
        """The rows of an article (or of one of its paragraphs), paragraph and item order."""
        rows = self._by.get((version_id, article), [])
        return [r for r in rows if paragraph is None or r["paragraph_no"] == paragraph]

    def text(self, version_id: str, article: int, paragraph: int | None = None) -> str:
        """The provision as one string, its paragraphs and items run together the way the lists
        quote them."""
        return "".join(r["text"] for r in self.units(version_id, article, paragraph))

"""Two versions of an instrument aligned provision by provision (`law compare`).

No official comparison table (修订前后对照表) was published, so it is computed from the texts:

1. Every paragraph (款, with its items) of the old text is paired with at most one of the new
   text, order kept: the pairing that maximises total similarity (dynamic programming over both
   sequences, like a diff), a pair needing a similarity of at least PAIR_MIN.
2. A rule may move in pieces: each sentence of an old paragraph that another new paragraph
   contains far better than its partner does is carried there too (split); a new paragraph that
   takes content from more than one old one has those merged into it.
3. Relations per old paragraph: same (identical text), reworded (paired, text changed, with a
   character diff), split, merged, removed; new paragraphs nothing reached are added.

An old article whose paragraphs all go, in order, to all paragraphs of one new article also gets
an article-level row (第五条 → 第六条), the level the curated map and most citations use.

The curated law_articles_map is the authority: `compare_versions` returns every computed row and
marks which curated correspondence each agrees with; `computed_map` gives the rows only the
computation found, in law_articles_map's shape, marked `computed` with their score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..conform import same_wording
from ..errors import PowerlistError
from .numbers import article_label
from .reference import Reference
from .texts import LawTexts

PAIR_MIN = 0.3          # bigram Dice similarity a paired paragraph needs
SENTENCE_MIN_CHARS = 12  # shorter sentences (……的，依照……) are too common to locate
CONTAIN_MIN = 0.75      # share of a sentence's bigrams another paragraph must hold to receive it
CONTAIN_MARGIN = 0.25   # …and by how much more than the paragraph's own partner holds them
SENTENCE = re.compile(r"[^。；]*[。；]|[^。；]+$")

SAME, REWORDED, SPLIT, MERGED, REMOVED, ADDED = "same", "reworded", "split", "merged", "removed", "added"
RELATION_TITLES = {SAME: "相同", REWORDED: "修改", SPLIT: "拆分", MERGED: "合并", REMOVED: "删除", ADDED: "新增"}


@dataclass
class Provision:
    article: int
    paragraph: int
    text: str                      # the paragraph with its items run together
    label: str = ""                # 第N条 (a one-paragraph article) or 第N条第M款
    grams: frozenset = field(default=frozenset(), repr=False)


@dataclass
class Row:
    relation: str
    old: list[Provision]
    new: list[Provision]
    score: float                   # similarity of the pair (split/merged: share of the old text carried)
    curated: list[dict] = field(default_factory=list)   # the curated law_articles_map rows it agrees with

    @property
    def from_label(self) -> str:
        return "、".join(p.label for p in self.old)

    @property
    def to_label(self) -> str:
        return "、".join(p.label for p in self.new)


def _grams(text: str) -> frozenset:
    text = re.sub(r"[\s，。；：、（）“”《》]", "", text)
    return frozenset(text[i:i + 2] for i in range(len(text) - 1)) or frozenset([text])


def dice(a: frozenset, b: frozenset) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def contained(part: frozenset, whole: frozenset) -> float:
    return len(part & whole) / len(part) if part else 0.0


def provisions(texts: LawTexts, version_id: str) -> list[Provision]:
    out = []
    for article in texts.articles(version_id):
        units = texts.units(version_id, article)
        paragraphs = sorted({u["paragraph_no"] for u in units})
        for p in paragraphs:
            text = "".join(u["text"] for u in units if u["paragraph_no"] == p)
            label = article_label(article, p if len(paragraphs) > 1 else None)
            out.append(Provision(article, p, text, label, _grams(text)))
    return out


def pair(old: list[Provision], new: list[Provision]) -> list[tuple[int, int, float]]:
    """(old index, new index, similarity) for the order-kept pairing of greatest total similarity."""
    n, m = len(old), len(new)
    sims = [[dice(o.grams, w.grams) for w in new] for o in old]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = best[i], best[i + 1]
        for j in range(m - 1, -1, -1):
            s = sims[i][j]
            take = s + below[j + 1] if s >= PAIR_MIN else -1.0
            row[j] = max(below[j], row[j + 1], take)
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        s = sims[i][j]
        if s >= PAIR_MIN and abs(best[i][j] - (s + best[i + 1][j + 1])) < 1e-12:
            pairs.append((i, j, s))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def align(old: list[Provision], new: list[Provision]) -> list[Row]:
    partner = {i: (j, s) for i, j, s in pair(old, new)}
    # Where each old paragraph's content goes: its partner, and new paragraphs that hold one of
    # its sentences far better than the partner does.
    goes: dict[int, dict[int, float]] = {}
    for i, o in enumerate(old):
        targets: dict[int, float] = {}
        if i in partner:
            targets[partner[i][0]] = partner[i][1]
        own = new[partner[i][0]].grams if i in partner else frozenset()
        for sentence in SENTENCE.findall(o.text):
            if len(sentence) < SENTENCE_MIN_CHARS:
                continue
            g = _grams(sentence)
            j, c = max(((j, contained(g, w.grams)) for j, w in enumerate(new)), key=lambda x: x[1])
            if c >= CONTAIN_MIN and c - contained(g, own) >= CONTAIN_MARGIN:
                targets[j] = max(targets.get(j, 0.0), c)
        goes[i] = targets
    new_counts = _counts(new)
    received: dict[int, list[int]] = {}
    for i, targets in goes.items():
        for j in targets:
            received.setdefault(j, []).append(i)
    rows = []
    for i, o in enumerate(old):
        targets = goes[i]
        if not targets:
            rows.append(Row(REMOVED, [o], [], 0.0))
            continue
        news = _whole_articles([new[j] for j in sorted(targets)], new_counts)
        if len(targets) > 1:
            rows.append(Row(SPLIT, [o], news, round(sum(targets.values()) / len(targets), 3)))
        elif len(received[next(iter(targets))]) > 1:
            rows.append(Row(MERGED, [o], news, round(next(iter(targets.values())), 3)))
        elif same_wording(o.text, news[0].text):
            rows.append(Row(SAME, [o], news, 1.0))   # identical but for character width or spaces
        else:
            rows.append(Row(REWORDED, [o], news, round(_ratio(o.text, news[0].text), 3)))
    rows += [Row(ADDED, [], [w], 0.0) for j, w in enumerate(new) if j not in received]
    return rows + _article_rows(rows, old, new)


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _article_rows(rows: list[Row], old: list[Provision], new: list[Provision]) -> list[Row]:
    """Article-level rows for multi-paragraph articles whose paragraphs all go, in order, to
    paragraphs of one new article (same only if they are all the same and fill it)."""
    out = []
    count = _counts(new)
    by_article: dict[int, list[Row]] = {}
    for r in rows:
        if r.old:
            by_article.setdefault(r.old[0].article, []).append(r)
    for article, group in by_article.items():
        if len(group) < 2 or any(r.relation not in (SAME, REWORDED) for r in group):
            continue
        targets = [r.new[0] for r in group]
        paragraphs = [t.paragraph for t in targets]
        if len({t.article for t in targets}) != 1 or paragraphs != sorted(set(paragraphs)):
            continue
        fills = len(group) == count[targets[0].article]
        relation = SAME if fills and all(r.relation == SAME for r in group) else REWORDED
        o_text = "".join(r.old[0].text for r in group)
        n_text = "".join(t.text for t in targets)
        out.append(Row(relation, [Provision(article, 0, o_text, article_label(article))],
                       [Provision(targets[0].article, 0, n_text, article_label(targets[0].article))],
                       1.0 if relation == SAME else round(_ratio(o_text, n_text), 3)))
    return out


def _whole_articles(provs: list[Provision], count: dict[int, int]) -> list[Provision]:
    """Targets naming every paragraph of an article become that article (第五十一条, not its 款 one by one)."""
    out: list[Provision] = []
    for p in provs:
        same = [q for q in provs if q.article == p.article]
        if len(same) == count.get(p.article, 1) > 1:
            if not out or out[-1].article != p.article or out[-1].paragraph:
                out.append(Provision(p.article, 0, "".join(q.text for q in same), article_label(p.article)))
        else:
            out.append(p)
    return out


@dataclass
class Comparison:
    law_id: str
    title: str
    old_version: dict
    new_version: dict
    rows: list[Row]
    curated: list[dict]            # the curated map rows for this pair of versions
    disagreements: list[dict]      # curated rows no computed row agrees with


def _position(p: Provision) -> tuple[int, int | None]:
    return p.article, (p.paragraph or None)


def _agrees(row: Row, m: dict, old_counts: dict, new_counts: dict) -> bool:
    """A computed row agrees with a curated one when it carries the same old provision to the
    same new one with the same relation. A curated whole article (no paragraph) is matched by any
    of its paragraphs; a paragraph of a one-paragraph article is the article itself."""
    def hits(article, paragraph, counts, provs) -> bool:
        if paragraph is not None and counts.get(article, 1) == 1:
            paragraph = None
        return any(p.article == article and (paragraph is None or p.paragraph == paragraph) for p in provs)
    return (row.relation == m["relation"]
            and hits(m["from_article"], m.get("from_paragraph"), old_counts, row.old)
            and hits(m["to_article"], m.get("to_paragraph"), new_counts, row.new))


def compare_versions(ref: Reference, title: str, old_year: int, new_year: int) -> Comparison:
    law_id = ref.find_law(title)
    old_v, new_v = ref.version_by_year(law_id, int(old_year)), ref.version_by_year(law_id, int(new_year))
    for v in (old_v, new_v):
        if not ref.texts.has(v["version_id"]):
            raise PowerlistError(f"《{ref.laws[law_id]['title']}》{v['year']}年版: no public full text is loaded "
                                 "(curated facts only), so it cannot be compared")
    if old_v["year"] >= new_v["year"]:
        raise PowerlistError(f"compare an older version with a newer one (got {old_v['year']} → {new_v['year']})")
    old, new = provisions(ref.texts, old_v["version_id"]), provisions(ref.texts, new_v["version_id"])
    rows = align(old, new)
    curated = [m for m in ref.articles
               if m["from_version"] == old_v["version_id"] and m["to_version"] == new_v["version_id"]]
    old_counts = _counts(old)
    new_counts = _counts(new)
    disagreements = []
    for m in curated:
        agreeing = [r for r in rows if _agrees(r, m, old_counts, new_counts)]
        for r in agreeing:
            r.curated.append(m)
        if not agreeing:
            disagreements.append(m)
    rows.sort(key=lambda r: (r.old[0].article if r.old else r.new[0].article, bool(not r.old),
                             r.old[0].paragraph if r.old else r.new[0].paragraph))
    return Comparison(law_id, ref.laws[law_id]["title"], old_v, new_v, rows, curated, disagreements)


def _counts(provs: list[Provision]) -> dict[int, int]:
    out: dict[int, int] = {}
    for p in provs:
        out[p.article] = out.get(p.article, 0) + 1
    return out


def computed_map(ref: Reference, from_version: str, to_version: str) -> list[dict]:
    """Computed correspondences old → new in law_articles_map's shape, each marked
    basis=computed with its score: what `trace` falls back on where no curated row speaks."""
    key = (from_version, to_version)
    cache = ref.computed
    if key not in cache:
        rows = []
        if ref.texts.has(from_version) and ref.texts.has(to_version):
            old, new = provisions(ref.texts, from_version), provisions(ref.texts, to_version)
            old_counts, new_counts = _counts(old), _counts(new)
            aligned = align(old, new)
            # A whole-article row speaks for its paragraphs: keep one answer per cited article.
            whole = {r.old[0].article for r in aligned if r.old and r.old[0].paragraph == 0}
            for r in aligned:
                if r.relation in (REMOVED, ADDED) or (r.old[0].paragraph and r.old[0].article in whole):
                    continue
                o = r.old[0]
                for w in r.new:
                    rows.append({
                        "law_id": ref.versions[from_version]["law_id"], "from_version": from_version,
                        "from_label": o.label, "from_article": o.article,
                        "from_paragraph": o.paragraph if old_counts.get(o.article, 1) > 1 and o.paragraph else None,
                        "to_version": to_version, "to_label": w.label, "to_article": w.article,
                        "to_paragraph": w.paragraph if new_counts.get(w.article, 1) > 1 and w.paragraph else None,
                        "relation": r.relation, "note": None, "basis": "computed", "score": r.score,
                        "source": "computed by powerlist law compare from sources/reference/laws",
                    })
        cache[key] = rows
    return cache[key]

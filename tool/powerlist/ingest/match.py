"""Keep item ids stable: match a new document's rows to the items a list already has.

Rules, in order: the same name (and sub-item name); the same catalog item; content
similarity. Unmatched rows get new ids, numbered past every id the list ever used.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..textdiff import similarity
from .parse import ParsedItem

SIMILARITY_THRESHOLD = 0.6


@dataclass
class Match:
    seq: int
    name: str
    item_id: str
    rule: str            # name | catalog | similarity | new
    score: float | None = None
    old_seq: int | None = None
    old_name: str | None = None


def content_of(name: str, steps: list[str]) -> str:
    return name + "\n" + "\n".join(steps)


def same_named(item: ParsedItem, catalog_items: list[dict]) -> str | None:
    """The catalog item with the item's name and sub-item name, if any."""
    name = item.fields["name"]
    for c in catalog_items:
        if c["name"] == name and c.get("sub_name") == item.fields.get("sub_name"):
            return c["item_id"]
    return None


def most_similar(name: str, catalog_items: list[dict]) -> dict | None:
    """The catalog item whose name is most like `name`, if similar enough."""
    scored = [(similarity(name, c["name"]), i) for i, c in enumerate(catalog_items)]
    best = max(scored, default=(0.0, None))
    return catalog_items[best[1]] if best[0] >= SIMILARITY_THRESHOLD else None


def link_catalog(items: list[ParsedItem], catalog_items: list[dict]) -> list[str]:
    """Set each item's catalog_item_id, the catalog item it implements: the same name, else the
    most similar name — but never by similarity alone to a catalog item another item of the
    list already implements (an item copied and renamed is not a second implementation).
    Returns a note for each link so refused."""
    taken: dict[str, ParsedItem] = {}
    for item in items:
        item.fields["catalog_item_id"] = same_named(item, catalog_items)
        if item.fields["catalog_item_id"]:
            taken.setdefault(item.fields["catalog_item_id"], item)
    notes = []
    for item in items:
        if item.fields["catalog_item_id"]:
            continue
        best = most_similar(item.fields["name"], catalog_items)
        if best is None:
            continue
        other = taken.get(best["item_id"])
        if other is not None:
            notes.append(f"序号 {item.fields['seq']}《{item.fields['name']}》: not linked to catalog item "
                         f"{best['seq']}《{best['name']}》 by name similarity, which 序号 {other.fields['seq']} "
                         "already implements; it is an item outside the catalog unless linked by hand")
            continue
        item.fields["catalog_item_id"] = best["item_id"]
        taken[best["item_id"]] = item
    return notes


def next_number(list_id: str, used_ids: set[str]) -> int:
    prefix = f"{list_id}-"
    numbers = [int(i[len(prefix):]) for i in used_ids if i.startswith(prefix) and i[len(prefix):].isdigit()]
    return max(numbers, default=0) + 1


def match_items(list_id: str, parsed: list[ParsedItem], existing: list[dict],
                existing_steps: dict[str, list[str]], used_ids: set[str]) -> list[Match]:
    """One Match per parsed item, in document order."""
    free = {e["item_id"]: e for e in existing}
    matches: list[Match | None] = [None] * len(parsed)

    def take(i: int, item_id: str, rule: str, score: float | None = None) -> None:
        old = free.pop(item_id)
        f = parsed[i].fields
        matches[i] = Match(f["seq"], f["name"], item_id, rule, score, old["seq"], old["name"])

    for i, p in enumerate(parsed):
        for e in list(free.values()):
            if e["name"] == p.fields["name"] and e.get("sub_name") == p.fields.get("sub_name"):
                take(i, e["item_id"], "name")
                break
    for i, p in enumerate(parsed):
        link = p.fields.get("catalog_item_id")
        if matches[i] is None and link:
            for e in list(free.values()):
                if e.get("catalog_item_id") == link:
                    take(i, e["item_id"], "catalog")
                    break
    for i, p in enumerate(parsed):
        if matches[i] is not None or not free:
            continue
        mine = content_of(p.fields["name"], [s["text"] for s in p.steps])
        scored = sorted(
            ((similarity(mine, content_of(e["name"], existing_steps.get(e["item_id"], []))), e["item_id"])
             for e in free.values()),
            reverse=True,
        )
        if scored and scored[0][0] >= SIMILARITY_THRESHOLD:
            take(i, scored[0][1], "similarity", round(scored[0][0], 3))
    number = next_number(list_id, used_ids)
    for i, p in enumerate(parsed):
        if matches[i] is None:
            matches[i] = Match(p.fields["seq"], p.fields["name"], f"{list_id}-{number:03d}", "new")
            number += 1
    return matches  # type: ignore[return-value]

"""How each table is compared: its key, which columns are position, layout or content.

position  numbers that shift when a row is inserted above (never reported on their own)
labels    numbering labels as printed: only their style (1． vs 1.) can differ → cosmetic
layout    where things stood on the page (paragraph breaks, bracket placement) → cosmetic
content   everything else: a difference beyond width/whitespace is substantive
Columns present in only one of the two packages are not compared (an older release lacks
columns added later; that is not a change of the list).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..document.columns import role_title


@dataclass(frozen=True)
class ChildSpec:
    table: str
    number: str                      # the row's number within its item (and part)
    part: str | None = None          # rows are aligned within (item_id, part)
    position: tuple[str, ...] = ()
    labels: tuple[str, ...] = ("label",)
    layout: tuple[str, ...] = ("starts_paragraph",)
    label: str = "变更"               # the finer 变更 label of a modified row
    title: str = ""                  # what a row is called in reports

    def split(self, columns: list[str]) -> tuple[list[str], list[str], list[str]]:
        """(content, labels, layout) among the given columns."""
        fixed = {"item_id", self.number, self.part, *self.position}
        labels = [c for c in columns if c in self.labels]
        layout = [c for c in columns if c in self.layout]
        content = [c for c in columns if c not in fixed and c not in labels and c not in layout]
        return content, labels, layout


CHILDREN: dict[str, ChildSpec] = {
    "steps": ChildSpec("steps", "step_no", layout=("starts_paragraph", "responsible_placement"),
                       label="责任事项变更", title="责任事项"),
    "accountability": ChildSpec("accountability", "case_no", layout=("starts_paragraph", "responsible_placement"),
                                label="追责情形变更", title="追责情形"),
    "exemptions": ChildSpec("exemptions", "seq", label="免责事项变更", title="免责事项"),
    # basis_id and ref are positional (item-role-N); article_no/paragraph_no are derived from
    # the printed article/paragraph, which are compared; same_as points at a ref number.
    "bases": ChildSpec("bases", "seq", part="role",
                       position=("basis_id", "ref", "step_no", "case_no", "article_no", "paragraph_no", "same_as"),
                       labels=("label", "same_as_printed"), layout=("starts_paragraph", "continues"),
                       label="依据变更", title="依据"),
}

# A diff names a setting citation 实施依据 whatever the list's kind (reports stay comparable across lists).
ROLE_TITLES = {role: role_title(role, "jurisdiction") for role in ("setting", "step", "accountability")}

# The report's order: tables, and the parts of an item's citations.
TABLE_ORDER = ["lists", "items", "bases", "steps", "accountability", "exemptions"]
_TABLE_RANK = {t: i for i, t in enumerate(TABLE_ORDER)}


def table_rank(table: str) -> int:
    """A table's place in the report order (TABLE_ORDER; any other table after them)."""
    return _TABLE_RANK.get(table, len(TABLE_ORDER))
ROLE_ORDER = {"setting": 0, "step": 1, "accountability": 2}

# Items: matched by item_id. seq and name have their own kinds (moved, renamed).
ITEM_POSITION = ("seq",)
ITEM_NAME = "name"


# Where a list's document came from: reported as provenance (the JSON's `provenance` key and
# report headers), never as a change, so a re-rendered unchanged document compares equal.
PROVENANCE = {"lists": ("source_file", "source_sha256")}

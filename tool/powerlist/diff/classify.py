"""Kinds and official labels of changes; the one place that decides cosmetic vs substantive."""

from __future__ import annotations

from .normalize import fold, number_style
from .spec import CHILDREN

ADDED, REMOVED, MODIFIED, RENAMED, MOVED, COSMETIC = "added", "removed", "modified", "renamed", "moved", "cosmetic"
LABELS = {ADDED: "新增", REMOVED: "取消", MODIFIED: "变更", RENAMED: "名称变更", MOVED: "序号调整", COSMETIC: "文字修正"}
SUBSTANTIVE = (ADDED, REMOVED, MODIFIED, RENAMED, MOVED)


def field_difference(kind: str, old, new) -> str | None:
    """None (same), COSMETIC or MODIFIED for one column of a matched row.

    kind is 'content', 'label' or 'layout' (see spec.py): a label differs substantively never
    (renumbering is not a change, 1． vs 1. is style); layout differs only cosmetically.
    """
    if old == new:
        return None
    if kind == "label":
        return COSMETIC if number_style(old) != number_style(new) else None
    if kind == "layout":
        return COSMETIC
    return COSMETIC if fold(old) == fold(new) else MODIFIED


def classify_basis_change(old: dict, new: dict, recorded_update=None) -> tuple[str, str]:
    """(change, label) for a cited provision matched across releases.

    Every citation change is decided here. recorded_update(old, new) (powerlist.laws.update)
    returns the correspondence a citation followed to a later version of the same instrument,
    or None: such a move is 依据更新, any other substantive change 依据变更.
    """
    spec = CHILDREN["bases"]
    content, _, _ = spec.split(sorted(set(old) & set(new)))
    if all(fold(old.get(c)) == fold(new.get(c)) for c in content):
        return COSMETIC, LABELS[COSMETIC]
    if recorded_update is not None:
        found = recorded_update(old, new)
        if found:
            return MODIFIED, found["label"]
    return MODIFIED, spec.label


def classify_child_change(table: str, old: dict, new: dict, recorded_update=None) -> tuple[str, str]:
    """(change, label) for a matched child row whose content differs."""
    if table == "bases":
        return classify_basis_change(old, new, recorded_update)
    spec = CHILDREN[table]
    content, _, _ = spec.split(sorted(set(old) & set(new)))
    if all(fold(old.get(c)) == fold(new.get(c)) for c in content):
        return COSMETIC, LABELS[COSMETIC]
    return MODIFIED, spec.label

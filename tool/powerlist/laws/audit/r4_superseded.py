"""Rule 4: citations of a version that a later version had superseded by the list's date or
the --as-of date, with the version now in force and where the rule now stands."""

from __future__ import annotations

from datetime import date

from ..citations import list_date
from ..reference import BASIS_QUOTE
from .data import AuditData
from .model import Finding


def in_force(data: AuditData, version_id: str, on: date) -> dict | None:
    """The version in force on a date, following superseded_by from the cited one; None when the
    cited one is still in force."""
    ref, current, newest = data.reference, version_id, None
    while True:
        nxt = ref.successor(current)
        if not nxt or not nxt.get("in_force_from") or date.fromisoformat(str(nxt["in_force_from"])) > on:
            return newest
        newest, current = nxt, nxt["version_id"]


def check(data: AuditData) -> list[Finding]:
    found, seen = [], set()
    dates = {}
    for lst in data.lists:
        own, basis = list_date(lst)
        dates[lst["list_id"]] = (data.as_of, "--as-of") if data.as_of else (own, f"the list's date ({basis})")
    for b in data.bases:
        when, basis = dates.get(b["list_id"], (None, ""))
        if not when or not b.get("version_id") or b.get("article_no") is None:
            continue
        now = in_force(data, b["version_id"], when)
        if not now:
            continue
        key = (b["item_id"], b["cell"], b["version_id"], b["article_no"], b.get("paragraph_no"))
        if key in seen:
            continue
        seen.add(key)
        cited_v = data.reference.versions[b["version_id"]]
        places = data.reference.trace(b["version_id"], b["article_no"], b.get("paragraph_no"), now["version_id"])
        cited = f"{cited_v['year']}年版{b.get('article') or ''}{b.get('paragraph') or ''}"
        title = data.reference.laws[b["law_id"]]["title"]
        where_now = "、".join(p["label"] for p in places)
        # Superseded already on the list's own date: the list was out of date when issued.
        severity = "warning" if data.as_of else "error"
        # Told by its words, not by a document number or the date: say so, it is what a reader doubts.
        how = f"（未印文号，引文与{cited_v['year']}年版条文相符）" if b.get("version_basis") == BASIS_QUOTE else ""
        found.append(Finding(
            4, severity, b["list_id"], b["item_id"], f"{b['cell']} {b.get('ref') or ''}".strip(),
            f"《{title}》{cited}{how}已被{now['year']}年版替代（{now['in_force_from']}起施行）"
            + (f"，现为{now['year']}年版{where_now}" if places else "，未记录条文对应关系"),
            {"law_id": b["law_id"], "cited_version": b["version_id"], "cited": cited,
             "version_basis": b.get("version_basis"), "in_force_version": now["version_id"],
             "in_force_from": str(now["in_force_from"]), "date": when.isoformat(), "date_basis": basis,
             "now": [{"article": p["label"], "relation": "/".join(p["relations"]),
                      "note": "; ".join(p["notes"]) or None} for p in places]},
            **{k: v for k, v in data.where(b["item_id"]).items() if k != "item_id"},
        ))
    return found

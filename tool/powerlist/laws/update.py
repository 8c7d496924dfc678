"""Does a citation change follow a recorded correspondence? (the diff's 依据更新)"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .citations import list_date
from .reference import Reference, load_reference

LABEL = "依据更新"


def recorded_update(root_or_reference: Path | Reference, old_basis: dict, new_basis: dict) -> dict | None:
    """The correspondence a changed citation follows, or None.

    old_basis / new_basis are bases rows (law_title, law_doc, law_id, article_no, paragraph_no;
    optionally version_id, or the list's issued_on / issued_on_inferred / doc_no_inferred / list_date
    to tell the version of a citation that prints no document number). It is an update when both
    cite the same instrument, the new one a later version, and a recorded correspondence carries
    the old article (and paragraph) to the new one.
    """
    ref = root_or_reference if isinstance(root_or_reference, Reference) else load_reference(Path(root_or_reference))
    law_old, law_new = _law(ref, old_basis), _law(ref, new_basis)
    if not law_old or law_old != law_new or old_basis.get("article_no") is None or new_basis.get("article_no") is None:
        return None
    old_v, new_v = _version(ref, old_basis, law_old), _version(ref, new_basis, law_new)
    pairs = _pairs(ref, law_old, old_v, new_v)
    for v_old, v_new, basis in pairs:
        for place in ref.trace(v_old, old_basis["article_no"], old_basis.get("paragraph_no"), v_new):
            if place["article"] == new_basis["article_no"] and (
                    new_basis.get("paragraph_no") is None or place["paragraph"] in (None, new_basis["paragraph_no"])):
                return {"label": LABEL, "law_id": law_old, "title": ref.laws[law_old]["title"],
                        "from_version": v_old, "to_version": v_new, "from": _label(old_basis), "to": place["label"],
                        "relation": "/".join(place["relations"]), "note": "; ".join(place["notes"]) or None,
                        "version_basis": basis}
    return None


def _law(ref: Reference, basis: dict) -> str | None:
    return basis.get("law_id") or ref.law_id_for(basis.get("law_title"), basis.get("law_doc"))


def _version(ref: Reference, basis: dict, law_id: str) -> str | None:
    if basis.get("version_id"):
        return basis["version_id"]
    when = basis.get("list_date")
    if when is None:
        when, _ = list_date(basis)
    elif not isinstance(when, date):
        when = date.fromisoformat(str(when))
    version, _ = ref.citation_version(ref.variant(basis.get("law_title"), basis.get("law_doc")), law_id, when,
                                      basis.get("article_no"), basis.get("paragraph_no"), basis.get("text"))
    return version


def _pairs(ref: Reference, law_id: str, old_v: str | None, new_v: str | None) -> list[tuple[str, str, str]]:
    """Candidate (old version, new version) pairs: the known ones, else every older→newer pair
    (a citation printing no document number and no date says nothing of its version)."""
    versions = [v["version_id"] for v in ref.versions_of(law_id)]
    if old_v and new_v:
        later = versions.index(new_v) > versions.index(old_v) if old_v in versions and new_v in versions else False
        return [(old_v, new_v, "known versions")] if later else []
    olds = [old_v] if old_v else versions
    news = [new_v] if new_v else versions
    return [(o, n, "inferred from the recorded correspondence") for o in olds for n in news
            if o in versions and n in versions and versions.index(n) > versions.index(o)]


def _label(basis: dict) -> str:
    from .numbers import article_label
    return basis.get("article") and (basis["article"] + (basis.get("paragraph") or "")) or article_label(
        basis["article_no"], basis.get("paragraph_no"))

"""Every cited provision of a package, with its instrument and version resolved.

Releases made before bases had a law_id carry no such column: the id is derived here from the
printed title and document through the reference variants, exactly as ingest would set it.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ..compiled import open_compiled
from ..package import Package, open_target, release_tags
from ..document.columns import role_title
from .reference import Reference


QUERY = """
SELECT b.*, i.list_id, i.seq AS item_seq, i.name AS item_name, l.kind AS list_kind,
       l.title AS list_title, l.doc_no, l.issued_on, l.issued_on_inferred, l.doc_no_inferred
FROM bases b JOIN items i USING (item_id) JOIN lists l USING (list_id)
ORDER BY i.list_id, i.seq, b.role, b.seq
"""


def cell_name(role: str, list_kind: str) -> str:
    """The cell a reader sees the citation in, named as that kind of list prints it."""
    return role_title(role, list_kind)


def list_date(lst: dict) -> tuple[date | None, str]:
    """The list's date and where it comes from: printed, else inferred, else the first day of the
    year its inferred 文号 names (the earliest date it can have)."""
    if lst.get("issued_on"):
        return _d(lst["issued_on"]), "printed"
    if lst.get("issued_on_inferred"):
        return _d(lst["issued_on_inferred"]), "inferred"
    year = re.search(r"〔(\d{4})〕", lst.get("doc_no_inferred") or "")
    if year:
        return date(int(year.group(1)), 1, 1), f"inferred: earliest date of its inferred 文号 {lst['doc_no_inferred']}"
    return None, "unknown"


def _d(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def package_citations(pkg: Package, root: Path, ref: Reference) -> list[dict]:
    """One dict per bases row of the package, plus list/item context, law_id, version_id."""
    con = open_compiled(pkg, root)
    try:
        cur = con.execute(QUERY)
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        con.close()
    for r in rows:
        variant = ref.variant(r.get("law_title"), r.get("law_doc"))
        if not r.get("law_id"):
            r["law_id"] = variant["law_id"] if variant else None
        when, basis = list_date({k: r.get(k) for k in ("issued_on", "issued_on_inferred", "doc_no_inferred")})
        r["list_date"], r["list_date_basis"] = when, basis
        r["version_id"], r["version_basis"] = ref.citation_version(
            variant, r["law_id"], when, r.get("article_no"), r.get("paragraph_no"), r.get("text"))
        r["release"] = pkg.label
        r["cell"] = cell_name(r["role"], r["list_kind"])
    return rows


def targets(root: Path, which: list[str] | None = None) -> list[Package]:
    """The packages to search: the given ones, else every release then the working state."""
    names = which or [*release_tags(root), "working"]
    return [open_target(root, n) for n in names]


def all_citations(root: Path, ref: Reference, which: list[str] | None = None) -> list[dict]:
    return [row for pkg in targets(root, which) for row in package_citations(pkg, root, ref)]

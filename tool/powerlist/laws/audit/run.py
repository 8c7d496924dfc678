"""Run every rule over one package (or one list of it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ...package import open_target
from ..citations import list_date
from ..reference import load_reference
from . import r1_variants, r2_quotes, r3_siblings, r4_superseded, r5_type_label, r6_numbering, r7_responsible
from . import r8_official_text
from .data import AuditData, load
from .model import Finding, at_least

CHECKS = {1: r1_variants.check, 2: r2_quotes.check, 3: r3_siblings.check, 4: r4_superseded.check,
          5: r5_type_label.check, 6: r6_numbering.check, 7: r7_responsible.check,
          8: r8_official_text.check}


@dataclass
class AuditReport:
    target: str
    as_of: str | None
    dates: dict[str, dict] = field(default_factory=dict)    # list_id → {date, basis} rule 4 used
    findings: list[Finding] = field(default_factory=list)

    def failing(self, floor: str) -> list[Finding]:
        return [f for f in self.findings if at_least(f.severity, floor)]

    def to_dict(self) -> dict:
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        return {"target": self.target, "as_of": self.as_of, "dates": self.dates, "counts": counts,
                "findings": [f.to_dict() for f in self.findings]}


def run_rules(data: AuditData) -> list[Finding]:
    findings = [f for rule in sorted(CHECKS) for f in CHECKS[rule](data)]
    return sorted(findings, key=lambda f: (f.list_id, f.item_seq or 0, f.rule))


def audit(root: Path, target: str = "working", list_id: str | None = None, as_of: date | None = None) -> AuditReport:
    pkg = open_target(root, target)
    reference = load_reference(root)
    data = load(pkg, root, reference, list_id, as_of, reference.texts)
    if list_id and not data.lists:
        from ...errors import PowerlistError
        known = ", ".join(sorted(l["list_id"] for l in pkg.read_table("lists"))) or "none"
        raise PowerlistError(f"{target}: unknown list {list_id!r} (known: {known})")
    report = AuditReport(pkg.label, as_of.isoformat() if as_of else None)
    for lst in data.lists:
        own, basis = list_date(lst)
        report.dates[lst["list_id"]] = ({"date": as_of.isoformat(), "basis": "--as-of"} if as_of else
                                        {"date": own.isoformat() if own else None, "basis": basis})
    report.findings = run_rules(data)
    return report

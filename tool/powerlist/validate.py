"""Validate a data package against its Table Schemas (types, required, enums, keys, foreign keys)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .package import Package


@dataclass
class Finding:
    table: str
    row: int | None       # row number in the CSV, header = 1
    field: str | None
    type: str             # frictionless error type, e.g. type-error, primary-key, foreign-key
    message: str


@dataclass
class ValidationResult:
    target: str
    valid: bool
    rows: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def validate_package(pkg: Package) -> ValidationResult:
    """Run frictionless over the package's descriptor; every error becomes a Finding."""
    from frictionless import Package as FPackage, system

    with system.use_context(trusted=False):
        fpkg = FPackage(str(pkg.descriptor_path))
        report = fpkg.validate(limit_errors=10_000)
    result = ValidationResult(pkg.label, report.valid)
    for err in report.errors:  # package-level (descriptor) errors
        result.findings.append(Finding("datapackage.json", None, None, err.type, err.message))
    for task in report.tasks:
        result.rows[task.name] = task.stats.get("rows", 0) if isinstance(task.stats, dict) else task.stats.rows
        for err in task.errors:
            result.findings.append(Finding(
                task.name, getattr(err, "row_number", None), getattr(err, "field_name", None),
                err.type, err.message,
            ))
    return result

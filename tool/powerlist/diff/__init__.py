"""Compare two versions of the data package and report the changes the way reviewers read them."""

from .classify import classify_basis_change
from .report import DiffReport, diff_packages, open_diff
from .formats import render_diff

__all__ = ["diff_packages", "open_diff", "DiffReport", "render_diff", "classify_basis_change"]

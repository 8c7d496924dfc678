"""Compare two versions of the data package and report the changes the way reviewers read them."""

from .classify import classify_basis_change
from .engine import diff_packages
from .formats import render_diff

__all__ = ["diff_packages", "render_diff", "classify_basis_change"]

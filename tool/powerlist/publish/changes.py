"""The one place publish calls the diff engine (powerlist.diff): CHANGELOG and redline pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import PowerlistError


class DiffUnavailable(PowerlistError):
    """The diff engine is not part of this installation."""


@dataclass
class PairDiff:
    from_tag: str
    to_tag: str
    result: dict      # the `diff --format json` contract: from, to, summary, changes
    markdown: str
    html: str


def _engine():
    try:
        from ..diff import diff_packages, render_diff
    except ImportError as exc:
        raise DiffUnavailable(
            f"the diff engine (powerlist.diff) is not installed ({exc}); CHANGELOG.md and the redline "
            "pages need it when there are two or more releases") from None
    return diff_packages, render_diff


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, (bytes, bytearray)) else value


def pair_diff(root: Path, from_tag: str, to_tag: str) -> PairDiff:
    diff_packages, render_diff = _engine()
    result = diff_packages(root, from_tag, to_tag)
    return PairDiff(from_tag, to_tag, result, _text(render_diff(result, "markdown")), _text(render_diff(result, "html")))


def consecutive_diffs(root: Path, tags: list[str]) -> list[PairDiff]:
    """One diff per consecutive pair of releases, oldest pair first; none for a single release."""
    return [pair_diff(root, a, b) for a, b in zip(tags, tags[1:])]

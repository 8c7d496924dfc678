"""The one grammar of release tags and list ids, and the SQL schema a release is queried under.

A name is 1–64 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit: safe as a
folder name, a file name, a git tag suffix and a URL part. `\\Z` (not `$`) so "2023\\n" fails.
"""

from __future__ import annotations

import re

from .errors import PowerlistError

NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}\Z")
RESERVED = {"working"}  # the working state's own name, never a release


def is_name(value: str) -> bool:
    return isinstance(value, str) and NAME.match(value) is not None


def check_name(kind: str, value: str) -> str:
    """value if it follows the grammar, else a one-line PowerlistError naming the kind ("release tag")."""
    if not is_name(value):
        shown = value if len(value) <= 70 else value[:64] + "…"
        raise PowerlistError(
            f"invalid {kind} {shown!r}: 1 to 64 ASCII letters, digits, '.', '_' or '-', "
            "starting with a letter or digit")
    return value


def check_tag(tag: str) -> str:
    check_name("release tag", tag)
    if tag in RESERVED:
        raise PowerlistError(f"invalid release tag {tag!r}: 'working' names the working state")
    return tag


def schema_name(tag: str) -> str:
    """r2022 for release 2022: unquoted SQL identifiers take letters, digits and '_' only.

    Not one-to-one ('2023.1' and '2023_1' both give r2023_1), so `release` refuses a tag whose
    schema an existing release already has, and `sql` refuses a package holding such a pair.
    """
    return "r" + re.sub(r"[^0-9A-Za-z_]", "_", tag)

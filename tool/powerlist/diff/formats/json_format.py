"""The JSON contract of docs/diff-json.md: every change, cosmetic ones included (readers filter by `change`).

Layout: the top level indented by two spaces (as json.dumps(indent=2) writes it), and each change
compact on a line of its own, so a report of half a million changes stays small, can be read
line by line (grep, jq --stream, head) and is written as it is read from the spool. Changes are
encoded by orjson or, for rows added or removed whole, by DuckDB's to_json: the same JSON (they
may differ only in the letter case of \\u escapes of control characters).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import BinaryIO

import orjson


def encode_change(change: dict) -> str:
    """One change as it sits in the report's "changes" list: compact JSON.

    Decoded at once: orjson's bytes keep their whole working buffer (~16 KB however short the
    text), which for a batch of 60k changes is most of a gigabyte."""
    return orjson.dumps(change).decode("utf-8")


def render(result: dict, *, show_all: bool = False) -> str:
    buf = io.BytesIO()
    write_json(result, buf)
    return buf.getvalue().decode("utf-8")


def write_json(result: dict, fh: BinaryIO, change_blocks: Iterable[bytes] | None = None) -> None:
    """Write the report, UTF-8, to a binary file a block of changes at a time.

    change_blocks, when given, are the changes already encoded, in order, as blocks of UTF-8
    texts joined by line breaks (compact JSON holds none: spool.ChangeSpool.blocks): they stand
    for result["changes"], so the changes need never be in memory together, and each block is
    written whole, its line breaks turned into the list's separators."""
    fh.write(b"{\n")
    for i, (k, v) in enumerate(result.items()):
        fh.write((b"" if i == 0 else b",\n") + b"  " + orjson.dumps(k) + b": ")
        if k != "changes":
            fh.write(orjson.dumps(v, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n  "))
            continue
        blocks = change_blocks if change_blocks is not None else (orjson.dumps(c) for c in v or ())
        empty = True
        for block in blocks:
            if not block:
                continue
            fh.write(b"[\n    " if empty else b",\n    ")
            fh.write(block.replace(b"\n", b",\n    "))
            empty = False
        fh.write(b"[]" if empty else b"\n  ]")
    fh.write(b"\n}\n")

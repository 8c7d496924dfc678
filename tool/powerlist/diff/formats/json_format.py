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


def write_json(result: dict, fh: BinaryIO, change_texts: Iterable[str | bytes] | None = None) -> None:
    """Write the report, UTF-8, to a binary file one change at a time.

    change_texts, when given, are the changes already encoded, in order: they stand for
    result["changes"], so the changes need never be in memory together."""
    fh.write(b"{\n")
    for i, (k, v) in enumerate(result.items()):
        fh.write((b"" if i == 0 else b",\n") + b"  " + orjson.dumps(k) + b": ")
        if k != "changes":
            fh.write(orjson.dumps(v, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n  "))
            continue
        texts = change_texts if change_texts is not None else (encode_change(c) for c in v or ())
        empty = True
        for text in texts:
            fh.write(b"[\n    " if empty else b",\n    ")
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
            empty = False
        fh.write(b"[]" if empty else b"\n  ]")
    fh.write(b"\n}\n")

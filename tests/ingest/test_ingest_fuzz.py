"""Random edits of the real source documents either ingest or fail with PowerlistError.

Edits are synthetic (delete, insert, duplicate lines; swap characters; insert TABs; truncate
bytes) and every example runs the whole ingest on its own throwaway copy of the package.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CATALOG_TXT, XINGAN_TXT, copy_package
from powerlist.errors import PowerlistError
from powerlist.ingest.run import ingest_document

DOCS = {p.name: p.read_bytes() for p in (CATALOG_TXT, XINGAN_TXT)}
# Characters that matter to the layout and the cell parsers, plus some plain text.
ALPHABET = "\t\n 　1234567890.．、，。：；（）()【】《》—－-第条款章同县局法律行政强制检查保密"

edit = st.one_of(
    st.tuples(st.just("delete_line"), st.integers(0, 10_000)),
    st.tuples(st.just("insert_line"), st.integers(0, 10_000), st.text(ALPHABET, max_size=30)),
    st.tuples(st.just("duplicate_line"), st.integers(0, 10_000)),
    st.tuples(st.just("swap_chars"), st.integers(0, 100_000), st.integers(0, 100_000)),
    st.tuples(st.just("insert_tab"), st.integers(0, 100_000)),
    st.tuples(st.just("truncate"), st.integers(0, 100_000)),
)


def apply(data: bytes, op: tuple) -> bytes:
    kind = op[0]
    if kind == "truncate":
        return data[: op[1] % (len(data) + 1)]  # bytes: may cut a character in half
    text = data.decode("utf-8", errors="surrogateescape")
    if kind in ("swap_chars", "insert_tab"):
        chars = list(text)
        if not chars:
            return data
        i = op[1] % len(chars)
        if kind == "insert_tab":
            chars.insert(i, "\t")
        else:
            j = op[2] % len(chars)
            chars[i], chars[j] = chars[j], chars[i]
        return "".join(chars).encode("utf-8", errors="surrogateescape")
    lines = text.split("\n")
    i = op[1] % len(lines)
    if kind == "delete_line":
        del lines[i]
    elif kind == "insert_line":
        lines.insert(i, op[2])
    else:
        lines.insert(i, lines[i])
    return "\n".join(lines).encode("utf-8", errors="surrogateescape")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(DOCS)), edits=st.lists(edit, min_size=1, max_size=4))
def test_edited_source_ingests_or_fails_with_powerlist_error(name, edits):
    data = DOCS[name]
    for op in edits:
        data = apply(data, op)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "pkg"
        root.mkdir()
        copy_package(root)
        doc = Path(tmp) / name
        doc.write_bytes(data)
        try:
            ingest_document(root, doc)
        except PowerlistError as exc:
            assert "\n" not in str(exc), "errors are one line"
        shutil.rmtree(root)

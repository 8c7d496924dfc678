"""publish/checksums.py: a digest is taken once per file state and never given for another state."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from powerlist.publish import checksums


@pytest.fixture(autouse=True)
def fresh():
    checksums.forget()
    yield
    checksums.forget()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def rewrite(path: Path, data: bytes) -> None:
    """New bytes, and an mtime one millisecond later than the old one (a rewrite within one
    clock tick of the file system keeps its mtime; that edge is the key's, see checksums.py)."""
    before = path.stat().st_mtime_ns
    path.write_bytes(data)
    os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def test_a_file_rewritten_is_read_again_whatever_its_size(tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(b"one")
    assert checksums.file_sha256(path) == sha(b"one")
    rewrite(path, b"three")  # another size
    assert checksums.file_sha256(path) == sha(b"three")
    rewrite(path, b"seven")  # the same size, another mtime
    assert checksums.file_sha256(path) == sha(b"seven")


def test_a_writer_s_digest_is_taken_as_given_until_the_file_changes(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(b"<p>page</p>")
    checksums.remember(path, "0" * 64)  # what the writer said: not read back
    assert checksums.file_sha256(path) == "0" * 64
    rewrite(path, b"<p>other</p>")
    assert checksums.file_sha256(path) == sha(b"<p>other</p>")
    checksums.remember(path, "1" * 64)
    checksums.forget()  # a new publish: nothing remembered
    assert checksums.file_sha256(path) == sha(b"<p>other</p>")


def test_a_file_queued_for_the_thread_and_changed_before_it_is_asked_for_is_read_again(tmp_path):
    files = [tmp_path / f"{n}.bin" for n in range(20)]
    for n, p in enumerate(files):
        p.write_bytes(bytes([n]) * 300_000)
    checksums.hash_later(files)
    rewrite(files[7], b"changed")
    assert checksums.file_sha256(files[7]) == sha(b"changed")
    assert [checksums.file_sha256(p) for n, p in enumerate(files) if n != 7] == \
        [sha(bytes([n]) * 300_000) for n in range(20) if n != 7]


def test_sha256sums_lists_every_file_in_path_order_and_counts_them(tmp_path):
    contents = {"a/b.txt": b"ab", "a-b.txt": b"a-b", "a.txt": b"a", "z/y/x": b"xyz", "site/items/1.html": b"<p>1</p>"}
    for name, data in contents.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    os.link(tmp_path / "a.txt", tmp_path / "z" / "a-link.txt")  # one inode, listed under both paths
    files, size = checksums.write_sha256sums(tmp_path)
    sums = (tmp_path / "SHA256SUMS").read_bytes()
    # Byte order of the paths: "-" < "." < "/"
    order = ["a-b.txt", "a.txt", "a/b.txt", "site/items/1.html", "z/a-link.txt", "z/y/x"]
    data = {**contents, "z/a-link.txt": b"a"}
    assert sums.decode("utf-8") == "".join(f"{sha(data[n])}  {n}\n" for n in order)
    assert files == 7
    assert size == sum(len(d) for d in data.values()) + len(sums)

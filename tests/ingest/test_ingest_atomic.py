"""A failure halfway through ingest leaves tables/, datapackage.json and sources/ as they were."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import powerlist.ingest.run as run
import powerlist.files as files
from conftest import XINGAN_TXT, snapshot
from powerlist.errors import PowerlistError
from powerlist.ingest.run import ingest_document


def state(root: Path) -> dict[str, bytes]:
    return {**{f"tables/{k}": v for k, v in snapshot(root / "tables").items()},
            **{f"sources/{k}": v for k, v in snapshot(root / "sources").items()},
            "datapackage.json": (root / "datapackage.json").read_bytes()}


@pytest.fixture
def outside_doc(tmp_path: Path) -> Path:
    """The Xing'an document from outside sources/, so ingest also copies it into sources/working/."""
    doc = tmp_path / "兴安县权责清单.txt"
    shutil.copyfile(XINGAN_TXT, doc)
    return doc


def test_failure_while_writing_the_third_file_leaves_everything(package_copy, outside_doc, monkeypatch):
    before = state(package_copy)
    real, calls = files._fill, []

    def flaky(fh, data):
        calls.append(fh.name)
        if len(calls) == 3:
            raise OSError("disk full (simulated)")
        real(fh, data)

    monkeypatch.setattr(files, "_fill", flaky)
    with pytest.raises(OSError, match="simulated"):
        ingest_document(package_copy, outside_doc)
    assert len(calls) >= 3  # the third write failed, then the two written files were put back
    assert state(package_copy) == before
    assert sorted(p.name for p in package_copy.iterdir() if p.name.startswith(".")) == [".gitignore", ".powerlist-cache", ".powerlist.lock"]


def test_failure_while_building_the_descriptor_leaves_everything(package_copy, outside_doc, monkeypatch):
    before = state(package_copy)

    def broken(root, lists=None, paths=None):
        raise PowerlistError("descriptor build failed (simulated)")

    monkeypatch.setattr(run, "descriptor_bytes", broken)
    with pytest.raises(PowerlistError, match="simulated"):
        ingest_document(package_copy, outside_doc)
    assert state(package_copy) == before
    assert not (package_copy / "sources" / "working").exists()


def test_successful_ingest_copies_an_outside_document_into_sources_working(package_copy, outside_doc):
    report = ingest_document(package_copy, outside_doc)
    assert report.source_file == "sources/working/兴安县权责清单.txt"
    assert (package_copy / report.source_file).read_bytes() == XINGAN_TXT.read_bytes()


def test_a_different_document_with_the_same_name_is_refused(package_copy, outside_doc):
    ingest_document(package_copy, outside_doc)
    before = state(package_copy)
    outside_doc.write_text(outside_doc.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(PowerlistError, match="a different document named 兴安县权责清单.txt is already in"):
        ingest_document(package_copy, outside_doc)
    assert state(package_copy) == before

"""A package copy with a second, synthetic release 2023 (for CHANGELOG, redline and site tests).

Release 2023 comes from tests/fixtures/synthetic-xingan-baomi-2023.txt: the Xing'an 2022 document
edited by hand — one step reworded (组织调查处理 → 组织调查核实处理), markup put in two cells
(item 1's 备注 holds <script>, item 2's 子项名称 holds <img onerror>), number and date moved to
2023. It says it is synthetic in its first line.
"""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES, copy_package
from powerlist.ingest.run import ingest_document
from powerlist.release import create_release

SYNTHETIC_DOC = FIXTURES / "synthetic-xingan-baomi-2023.txt"
SCRIPT_TEXT = "<script>alert('xss-remark')</script>合成备注"
IMG_TEXT = "<img src=x onerror=alert('xss-img')>合成子项"


def two_release_package(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    root = copy_package(dest)
    ingest_document(root, SYNTHETIC_DOC)
    create_release(root, "2023", "2023-07-18")
    return root

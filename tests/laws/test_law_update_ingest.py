"""An adjusted list citing the 2024 保密法 where 2022 cited the 2010 text: ingest gives the new
citation its law_id, recorded_update recognises the move and the diff labels it 依据更新.

SYNTHETIC DOCUMENT: a copy of the real Xing'an text, written to tmp_path, dated 2025年3月1日
(兴保发〔2025〕1号) and with item 1's 实施依据 第四十五条 replaced by 第五十二条第二款 whose quoted
text is a placeholder, not the law's wording.
"""

from __future__ import annotations

from pathlib import Path

from conftest import XINGAN_TXT
from powerlist.diff import diff_packages
from powerlist.ingest.run import ingest_document
from powerlist.laws.update import recorded_update
from powerlist.package import Package, open_target

OLD = "\n第四十五条：保密行政管理部门对保密检查中发现的非法获取、持有的国家秘密载体，应当予以收缴。"
NEW = "\n第五十二条第二款：（合成测试文本，非法律原文 synthetic placeholder）"


def adjusted(tmp_path: Path, new: str = NEW) -> Path:
    text = XINGAN_TXT.read_text(encoding="utf-8")
    # Only item 1's 实施依据 (line 54) starts a line with it; 责任事项依据 3 prints 【法律】《…》 first.
    assert text.count(OLD) == 1
    text = text.replace(OLD, new).replace("2022年7月18日", "2025年3月1日").replace("兴保发〔2022〕1号", "兴保发〔2025〕1号")
    doc = tmp_path / "synthetic-xingan-2025-law-update.txt"
    doc.write_text(text, encoding="utf-8")
    return doc


def with_list(pkg: Package, basis_id: str) -> dict:
    row = next(b for b in pkg.read_table("bases") if b["basis_id"] == basis_id)
    lst = next(l for l in pkg.read_table("lists") if l["list_id"] == "450325-baomi")
    return {**row, "issued_on": lst["issued_on"]}


def test_the_adjusted_citation_is_a_recorded_update(package_copy: Path, tmp_path: Path):
    ingest_document(package_copy, adjusted(tmp_path))
    working = Package(package_copy, "working")
    new = with_list(working, "450325-baomi-001-s2")
    assert (new["law_id"], new["article_no"], new["paragraph_no"], str(new["issued_on"])) == ("baomi-fa", 52, 2, "2025-03-01")
    old = with_list(open_target(package_copy, "2022"), "450325-baomi-001-s2")
    assert old["article_no"] == 45
    got = recorded_update(package_copy, old, new)
    assert got and got["label"] == "依据更新" and (got["from"], got["to"]) == ("第四十五条", "第五十二条第二款")
    # The unchanged 第五条 beside it is no update at all.
    assert recorded_update(package_copy, with_list(open_target(package_copy, "2022"), "450325-baomi-001-s1"),
                           with_list(working, "450325-baomi-001-s1")) is None


def basis_changes(root: Path) -> list[dict]:
    result = diff_packages(root, "2022", "working")
    return [c for c in result["changes"] if c["table"] == "bases" and c["item_id"] == "450325-baomi-001"]


def test_the_diff_labels_the_recorded_move_yiju_gengxin(package_copy: Path, tmp_path: Path):
    ingest_document(package_copy, adjusted(tmp_path))
    changes = basis_changes(package_copy)
    assert changes and {(c["change"], c["label"]) for c in changes} == {("modified", "依据更新")}
    assert {c["field"] for c in changes} >= {"article", "paragraph"}
    assert changes[0]["correspondence"]["to"] == "第五十二条第二款"
    assert changes[0]["key"] == {"role": "setting", "seq": 2}


def test_the_diff_keeps_an_unrecorded_move_as_yiju_biangeng(package_copy: Path, tmp_path: Path):
    # 2010 第四十五条 has no recorded correspondence to 2024 第五十一条: a change of substance.
    ingest_document(package_copy, adjusted(tmp_path, "\n第五十一条：（合成测试文本，非法律原文 synthetic placeholder）"))
    changes = basis_changes(package_copy)
    assert changes and {(c["change"], c["label"]) for c in changes} == {("modified", "依据变更")}

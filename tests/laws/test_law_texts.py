"""law_articles against the official texts in sources/reference/laws/.

The article counts come from that folder's README (counted there by hand); the texts below were
copied by hand from the files, not produced by the parser.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from powerlist.errors import PowerlistError
from powerlist.laws.texts import TEXTS_DIR, build_law_articles, text_files
from powerlist.package import Package

WORKING = Package(ROOT, "working")
ROWS = WORKING.read_table("law_articles")
SHARED = Path("/work/shared/sources/laws")


def _articles(version_id: str) -> set[int]:
    return {r["article_no"] for r in ROWS if r["version_id"] == version_id}


def _text(version_id: str, article: int, paragraph: int = 1, item: int = 0) -> str:
    [row] = [r for r in ROWS if (r["version_id"], r["article_no"], r["paragraph_no"], r["item_no"])
             == (version_id, article, paragraph, item)]
    return row["text"]


def test_article_counts_match_the_readme():
    # README: 2010 law 53, 2024 law 65, 2014 regulation 45, 2024 regulation 74, 行政强制法 71.
    for version_id, n in [("baomi-fa-2010", 53), ("baomi-fa-2024", 65), ("baomi-fa-shishi-2014", 45),
                          ("baomi-fa-shishi-2024", 74), ("xingzheng-qiangzhi-fa-2011", 71)]:
        assert _articles(version_id) == set(range(1, n + 1)), version_id


def test_hand_checked_texts():
    assert _text("baomi-fa-2010", 45) == "保密行政管理部门对保密检查中发现的非法获取、持有的国家秘密载体，应当予以收缴。"
    assert _text("baomi-fa-2024", 52, 2) == (
        "保密行政管理部门对保密检查和案件调查处理中发现的非法获取、持有的国家秘密载体，应当予以收缴；"
        "发现存在泄露国家秘密隐患的，应当要求采取措施，限期整改；对存在泄露国家秘密隐患的设施、设备、场所，"
        "应当责令停止使用。")
    assert _text("baomi-fa-shishi-2014", 35) == (
        "保密行政管理部门对公民举报、机关和单位报告、保密检查发现、有关部门移送的涉嫌泄露国家秘密的线索和案件，"
        "应当依法及时调查或者组织、督促有关机关、单位调查处理。调查工作结束后，认为有违反保密法律法规的事实，"
        "需要追究责任的，保密行政管理部门可以向有关机关、单位提出处理建议。有关机关、单位应当及时将处理结果书面"
        "告知同级保密行政管理部门。")
    # 2014 regulation 第三十五条 has one paragraph; 2024 law 第五十二条 has two.
    assert {r["paragraph_no"] for r in ROWS if r["version_id"] == "baomi-fa-shishi-2014" and r["article_no"] == 35} == {1}
    assert {r["paragraph_no"] for r in ROWS if r["version_id"] == "baomi-fa-2024" and r["article_no"] == 52} == {1, 2}


def test_items_are_rows_of_the_paragraph_before_them():
    # 2010 第九条: a lead paragraph with seven items （一）…（七）, then a second paragraph (款).
    rows = [r for r in ROWS if r["version_id"] == "baomi-fa-2010" and r["article_no"] == 9]
    assert [(r["paragraph_no"], r["item_no"]) for r in rows] == [(1, i) for i in range(8)] + [(2, 0)]
    assert rows[8]["text"] == "政党的秘密事项中符合前款规定的，属于国家秘密。"
    assert rows[1]["text"] == "（一）国家事务重大决策中的秘密事项；"
    assert rows[7]["text"] == "（七）经国家保密行政管理部门确定的其他秘密事项。"
    assert rows[0]["chapter"] == "第二章 国家秘密的范围和密级"
    assert rows[1]["source"].startswith(
        "sources/reference/laws/中华人民共和国保守国家秘密法(2010-04-29).md line 40 ")


def test_half_width_item_labels_of_the_2014_regulation_are_items_too():
    # 2014 实施条例 第三十二条 (lines 162-186): a lead paragraph and items (一)…(十二), half-width.
    rows = [r for r in ROWS if r["version_id"] == "baomi-fa-shishi-2014" and r["article_no"] == 32]
    assert [(r["paragraph_no"], r["item_no"]) for r in rows] == [(1, i) for i in range(13)]
    assert rows[12]["text"] == "(十二)信息公开保密审查情况。"


def test_sections_are_kept_where_a_chapter_has_them():
    # 行政强制法 第二十二条 opens 第三章 第二节 查封、扣押 (line 138 of the file).
    row = next(r for r in ROWS if r["version_id"] == "xingzheng-qiangzhi-fa-2011" and r["article_no"] == 22)
    assert (row["chapter"], row["section"]) == ("第三章 行政强制措施实施程序", "第二节 查封、扣押")


def test_the_table_is_what_the_build_step_derives_from_the_texts():
    assert ROWS == build_law_articles(ROOT, WORKING.read_table("laws"), WORKING.read_table("law_versions"))


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared copy of the texts is not on this machine")
def test_the_texts_are_the_shared_files_unchanged():
    for p in SHARED.iterdir():
        assert (ROOT / TEXTS_DIR / p.name).read_bytes() == p.read_bytes(), p.name


def test_every_row_names_its_file_line_and_upstream_commit():
    files = {f.path.as_posix(): f for f in text_files(ROOT)}
    for r in ROWS[::37]:
        path, line = r["source"].split(" line ")
        n = int(line.split()[0])
        text = (ROOT / path).read_text(encoding="utf-8").split("\n")[n - 1]
        assert r["text"] in text and files[path].upstream_commit[:7] in r["source"]


def test_a_text_skipping_an_article_fails_naming_the_line(tmp_path):
    # Synthetic: the 2010 law with its 第四十五条 line removed.
    (tmp_path / TEXTS_DIR).mkdir(parents=True)
    name = "中华人民共和国保守国家秘密法(2010-04-29).md"
    lines = (ROOT / TEXTS_DIR / name).read_text(encoding="utf-8").split("\n")
    lines = [l for l in lines if not l.startswith("第四十五条 ")]
    (tmp_path / TEXTS_DIR / name).write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(PowerlistError, match=r"line \d+: article 46 follows article 44"):
        build_law_articles(tmp_path, WORKING.read_table("laws"), WORKING.read_table("law_versions"))


def test_a_text_for_an_unknown_version_fails(tmp_path):
    (tmp_path / TEXTS_DIR).mkdir(parents=True)
    src = ROOT / TEXTS_DIR / "中华人民共和国行政强制法(2011-06-30).md"
    shutil.copy(src, tmp_path / TEXTS_DIR / "中华人民共和国行政强制法(2030-01-01).md")
    with pytest.raises(PowerlistError, match="has no version 2030"):
        build_law_articles(tmp_path, WORKING.read_table("laws"), WORKING.read_table("law_versions"))


def test_a_new_release_carries_the_texts_law_articles_is_derived_from(package_copy):
    from powerlist.release import create_release, verify_release
    from powerlist.validate import validate_package
    manifest = create_release(package_copy, "2031", "2031-01-01")
    names = {p.name for p in (ROOT / TEXTS_DIR).glob("*.md") if p.name != "README.md"}
    assert {f"{TEXTS_DIR.as_posix()}/{n}" for n in names} <= set(manifest["files"])
    release = Package(package_copy / "releases" / "2031", "2031")
    assert release.read_table("law_articles") == ROWS and validate_package(release).valid
    assert verify_release(package_copy, "2031").ok


def test_laws_says_which_versions_have_a_full_text():
    from powerlist.laws.catalog import law_catalog
    versions = {v["version_id"]: v["full_text"] for law in law_catalog(ROOT, ["working"])["laws"]
                for v in law["versions"]}
    assert versions["baomi-fa-2010"] == 53 and versions["baomi-fa-shishi-2024"] == 74
    assert versions["xiemi-chachu-2017"] is None and versions["baomi-jiancha-2013"] is None

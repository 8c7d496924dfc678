"""`powerlist law TITLE ARTICLE`: texts as the files print them (copied by hand below)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from conftest import ROOT
from powerlist.cli import app


def invoke(*args):
    return CliRunner().invoke(app, ["--package", str(ROOT), *args])


def test_article_by_paragraph():
    r = invoke("law", "保守国家秘密法", "52", "--version", "2024")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "《中华人民共和国保守国家秘密法》（2024年版）第五十二条  第四章 监督管理"
    assert lines[2].startswith("  第二款 保密行政管理部门对保密检查和案件调查处理中发现的非法获取、持有的国家秘密载体")
    assert "(2024-02-27).md line 238" in lines[-1]


def test_items_and_the_default_version_and_json():
    r = invoke("law", "保守国家秘密法", "第九条", "-v", "2010", "--format", "json")
    data = json.loads(r.output)
    assert data["version_id"] == "baomi-fa-2010" and len(data["paragraphs"]) == 2
    assert [i["text"][:3] for i in data["paragraphs"][0]["items"]] == [f"（{n}）" for n in "一二三四五六七"]
    # Without --version: the latest version whose text is loaded (实施条例 2024 has 74 articles).
    latest = json.loads(invoke("law", "实施条例", "74", "-f", "json").output)
    assert latest["version_id"] == "baomi-fa-shishi-2024"


def test_curated_only_instrument_and_missing_article_say_so_in_one_line():
    r = invoke("law", "泄密案件查处办法", "7")
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "no public full text" in r.output
    r = invoke("law", "实施条例", "99", "--version", "2014")
    assert r.exit_code == 2 and "has no 第九十九条 (articles 1–45)" in r.output
    r = invoke("law", "保守国家秘密法", "5", "--version", "2031")
    assert r.exit_code == 2 and "has no version 2031" in r.output

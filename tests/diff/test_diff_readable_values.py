"""Values in diff reports read as people expect: （空） for an empty cell, whole paths and ids as old → new."""

from __future__ import annotations

from conftest import XINGAN_TXT
from powerlist.diff import diff_packages, render_diff
from powerlist.ingest.run import ingest_document


def test_a_responsible_body_added_where_none_was_printed_shows_empty_old_value(package_copy, tmp_path):
    # SYNTHETIC edit made here: Xing'an item 4 step 1 gains a responsible body it did not print in 2022.
    text = XINGAN_TXT.read_text(encoding="utf-8")
    old = "的案件线索，依法及时受理。"
    assert text.count(old) == 1
    doc = tmp_path / "synthetic-responsible-added.txt"
    doc.write_text("SYNTHETIC TEST FIXTURE: item 4 step 1 names a body\n" + text.replace(
        old, "的案件线索，依法及时受理（县国家保密局）。"), encoding="utf-8")
    ingest_document(package_copy, doc, "450325-baomi")
    result = diff_packages(package_copy, "2022", "working")
    change = next(c for c in result["changes"] if c["table"] == "steps" and c["field"] == "responsible")
    assert (change["old"], change["new"], change["key"]) == (None, "县国家保密局", {"step_no": 1})
    for fmt in ("text", "markdown", "html"):
        out = render_diff(result, fmt)
        assert "None" not in out, fmt
        assert "（空）" in out, fmt


def test_a_source_path_with_chinese_characters_reads_as_old_and_new_not_as_a_character_redline(package_copy, tmp_path):
    # SYNTHETIC: the 2022 Xing'an text unchanged, saved under a Chinese file name.
    doc = tmp_path / "兴安县权责清单.txt"
    doc.write_bytes(XINGAN_TXT.read_bytes())
    ingest_document(package_copy, doc, "450325-baomi")
    result = diff_packages(package_copy, "2022", "working")
    text = render_diff(result, "text")
    assert "sources/2022/xingan-baomi-2022.txt → sources/working/兴安县权责清单.txt" in text
    assert "{+" not in text and "[-" not in text

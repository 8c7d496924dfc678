"""An empty old or new value reads as （空） in every human format, never as Python's "None"."""

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

"""Repository: the public API gives the facts of the real 2022 package through one signature style."""

from __future__ import annotations

import powerlist
from conftest import ROOT
from powerlist import Repository


def test_the_public_api_is_named():
    assert powerlist.__all__ == ["Repository", "__version__"]
    assert "Repository" in dir(powerlist)


def test_repository_answers_from_the_real_package():
    repo = Repository(ROOT)
    assert repo.releases() == ["2022"]
    manifest = repo.manifest("2022")
    assert manifest["tag"] == "2022"
    assert repo.verify("2022").ok
    # 2022 against itself: nothing changed.
    assert all(sum(c.values()) == 0 for c in repo.diff("2022", "2022")["summary"].values())
    # The README's hand-checked facts: 21 audit findings on 2022 (13 before rule 8 compared the
    # quotes with the official texts: +10 misquotes, -2 rule-2 findings it supersedes), and 10
    # deviations of Xing'an from the catalog, all in item 3's 责任事项依据.
    assert len(repo.audit(release="2022").findings) == 21
    report = repo.conform("450325-baomi", release="2022")
    assert len(report.findings) == 10 and {f.seq for f in report.findings} == {3}
    assert repo.validate("2022").valid
    assert repo.sql("select count(*) from r2022.items").rows == [(11,)]
    # The official texts: 2024 保密法 第五十二条 has two paragraphs; the computed comparison
    # agrees with the 8 curated correspondences of the law.
    assert [p["paragraph_no"] for p in repo.law("保守国家秘密法", 52, version=2024)["paragraphs"]] == [1, 2]
    comparison = repo.law_compare("保守国家秘密法", 2010, 2024)
    assert len(comparison.curated) == 8 and comparison.disagreements == []

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
    # The README's hand-checked facts: 13 audit findings on 2022, and 10 deviations of
    # Xing'an from the catalog, all in item 3's 责任事项依据.
    assert len(repo.audit(release="2022").findings) == 13
    report = repo.conform("450325-baomi", release="2022")
    assert len(report.findings) == 10 and {f.seq for f in report.findings} == {3}
    assert repo.validate("2022").valid
    assert repo.sql("select count(*) from r2022.items").rows == [(11,)]

"""The README is executed: its console examples print what it shows, and it documents every command."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from powerlist.cli import app
from readme_examples import ROOT, check, matches

README = ROOT / "README.md"


def command_names() -> list[str]:
    return [c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands]


def test_the_matcher_accepts_elisions_and_refuses_other_text():
    # Hand-made cases: `…` inside a line stands for text, `…` alone for any number of lines.
    assert matches(["a …z", "…", "end"], ["a b c z", "x", "y", "end"])
    assert matches(["head", "…"], ["head"])
    assert not matches(["a …z"], ["a b c y"])
    assert not matches(["one"], ["one", "two"])  # extra output is a difference


def test_readme_examples_print_what_the_readme_shows(tmp_path):
    problems = check(README, tmp_path)
    assert not problems, "\n\n".join(problems)


def test_every_command_has_help_and_a_place_in_the_readme():
    text = README.read_text(encoding="utf-8")
    names = command_names()
    assert {"ingest", "release", "diff", "validate", "sql", "publish"} <= set(names)
    for name in names:
        assert re.search(rf"powerlist {re.escape(name)}\b", text), f"README never shows `powerlist {name}`"
        res = CliRunner().invoke(app, [name, "--help"])
        assert res.exit_code == 0, res.output
        assert len(res.output.split("Options")[0].strip().splitlines()) >= 3, f"{name} has no help text"

"""Run the README's ```console examples and compare what they print with what the README shows.

The README is the user's first test of the tool, so its examples are executed, not trusted:
- every ```console block runs in a fresh copy of the package (tests/conftest.copy_package), each
  `$ ` line through bash in that folder, with the project's `powerlist` first on PATH;
- the lines under a command are its expected output (stdout, then stderr); a line holding `…`
  matches any text where the `…` stands, and a line that starts with `…` (or holds nothing but
  `…` and table rules) stands for any number of lines, so long output can be trimmed honestly;
- a command with no lines under it is run and must not fail with a traceback, but its output
  is not compared (used where the output is a file or too long to show);
- an HTML comment right above a block steers it: `<!-- readme: skip (why) -->` (not run: needs
  the network or minutes), `<!-- readme: continue -->` (run in the previous block's folder),
  `<!-- readme: setup: SHELL -->` (hidden preparation, e.g. creating the file a command reads).
`python tests/docs/readme_examples.py [README.md]` prints every mismatch with the real output,
to paste after checking it is right.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = set("│┃┆|━─┏┓┗┛┡┩└┘├┤┼╇╋┳┻┣┫ \t")


@dataclass
class Command:
    line: int
    shell: str
    expected: list[str] = field(default_factory=list)


@dataclass
class Block:
    line: int
    commands: list[Command]
    skip: str | None = None
    cont: bool = False
    setup: list[str] = field(default_factory=list)


def parse(text: str) -> list[Block]:
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```console":
            i += 1
            continue
        directives = []
        k = i - 1
        while k >= 0 and lines[k].startswith("<!-- readme:"):
            directives.insert(0, lines[k][len("<!-- readme:"):].rsplit("-->", 1)[0].strip())
            k -= 1
        block = Block(line=i + 1, commands=[])
        for d in directives:
            if d.startswith("skip"):
                block.skip = d[4:].strip(" ()") or "skipped"
            elif d == "continue":
                block.cont = True
            elif d.startswith("setup:"):
                block.setup.append(d[len("setup:"):].strip())
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            if lines[i].startswith("$ "):
                block.commands.append(Command(line=i + 1, shell=lines[i][2:]))
            elif block.commands:
                block.commands[-1].expected.append(lines[i])
            i += 1
        blocks.append(block)
        i += 1
    return blocks


def _is_gap(line: str) -> bool:
    s = line.strip()
    return s.startswith("…") or (s != "" and "…" in s and set(s.replace("…", "")) <= RULES)


def _pattern(line: str) -> re.Pattern:
    return re.compile(".*".join(re.escape(p) for p in line.rstrip().split("…")) + r"\s*", re.S)


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether actual lines fit the expected ones, `…` standing for text or, on a line of its own, lines."""
    exp = [e for e in expected]
    while exp and not exp[-1].strip():
        exp.pop()
    act = list(actual)
    while act and not act[-1].strip():
        act.pop()
    pats = [None if _is_gap(e) else _pattern(e) for e in exp]
    memo: dict[tuple[int, int], bool] = {}

    def go(i: int, j: int) -> bool:
        key = (i, j)
        if key in memo:
            return memo[key]
        if i == len(pats):
            ok = j == len(act)
        elif pats[i] is None:
            ok = go(i + 1, j) or (j < len(act) and go(i, j + 1))
        else:
            ok = j < len(act) and pats[i].fullmatch(act[j].rstrip()) is not None and go(i + 1, j + 1)
        memo[key] = ok
        return ok

    sys.setrecursionlimit(max(10000, 4 * (len(pats) + len(act))))
    return go(0, 0)


def environment(tmp: Path) -> dict[str, str]:
    """The user's shell, with this checkout's `powerlist` (run by this Python) first on PATH."""
    env = dict(os.environ)
    bindir = tmp / "bin"
    bindir.mkdir(exist_ok=True)
    for name, target in (("powerlist", f'"{sys.executable}" -m powerlist'), ("python", f'"{sys.executable}"')):
        shim = bindir / name
        shim.write_text(f'#!/bin/sh\nexec {target} "$@"\n', encoding="utf-8")
        shim.chmod(0o755)
    env["PATH"] = str(bindir) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(ROOT / "tool") + os.pathsep + env.get("PYTHONPATH", "")
    env.update({"TERM": "dumb", "NO_COLOR": "1", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8",
                "GIT_AUTHOR_NAME": "readme", "GIT_AUTHOR_EMAIL": "readme@example.org",
                "GIT_COMMITTER_NAME": "readme", "GIT_COMMITTER_EMAIL": "readme@example.org"})
    env.pop("COLUMNS", None)
    return env


def fresh_package(tmp: Path) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import copy_package

    dest = Path(tempfile.mkdtemp(dir=tmp, prefix="readme-"))
    copy_package(dest)
    shutil.copytree(ROOT / "tests", dest / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "benchmarks", dest / "benchmarks", ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def run(shell: str, cwd: Path, env: dict) -> tuple[int, list[str]]:
    try:
        res = subprocess.run(["bash", "-c", shell], cwd=cwd, env=env, capture_output=True, text=True,
                             timeout=300, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return -1, ["Traceback: timed out after 300 s (mark the block <!-- readme: skip (why) -->)"]
    return res.returncode, (res.stdout + res.stderr).splitlines()


def check(readme: Path, tmp: Path) -> list[str]:
    """Every mismatch between the README and real output, as readable text (empty: all agree)."""
    env = environment(tmp)
    problems: list[str] = []
    folder = None
    for block in parse(readme.read_text(encoding="utf-8")):
        if block.skip:
            continue
        if not block.cont or folder is None:
            folder = fresh_package(tmp)
        for s in block.setup:
            code, out = run(s, folder, env)
            if code != 0:
                problems.append(f"README line {block.line}: setup {s!r} failed ({code}):\n" + "\n".join(out))
        for cmd in block.commands:
            code, out = run(cmd.shell, folder, env)
            if any(l.startswith("Traceback") for l in out):
                problems.append(f"README line {cmd.line}: $ {cmd.shell}\n  crashed:\n" + "\n".join(out))
            elif cmd.expected and not matches(cmd.expected, out):
                problems.append(f"README line {cmd.line}: $ {cmd.shell}\n--- README\n" + "\n".join(cmd.expected)
                                + "\n--- real\n" + "\n".join(out))
    return problems


if __name__ == "__main__":
    readme = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "README.md"
    with tempfile.TemporaryDirectory() as t:
        found = check(readme, Path(t))
    print("\n\n".join(found) or "README examples agree with real output")
    sys.exit(1 if found else 0)

"""powerlist.files: the one atomic writer keeps the user's umask; commit_state is all-or-nothing at
a kill injected at every named point (POWERLIST_FAULT), and the next command repairs with a notice."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, XINGAN_TXT, snapshot
from powerlist.files import TXN_DIR, commit_state, recover, recover_staged, staged_dir, write_file, write_json

TOOL = ROOT / "tool"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_write_file_gives_0644_under_umask_022(tmp_path, umask022):
    for i, data in enumerate(["text", b"bytes", lambda fh: fh.write(b"stream")]):
        write_file(tmp_path / f"f{i}", data)
        assert mode(tmp_path / f"f{i}") == 0o644
    write_json(tmp_path / "j.json", {"a": "中"})
    assert (mode(tmp_path / "j.json"), (tmp_path / "j.json").read_text(encoding="utf-8")) == (0o644, '{\n  "a": "中"\n}\n')


def test_write_file_follows_a_stricter_umask(tmp_path):
    old = os.umask(0o077)
    try:
        write_file(tmp_path / "private", "x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "private") == 0o600


def test_staged_dir_gives_0755_folders(tmp_path, umask022):
    with staged_dir(tmp_path / "out") as tmp:
        write_file(tmp / "a.txt", "a")
    assert (mode(tmp_path / "out"), mode(tmp_path / "out" / "a.txt")) == (0o755, 0o644)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_commit_state_writes_deletes_and_keeps_umask(tmp_path, umask022):
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "old.csv").write_text("gone\n")
    (tmp_path / "tables" / "same.csv").write_text("same\n")
    os.utime(tmp_path / "tables" / "same.csv", ns=(1, 1))
    src = tmp_path / "doc.txt"
    src.write_text("document")
    commit_state(tmp_path, {"tables/new.csv": b"new\n", "tables/same.csv": b"same\n", "sources/working/doc.txt": src,
                            "datapackage.json": "{}\n"}, {"tables/old.csv"})
    assert snapshot(tmp_path / "tables") == {"new.csv": b"new\n", "same.csv": b"same\n"}
    assert (tmp_path / "sources" / "working" / "doc.txt").read_text() == "document"
    assert mode(tmp_path / "tables" / "new.csv") == mode(tmp_path / "datapackage.json") == 0o644
    assert mode(tmp_path / "sources" / "working") == 0o755
    assert (tmp_path / "tables" / "same.csv").stat().st_mtime_ns == 1  # unchanged: not rewritten
    assert not (tmp_path / TXN_DIR).exists()


@pytest.mark.parametrize("rel", ["../outside.csv", "/etc/passwd-copy", "tables/../../x"])
def test_commit_state_refuses_paths_outside_the_root(tmp_path, rel):
    from powerlist.errors import PowerlistError
    with pytest.raises(PowerlistError, match="not a path inside the package"):
        commit_state(tmp_path / "pkg", {rel: b"x"})


# ---- a kill at each named point of a commit ------------------------------------------------

OLD = {"tables/a.csv": b"a1\n", "tables/b.csv": b"b1\n", "tables/c.csv": b"c1\n", "datapackage.json": b'{"v": 1}\n'}
NEW = {"tables/a.csv": b"a2\n", "tables/b.csv": b"b2\n", "datapackage.json": b'{"v": 2}\n', "tables/d.csv": b"d2\n"}
SCRIPT = """
import sys
from pathlib import Path
from powerlist.files import commit_state
new = {"tables/a.csv": b"a2\\n", "tables/b.csv": b"b2\\n", "datapackage.json": b'{"v": 2}\\n', "tables/d.csv": b"d2\\n"}
commit_state(Path(sys.argv[1]), new, {"tables/c.csv"})
"""
POINTS = ["commit:staged", "commit:journal", "commit:rename:1", "commit:rename:2", "commit:rename:3",
          "commit:rename:4", "commit:applied"]


def state_of(root: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(root).items() if not k.startswith(TXN_DIR)}


@pytest.mark.parametrize("point", POINTS)
def test_a_kill_at_each_point_leaves_the_old_or_the_new_state_after_recovery(tmp_path, point):
    for rel, data in OLD.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    env = {**os.environ, "PYTHONPATH": str(TOOL), "POWERLIST_FAULT": point}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], env=env, capture_output=True)
    assert done.returncode == -9, done.stderr  # killed at the point, as kill -9 would
    assert (tmp_path / TXN_DIR).exists()
    notes = recover(tmp_path)
    assert len(notes) == 1
    expected = OLD if point == "commit:staged" else NEW
    assert state_of(tmp_path) == expected
    assert ("discarded" if point == "commit:staged" else "finished") in notes[0]
    assert not (tmp_path / TXN_DIR).exists() and recover(tmp_path) == []


def test_without_a_fault_the_script_commits(tmp_path):
    for rel, data in OLD.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    env = {**os.environ, "PYTHONPATH": str(TOOL)}
    env.pop("POWERLIST_FAULT", None)
    subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], env=env, check=True)
    assert state_of(tmp_path) == NEW


# ---- the same at the level of `powerlist ingest`, repaired by the next command ---------------

def powerlist(root: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(TOOL), "POWERLIST_LOCK_TIMEOUT": "20"}
    env.pop("POWERLIST_FAULT", None)
    if fault:
        env["POWERLIST_FAULT"] = fault
    return subprocess.run([sys.executable, "-c", "from powerlist.cli import app; app()", "-p", str(root), *args], env=env,
                          capture_output=True, text=True)


def package_state(root: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(root).items()
            if k.startswith(("tables/", "sources/")) or k == "datapackage.json"}


INGEST_POINTS = ["commit:staged", "commit:journal", "commit:rename:1", "commit:rename:3", "commit:applied"]


@pytest.mark.parametrize("point", INGEST_POINTS)
def test_ingest_killed_at_each_point_is_old_or_new_and_the_next_command_says_so(package_copy, tmp_path, point):
    doc = tmp_path / "兴安县权责清单.txt"   # from outside sources/: ingest copies it into sources/working/
    shutil.copyfile(XINGAN_TXT, doc)
    old = package_state(package_copy)
    reference = tmp_path / "reference"
    shutil.copytree(package_copy, reference)
    assert powerlist(reference, "ingest", str(doc)).returncode == 0
    new = package_state(reference)
    assert new != old

    killed = powerlist(package_copy, "ingest", str(doc), fault=point)
    assert killed.returncode == -9
    after = powerlist(package_copy, "lists")
    assert after.returncode == 0, after.stderr
    notice = [line for line in after.stderr.splitlines() if line.startswith("powerlist: ")]
    assert len(notice) == 1 and ".powerlist-txn" in notice[0]
    assert package_state(package_copy) == (old if point == "commit:staged" else new)
    assert powerlist(package_copy, "lists").stderr == ""  # repaired once


# ---- a kill between the two renames of a replaced folder (publish output) -------------------

SWAP = """
import sys
from pathlib import Path
from powerlist.files import staged_dir
with staged_dir(Path(sys.argv[1])) as tmp:
    (tmp / "new.txt").write_text("new")
"""


def test_a_folder_swap_killed_between_its_renames_is_put_back(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "old.txt").write_text("old")
    env = {**os.environ, "PYTHONPATH": str(TOOL), "POWERLIST_FAULT": "staged_dir:moved-old"}
    assert subprocess.run([sys.executable, "-c", SWAP, str(out)], env=env).returncode == -9
    assert not out.exists()
    notes = recover_staged(out)
    assert snapshot(out) == {"old.txt": b"old"}
    assert notes[0].startswith("restored dist/ from .dist.old-") and "/.dist.staging-" in notes[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_tables_set_aside_by_an_older_version_are_restored_by_the_next_command(package_copy):
    """Before commit_state, tables/ was replaced by two renames; a kill between left no tables/."""
    before = snapshot(package_copy / "tables")
    (package_copy / "tables").rename(package_copy / ".tables.old-4242")
    done = powerlist(package_copy, "lists")
    assert done.returncode == 0, done.stderr
    assert done.stderr == "powerlist: restored tables/ from .tables.old-4242 (left by a killed run)\n"
    assert snapshot(package_copy / "tables") == before


def test_json_bytes_spells_exactly_what_json_dumps_spells():
    """json_bytes builds indented JSON from C-encoded pieces (fast at 25,000 paths); its bytes
    must be json.dumps(indent=2, ensure_ascii=False)'s for every shape a descriptor holds, and
    the values it does not model (floats, tuples, non-text keys) go to json.dumps itself."""
    import json as _json

    from powerlist.files import json_bytes

    shapes = [
        {}, [], {"a": []}, {"a": {}}, [[], {}], "text", 7, None, True,
        {"path": ["tables/items/450100-d00.csv", "tables/items/450100-d01.csv"], "n": [1, True, None, False]},
        {"quoted": 'a"b\\c\nd\te\u2028\x00', "中文": "保密工作权责清单"},
        [{"a": [1, {"b": []}]}, [["x"]]],
        {"float": 1.5, "nan": float("nan")}, {"tuple": (1, 2)}, {1: "int key"},
    ]
    for shape in shapes:
        assert json_bytes(shape) == (_json.dumps(shape, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    real = _json.loads((Path(__file__).resolve().parents[2] / "datapackage.json").read_text(encoding="utf-8"))
    assert json_bytes(real) == (_json.dumps(real, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_sha256_files_gives_each_files_digest_in_order_across_its_tasks(tmp_path):
    """SYNTHETIC files: 600 small ones (three tasks of at most 256) and two of 17 MiB (a task each),
    in an order that puts a large file between small ones; each digest is hashlib's of its bytes."""
    import hashlib

    from powerlist.files import sha256_files
    paths = []
    for i in range(602):
        path = tmp_path / f"f{i:03d}.bin"
        data = (b"L%d" % i) * (17 * 1024 * 1024 // 3) if i in (100, 401) else b"small file %d\n" % i
        path.write_bytes(data)
        paths.append(path)
    want = [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]
    assert sha256_files(paths) == want
    assert sha256_files(paths[::-1], [p.stat().st_size for p in paths[::-1]]) == want[::-1]
    assert sha256_files(paths[:1]) == want[:1] and sha256_files([]) == []

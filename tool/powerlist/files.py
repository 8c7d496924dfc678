"""The only way powerlist writes files: atomically, with the user's umask, and package states all-or-nothing.

Three tools, one per need:

- `write_file(path, data)` — one file (a report, a rendered list, the descriptor): readers see the
  old file or the whole new one. Files get 0666 & ~umask (0644 under umask 022), never mkstemp's
  0600, so a portal serving the folder or a colleague can read them.
- `staged_dir(final)` — a folder built aside and renamed into place (a release, publish output);
  folders get 0777 & ~umask.
- `commit_state(root, writes, deletes)` — several files of a package's working state (tables,
  datapackage.json, sources/working/…) replaced together through a journal, so a kill at any
  instruction leaves either the old state or the new one once `recover(root)` has run (every
  command runs it when it takes the package lock). It knows nothing of the storage layout: the
  caller names the relative paths, so one CSV per table or one per list commit the same way.

Fault injection for tests: POWERLIST_FAULT=<point> kills the process (SIGKILL, as `kill -9`) when
it reaches the named point; `fault()` marks the points (see FAULT_POINTS).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, Union

from .errors import PowerlistError, shown_path

# A commit's journal folder in the package root (ignored by git; never inside tables/ or releases/).
TXN_DIR = ".powerlist-txn"
JOURNAL = "journal.json"
# Named points where POWERLIST_FAULT can kill a run. commit:rename:N is after the N-th rename.
FAULT_POINTS = ("commit:staged", "commit:journal", "commit:rename:N", "commit:applied",
                "staged_dir:built", "staged_dir:moved-old", "release:before-git")

Data = Union[str, bytes, Path, Callable[[BinaryIO], None]]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_files(paths: list[Path], sizes: list[int] | None = None) -> list[str]:
    """sha256_file of each path, in order, on up to four threads: hashlib lets go of the GIL while
    it hashes, and a province's release is gigabytes in a dozen files or tens of thousands of
    files one per list. A task holds consecutive files up to 16 MiB or 256 files (a task per small
    file costs more than hashing it). sizes: the files' sizes when known (else each is stat'ed)."""
    if len(paths) < 2:
        return [sha256_file(p) for p in paths]
    if sizes is None:
        sizes = [os.stat(p).st_size for p in paths]
    tasks: list[list[Path]] = [[]]
    weight = 0
    for path, size in zip(paths, sizes):
        if tasks[-1] and (weight >= 1 << 24 or len(tasks[-1]) >= 256):
            tasks.append([])
            weight = 0
        tasks[-1].append(path)
        weight += size + 4096  # opening a file costs about as much as hashing 4 KiB
    from concurrent.futures import ThreadPoolExecutor  # only here: most commands never hash two files
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return [d for task in pool.map(lambda ps: [sha256_file(p) for p in ps], tasks) for d in task]


def read_json(path: Path):
    """A JSON file's value; anything unreadable is one PowerlistError line naming the file."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise PowerlistError(f"{shown_path(path)}: missing") from None
    except OSError as exc:
        raise PowerlistError(f"{shown_path(path)}: cannot be read ({exc.strerror})") from None
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise PowerlistError(f"{shown_path(path)}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise PowerlistError(f"{shown_path(path)}: not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise PowerlistError(f"{shown_path(path)}: not valid JSON (nested too deeply)") from None


def inside(base: Path, rel, what: str) -> Path:
    """base/rel for a relative path that stays inside base (no absolute path, '..' or link out);
    else one PowerlistError line (`what` names where the path was found)."""
    check_inside(base, rel, what, {})
    return base / rel


def check_inside(base: Path, rel, what: str, dirs: dict) -> None:
    """inside()'s check alone; check_all_inside for many paths."""
    check_all_inside(base, [rel], what, dirs)


def check_all_inside(base: Path, rels, what: str, dirs: dict) -> None:
    """Every path of `rels` is a relative path that stays inside base; else one PowerlistError
    line naming the first that does not. `dirs` (kept by the caller for one descriptor)
    remembers each folder's resolved form and listing: a province-scale descriptor names tens
    of thousands of files in a few folders, and resolving (or even lstat-ing) every file's path
    took seconds. A folder is listed once (os.scandir: which names are there and which are
    links, from the directory itself) instead of one lstat per file; a file in a folder that
    resolves inside the package is inside unless it is a link, which is resolved itself."""
    if "" not in dirs:
        dirs[""] = os.path.realpath(base)
        dirs[None] = os.fspath(base)
    root = dirs[""] + os.sep
    for rel in rels:
        if not isinstance(rel, str) or not rel or rel.startswith("/") or "\0" in rel or ".." in rel.split("/"):
            raise PowerlistError(f"{what}: path {rel!r} is not a relative path inside the package")
        folder, _, name = rel.rpartition("/")
        seen = dirs.get(("ls", folder))
        if seen is None:
            real = os.path.realpath(os.path.join(dirs[None], folder))
            seen = dirs[("ls", folder)] = (_links(os.path.join(dirs[None], folder)), real,
                                           real == dirs[""] or real.startswith(root))
        listing, real, inside_folder = seen
        if listing is not None:
            link = listing.get(name)
            if link is None:
                continue  # not there (yet): nothing to follow
            if not link and inside_folder and name not in ("", "."):
                continue  # a plain name in a folder inside the package
        else:  # a folder that cannot be listed: one lstat per file
            try:
                link = stat.S_ISLNK(os.lstat(os.path.join(dirs[None], rel)).st_mode)
            except OSError:
                continue
        target = os.path.normpath(os.path.join(real, name))
        if link:
            target = os.path.realpath(target)
        if not target.startswith(root):
            raise PowerlistError(f"{what}: path {rel!r} leads outside the package")


def _links(folder: str) -> dict[str, bool] | None:
    """{name: is a symbolic link} of a folder's entries; {} when there is no such folder; None
    when it exists but cannot be listed (check_inside then lstat-s each file)."""
    try:
        with os.scandir(folder or ".") as entries:
            return {e.name: e.is_symlink() for e in entries}
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except OSError:
        return None


def fault(point: str) -> None:
    """Die here, as a kill -9 would, when POWERLIST_FAULT names this point (tests only)."""
    if os.environ.get("POWERLIST_FAULT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """0644 under umask 022: what open() would have given a new file."""
    return 0o666 & ~_umask()


def dir_mode() -> int:
    """0755 under umask 022: what mkdir would have given a new folder."""
    return 0o777 & ~_umask()


def _fill(fh: BinaryIO, data: Data) -> None:
    if callable(data):
        data(fh)
    elif isinstance(data, Path):
        with open(data, "rb") as src:
            shutil.copyfileobj(src, fh, 1 << 20)
    else:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def _temp_beside(path: Path) -> tuple[int, str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")


def write_file(path: Path, data: Data) -> Path:
    """Write data (text as UTF-8, bytes, a file to copy, or a function writing to a binary file)
    to path so that readers see the old file or the whole new one, never a part."""
    path = Path(path)
    fd, tmp = _temp_beside(path)
    try:
        os.fchmod(fd, file_mode())  # mkstemp makes 0600
        with os.fdopen(fd, "wb") as fh:
            _fill(fh, data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def json_bytes(data) -> bytes:
    """The JSON spelling of every file powerlist writes: UTF-8, indent 2, final newline.

    Exactly json.dumps(data, ensure_ascii=False, indent=2), built from C-encoded leaves: with an
    indent json encodes in Python token by token, and a province-scale datapackage.json (5,000
    sources, 25,000 paths), which every ingest rewrites, took a third of a second."""
    try:
        text = _indented(data, "\n")
    except _Plain:
        text = json.dumps(data, ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


class _Plain(Exception):
    """A value _indented does not spell (json.dumps does it instead)."""


_encode_str = json.encoder.encode_basestring  # the C encoder when available (ensure_ascii=False)
_SCALARS = {True: "true", False: "false", None: "null"}


def _indented(obj, nl: str) -> str:
    """json.dumps(obj, ensure_ascii=False, indent=2) for dicts with str keys, lists, str, int,
    bool and None; `nl` is a newline and the current indent."""
    if isinstance(obj, str):
        return _encode_str(obj)
    if obj is None or obj is True or obj is False:
        return _SCALARS[obj]
    if type(obj) is int:
        return int.__repr__(obj)
    inner = nl + "  "
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        parts = []
        for k, v in obj.items():
            if not isinstance(k, str):
                raise _Plain()
            parts.append(_encode_str(k) + ": " + _indented(v, inner))
        return "{" + inner + ("," + inner).join(parts) + nl + "}"
    if isinstance(obj, list):
        if not obj:
            return "[]"
        if all(type(x) is str for x in obj):
            return "[" + inner + ("," + inner).join(map(_encode_str, obj)) + nl + "]"
        return "[" + inner + ("," + inner).join(_indented(x, inner) for x in obj) + nl + "]"
    raise _Plain()  # floats, tuples, subclasses …: json's own rules


def write_json(path: Path, data) -> Path:
    return write_file(path, json_bytes(data))


def make_temp_dir(parent: Path, prefix: str) -> Path:
    """mkdtemp with the user's umask instead of 0700."""
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=parent, prefix=prefix))
    os.chmod(tmp, dir_mode())
    return tmp


def staging_prefix(final: Path) -> str:
    return f".{final.name}.staging-"


@contextmanager
def staged_dir(final: Path) -> Iterator[Path]:
    """Yield a temporary sibling folder; on success it replaces `final` by rename.

    On any error the temporary folder is removed and `final` is left exactly as it was. When
    `final` does not exist yet (a release) the swap is one rename; a kill before it leaves only a
    `.NAME.staging-*` sibling, which no reader counts and `recover_staged` removes.
    """
    tmp = make_temp_dir(final.parent, staging_prefix(final))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    fault("staged_dir:built")
    old = None
    if final.exists():
        old = final.parent / f".{final.name}.old-{os.getpid()}"
        os.replace(final, old)
        fault("staged_dir:moved-old")
    os.replace(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def recover_staged(final: Path) -> list[str]:
    """Clean what a killed `staged_dir(final)` left: put a moved-away `final` back, drop staging folders."""
    notes = []
    parent = final.parent
    if not parent.is_dir():
        return notes
    olds = sorted(parent.glob(f".{final.name}.old-*"))
    for old in olds:
        if not final.exists():
            os.replace(old, final)
            notes.append(f"restored {final.name}/ from {old.name} (left by a killed run)")
        else:
            shutil.rmtree(old, ignore_errors=True)
            notes.append(f"removed {old.name} (left by a killed run)")
    for tmp in sorted(parent.glob(staging_prefix(final) + "*")):
        shutil.rmtree(tmp, ignore_errors=True)
        notes.append(f"removed {tmp.relative_to(parent.parent).as_posix() if parent.parent in tmp.parents else tmp.name} "
                     "(an unfinished write left by a killed run)")
    return notes


# ---- package states: several files replaced together -----------------------------------

def _inside(root: Path, rel: str) -> Path:
    path = (root / rel)
    if Path(rel).is_absolute() or ".." in Path(rel).parts:
        raise PowerlistError(f"refusing to write {rel!r}: not a path inside the package {root}")
    return path


def commit_state(root: Path, writes: dict[str, Data], deletes: Iterable[str] = ()) -> None:
    """Replace the files `writes` names (relative paths → new content) and remove `deletes`,
    all together: after a kill at any instruction the package holds the old state or the new one
    once `recover(root)` has run.

    How: every new file is first written into <root>/.powerlist-txn/new/; then the journal
    (journal.json, written by rename) records what moves where — that rename is the commit point;
    then each file is renamed into place and each delete done; the journal is removed last. A
    kill before the journal exists rolls back (the staging folder is dropped); after, recovery
    rolls forward (each step can be repeated). Call it under the package's exclusive lock.
    """
    root, deletes = Path(root), list(deletes)
    for rel in [*writes, *deletes]:
        _inside(root, rel)
    with StagedState(root) as state:
        for rel, data in sorted(writes.items()):
            state.write(rel, data)
        state.commit(deletes)


class StagedState:
    """commit_state in steps, for a new state too large to hold in memory (the one-file →
    per-list migration streams every row into its list's file): files are staged whole
    (`write`) or in pieces (`append`), then `commit` makes them the package's state together.
    Used as a context manager; leaving it without a commit (an error) drops what was staged.
    Call it under the package's exclusive lock."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.txn = self.root / TXN_DIR
        if self.txn.exists():
            recover(self.root)
        (self.txn / "new").mkdir(parents=True)
        self._staged: dict[str, str] = {}   # path in the package → name of its staged file
        self._given: set[str] = set()       # every path written, staged or unchanged
        self._committed = False

    def __enter__(self) -> "StagedState":
        return self

    def __exit__(self, *exc) -> None:
        if not self._committed:
            shutil.rmtree(self.txn, ignore_errors=True)

    def _staged_path(self, rel: str) -> Path:
        _inside(self.root, rel)
        self._given.add(rel)
        return self.txn / "new" / self._staged.setdefault(rel, str(len(self._staged)))

    def write(self, rel: str, data: Data) -> None:
        """Stage the whole new content of `rel` (unless it is what the file already holds)."""
        if isinstance(data, (str, bytes)) and _same(self.root / rel, data):
            self._given.add(rel)  # an unchanged file keeps its mtime, so caches keyed on it stay valid
            return
        with open(self._staged_path(rel), "wb") as fh:
            os.fchmod(fh.fileno(), file_mode())  # open() would apply the umask too, mkstemp would not
            _fill(fh, data)

    def append(self, rel: str, data: bytes) -> None:
        """Add `data` at the end of what is staged for `rel` (a new file on the first call)."""
        fd = os.open(self._staged_path(rel), os.O_WRONLY | os.O_APPEND | os.O_CREAT, file_mode())
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)

    def commit(self, deletes: Iterable[str] = ()) -> None:
        """Write the journal (the commit point), then move every staged file into place."""
        deletes = sorted(set(deletes) - self._given)
        try:
            for rel in deletes:
                _inside(self.root, rel)
            moves = [[name, rel] for rel, name in sorted(self._staged.items())]
            fault("commit:staged")
            journal = {"moves": moves, "deletes": deletes}
            tmp = self.txn / f".{JOURNAL}.tmp"
            with open(tmp, "wb") as fh:
                fh.write(json_bytes(journal))
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            shutil.rmtree(self.txn, ignore_errors=True)
            raise
        os.replace(tmp, self.txn / JOURNAL)  # the commit point
        self._committed = True
        fault("commit:journal")
        _apply(self.root, journal)


def _apply(root: Path, journal: dict) -> None:
    txn = root / TXN_DIR
    for n, (name, rel) in enumerate(journal["moves"], 1):
        staged = txn / "new" / name
        if staged.exists():  # else moved before a kill
            target = root / rel
            if not target.parent.is_dir():
                target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
        fault(f"commit:rename:{n}")
    for rel in journal["deletes"]:
        (root / rel).unlink(missing_ok=True)
    fault("commit:applied")
    (txn / JOURNAL).unlink()
    shutil.rmtree(txn, ignore_errors=True)


def _same(path: Path, data: str | bytes) -> bool:
    data = data.encode("utf-8") if isinstance(data, str) else data
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def needs_recovery(root: Path) -> bool:
    return (Path(root) / TXN_DIR).exists()


def recover(root: Path) -> list[str]:
    """Finish or undo a commit a killed run left; returns one-line notices (empty: nothing to do)."""
    root = Path(root)
    txn = root / TXN_DIR
    if not txn.exists():
        return []
    journal_path = txn / JOURNAL
    if journal_path.is_file():
        try:
            journal = json.loads(journal_path.read_text(encoding="utf-8"))
            moves = [(str(a), str(b)) for a, b in journal["moves"]]
            deletes = [str(d) for d in journal["deletes"]]
        except (ValueError, KeyError, TypeError):
            raise PowerlistError(
                f"{journal_path} is damaged: an interrupted write cannot be finished; restore the "
                "package from git (git status, git checkout -- tables datapackage.json)") from None
        for _, rel in moves:
            _inside(root, rel)
        for rel in deletes:
            _inside(root, rel)
        _apply(root, {"moves": moves, "deletes": deletes})
        return [f"finished an interrupted write of {len(moves)} files left by a killed run ({TXN_DIR}/)"]
    shutil.rmtree(txn, ignore_errors=True)
    return [f"discarded an unfinished write left by a killed run ({TXN_DIR}/); the package is as before it"]

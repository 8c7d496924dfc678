"""Broken descriptors, schemas and manifests (hand-made mutations of a copy of the real package):
every reading command ends with one line naming the broken file and exit 2, never a traceback;
a missing schema is an error in diff and sql; resource paths outside the package are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from powerlist.cli import app

DEEP = "[" * 100_000 + "]" * 100_000


def edit_json(rel: str, change):
    """A mutation: load the JSON file at rel, let change() alter it (or return a replacement)."""
    def apply(root: Path) -> str:
        path = root / rel
        data = json.loads(path.read_text(encoding="utf-8"))
        new = change(data)
        path.write_text(json.dumps(data if new is None else new, ensure_ascii=False), encoding="utf-8")
        return rel
    return apply


def raw(rel: str, content: bytes):
    def apply(root: Path) -> str:
        (root / rel).write_bytes(content)
        return rel
    return apply


def delete(rel: str, named: str):
    def apply(root: Path) -> str:
        (root / rel).unlink()
        return named
    return apply


def res(resource: str, **changes):
    def change(d):
        r = next(x for x in d["resources"] if x["name"] == resource)
        for k, v in changes.items():
            if v is ...:
                del r[k]
            else:
                r[k] = v
    return change


def first_field(**changes):
    def change(d):
        for k, v in changes.items():
            if v is ...:
                del d["fields"][0][k]
            else:
                d["fields"][0][k] = v
    return change


D, S, M = "datapackage.json", "schemas/items.json", "releases/2022/release.json"
RD = "releases/2022/datapackage.json"
MUTATIONS = {
    # the working descriptor
    "descriptor empty": raw(D, b""),
    "descriptor cut off": raw(D, b'{"resources": ['),
    "descriptor not UTF-8": raw(D, '{"title": "保密"}'.encode("gb18030")),
    "descriptor nested too deep": raw(D, DEEP.encode()),
    "descriptor a list": raw(D, b"[]"),
    "descriptor null": raw(D, b"null"),
    "descriptor BOM": raw(D, b"\xef\xbb\xbf{}"),
    "resources missing": edit_json(D, lambda d: d.pop("resources")),
    "resources a number": edit_json(D, lambda d: d.update(resources=5)),
    "resources empty": edit_json(D, lambda d: d.update(resources=[])),
    "resource a number": edit_json(D, lambda d: d["resources"].append(5)),
    "resource without name": edit_json(D, res("items", name=...)),
    "resource name a number": edit_json(D, res("items", name=7)),
    "resource without path": edit_json(D, res("items", path=...)),
    "resource path a number": edit_json(D, res("items", path=3)),
    "resource path absolute": edit_json(D, res("items", path="/etc/passwd")),
    "resource path climbs out": edit_json(D, res("items", path="../../x.csv")),
    "resource path hidden climb": edit_json(D, res("items", path="tables/../../etc/passwd")),
    "resource path empty": edit_json(D, res("items", path="")),
    "resource schema climbs out": edit_json(D, res("items", schema="../schemas/items.json")),
    "resource schema a number": edit_json(D, res("items", schema=1)),
    "resource schema missing file": edit_json(D, res("items", schema="schemas/nothing.json")),
    "two resources one name": edit_json(D, lambda d: d["resources"].append(dict(d["resources"][-1]))),
    # a schema
    "schema empty": raw(S, b""),
    "schema cut off": raw(S, b'{"fields": [{"name": '),
    "schema not UTF-8": raw(S, b'{"title": "\xb1\xa3"}'),
    "schema nested too deep": raw(S, DEEP.encode()),
    "schema a list": raw(S, b"[]"),
    "schema without fields": edit_json(S, lambda d: d.pop("fields")),
    "schema fields a dict": edit_json(S, lambda d: d.update(fields={})),
    "schema fields empty": edit_json(S, lambda d: d.update(fields=[])),
    "field without name": edit_json(S, first_field(name=...)),
    "field name a number": edit_json(S, first_field(name=1)),
    "field type unknown": edit_json(S, first_field(type="formula")),
    "two fields one name": edit_json(S, lambda d: d["fields"].append(dict(d["fields"][0]))),
    "primary key unknown field": edit_json(S, lambda d: d.update(primaryKey=["nope"])),
    "primary key a number": edit_json(S, lambda d: d.update(primaryKey=5)),
    "foreign key unknown field": edit_json(S, lambda d: d.update(foreignKeys=[{"fields": ["nope"], "reference": {"resource": "lists", "fields": ["list_id"]}}])),
    "foreign key without reference": edit_json(S, lambda d: d.update(foreignKeys=[{"fields": ["list_id"]}])),
    "foreign keys a dict": edit_json(S, lambda d: d.update(foreignKeys={})),
    "schema file deleted": delete(S, "schemas/items.json"),
    # the release's manifest and descriptor
    "manifest empty": raw(M, b""),
    "manifest cut off": raw(M, b'{"tag": "2022", "files": {'),
    "manifest a list": raw(M, b"[]"),
    "manifest nested too deep": raw(M, DEEP.encode()),
    "manifest without files": edit_json(M, lambda d: d.pop("files")),
    "manifest files a list": edit_json(M, lambda d: d.update(files=[])),
    "manifest sum a number": edit_json(M, lambda d: d["files"].update({"tables/items.csv": 1})),
    "manifest path climbs out": edit_json(M, lambda d: d["files"].update({"../../etc/passwd": "0" * 64})),
    "manifest path absolute": edit_json(M, lambda d: d["files"].update({"/etc/passwd": "0" * 64})),
    "manifest without date": edit_json(M, lambda d: d.pop("date")),
    "manifest date not a date": edit_json(M, lambda d: d.update(date="July 2022")),
    "release descriptor edited": edit_json(RD, res("items", path="/etc/passwd")),
}

# What each broken file makes each command say: the file is named in the one line.
COMMANDS = [("diff", "2022", "working"), ("sql", "select count(*) from items"), ("validate",), ("lists", "--release", "2022")]


def named(line: str, rel: str, root: Path) -> bool:
    """The line names the file: its full path, or (a release) the release and the file in it."""
    if str(root / rel) in line:
        return True
    return rel.startswith("releases/2022/") and "release 2022" in line and rel.split("/")[-1] in line


@pytest.mark.parametrize("mutation", MUTATIONS, ids=list(MUTATIONS))
def test_a_broken_file_is_one_line_naming_it(package_copy: Path, mutation):
    rel = MUTATIONS[mutation](package_copy)
    in_release = rel.startswith("releases/")
    for args in COMMANDS:
        result = CliRunner().invoke(app, ["-p", str(package_copy), *args])
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
        assert "Traceback" not in result.output
        if args[0] == "lists" and not in_release:
            continue  # reads release 2022 only, which is intact
        lines = result.stderr.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("error: "), (args, result.exit_code, result.stderr)
        assert named(lines[0], rel, package_copy), (args, lines[0])


def test_fifty_mutations_are_tried():
    assert len(MUTATIONS) >= 50


def _link_out_file(root: Path) -> None:
    outside = root.parent / "outside-items.csv"
    target = next((root / "tables" / "items").glob("*.csv"))
    outside.write_bytes(target.read_bytes())
    target.unlink()
    target.symlink_to(outside)


def _link_out_folder(root: Path) -> None:
    folder = root / "tables" / "items"
    outside = root.parent / "outside-items"
    folder.rename(outside)
    folder.symlink_to(outside, target_is_directory=True)


@pytest.mark.parametrize("link", [_link_out_file, _link_out_folder], ids=["file", "folder"])
def test_a_table_reached_through_a_link_out_of_the_package_is_refused(package_copy: Path, link):
    # Paths are checked against each folder's resolved form (one resolve per folder, not per
    # file, for province-scale descriptors): a link at either level must still be caught.
    link(package_copy)
    result = CliRunner().invoke(app, ["-p", str(package_copy), "validate"])
    assert result.exit_code == 2, result.output
    assert "leads outside the package" in result.stderr and "tables/items/" in result.stderr


def test_a_link_that_stays_inside_the_package_is_read(package_copy: Path):
    target = next((package_copy / "tables" / "items").glob("*.csv"))
    kept = package_copy / "tables" / f".{target.name}.real"
    target.rename(kept)
    target.symlink_to(kept)
    result = CliRunner().invoke(app, ["-p", str(package_copy), "validate", "working"])
    assert result.exit_code == 0, result.output

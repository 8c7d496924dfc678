"""Bounded inputs: documents over a size, unpacked-size or cell limit are refused in one line before
parsing (bombs tried under a `resource` memory limit); `sql` stops at --timeout, at Ctrl-C and at
POWERLIST_MEMORY_LIMIT."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, XINGAN_TXT, package_files, snapshot

TOOL = ROOT / "tool"
MEMORY = 2 << 30  # address space a bomb's ingest may use: far less than the bombs unpack to, parsed


def run(root: Path, *args: str, limit_memory: bool = False, **env_extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(TOOL), **env_extra}
    env.pop("POWERLIST_FAULT", None)

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    return subprocess.run([sys.executable, "-c", "from powerlist.cli import app; app()", "-p", str(root), *args],
                          env=env, capture_output=True, text=True, timeout=300, preexec_fn=cap if limit_memory else None,
                          cwd=root)  # messages name paths relative to the current folder: these are outside it


def zip_bomb(path: Path, members: dict[str, str], big: str, mb: int, unit: str) -> Path:
    """A synthetic .docx/.xlsx whose member `big` repeats `unit` up to `mb` MB (deflates ~1000:1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            zf.writestr(name, text)
        with zf.open(big, "w", force_zip64=True) as fh:
            chunk = (unit * ((1 << 20) // len(unit) + 1))[: 1 << 20].encode()
            for _ in range(mb):
                fh.write(chunk)
    return path


DOCX_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="xml" ContentType="application/xml"/></Types>')


def one_error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    return lines[0]


def test_a_docx_bomb_is_refused_before_parsing_within_a_memory_limit(package_copy: Path, tmp_path: Path):
    bomb = zip_bomb(tmp_path / "bomb.docx", {"[Content_Types].xml": DOCX_TYPES}, "word/document.xml", 300, "<w:p/>")
    assert bomb.stat().st_size < 2 << 20
    before = snapshot(package_copy)
    line = one_error_line(run(package_copy, "ingest", str(bomb), limit_memory=True))
    assert line == (f"error: {bomb}: unpacks to 300.0 MB, over the limit of 100.0 MB (POWERLIST_MAX_UNPACKED_MB); "
                    "not read")
    assert {k: v for k, v in snapshot(package_copy).items() if not k.startswith(".powerlist-cache")} == \
        {k: v for k, v in before.items() if not k.startswith(".powerlist-cache")}


def test_an_xlsx_bomb_is_refused_before_parsing_within_a_memory_limit(package_copy: Path, tmp_path: Path):
    bomb = zip_bomb(tmp_path / "bomb.xlsx", {"[Content_Types].xml": DOCX_TYPES}, "xl/worksheets/sheet1.xml", 200,
                    '<c r="A1" t="inlineStr"><is><t>x</t></is></c>')
    line = one_error_line(run(package_copy, "ingest", str(bomb), limit_memory=True))
    assert "unpacks to 200.0 MB, over the limit of 100.0 MB (POWERLIST_MAX_UNPACKED_MB)" in line


def test_an_xlsx_with_an_entity_bomb_is_refused_by_defusedxml(package_copy: Path, tmp_path: Path):
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{"&lol{0};".format(i - 1 if i > 1 else "") * 10}">' for i in range(1, 10))
              + ']><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol9;</workbook>')
    laughs = laughs.replace("&lol0;", "&lol;")
    path = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", DOCX_TYPES)
        zf.writestr("xl/workbook.xml", laughs)
    line = one_error_line(run(package_copy, "ingest", str(path), limit_memory=True))
    assert line.startswith(f"error: {path}: not a readable .xlsx file")


def test_a_document_over_the_size_limit_is_refused(package_copy: Path):
    line = one_error_line(run(package_copy, "ingest", str(XINGAN_TXT), POWERLIST_MAX_DOCUMENT_MB="0.01"))
    assert line.startswith(f"error: {XINGAN_TXT}: ") and "KB is over the document size limit of 10.2 KB" in line


def test_a_table_over_the_cell_limit_is_refused(package_copy: Path):
    line = one_error_line(run(package_copy, "ingest", str(XINGAN_TXT), POWERLIST_MAX_CELLS="20"))
    assert line.startswith(f"error: {XINGAN_TXT}: its table has ") and line.endswith(
        "cells, over the limit of 20 (POWERLIST_MAX_CELLS); not read")


LONG = "select count(*) from range(1000000000000) a"


def test_sql_stops_at_its_timeout(package_copy: Path):
    start = time.monotonic()
    line = one_error_line(run(package_copy, "sql", LONG, "--timeout", "2"))
    assert line == "error: query stopped after 2 s (--timeout SECONDS, 0 for none)"
    assert time.monotonic() - start < 60


def test_sql_stops_at_ctrl_c(package_copy: Path):
    env = {**os.environ, "PYTHONPATH": str(TOOL)}
    run(package_copy, "sql", "select 1")  # compile first, so the signal lands in the query
    proc = subprocess.Popen([sys.executable, "-c", "from powerlist.cli import app; app()", "-p", str(package_copy),
                             "sql", LONG, "--timeout", "0"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    time.sleep(3)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 10
    assert (proc.returncode, stderr.strip()) == (2, "error: query interrupted (Ctrl-C)")


def test_sql_honours_the_memory_limit(package_copy: Path):
    line = one_error_line(run(package_copy, "sql", "select max(length(s)) from (select list(range)::varchar as s "
                              "from range(200000000))", POWERLIST_MEMORY_LIMIT="64MB"))
    assert line.startswith("error: Out of Memory Error: ") and "MiB used" in line


def test_publish_out_of_duckdb_memory_is_one_line_and_writes_nothing(package_copy: Path, tmp_path: Path):
    # DuckDB raising OutOfMemoryException in the command's own process (here loading a release
    # under an 8 MB limit; at 300,000 items it was the list pass's keys under 1 GB) was a traceback.
    out = tmp_path / "dist"
    before = package_files(package_copy)
    line = one_error_line(run(package_copy, "publish", "--out", str(out), POWERLIST_MEMORY_LIMIT="8MB"))
    assert line.startswith("error: Out of Memory Error: ") and "set POWERLIST_MEMORY_LIMIT higher" in line
    assert not out.exists() and not list(tmp_path.glob(".dist.*"))
    assert package_files(package_copy) == before

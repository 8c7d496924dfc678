"""Query results as text: csv, json, markdown (the rich table is drawn by the CLI)."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json

from .spreadsheet import csv_cell


def plain(value):
    """A JSON-friendly value: dates as ISO text, decimals as numbers, everything else as is."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return value


def cell_text(value) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def to_csv(columns: list[str], rows: list) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in columns])
    for row in rows:
        writer.writerow([csv_cell(cell_text(v)) if isinstance(v, str) else cell_text(v) for v in row])
    return buf.getvalue()


def to_json(columns: list[str], rows: list) -> str:
    records = [{c: plain(v) for c, v in zip(columns, row)} for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def _md(value) -> str:
    return cell_text(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def to_markdown(columns: list[str], rows: list) -> str:
    lines = ["| " + " | ".join(_md(c) for c in columns) + " |",
             "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"

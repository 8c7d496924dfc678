"""The DESIGN.md JSON contract: every change, cosmetic ones included (readers filter by `change`).

The text is exactly json.dumps(result, ensure_ascii=False, indent=2) + newline. The standard
library's indented encoder is pure Python and needs the whole text in memory; a province-scale
diff has ~500k changes (hundreds of MB), so write_json builds the same text itself with the C
string encoder, change by change, keeping memory flat (and taking ~30% less time).
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the C-accelerated one, as json.dumps uses with ensure_ascii=False
from typing import IO

_INF = float("inf")


def _float(v: float) -> str:
    if v != v:
        return "NaN"
    if v == _INF:
        return "Infinity"
    if v == -_INF:
        return "-Infinity"
    return float.__repr__(v)


def _enc(v, ind: str) -> str:
    if isinstance(v, str):
        return encode_basestring(v)
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return int.__repr__(v)
    if isinstance(v, float):
        return _float(v)
    inner = ind + "  "
    if isinstance(v, dict):
        if not v:
            return "{}"
        if not all(isinstance(k, str) for k in v):  # json's key coercions are rare here: defer to it
            return _stdlib(v, ind)
        return ("{\n" + ",\n".join(f"{inner}{encode_basestring(k)}: {_enc(x, inner)}" for k, x in v.items())
                + "\n" + ind + "}")
    if isinstance(v, (list, tuple)):
        if not v:
            return "[]"
        return "[\n" + ",\n".join(inner + _enc(x, inner) for x in v) + "\n" + ind + "]"
    return _stdlib(v, ind)


def _stdlib(v, ind: str) -> str:
    return json.dumps(v, ensure_ascii=False, indent=2).replace("\n", "\n" + ind)


def render(result: dict, *, show_all: bool = False) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"


def write_json(result: dict, fh: IO[str]) -> None:
    """Write render(result) to a text file, one change at a time."""
    if not isinstance(result, dict) or not result or not all(isinstance(k, str) for k in result):
        fh.write(render(result))
        return
    fh.write("{\n")
    for i, (k, v) in enumerate(result.items()):
        fh.write(("" if i == 0 else ",\n") + f"  {encode_basestring(k)}: ")
        if isinstance(v, list) and v:
            fh.write("[\n")
            for j, c in enumerate(v):
                fh.write(("    " if j == 0 else ",\n    ") + _enc(c, "    "))
            fh.write("\n  ]")
        else:
            fh.write(_enc(v, "  "))
    fh.write("\n}\n")

"""The DESIGN.md JSON contract: every change, cosmetic ones included (readers filter by `change`)."""

from __future__ import annotations

import json


def render(result: dict, *, show_all: bool = False) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"

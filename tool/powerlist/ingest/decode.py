"""Bytes → text, with a clear refusal for anything that is not UTF-8."""

from __future__ import annotations

from ..errors import PowerlistError


def decode_document(data: bytes, name: str) -> str:
    if not data.strip():
        raise PowerlistError(f"{name}: line 1: the file is empty; expected a list document")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            data.decode("gb18030")
            hint = " (the bytes look like GB18030: convert with `iconv -f GB18030 -t UTF-8`)"
        except UnicodeDecodeError:
            pass
        raise PowerlistError(f"{name}: line {line}: not valid UTF-8{hint}") from None

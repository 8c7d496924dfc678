"""Citation moves inside a diff: recorded_update (powerlist.laws.update) bound to the two packages
the diff compares. The diff owns its DuckDB connection, so the look-up of each side's list dates
lives here, with the diff, and the laws package only judges citations."""

from __future__ import annotations

from ..laws.reference import Reference
from ..laws.update import recorded_update
from .spool import drop_strings, register_strings


class DiffCitations:
    """recorded_update bound to a diff: the reference data of the root, and each side's list
    dates looked up (once per item, only for the citation pairs the diff asks about) in the
    packages attached as `f` (from) and `t` (to) on the diff's DuckDB connection."""

    DATES = ("issued_on", "issued_on_inferred", "doc_no_inferred")

    def __init__(self, reference: Reference, con):
        self.reference = reference
        self.con = con
        self._dates: dict[tuple[str, str], dict] = {}
        self._found: dict[tuple, dict | None] = {}

    def prefetch(self, db: str, item_ids) -> None:
        """Look up the list dates of many items in one query (a point query per item scans the
        whole items table each time, which dominates a diff at scale)."""
        wanted = sorted({i for i in item_ids if i is not None and (db, i) not in self._dates})
        if not wanted:
            return
        try:
            register_strings(self.con, "_date_ids", "item_id", wanted)
            cols = ", ".join(f"l.{c}" for c in self.DATES)
            rows = self.con.execute(f"SELECT i.item_id, {cols} FROM {db}.main.items i JOIN {db}.main.lists l "
                                    "USING (list_id) SEMI JOIN _date_ids w ON i.item_id = w.item_id").fetchall()
        except Exception:  # an older package without some of these columns: dates() says so per item
            return
        finally:
            try:
                drop_strings(self.con, "_date_ids")
            except Exception:
                pass
        found = {r[0]: dict(zip(self.DATES, r[1:])) for r in rows}
        for i in wanted:
            self._dates[(db, i)] = found.get(i, {})

    def dates(self, db: str, item_id: str) -> dict:
        key = (db, item_id)
        if key not in self._dates:
            try:
                cols = ", ".join(f"l.{c}" for c in self.DATES)
                row = self.con.execute(f"SELECT {cols} FROM {db}.main.items i JOIN {db}.main.lists l USING (list_id) "
                                       "WHERE i.item_id = ?", [item_id]).fetchone()
            except Exception:  # an older package without some of these columns: no date, no version
                row = None
            self._dates[key] = dict(zip(self.DATES, row)) if row else {}
        return self._dates[key]

    def __call__(self, old: dict, new: dict) -> dict | None:
        key = (old.get("basis_id"), new.get("basis_id"), old.get("article"), new.get("article"),
               old.get("paragraph"), new.get("paragraph"))
        if key not in self._found:
            self._found[key] = recorded_update(
                self.reference, {**old, **self.dates("f", old["item_id"])}, {**new, **self.dates("t", new["item_id"])})
        return self._found[key]

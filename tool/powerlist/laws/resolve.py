"""Ingest-time resolution of each citation's printed title and document to a law_id."""

from __future__ import annotations

from .reference import Reference


def resolve_law_ids(tables: dict[str, list[dict]], item_ids: set[str]) -> list[str]:
    """Set bases.law_id for the given items from the law_variants table held in `tables`.

    An instrument the reference data does not know keeps an empty law_id (the document still
    ingests); the returned notes name each such title once so it can be added to law_variants.
    """
    ref = Reference.from_rows(variants=tables.get("law_variants", []))
    unknown: dict[str, int] = {}
    for row in tables["bases"]:
        if row["item_id"] not in item_ids:
            continue
        row["law_id"] = ref.law_id_for(row.get("law_title"), row.get("law_doc"))
        if row["law_id"] is None and row.get("law_title"):
            head = f"《{row['law_title']}》" + (f"（{row['law_doc']}）" if row.get("law_doc") else "")
            unknown[head] = unknown.get(head, 0) + 1
    return [f"unknown instrument {head} ({n} citations): law_id left empty; add it to tables/law_variants.csv"
            for head, n in unknown.items()]

"""Legal citations as data: the curated reference tables, the citation index, the audit."""

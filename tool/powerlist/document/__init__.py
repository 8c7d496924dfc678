"""The official list layout, both ways: what ingest reads and render, audit and publish write or check.

layout.py     the two table layouts (catalog, jurisdiction): header geometry, column order
columns.py    the column vocabulary: internal names, printed titles, and the ONE synonym table
              mapping header labels seen in real lists to columns
cells.py      the grammar of a cell: numbered entries, a trailing responsible body, step names
citations.py  the grammar of a 依据 cell: parse it into provisions and print provisions back
"""

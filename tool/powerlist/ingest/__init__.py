"""Readers that turn a list document into the same grid of cells, and parsers for the cells."""

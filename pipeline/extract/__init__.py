"""Extraction of text and tables from source documents."""

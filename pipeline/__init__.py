"""styrdok's pipeline: text → extract → embed → index → search/crosscheck → ingest → cli (see docs/ARCHITECTURE.md)."""

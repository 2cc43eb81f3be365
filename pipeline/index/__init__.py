"""The index on disk: the SQLite store (all SQL), vectors, BM25, manifest, versions and source files."""

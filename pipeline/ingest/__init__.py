"""The batch: what changed, sandboxed extraction and embedding, the version swap, the writer lock."""

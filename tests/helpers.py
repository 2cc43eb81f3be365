"""Shared test helpers: where the shared test data lives, and its ground truth."""

from __future__ import annotations

import json
from functools import cache

from pipeline.config import PROJECT_ROOT

SHARED = PROJECT_ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


@cache
def ground_truth() -> dict:
    """``corpus/ground_truth.json``, loaded once per test session (treat as read-only)."""
    return json.loads((CORPUS / "ground_truth.json").read_text(encoding="utf-8"))

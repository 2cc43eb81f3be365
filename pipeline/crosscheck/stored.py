"""Goal statements as they are kept in an index version: JSON rows in the store beside one
vector per goal (``goals.npy``), written at ingest and read once per served version."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from functools import lru_cache

import numpy as np

from pipeline.crosscheck.goals import Goal
from pipeline.crosscheck.quantities import Quantity
from pipeline.crosscheck.statements import Statement
from pipeline.index.manifest import GOAL_VECTORS_NAME, STATEMENT_VECTORS_NAME
from pipeline.search.hybrid import SearchIndex

TUPLE_FIELDS = ("section_path", "pages", "page_labels", "years", "cues", "passage_ids")
"""Goal fields that JSON turns into lists and the frozen record keeps as tuples."""


def goal_to_json(goal: Goal) -> str:
    return json.dumps(asdict(goal), ensure_ascii=False)


def _quantity_from(data: dict) -> Quantity:
    return Quantity(**{**data, "span": tuple(data["span"])})


def goal_from_json(text: str) -> Goal:
    data = json.loads(text)
    for name in TUPLE_FIELDS:
        data[name] = tuple(data[name])
    data["quantities"] = tuple(_quantity_from(q) for q in data["quantities"])
    data["baseline"] = tuple(_quantity_from(q) for q in data["baseline"])
    return Goal(**data)


def goal_rows(goals: Iterable[Goal]) -> list[tuple[str, str]]:
    """(doc_id, JSON) rows for `pipeline.index.store.write_goal_rows`."""
    return [(g.doc_id, goal_to_json(g)) for g in goals]


@lru_cache(maxsize=2)
def stored_goals(index: SearchIndex) -> tuple[list[Goal], np.ndarray]:
    """Goal statements of all documents of a served version and their vectors (read once
    per version; the two most recent versions stay cached across a switch)."""
    goals = [goal_from_json(text) for text in index.store.goal_rows()]
    return goals, np.load(index.directory / GOAL_VECTORS_NAME, mmap_mode="r")


def statement_rows(statements: Iterable[Statement]) -> list[tuple[str, str]]:
    """(doc_id, JSON) rows for `pipeline.index.store.write_statement_rows`."""
    return [(s.doc_id, json.dumps(asdict(s), ensure_ascii=False)) for s in statements]


def statement_from_json(text: str) -> Statement:
    """A stored statement; versions built before statements became `Cited` keep one ``page``
    and ``page_label`` instead of the tuples, and read the same."""
    data = json.loads(text)
    if "page" in data:
        page, label = data.pop("page"), data.pop("page_label")
        data |= {"pages": [page] if page else [], "page_labels": [label] if page else []}
    return Statement(**{**data, "section_path": tuple(data["section_path"]), "pages": tuple(data["pages"]),
                        "page_labels": tuple(data["page_labels"])})


@lru_cache(maxsize=2)
def stored_statements(index: SearchIndex) -> tuple[list[Statement], np.ndarray]:
    """Every sentence, list item, table row and heading of a served version with its page, and
    their vectors (the cross-check's evidence); empty for a version built before them."""
    path = index.directory / STATEMENT_VECTORS_NAME
    if not path.exists():
        return [], np.zeros((0, 0), dtype=np.float32)
    return [statement_from_json(t) for t in index.store.statement_rows()], np.load(path, mmap_mode="r")

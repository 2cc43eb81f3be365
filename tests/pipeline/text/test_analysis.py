"""Analysed terms, BM25 retrieval over real page texts, and highlighting."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest

from pipeline.index.bm25 import LexicalIndex
from pipeline.text.analysis import analyze, highlight_spans, normalize_swedish
from tests.helpers import ground_truth

PLAN = "strategisk-plan-2023-2025.pdf"


@cache
def plan_pages() -> tuple[tuple[int, str], ...]:
    """(page number, de-hyphenated text) of the strategic plan's pages."""
    pages = ground_truth()["documents"][PLAN]["pages"]
    return tuple((page["page"], "\n".join(block["text"] for block in page["blocks"])) for page in pages)


@cache
def plan_index() -> LexicalIndex:
    return LexicalIndex.build([analyze(text, "sv") for _, text in plan_pages()])


def _search_pages(query: str, k: int = 5, allowed: np.ndarray | None = None) -> list[int]:
    numbers = [number for number, _ in plan_pages()]
    return [numbers[row] for row, _ in plan_index().search(analyze(query, "sv"), k, allowed)]


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("kompetensförsörjningen", ["kompetensförsörjning"]),
        ("kompetensförsörjning", ["kompetensförsörjning"]),
        ("avskrivningarna", ["avskrivning"]),
        ("soliditeten", ["soliditet"]),
        ("investeringarna", ["investering"]),
        ("kommunerna", ["kommun"]),
        ("regionens", ["region"]),
        ("utvecklingsnämndens", ["utvecklingsnämnd"]),
        ("IT-systemen", ["it-system"]),
        ("Norrbottens", ["norrbotten"]),
        ("Luleås", ["luleå"]),
        ("enligheten", ["enlighet"]),
        ("balansen", ["balans"]),
    ],
)
def test_swedish_inflections_and_compounds_meet_their_base_form(text: str, terms: list[str]) -> None:
    assert analyze(text, "sv") == terms


@pytest.mark.parametrize("word", ["kompetensförsörjning", "enlighet", "status", "process", "balans"])
def test_normaliser_keeps_unknown_base_forms(word: str) -> None:
    assert normalize_swedish(word) == word


def test_analyze_drops_stopwords_abbreviations_and_punctuation() -> None:
    text = "Regionen ska bl.a. stärka kompetensförsörjningen med 2,5 % under 2023–2025."
    assert analyze(text, "sv") == ["region", "stärka", "kompetensförsörjning", "2,5", "2023", "2025"]


def test_analyze_keeps_decision_words() -> None:
    assert analyze("Beslut om budget", "sv") == ["beslut", "budget"]


def test_analyze_english() -> None:
    assert analyze("What is the region's vision for its employees?", "en") == ["region", "vision", "employee"]


def test_query_finds_the_only_page_about_solidity() -> None:
    assert _search_pages("Hur ser soliditeten ut?")[:1] == [34]


def test_inflected_query_finds_pages_with_the_base_form() -> None:
    found = _search_pages("kompetensförsörjningen", k=10)
    with_term = {number for number, text in plan_pages() if "kompetensförsörjning" in text.lower()}
    assert found and set(found) <= with_term
    assert 24 in found  # only "kompetensförsörjningen" on that page


def test_results_are_sorted_positive_and_limited() -> None:
    results = plan_index().search(analyze("pensionskostnader och avskrivningar", "sv"), k=3)
    scores = [score for _, score in results]
    assert len(results) == 3
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)


def test_allowed_mask_filters_rows() -> None:
    unfiltered = _search_pages("kompetensförsörjning", k=10)
    allowed = np.array([number != unfiltered[0] for number, _ in plan_pages()])
    filtered = _search_pages("kompetensförsörjning", k=10, allowed=allowed)
    assert filtered == [number for number in unfiltered if number != unfiltered[0]]
    assert _search_pages("kompetensförsörjning", allowed=np.zeros(len(allowed), dtype=bool)) == []


def test_mask_of_wrong_length_is_an_error() -> None:
    with pytest.raises(ValueError, match="mask"):
        plan_index().search(["region"], 5, np.ones(3, dtype=bool))


def test_unknown_or_empty_query_finds_nothing() -> None:
    assert plan_index().search([], 5) == []
    assert plan_index().search(["xyzzy"], 5) == []


def test_empty_documents_are_rows_that_never_match() -> None:
    index = LexicalIndex.build([[], ["region", "vision"], []])
    assert len(index) == 3
    assert [row for row, _ in index.search(["vision"], 5)] == [1]


def test_index_without_terms_is_an_error() -> None:
    with pytest.raises(ValueError, match="no document"):
        LexicalIndex.build([[], []])


def test_save_and_load_give_identical_results(tmp_path: Path) -> None:
    plan_index().save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25", mmap=True)
    assert len(loaded) == len(plan_index())
    for query in ["kompetensförsörjningen", "soliditet", "investeringar i fastigheter", "vision 2030"]:
        tokens = analyze(query, "sv")
        assert loaded.search(tokens, 10) == plan_index().search(tokens, 10)


def test_highlight_is_lemma_aware() -> None:
    text = "Kompetensförsörjningen är en utmaning för regionens verksamheter."
    spans = highlight_spans(text, "kompetensförsörjning i regionen", "sv")
    assert [text[a:b] for a, b in spans] == ["Kompetensförsörjningen", "regionens"]


def test_highlight_ignores_stopwords() -> None:
    assert highlight_spans("Det är och blir bra.", "det är och", "sv") == []

"""Query understanding, fusion, the answer inside a passage and the confidence model (pure parts)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.search.answer import best_cell, best_sentence, page_of, sentence_spans
from pipeline.search.calibrate import fit, fit_best_hit, predict, verdicts
from pipeline.search.confidence import Signals, best_hit, confidence, coverage, idf, query_confidence
from pipeline.search.fusion import boost, combine, fuse, normalised
from pipeline.search.understand import DocumentFacts, build_aliases, has_content, parse_query
from pipeline.text.analysis import analyzed_words

DOCS = [
    DocumentFacts("plan", "Strategisk plan 2023–2025", "strategisk plan", "strategisk-plan-2023-2025.pdf"),
    DocumentFacts("rus", "Regional utvecklingsstrategi för Norrbotten 2030", "regional utvecklingsstrategi", "rus-2030.pdf"),
    DocumentFacts("pm", "Ny plan för Norrbottens kompetens, kultur och konkurrenskraft", "pressmeddelande", "pm-2025.pdf"),
    DocumentFacts("web", "Om regional utveckling", "webbsida", "om-regional-utveckling.html"),
]
ALIASES = build_aliases(DOCS)
TITLES = {d.doc_id: d.title for d in DOCS}


def parse(query: str, lang: str = "sv"):  # type: ignore[no-untyped-def]
    return parse_query(query, lang, ALIASES, TITLES)


@pytest.mark.parametrize(
    ("query", "doc", "left"),
    [
        ("Vad säger strategiska planen om civilt försvar?", "plan", "Vad säger om civilt försvar?"),
        ("Vad säger planen om kompetensförsörjning", "plan", "Vad säger om kompetensförsörjning"),
        ("Vilka åtgärder föreslår RUS för civilsamhället?", "rus", "Vilka åtgärder föreslår för civilsamhället?"),
        ("Vad säger utvecklingsstrategin om idrottsrörelsen?", "rus", "Vad säger om idrottsrörelsen?"),
        ("vad står i pressmeddelandet om kultur", "pm", "vad står i om kultur"),
        ("regionala utvecklingsstrategin 2030 om bredband", "rus", "om bredband"),
    ],
)
def test_document_references_are_recognised_and_removed(query: str, doc: str, left: str) -> None:
    parsed = parse(query)
    assert parsed.documents == (doc,)
    assert parsed.content == left
    assert parsed.years == ()


def test_everyday_words_are_not_references() -> None:
    # indefinite "plan", the lower-case word "rus", a two-word title that is a common phrase
    for query in ("Finns en plan för vården?", "en rus av glädje", "arbetet om regional utveckling"):
        assert parse(query).documents == ()


def test_years_are_preferences_and_english_names_documents_through_the_glossary() -> None:
    assert parse("budget för hälso- och sjukvård 2024").years == (2024,)
    assert parse("Vilket befolkningsmål har Norrbotten till 2030?").years == (2030,)
    english = parse("What does the strategic plan say about remote work?", "en")
    assert english.documents == ("plan",)


def test_english_questions_lose_the_words_that_name_a_document() -> None:
    # the reference is a bonus; left in, it is matched (and embedded) as content
    parsed = parse("Which political parties are behind the strategic plan 2023-2025?", "en")
    assert parsed.documents == ("plan",) and parsed.years == ()
    assert "political parties are behind" in parsed.content
    assert not any(word in parsed.content for word in ("strategic", "plan", "2023", "2025", "-"))
    # a year range of the title goes with it, dash included
    assert parse("strategiska planen 2023–2025 om bredband").content == "om bredband"


@pytest.mark.parametrize("query", ["   ", "\x00", "🙂🙂", "?!", ""])
def test_queries_without_letters_or_digits_have_no_content(query: str) -> None:
    assert not has_content(query)


def test_sentences_are_cut_before_capitals_and_bullets() -> None:
    text = "Målet är 70 %. Det gäller 2030! • Fler bostäder • Bättre vägar"
    assert [text[a:b] for a, b in sentence_spans(text)] == ["Målet är 70 %.", "Det gäller 2030!", "• Fler bostäder", "• Bättre vägar"]


def test_rank_fusion() -> None:
    fused = fuse([([(1, 0.9), (2, 0.8)], 1.0), ([(2, 5.0), (3, 4.0)], 1.0)])
    assert [row for row, _ in fused] == [2, 1, 3]


def test_score_combination_keeps_distances_and_bonuses_add() -> None:
    assert normalised([(1, 0.9), (2, 0.8), (3, 0.5)]) == pytest.approx({1: 1.0, 2: 0.75, 3: 0.0})
    assert normalised([(4, 2.0)]) == {4: 1.0}
    assert normalised([]) == {}
    # dense puts 1 far ahead of 2; BM25 puts 2 first by a hair: rank fusion would tie them,
    # the combination keeps dense's clear lead
    dense = [(1, 0.90), (2, 0.80), (3, 0.79)]
    lexical = [(2, 5.0), (1, 4.9), (5, 1.0)]
    combined = combine([(dense, 1.0), (lexical, 0.7)])
    assert [row for row, _ in combined] == [1, 2, 3, 5]
    assert dict(combined)[5] == pytest.approx(0.0)
    assert [row for row, _ in boost(combined, {3: 2.0})] == [3, 1, 2, 5]


def test_best_sentence_cell_and_its_page() -> None:
    text = "Regionen har en vision. Budgeten för 2024 är 1 246,2 tkr enligt planen."
    terms = [(word.start, term) for word, term in analyzed_words(text, "sv")]
    start, end = best_sentence(text, terms, {"budget": 2.0, "2024": 1.0})
    assert text[start:end].startswith("Budgeten för 2024")
    row = "Budget hälso- och sjukvård (tkr) — Budget — 2023: 1 246,2; 2024: 1 300,5"
    start, end = best_cell(row, [2024])
    assert row[start:end] == "2024: 1 300,5"
    pages = {24: "… Regionen har en vision.", 25: "Budgeten för 2024 är 1 246,2 tkr enligt planen. Mer text"}
    assert page_of("Budgeten för 2024 är 1 246,2 tkr enligt planen.", (24, 25), pages) == 25
    assert page_of("Inte på någon sida.", (24, 25), pages) == 24


def test_confidence_rises_with_margin_and_coverage() -> None:
    assert idf(0, 100) > idf(50, 100)
    assert coverage({"a": 3.0, "b": 1.0}, ["a", "x"]) == pytest.approx(0.75)
    assert coverage({}, ["a"]) == 0.0
    low, high = confidence(Signals(0.0, 0.0)), confidence(Signals(0.08, 1.0))
    assert 0 <= low < 0.5 < high <= 1
    # the query is as sure as its surest hit, never surer: a margin from one passage and the
    # words from another do not add up
    hits = [Signals(0.05, 0.1), Signals(0.01, 0.9), Signals(0.04, 0.8)]
    assert best_hit(hits) == Signals(0.04, 0.8)
    assert query_confidence(hits) == pytest.approx(confidence(Signals(0.04, 0.8)))
    assert query_confidence(hits) < confidence(Signals(0.05, 0.9))
    assert query_confidence([]) == 0.0


def test_balanced_logistic_fit_separates_separable_points() -> None:
    x = np.array([[0.0, 0.0], [0.01, 0.1], [0.06, 0.9], [0.05, 1.0], [0.07, 0.8]])
    y = np.array([0.0, 0.0, 1.0, 1.0, 1.0])
    w = fit(x, y)
    assert list(predict(w, x) >= 0.5) == [False, False, True, True, True]


def test_best_hit_fit_tells_one_answering_passage_from_two_half_matches() -> None:
    # answerable: one passage stands out and holds the words; unanswerable: one stands out
    # without the words, another holds the words without standing out. The best margin and the
    # best coverage of the two are the same pair, so only the per-hit model can tell them apart.
    answering = [[Signals(0.06, 0.9), Signals(0.0, 0.1)], [Signals(0.05, 0.8)], [Signals(0.07, 1.0)]]
    half = [[Signals(0.06, 0.0), Signals(0.0, 0.9)], [Signals(0.07, 0.1), Signals(0.01, 1.0)], [Signals(0.05, 0.0), Signals(0.0, 0.8)]]
    y = np.array([1.0] * len(answering) + [0.0] * len(half))
    w = fit_best_hit(answering + half, y)
    assert list(verdicts(w, answering + half)) == [True] * 3 + [False] * 3

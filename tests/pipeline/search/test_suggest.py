"""'Menade du …' over a vocabulary: distance, compounds, the closest term, the corrected query."""

from __future__ import annotations

from pipeline.search.suggest import Suggester, Suggestion, corrected_query, distance, edits_allowed

VOCABULARY = {
    "kollektivtrafik": 12,
    "kompetensförsörjning": 30,
    "försörjning": 9,
    "sjukvård": 20,
    "budget": 15,
    "infrastruktur": 7,
    "region": 80,
    "regim": 1,
    "skola": 4,
    "gård": 2,
    "2024": 50,
}


def test_distance_counts_a_transposition_once_and_stops_past_the_limit() -> None:
    assert distance("försvar", "förvsar", 2) == 1
    assert distance("kolektivtrafik", "kollektivtrafik", 2) == 1
    assert distance("budget", "budget", 1) == 0
    assert distance("region", "skola", 2) == 3  # over the limit: limit + 1
    assert distance("a", "abcdef", 2) == 3


def test_long_words_allow_two_edits_short_ones_one() -> None:
    assert edits_allowed("budgt") == 1
    assert edits_allowed("infrastuktur") == 2


def test_closest_term_within_the_allowed_edits() -> None:
    look = Suggester(VOCABULARY)
    assert look.correct("kolektivtrafik") == "kollektivtrafik"
    assert look.correct("infrastuktur") == "infrastruktur"
    assert look.correct("budgte") == "budget"
    assert look.correct("xqzvblorp") is None
    assert not look.known("2024x") and look.known("region")


def test_a_tie_goes_to_the_more_frequent_term() -> None:
    # "regin" is one edit from both "region" (df 80) and "regim" (df 1)
    assert Suggester(VOCABULARY).correct("regin") == "region"


def test_compounds_of_known_words_are_not_misspellings() -> None:
    look = Suggester(VOCABULARY)
    assert look.is_compound("sjukvårdsbudget")  # sjukvård + s + budget
    assert look.is_compound("sjukvårdbudget")
    assert look.is_compound("skolgård")  # "skola" drops its final vowel
    assert not look.is_compound("kolektivtrafik")


def test_a_compound_is_corrected_in_its_tail() -> None:
    look = Suggester({"kompetens": 5, "försörjning": 9})
    assert look.correct("kompetensförsörjnig") == "kompetensförsörjning"


def test_corrected_query_replaces_each_word_in_place() -> None:
    query = "kolektivtrafik och infrastuktur 2024"
    found = [Suggestion("kolektivtrafik", 0, 14, "kollektivtrafik"), Suggestion("infrastuktur", 19, 31, "infrastruktur")]
    assert corrected_query(query, found) == "kollektivtrafik och infrastruktur 2024"
    assert corrected_query(query, []) is None

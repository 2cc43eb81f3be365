"""Sentence splitting and lemmas of the blank spaCy pipelines."""

from __future__ import annotations

import pytest

from pipeline.text.nlp import get_pipeline, resolve_language, sentences, words


def _lemmas(text: str, lang: str) -> list[str]:
    return [word.lemma for word in words(text, lang)]


@pytest.mark.parametrize(
    "text",
    [
        "Regionen ska bl.a. satsa på primärvården.",
        "Det gäller t.ex. vård nära patienten.",
        "Vi arbetar med den s.k. Nära vård i hela länet.",
        "Vården ska vara jämlik, dvs. ges efter behov.",
        "Kostnaden är ca. 5 mnkr per år.",
        "Avgiften gäller fr.o.m. 1 januari 2024.",
        "Mötet börjar kl. 10 i Luleå.",
        "Ökningen är 2,5 procent jämfört med 2022.",
        "Sida 5 (52) visar resultatbudgeten.",
        "Se avsnitt 3.2 och p.g.a. lagen även kap. 4.",
    ],
)
def test_abbreviations_and_numbers_do_not_end_a_sentence(text: str) -> None:
    assert sentences(text, "sv") == [text]


def test_sentences_split_at_sentence_ends() -> None:
    text = (
        "Regionen satsar på vård, skola m.m. Den s.k. Nära vård byggs ut. "
        "1. Inledning. 2. Mål och vision. Vad gäller? Det!\n\nNytt stycke utan punkt\n\nSista"
    )
    assert sentences(text, "sv") == [
        "Regionen satsar på vård, skola m.m.",
        "Den s.k. Nära vård byggs ut.",
        "1. Inledning.",
        "2. Mål och vision.",
        "Vad gäller?",
        "Det!",
        "Nytt stycke utan punkt",
        "Sista",
    ]


def test_units_and_electricity_end_sentences() -> None:
    assert sentences("Kostnaden är 50 mnkr. Priset på el. Nästa mening.", "sv") == [
        "Kostnaden är 50 mnkr.",
        "Priset på el.",
        "Nästa mening.",
    ]


def test_unknown_abbreviation_before_lower_case_word_keeps_the_sentence() -> None:
    assert sentences("Det framgår av bil. nr 3 till planen.", "sv") == ["Det framgår av bil. nr 3 till planen."]


def test_english_sentences() -> None:
    assert sentences("The region, e.g. Luleå, grows. It has 7 000 employees.", "en") == [
        "The region, e.g. Luleå, grows.",
        "It has 7 000 employees.",
    ]


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("avskrivningarna", "avskrivning"),
        ("soliditeten", "soliditet"),
        ("investeringarna", "investering"),
        ("kommunerna", "kommun"),
        ("Regionens", "region"),
        ("Länets", "län"),
        # a base form stays itself even where the table maps it elsewhere ("plan" → "plana")
        ("plan", "plan"),
        ("Planen", "plan"),
        ("mål", "mål"),
        ("målen", "mål"),
        ("vård", "vård"),
        ("vården", "vård"),
        # the present tense is the verb's, not the agent noun's ("arbetar" → "arbetare" in the table)
        ("arbetar", "arbeta"),
        ("arbetade", "arbeta"),
        ("skapar", "skapa"),
        ("arbetare", "arbetare"),
        ("arbetarna", "arbetare"),
        # unknown words come back lower-cased; lexical.analyze normalises them
        ("Kompetensförsörjningen", "kompetensförsörjningen"),
    ],
)
def test_swedish_lemmas(word: str, lemma: str) -> None:
    assert _lemmas(word, "sv") == [lemma]


def test_lemmas_drop_punctuation_and_keep_numbers() -> None:
    assert _lemmas("Kostnaden ökar 2,5 % till 260 000 kr (2023–2025).", "sv") == [
        "kostnad", "öka", "2,5", "till", "260", "000", "kr", "2023", "2025",
    ]


def test_english_lemmas() -> None:
    assert _lemmas("The regions were improving their strategies.", "en") == [
        "the", "region", "be", "improve", "their", "strategy",
    ]


def test_words_carry_character_spans() -> None:
    text = "Målen för 2023–2025."
    spans = [(w.start, w.end) for w in words(text, "sv")]
    assert [text[a:b] for a, b in spans] == ["Målen", "för", "2023", "2025"]


def test_unknown_language_falls_back_to_swedish_and_pipelines_are_cached() -> None:
    assert resolve_language("fi") == "sv"
    assert get_pipeline("fi").lang == "sv"
    assert get_pipeline("sv") is get_pipeline("sv")

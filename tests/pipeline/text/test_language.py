"""Language detection on the corpus ground truth and on short queries."""

from __future__ import annotations

import pytest

from pipeline.text.language import detect_language, detect_query_language
from tests.helpers import ground_truth

MIN_SWEDISH_PAGES = 0.98


def _html_paragraphs() -> list[tuple[str, str]]:
    """(lang, paragraph) for every paragraph of the HTML sections that declare a language."""
    return [
        (section["lang"], paragraph)
        for document in ground_truth()["documents"].values()
        for section in document.get("sections", [])
        if section.get("lang")
        for paragraph in section["text"].split("\n")
        if paragraph.strip()
    ]


@pytest.mark.parametrize(("lang", "paragraph"), _html_paragraphs())
def test_html_paragraphs_match_their_declared_language(lang: str, paragraph: str) -> None:
    assert detect_language(paragraph) == lang


def test_html_sections_cover_both_languages() -> None:
    assert {lang for lang, _ in _html_paragraphs()} == {"sv", "en"}


def test_swedish_pdf_pages_come_out_swedish() -> None:
    pages = [
        page["text"]
        for document in ground_truth()["documents"].values()
        for page in document.get("pages", [])
        if page["text"].strip()
    ]
    swedish = sum(detect_language(text, default="?") == "sv" for text in pages)
    assert swedish / len(pages) >= MIN_SWEDISH_PAGES


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        ("what is the region's vision?", "en"),
        ("How many employees does the region have?", "en"),
        ("vad säger planen om kompetensförsörjning?", "sv"),
        ("kompetensförsörjning", "sv"),
        ("Hur ser soliditeten ut 2024?", "sv"),
        ("budget 2024", "default"),
        ("", "default"),
        ("2024 – 2025", "default"),
    ],
)
def test_query_language(query: str, lang: str) -> None:
    assert detect_query_language(query, default="default") == lang


def test_short_text_without_cues_gets_the_default() -> None:
    assert detect_language("Region Norrbotten", default="en") == "en"
    assert detect_language("Strategisk plan", default="sv") == "sv"


def test_norwegian_looking_swedish_is_swedish() -> None:
    text = "Vi bedriver hälsovård, tandvård, regional utveckling och kultur i hela länet."
    assert detect_language(text, default="?") == "sv"


def test_other_languages_are_labelled_by_langdetect() -> None:
    """Issue 14: a German text is labelled German (not the default), a few words are not enough."""
    text = "Dies ist ein deutscher Text über die regionale Entwicklung und die Gesundheitsversorgung."
    assert detect_language(text, default="?") == "de"
    assert detect_language("Regionale Entwicklung", default="?") == "?"

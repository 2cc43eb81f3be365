"""HTML: headings and paragraphs from the DOM, navigation dropped, lang respected."""

import pytest

from bench.ingest_quality import corpus_document
from tests.helpers import ground_truth

HTML_FILES = ("om-regional-utveckling.html", "about-region-norrbotten.html")


@pytest.mark.parametrize("file_name", HTML_FILES)
def test_headings_and_levels_from_the_dom(file_name: str) -> None:
    doc = corpus_document(file_name)
    expected = [(s["heading"], s["level"]) for s in ground_truth()["documents"][file_name]["sections"]]
    assert [(h.text, h.level) for h in doc.headings] == expected


@pytest.mark.parametrize("file_name", HTML_FILES)
def test_section_text_is_extracted_and_navigation_dropped(file_name: str) -> None:
    doc = corpus_document(file_name)
    text = " ".join(p.text for p in doc.passages)
    for section in ground_truth()["documents"][file_name]["sections"]:
        for line in filter(None, section["text"].split("\n")):
            assert " ".join(line.split()) in text
    assert "Hoppa till sidans innehåll" not in text
    assert "Skip to content" not in text
    assert all(not p.pages for p in doc.passages)


def test_english_part_is_english_and_swedish_part_swedish() -> None:
    doc = corpus_document("about-region-norrbotten.html")
    by_section = {p.section_path[-1]: p.lang for p in doc.passages}
    for section in ground_truth()["documents"]["about-region-norrbotten.html"]["sections"]:
        if section["text"]:
            assert by_section[section["heading"]] == section["lang"]

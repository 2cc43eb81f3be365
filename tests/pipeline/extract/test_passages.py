"""Passages: inside one section, with page, label, section path and language."""

import re

import pytest

from bench.ingest_quality import CORPUS_PDFS, corpus_document
from pipeline.extract.passages import MAX_WORDS, Sentence, pack
from pipeline.records import Line


def _squash(text: str) -> str:
    """Letters and digits only: line-end hyphens and spacing no longer matter."""
    return re.sub(r"[\W_]+", "", text.casefold())


@pytest.mark.parametrize("file_name", CORPUS_PDFS)
def test_every_passage_lies_inside_one_section(file_name: str) -> None:
    """A text passage is a contiguous piece of its own section's body text or footnotes."""
    doc = corpus_document(file_name)
    streams: dict[tuple[str, ...], list[str]] = {}
    for section in doc.sections:
        for roles in ({"body", "caption"}, {"footnote"}):
            streams.setdefault(section.path, []).append(
                _squash(" ".join(l.text for l in section.lines if l.role in roles))
            )
    for passage in (p for p in doc.passages if p.kind == "text"):
        assert any(_squash(passage.text) in stream for stream in streams[passage.section_path]), passage.text[:80]


@pytest.mark.parametrize("file_name", CORPUS_PDFS)
def test_every_passage_has_page_label_and_section(file_name: str) -> None:
    doc = corpus_document(file_name)
    labelled = {p.number for p in doc.pages if p.label}
    assert doc.passages
    for passage in doc.passages:
        assert passage.pages and all(1 <= p <= len(doc.pages) for p in passage.pages)
        assert passage.section_path
        for page, label in zip(passage.pages, passage.page_labels):
            assert (label is not None) == (page in labelled)


@pytest.mark.parametrize("file_name", CORPUS_PDFS)
def test_passage_length_and_stable_ids(file_name: str) -> None:
    doc = corpus_document(file_name)
    text_passages = [p for p in doc.passages if p.kind == "text"]
    assert all(len(p.text.split()) <= MAX_WORDS + 60 for p in text_passages)
    assert len({p.passage_id for p in doc.passages}) == len(doc.passages)
    assert all(p.lemmas for p in text_passages)


def test_a_passage_on_a_known_page_carries_its_printed_label() -> None:
    doc = corpus_document("strategisk-plan-2023-2025.pdf")
    hits = [p for p in doc.passages if "civilt försvar" in p.text]
    assert hits
    assert all(str(page) == label for p in hits for page, label in zip(p.pages, p.page_labels))


def test_swedish_passages_are_detected_as_swedish() -> None:
    passages = [p for f in CORPUS_PDFS for p in corpus_document(f).passages if p.kind == "text"]
    share = sum(p.lang == "sv" for p in passages) / len(passages)
    assert share >= 0.98


def test_packing_respects_the_maximum_and_keeps_sentences_whole() -> None:
    line = Line(text="x", bbox=(0, 0, 1, 1), size=10, bold=False, page=1)
    sentence = Sentence(" ".join(["ord"] * 40) + ".", (line,))
    chunks = pack([[sentence] * 3, [sentence] * 5, [sentence] * 4])
    assert all(sum(len(s.text.split()) for s in c) <= MAX_WORDS for c in chunks)
    assert sum(len(c) for c in chunks) == 12

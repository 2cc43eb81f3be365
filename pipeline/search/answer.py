"""The answer inside a passage: its best sentence (or table cell) and the page that sentence is on.

A passage runs up to a few sentences and can cross a page break; citing the page it starts
on sent readers one page early (issue 16: "budget…" #2 cited p. 24, the text is on p. 25).
The best sentence is the one that covers most of the question's idf-weighted terms (the
question's years count as terms); ties go to the earlier sentence. Its page is found by
looking its opening words up in the stored text of the passage's pages.

A table row reads "Caption — Row — 2023: 1,2; 2024: 1,4": its best cell is the one whose
column header holds a year the question asks about, else its first cell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pipeline.text.analysis import analyze
from pipeline.text.nlp import sentences

PAGE_PROBE_CHARS = 40
"""Opening characters of a sentence looked up in page texts: long enough to be unique on a page."""
CELL = re.compile(r"(?:^|; |— )([^;—]+?: [^;—]+?)(?=;|$)")


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (found again in the text, in order)."""
    spans: list[tuple[int, int]] = []
    at = 0
    for sentence in sentences(text, lang):
        start = text.find(sentence.strip(), at)
        if start < 0:
            continue
        end = start + len(sentence.strip())
        spans.append((start, end))
        at = end
    return spans or [(0, len(text))]


def best_sentence(text: str, lang: str, weights: Mapping[str, float]) -> tuple[int, int]:
    """The span of the sentence that covers most of the weighted query terms."""
    spans = sentence_spans(text, lang)
    if len(spans) == 1 or not weights:
        return spans[0]
    scores = []
    for start, end in spans:
        terms = set(analyze(text[start:end], lang))
        scores.append(sum(w for t, w in weights.items() if t in terms))
    return spans[max(range(len(spans)), key=lambda i: (scores[i], -i))]


def best_cell(text: str, years: Sequence[int]) -> tuple[int, int]:
    """The span of a table row's cell ("2024: 1 246,2") under a wanted year, else its first cell."""
    cells = [(m.start(1), m.end(1)) for m in CELL.finditer(text)]
    if not cells:
        return (0, len(text))
    for year in years:
        for start, end in cells:
            if str(year) in text[start:end].split(":", 1)[0]:
                return (start, end)
    return cells[0]


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).casefold()


def page_of(sentence: str, pages: Sequence[int], page_texts: Mapping[int, str]) -> int | None:
    """The page whose text holds the sentence's opening, else the passage's first page."""
    if len(pages) <= 1:
        return pages[0] if pages else None
    probe = _squash(sentence)[:PAGE_PROBE_CHARS]
    for page in pages:
        if probe and probe in _squash(page_texts.get(page, "")):
            return page
    return pages[0]

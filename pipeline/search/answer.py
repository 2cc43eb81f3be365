"""The answer inside a passage: its best sentence (or table cell) and the page that sentence is on.

A passage runs up to a few sentences and can cross a page break; citing the page it starts
on sent readers one page early (issue 16: "budget…" #2 cited p. 24, the text is on p. 25).
The best sentence is the one that covers most of the question's idf-weighted terms (the
question's years count as terms); ties go to the earlier sentence. The passage's words are
analysed once per hit, for its highlights and its best sentence together. Its page is found by
looking its opening words up in the stored text of the passage's pages.

A table row reads "Caption — Row — 2023: 1,2; 2024: 1,4": its best cell is the one whose
column header holds a year the question asks about, else its first cell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

PAGE_PROBE_CHARS = 40
"""Opening characters of a sentence looked up in page texts: long enough to be unique on a page."""
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"”»(]?[A-ZÅÄÖ0-9•])|\s+(?=• )")
CELL = re.compile(r"(?:^|; |— )([^;—]+?: [^;—]+?)(?=;|$)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``: a cut after ., ! or ? before a capital,
    digit or bullet, and before a bullet. A regular expression, not spaCy's parser: it runs
    for every hit of every query (spaCy cost about 15 ms a passage; this costs microseconds)."""
    spans: list[tuple[int, int]] = []
    at = 0
    for cut in SENTENCE_BREAK.finditer(text):
        if cut.start() > at:
            spans.append((at, cut.start()))
        at = cut.end()
    if at < len(text):
        spans.append((at, len(text)))
    return spans or [(0, len(text))]


def best_sentence(text: str, terms: Sequence[tuple[int, str]], weights: Mapping[str, float]) -> tuple[int, int]:
    """The span of the sentence whose words (``terms``: start offset and analysed term of each
    word of ``text``) cover most of the weighted query terms; the first sentence on a tie."""
    spans = sentence_spans(text)
    if len(spans) == 1 or not weights:
        return spans[0]
    found: list[set[str]] = [set() for _ in spans]
    i = 0
    for start, term in sorted(terms):
        while i < len(spans) - 1 and start >= spans[i][1]:
            i += 1
        found[i].add(term)
    scores = [sum(w for t, w in weights.items() if t in terms_of) for terms_of in found]
    return spans[max(range(len(spans)), key=lambda n: (scores[n], -n))]


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

"""Every statement of a document, each with the exact page it stands on: the evidence units.

A goal may be restated anywhere in a target: in running text that is not phrased as a
goal, in a list item, a table row or a section heading ("Smart specialisering och breddat
näringsliv"). The cross-check therefore judges single statements, not passages of ~180
words, and cites the page of the statement itself: a passage that starts at the bottom of
page 18 cites 18, but its sentence "Civilsamhället och kulturen är starkt …" stands on 19.

The page is found by looking up the statement's opening words in the text of the pages
its passage spans, compared on letters and digits only (line breaks, hyphenation and
spacing differ between a passage and its page).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pipeline.crosscheck.goal_cues import CLAUSE_STARTERS, is_verb_form
from pipeline.records import Cited, Passage
from pipeline.text.nlp import sentences

MIN_WORDS = 3
"""Shorter pieces ("Sida 5", a lone label) say nothing a goal could be checked against."""
MAX_WORDS = 90
"""Longer "sentences" are lists that lost their breaks; they are cut into items first."""
KEY_CHARS = (40, 20, 10)
"""Opening characters looked up on the pages, longest first (a shorter key survives an
extraction difference further into the sentence)."""

_BULLET = re.compile(r"\s*[•▪●◦]\s*|(?<=[:.])\s+[–-]\s+")
_CAPS_HEADING = re.compile(r"(?<![\w:])(?:[A-ZÅÄÖ][A-ZÅÄÖ\-]+,?\s+){1,}[A-ZÅÄÖ][A-ZÅÄÖ\-]+:?(?![\w])")
_GLUED_FOOTNOTE = re.compile(r"(?<=[a-zåäö]) \d{1,2} (?=[A-ZÅÄÖ][a-zåäö])")
_NOT_KEY = re.compile(r"[\W_]+")
BREAK_WINDOW = 4
"""Lines either side whose longest sets the column width a line is measured against (a
two-column page's columns differ; a few neighbours stay in one column)."""
BREAK_SLACK = 4
"""Characters of room a line must still have for the next line's first word before its end
counts as a hard break (characters of a proportional font differ in width)."""
TAIL_WORDS = 2
"""Closing words of a line that, with the next line's first word, locate the break in a passage."""
OPEN_ENDINGS = frozenset({
    "i", "på", "av", "till", "från", "med", "om", "för", "mot", "vid", "hos", "genom", "under", "över", "mellan",
    "och", "eller", "samt", "att", "som", "en", "ett", "den", "det", "de", "ska", "skall", "kan", "bli", "vara",
})
"""Words no sentence or list item ends on (prepositions, conjunctions, articles, auxiliaries): a
line ending in one continues on the next even when that line's first word would have fitted
("… ska bli" / "Sveriges mest välkomnande …", "Män i" / "Norrbotten"). Of the 314 breaks found
in the three PDFs, 5 ended so and all 5 were wraps."""


@dataclass(frozen=True)
class Statement(Cited):
    """One sentence, list item, table row or heading of a document, with its own page (``pages``
    holds that one page, empty for a document without pages)."""

    kind: str
    """``sentence``, ``item``, ``table`` or ``heading``."""
    passage_id: str
    lang: str


def statement(doc_id: str, text: str, page: int | None, label: str | None, kind: str,
              section_path: tuple[str, ...], passage_id: str, lang: str) -> Statement:
    """A statement printed on one page (or on none)."""
    return Statement(doc_id=doc_id, text=text, section_path=section_path, pages=(page,) if page else (),
                     page_labels=(label,) if page else (), kind=kind, passage_id=passage_id, lang=lang)


def _key(text: str) -> str:
    return _NOT_KEY.sub("", text.casefold())


def locate_page(text: str, pages: Sequence[int], page_keys: Mapping[int, str]) -> int | None:
    """The page of ``pages`` on which ``text`` starts (the first one when it cannot tell)."""
    if len(pages) <= 1:
        return pages[0] if pages else None
    key = _key(text)
    for length in KEY_CHARS:
        found = [p for p in pages if key[:length] and key[:length] in page_keys.get(p, "")]
        if len(found) == 1:
            return found[0]
    return pages[0]


def hard_breaks(page_text: str) -> list[tuple[str, str]]:
    """(tail, head) of each line end on a page that is a paragraph or list-item end without
    punctuation: the line ends in a letter, the next starts with a capital, and the next
    line's first word would have fitted on the line ("… ungas psykiska hälsa" / "Norrbotten
    ska hålla ihop."; list items whose bullets are drawings). A wrap before a name
    ("… samverkan med" / "Norrbotten …") leaves no room for it and is no break."""
    lines = [" ".join(line.split()) for line in page_text.splitlines()]
    found = []
    for i, (line, following) in enumerate(zip(lines, lines[1:])):
        if not line or not following or not line[-1].isalpha() or not following[0].isupper():
            continue
        if line.split()[-1].lower() in OPEN_ENDINGS:
            continue
        width = max(len(other) for other in lines[max(0, i - BREAK_WINDOW) : i + BREAK_WINDOW + 2])
        head = following.split()[0]
        if len(line) + 1 + len(head) + BREAK_SLACK <= width:
            found.append((" ".join(line.split()[-TAIL_WORDS:]), head))
    return found


def cut_at_breaks(text: str, breaks: Sequence[tuple[str, str]]) -> list[str]:
    """``text`` cut before the head of every hard break it contains."""
    cuts = {0, len(text)}
    for tail, head in breaks:
        for match in re.finditer(rf"(?<!\S){re.escape(tail)}\s+(?={re.escape(head)}(?!\S))", text):
            cuts.add(match.end())
    points = sorted(cuts)
    return [text[a:b].strip() for a, b in zip(points, points[1:]) if text[a:b].strip()]


def _items(text: str, lang: str) -> list[str]:
    """A run of list lines joined with spaces ("Skapa … Öka andelen …"), cut before each
    capitalised verb form that follows a lower-case word; other text stays whole."""
    tokens = list(re.finditer(r"\S+", text))
    if not tokens or not is_verb_form(tokens[0].group(), lang):
        return [text]
    cuts = [0]
    for previous, token in zip(tokens, tokens[1:]):
        word = token.group()
        if word[0].isupper() and previous.group()[-1].islower() and (
            is_verb_form(word, lang) or word.lower() in CLAUSE_STARTERS
        ):
            cuts.append(token.start())
    return [text[a:b].strip() for a, b in zip(cuts, [*cuts[1:], len(text)])]


def _pieces(text: str, lang: str, breaks: Sequence[tuple[str, str]] = ()) -> Iterable[tuple[str, str]]:
    """(kind, text) of the sentences and list items of a text passage (cut first at the hard
    line breaks of its pages)."""
    text = _GLUED_FOOTNOTE.sub("\n\n", text)
    for chunk in (c for block in cut_at_breaks(text, breaks) for c in _BULLET.split(block)):
        for part in _CAPS_HEADING.split(chunk):
            for sentence in sentences(part, lang):
                items = _items(sentence, lang)
                kind = "item" if len(items) > 1 or len(sentence.split()) > MAX_WORDS else "sentence"
                yield from ((kind if len(items) > 1 else "sentence", item) for item in items)


def statements_of(passages: Sequence[Passage], page_texts: Mapping[int, str],
                  labels: Mapping[int, str | None]) -> list[Statement]:
    """Statements of one document's passages in reading order, headings included once each."""
    page_keys = {page: _key(text) for page, text in page_texts.items()}
    breaks = {page: hard_breaks(text) for page, text in page_texts.items()}
    found: list[Statement] = []
    headings: set[str] = set()
    for p in sorted(passages, key=lambda p: p.ordinal):
        for depth, heading in enumerate(p.section_path):
            if heading not in headings and len(heading.split()) >= 2:
                headings.add(heading)
                page = locate_page(heading, p.pages, page_keys)
                found.append(statement(p.doc_id, heading, page, labels.get(page or 0), "heading",
                                       p.section_path[: depth + 1], p.passage_id, p.lang))
        pieces = [("table", p.text)] if p.kind == "table" else _pieces(
            p.text, p.lang, [b for page in p.pages for b in breaks.get(page, ())])
        for kind, text in pieces:
            text = " ".join(text.split())
            if len(text.split()) < MIN_WORDS:
                continue
            page = locate_page(text, p.pages, page_keys)
            found.append(statement(p.doc_id, text, page, labels.get(page or 0), kind, p.section_path,
                                   p.passage_id, p.lang))
    return found

"""Cut sections into passages on sentence boundaries, and tables into row passages.

A passage never crosses a section boundary. Inside a section, paragraphs are split into
sentences and sentences are packed into passages of about `TARGET_WORDS` (at most
`MAX_WORDS`); a passage closes at a paragraph end once it is long enough. Footnotes are
packed on their own, so a footnote at the bottom of a page never cuts a sentence that
runs on to the next page.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pipeline.extract.structure import section_for
from pipeline.extract.tables import linearize_table
from pipeline.records import PATH_SEPARATOR, BBox, Line, Passage, Section, Table
from pipeline.text.analysis import analyze
from pipeline.text.language import detect_language
from pipeline.text.nlp import sentences
from pipeline.text.normalise import join_lines

MIN_WORDS = 100
TARGET_WORDS = 180
MAX_WORDS = 250
BODY_ROLES = frozenset({"body", "caption"})


@dataclass(frozen=True)
class Sentence:
    text: str
    lines: tuple[Line, ...]
    """The lines the sentence's characters come from."""


def passage_id(doc_id: str, section_path: tuple[str, ...], text: str) -> str:
    """Stable identity: the same text in the same section of the same file keeps its id."""
    digest = hashlib.sha256("\x1f".join([doc_id, PATH_SEPARATOR.join(section_path), text]).encode())
    return digest.hexdigest()[:32]


def paragraphs(lines: tuple[Line, ...], roles: frozenset[str]) -> list[list[Line]]:
    """Group a section's lines of the given roles into paragraphs (layout blocks).

    A paragraph that runs from the bottom of one page or column to the top of the next
    stays one paragraph when it does not end a sentence.
    """
    out: list[list[Line]] = []
    for line in lines:
        if line.role not in roles:
            continue
        if out and (out[-1][-1].page, out[-1][-1].block) == (line.page, line.block):
            out[-1].append(line)
        elif out and _runs_on(out[-1][-1], line):
            out[-1].append(line)
        else:
            out.append([line])
    return out


def _runs_on(prev: Line, line: Line) -> bool:
    moved = line.page != prev.page or line.region != prev.region
    ends_sentence = prev.text.rstrip().endswith((".", "!", "?", ":", "”", '"'))
    return moved and not ends_sentence and line.role == prev.role and abs(line.size - prev.size) < 0.6


def split_sentences(paragraph: list[Line], lang: str) -> list[Sentence]:
    """Split one paragraph into sentences, remembering which lines each one came from."""
    text = ""
    spans: list[tuple[int, Line]] = []  # (start offset in text, line)
    for line in paragraph:
        joined = join_lines([text, line.text]) if text else line.text
        spans.append((len(joined) - len(line.text), line))
        text = joined
    out: list[Sentence] = []
    cursor = 0
    for sentence in sentences(text, lang):
        start = text.find(sentence, cursor)
        start = cursor if start < 0 else start
        end = start + len(sentence)
        cursor = end
        used = tuple(line for i, (offset, line) in enumerate(spans) if offset < end and _line_end(spans, i, text) > start)
        out.append(Sentence(sentence, used or (paragraph[0],)))
    return out


def _line_end(spans: list[tuple[int, Line]], i: int, text: str) -> int:
    return spans[i + 1][0] if i + 1 < len(spans) else len(text)


def pack(sentence_groups: list[list[Sentence]]) -> list[list[Sentence]]:
    """Pack paragraphs' sentences into chunks of about TARGET_WORDS, closing at a
    paragraph end once a chunk is long enough, never above MAX_WORDS (except a single
    over-long sentence, which stays whole)."""
    chunks: list[list[Sentence]] = []
    current: list[Sentence] = []
    words = 0
    for group in sentence_groups:
        for sentence in group:
            n = len(sentence.text.split())
            if current and words + n > MAX_WORDS:
                chunks.append(current)
                current, words = [], 0
            current.append(sentence)
            words += n
        if words >= TARGET_WORDS:
            chunks.append(current)
            current, words = [], 0
    if current:
        # a short tail joins the previous chunk of the section when it fits
        if chunks and words < MIN_WORDS and sum(len(s.text.split()) for s in chunks[-1]) + words <= MAX_WORDS:
            chunks[-1].extend(current)
        else:
            chunks.append(current)
    return chunks


class PassageBuilder:
    """Builds the passages of one document."""

    def __init__(self, doc_id: str, default_lang: str, page_labels: dict[int, str | None], paged: bool) -> None:
        self.doc_id = doc_id
        self.default_lang = default_lang
        self.page_labels = page_labels
        self.paged = paged
        self.passages: list[Passage] = []

    def _language(self, lines: tuple[Line, ...], text: str) -> str:
        declared = {line.lang for line in lines if line.lang}
        if len(declared) == 1:
            return declared.pop()
        return detect_language(text, default=self.default_lang)

    def _add(self, text: str, path: tuple[str, ...], lines: tuple[Line, ...], kind: str, bbox: BBox | None) -> None:
        lang = self._language(lines, text)
        pages = tuple(sorted({line.page for line in lines})) if self.paged else ()
        self.passages.append(
            Passage(
                passage_id=passage_id(self.doc_id, path, text),
                doc_id=self.doc_id,
                text=text,
                section_path=path,
                pages=pages,
                page_labels=tuple(self.page_labels.get(p) for p in pages),
                bbox=bbox,
                lang=lang,
                kind=kind,
                lemmas=" ".join(analyze(text, lang)),
                ordinal=len(self.passages),
            )
        )

    def add_section(self, section: Section) -> None:
        for roles in (BODY_ROLES, frozenset({"footnote"})):
            groups = []
            for paragraph in paragraphs(section.lines, roles):
                lang = self._language(tuple(paragraph), " ".join(l.text for l in paragraph))
                groups.append(split_sentences(paragraph, lang))
            for chunk in pack(groups):
                lines = tuple(dict.fromkeys(line for s in chunk for line in s.lines))
                text = " ".join(s.text for s in chunk)
                self._add(text, section.path, lines, "text", lines[0].bbox)

    def add_table(self, table: Table, path: tuple[str, ...]) -> None:
        marker = Line(text="", bbox=table.bbox, size=0.0, bold=False, page=table.page)
        for row_text in linearize_table(table):
            self._add(row_text, path, (marker,), "table", table.bbox)


def build_passages(
    doc_id: str,
    sections: tuple[Section, ...],
    tables: tuple[Table, ...],
    default_lang: str,
    page_labels: dict[int, str | None],
    paged: bool = True,
) -> list[Passage]:
    """All passages of a document: section text in reading order, then table rows."""
    builder = PassageBuilder(doc_id, default_lang, page_labels, paged)
    for section in sections:
        builder.add_section(section)
    for table in tables:
        builder.add_table(table, section_for(sections, table))
    return builder.passages

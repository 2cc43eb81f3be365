"""Understanding a question: which document it names, which years it asks about, what is left.

Staff write "vad säger planen om …", "enligt RUS …", "i pressmeddelandet …": those words
name a document, they are not what is searched for. Matched as content, "planen" and
"strategiska" pulled in every passage that merely says "strategisk plan". The references
are recognised from what the index knows about its documents, never from a fixed list:

- the document's kind ("strategisk plan", "regional utvecklingsstrategi"), in any form
  ("strategiska planen", "regionala utvecklingsstrategin");
- the last word of the kind on its own, only in its definite form ("planen",
  "utvecklingsstrategin", "pressmeddelandet"): the indefinite "plan" is too often content;
- the title without its years, when it has at least `MIN_TITLE_TERMS` content words
  (shorter titles, such as "Om regional utveckling", are everyday phrases of the corpus);
- an acronym written in capitals that is the file name's stem ("RUS" for rus-2030.pdf).

Words are compared as analysed terms (`pipeline.text.analysis`), so inflections meet.
English questions are matched through their glossary rendering ("the strategic plan" →
"strategisk plan"). Years (1900–2099) are picked out as preferences; a year right after a
reference that belongs to that document's title ("strategiska planen 2023–2025") is part of
the reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.search.glossary import rendering
from pipeline.text.analysis import analyze, analyzed_words

MIN_TITLE_TERMS = 3
"""Fewest content words a title needs to count as a reference on its own (see above)."""
YEAR = re.compile(r"^(19|20)\d\d$")
ACRONYM = re.compile(r"^[A-ZÅÄÖ]{2,6}$")
JOINER = re.compile(r"[\s\-–—]*")


@dataclass(frozen=True)
class Alias:
    doc_id: str
    terms: tuple[str, ...]
    definite_only: bool = False
    acronym: bool = False


@dataclass(frozen=True)
class DocumentFacts:
    """What the understanding needs to know about one indexed document."""

    doc_id: str
    title: str
    kind: str
    file_name: str


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    lang: str
    documents: tuple[str, ...]
    """Ids of the documents the question names, in order of mention."""
    years: tuple[int, ...]
    content: str
    """The question without the words that name a document (what lexical search matches)."""


def has_content(query: str) -> bool:
    """Whether a query has a letter or digit to search for (not only spaces, symbols, emoji or NUL)."""
    return any(ch.isalnum() for ch in query)


def _title_years(title: str) -> frozenset[int]:
    return frozenset(int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", title))


def build_aliases(documents: Iterable[DocumentFacts]) -> list[Alias]:
    """Every alias of every document, longest first (so "strategiska planen" wins over "planen")."""
    aliases: list[Alias] = []
    for doc in documents:
        kind_terms = tuple(analyze(doc.kind, "sv"))
        if kind_terms:
            aliases.append(Alias(doc.doc_id, kind_terms))
            aliases.append(Alias(doc.doc_id, kind_terms[-1:], definite_only=True))
        title_terms = tuple(t for t in analyze(doc.title, "sv") if not YEAR.match(t))
        if len(title_terms) >= MIN_TITLE_TERMS:
            aliases.append(Alias(doc.doc_id, title_terms))
        stem = re.sub(r"[\d_-]+", " ", doc.file_name.rsplit(".", 1)[0]).split()
        if len(stem) == 1 and len(stem[0]) <= 6:
            aliases.append(Alias(doc.doc_id, (stem[0].lower(),), acronym=True))
    return sorted(aliases, key=lambda a: -len(a.terms))


def _matches(alias: Alias, words: Sequence[tuple[str, str]], at: int) -> bool:
    span = words[at : at + len(alias.terms)]
    if len(span) < len(alias.terms) or tuple(term for _, term in span) != alias.terms:
        return False
    if alias.acronym:
        return bool(ACRONYM.match(span[0][0]))
    if alias.definite_only:
        written = span[0][0].lower()
        return written != alias.terms[0] and written.startswith(alias.terms[0][:-1])
    return True


def _references(words: list[tuple[str, str]], aliases: list[Alias]) -> tuple[list[str], set[int]]:
    """Document ids named in the words and the word positions that name them."""
    found: list[str] = []
    used: set[int] = set()
    for at in range(len(words)):
        if at in used:
            continue
        alias = next((a for a in aliases if _matches(a, words, at)), None)
        if alias is None:
            continue
        if alias.doc_id not in found:
            found.append(alias.doc_id)
        used.update(range(at, at + len(alias.terms)))
    return found, used


def parse_query(query: str, lang: str, aliases: list[Alias], titles: dict[str, str]) -> ParsedQuery:
    """Split a question into the documents it names, its years and its content words."""
    source, origin = (query, []) if lang == "sv" else rendering(query)
    analysed = analyzed_words(source, "sv")
    words = [(word.text, term) for word, term in analysed]
    documents, used = _references(words, aliases)
    title_years = frozenset().union(*(_title_years(titles.get(d, "")) for d in documents))
    for at in sorted(used):  # "strategiska planen 2023–2025": the title's years belong to the reference
        nxt = at + 1
        while nxt < len(words) and YEAR.match(words[nxt][1]) and int(words[nxt][1]) in title_years:
            used.add(nxt)
            nxt += 1
    years = tuple(dict.fromkeys(int(t) for i, (_, t) in enumerate(words) if i not in used and YEAR.match(t)))
    removed = [(analysed[i][0].start, analysed[i][0].end) for i in sorted(used)]
    if lang != "sv":  # the English words the rendered reference came from
        removed = [(a, b) for start, end, a, b in origin if any(s < end and start < e for s, e in removed)]
    return ParsedQuery(query, lang, tuple(documents), years, _without(query, removed))


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the spans cut out; a dash or space between two cut spans goes with them
    ("planen 2023–2025" leaves no "–")."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and JOINER.fullmatch(text[merged[-1][1] : start]):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    out, last = [], 0
    for start, end in merged:
        out.append(text[last:start])
        last = end
    out.append(text[last:])
    return " ".join("".join(out).split())

"""Goal statements of a document: sentences, table rows and list items that state a target.

A goal is what a document says should be reached ("Vi ska vara minst 260 000 invånare",
"Andelen resande med kollektivtrafik ska öka till 25 % år 2030", "Skapa hållbar
tillgänglighet" under "… MÅL ÄR ATT NORRBOTTEN SKA:"). Each goal carries its parsed
quantities, target years and direction so that the cross-check can compare goals of two
documents; descriptions of the current state, forecasts, questions, footnotes and
headings are left out.

Where goals are found:

- **sentences** of text passages that carry a goal cue (see :func:`goal_cues`);
- **list items** after a lead-in that announces goals ("… MÅL ÄR ATT NORRBOTTEN SKA:").
  Passages join a list's lines with spaces, so a run such as "Vara välkomnande, hållbart
  och attraktivt Skapa hållbar tillgänglighet Ha en …" is cut before each capitalised
  verb form that follows a lower-case word. Lists under other lead-ins and headings
  ("FÖRSLAG TILL ÅTGÄRDER") are cut the same way and their items read as sentences;
- **table rows**: the cell of a goal column ("Indikatorer", "Mål") or any cell with a goal
  cue. A baseline column ("Nuläge", "Utfall") is never read as the target; its quantities
  are kept as :attr:`Goal.baseline`.

The same goal is often printed more than once (the RUS repeats its effektmål tables in
the summary and at each chapter, pull quotes repeat body text); goals with the same
normalised text are merged and keep every page and passage they were found on.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from pipeline.crosscheck.goal_cues import CLAUSE_STARTERS, goal_cues, is_verb_form
from pipeline.crosscheck.quantities import Quantity, parse_direction, parse_quantities, parse_years
from pipeline.crosscheck.statements import cut_at_breaks, hard_breaks
from pipeline.records import Cited, Passage
from pipeline.text.nlp import sentences

MIN_SENTENCE_WORDS = 4
MAX_SENTENCE_WORDS = 70
"""Longer "sentences" are runs of list items and headings that lost their line breaks."""
MIN_ITEM_WORDS = 2
MAX_HEADING_WORDS = 6
"""A section heading of at most this many words that names goals makes its sentences goals."""


@dataclass(frozen=True)
class Goal(Cited):
    """One goal statement of a document, with every place it is printed.

    ``years`` are the target years of ``text``; when the text names none they are taken
    from its context (lead-in, table caption and row label, goal headings such as
    "Effektmål 2030 och indikatorer"), because a table cell under "Effektmål 2030" means
    2030 without saying so. Pages are those of the passages: a sentence of a passage that
    runs over a page break cites both pages. ``cues`` say why the
    statement counts as a goal (``modal``, ``goal_word``, ``target``, ``need``,
    ``goal_section``, ``goal_column``, ``list``), from strong to weak.
    """

    goal_id: str
    passage_id: str
    quantities: tuple[Quantity, ...]
    years: tuple[int, ...]
    direction: str | None
    source: str
    context: str = ""
    """Lead-in of a list item, or table caption and row label ("… — En livskraftig region")."""
    baseline: tuple[Quantity, ...] = ()
    """Current values of a table row (the "Nuläge" column), never the target."""
    cues: tuple[str, ...] = ()
    passage_ids: tuple[str, ...] = ()
    """Every passage the goal was found in; the first one is ``passage_id``."""


# --- cues -------------------------------------------------------------------------------

_GOAL_NOUN = r"\b(?!ändamål)\w*mål(?:et|en|s)?\b"
_GOAL_NAMES = re.compile(rf"{_GOAL_NOUN}|\bmål(?:sättning|bild|satt)\w*|\b(?:goals?|targets?|objectives?)\b", re.IGNORECASE)
"""Any word that names goals: for headings and list lead-ins."""
_META = re.compile(
    r"\b(?:nedan|ovan|nedanstående|ovanstående|figuren|tabellen|sidan|sida)\b|\b(?:framgår|beskrivs|redovisas)\s+"
    r"(?:i\s+|av\s+)?(?:bilaga|avsnitt|kapitel|tabell|figur)\w*",
    re.IGNORECASE,
)
"""Sentences about the document itself ("I avsnitten nedan beskrivs respektive mål")."""
_FOOTNOTE = re.compile(r"^\d{1,2}\s+[A-ZÅÄÖ]")
_GLUED_FOOTNOTE = re.compile(r"(?<=[a-zåäö]) \d{1,2} (?=[A-ZÅÄÖ][a-zåäö])")
"""A footnote printed inside a passage ("… strandnära lägen 10 Luleåregionen är …"): its text starts there."""
_GOAL_HEADER = re.compile(r"indikator|\bmål|målvärde|target|goal|objective", re.IGNORECASE)
_BASELINE_HEADER = re.compile(r"nuläge|utfall|bokslut|utgångsläge|baseline|current|\bidag\b", re.IGNORECASE)


def is_goal_heading(heading: str) -> bool:
    """True for a short heading that names goals ("Effektmål 2030 och indikatorer", "Övergripande mål")."""
    return len(heading.split()) <= MAX_HEADING_WORDS and bool(_GOAL_NAMES.search(heading))


# --- text passages ------------------------------------------------------------------------

_CAPS_WORD = r"[A-ZÅÄÖ][A-ZÅÄÖ\-]+"
_CAPS_RUN = re.compile(
    rf"(?<![\w:])(?:{_CAPS_WORD},?\s+(?:\d+\s+)?)+{_CAPS_WORD}(?::|(?![\w:]))|(?<![\w:])[A-ZÅÄÖ]{{7,}}(?![\w:])"
)
"""Headings and labels in capitals ("UTMANINGAR OCH ÅTGÄRDER", "INSATSOMRÅDE") inside passage text."""
_BULLET = re.compile(r"\s*[•▪●◦]\s*|(?<=[:.])\s+[–-]\s+")
"""Bullets, and dashes that open an item after a colon or a full stop ("…: – Silvermuseet tilldelas …")."""
_QUOTES_AND_SPACE = "\"'”“’ \u00a0"
_CONTINUING = frozenset(
    {"och", "eller", "samt", "i", "på", "till", "för", "med", "av", "från", "mot", "om", "vid", "som", "att", "en",
     "ett", "den", "det", "de", "inom", "mellan", "över", "under"}
)
"""An item cannot end with these words: a capitalised word after them is a proper noun ("… och Kiruna")."""


@dataclass(frozen=True)
class _Chunk:
    text: str
    kind: str
    """``heading`` (a line in capitals), ``lead`` (a line in capitals ending in ":"), ``bullet`` or ``body``."""


def _chunks(text: str) -> list[_Chunk]:
    """Cut passage text at headings in capitals and at bullets."""
    chunks = []
    for b, piece in enumerate(_BULLET.split(text)):
        kind = "bullet" if b else "body"
        pos = 0
        for heading in _CAPS_RUN.finditer(piece):
            chunks.append(_Chunk(piece[pos : heading.start()], kind))
            chunks.append(_Chunk(heading.group(), "lead" if heading.group().endswith(":") else "heading"))
            pos, kind = heading.end(), "body"
        chunks.append(_Chunk(piece[pos:], kind))
    return [c for c in chunks if _strip_edges(c.text)]


def _split_run_on_list(text: str, lang: str) -> tuple[list[str], str]:
    """Items of a list at the start of ``text`` whose lines were joined with spaces, and the text after it.

    An item starts with a capitalised verb form; the next item starts at the next one that
    follows a lower-case word other than a conjunction or preposition. The list ends with
    the first sentence, or at a capitalised function word ("… konkurrenskraftigt Alltid
    med hållbarhet …"); other capitalised words are proper nouns inside an item.
    """
    first = next(iter(sentences(text, lang)), "")
    tokens = list(re.finditer(r"\S+", text[: text.find(first) + len(first)] if first else ""))
    if not tokens or not tokens[0].group()[0].isupper() or not is_verb_form(tokens[0].group(), lang):
        return [], text
    items, start = [], tokens[0].start()
    for previous, token in zip(tokens, tokens[1:]):
        word = token.group()
        if not (word[0].isupper() and previous.group()[-1].islower()) or previous.group() in _CONTINUING:
            continue
        if is_verb_form(word, lang):
            items.append(text[start : previous.end()])
            start = token.start()
        elif word.lower() in CLAUSE_STARTERS:
            items.append(text[start : previous.end()])
            return items, text[token.start() :]
    items.append(text[start : tokens[-1].end()])
    return items, text[tokens[-1].end() :]


@dataclass(frozen=True)
class _Candidate:
    passage: Passage
    text: str
    source: str
    cues: tuple[str, ...]
    context: str = ""
    baseline: tuple[Quantity, ...] = ()


def _text_candidates(passage: Passage, breaks: Sequence[tuple[str, str]] = ()) -> Iterable[_Candidate]:
    """Goal sentences and list items of a text passage.

    A lead-in ("… MÅL ÄR ATT NORRBOTTEN SKA:", or a sentence ending in ":") opens a
    list: its items are goals when the lead-in names goals or the passage stands under a
    goal heading; otherwise they are read like any sentence. Text is also cut at the hard
    line breaks of the passage's pages (`statements.hard_breaks`), as the evidence is: an
    item whose bullet is a drawing ends at its line ("… forsknings- och utvecklingsprogram"
    / "Länet behöver även …").
    """
    lang = passage.lang
    # a footnote under a goal heading explains a term; only its own cues can make it a goal
    in_goal_section = any(is_goal_heading(h) for h in passage.section_path) and not _FOOTNOTE.match(passage.text)
    lead, after_heading = "", False
    for chunk in _chunks(_GLUED_FOOTNOTE.sub("\n\n", passage.text)):
        if chunk.kind in ("heading", "lead"):
            lead = chunk.text if chunk.kind == "lead" else ""
            after_heading = True
            continue
        goal_lead = bool(lead) and (bool(_GOAL_NAMES.search(lead)) or in_goal_section)
        if chunk.kind == "bullet" and goal_lead:
            yield _Candidate(passage, chunk.text, "list", ("list",), context=lead)
            continue
        pieces = [chunk.text]
        if after_heading or lead:
            items, rest = _split_run_on_list(chunk.text, lang)
            if goal_lead:
                yield from (_Candidate(passage, item, "list", ("list",), context=lead) for item in items)
                items = []
            pieces = [*items, rest]
        if chunk.kind != "bullet":
            lead, after_heading = "", False
        cut = (part for piece in pieces for part in cut_at_breaks(piece, breaks))
        for sentence in (s for part in cut for s in sentences(part, lang)):
            if sentence.rstrip().endswith(":"):
                lead = sentence
                continue
            cues = goal_cues(_clean(sentence), lang, in_goal_section=in_goal_section)
            if cues and _is_statement(sentence):
                yield _Candidate(passage, sentence, "sentence", cues)


def _is_statement(sentence: str) -> bool:
    """False for questions, footnotes, headings and text about the document itself."""
    text = _strip_edges(sentence)
    n_words = len(text.split())
    return (
        MIN_SENTENCE_WORDS <= n_words <= MAX_SENTENCE_WORDS
        and not text.endswith("?")
        and not _FOOTNOTE.match(text)
        and any(ch.islower() for ch in text)
        and not _META.search(text)
    )


# --- table passages -----------------------------------------------------------------------

_CELL = re.compile(r"(?:^|;\s+)(?P<header>[^:;]{1,60}?):\s+")
_TABLE_PARTS = " — "


def _table_cells(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(caption and row label, [(column header, cell text)]) of a linearised table row.

    Inverse of :func:`pipeline.extract.tables.linearize_table`: "CAPTION — LABEL —
    Header: cell; Header: cell". Without headers the values are split at "; ".
    """
    parts = text.split(_TABLE_PARTS)
    values = parts[-1]
    headers = list(_CELL.finditer(values))
    if len(parts) >= 2 and headers and headers[0].start() == 0:
        ends = [m.start() for m in headers[1:]] + [len(values)]
        cells = [(m.group("header"), values[m.end() : end].strip()) for m, end in zip(headers, ends)]
    elif len(parts) >= 3:
        cells = [("", cell.strip()) for cell in values.split("; ")]
    else:
        return _TABLE_PARTS.join(parts), []
    return _TABLE_PARTS.join(parts[:-1]), cells


def _table_candidates(passage: Passage) -> Iterable[_Candidate]:
    """Goal cells of a table row, and its row label when the label itself states a goal.

    A cell of a goal column ("Indikatorer") is a goal when it says where the indicator
    should go: a modal, a target, a direction or a value with a year ("100 % förnybar
    elproduktion 2040"); a cell that only names a measure is not.
    """
    context, cells = _table_cells(passage.text)
    baseline = tuple(
        q for header, cell in cells if _BASELINE_HEADER.search(header) for q in parse_quantities(cell, passage.lang)
    )
    label = context.split(_TABLE_PARTS)[-1] if _TABLE_PARTS in context else ""
    label_cues = tuple(c for c in goal_cues(_clean(label), passage.lang) if c in ("modal", "target"))
    if label_cues:
        yield _Candidate(passage, label, "table", label_cues, context=context.rsplit(_TABLE_PARTS, 1)[0])
    for header, cell in cells:
        if not cell or _BASELINE_HEADER.search(header):
            continue
        text = _clean(cell)
        cues = tuple(c for c in goal_cues(text, passage.lang) if c in ("modal", "target", "need"))
        if _GOAL_HEADER.search(header) and (cues or _states_a_target(text, passage.lang)):
            cues = ("goal_column", *cues)
        if cues:
            yield _Candidate(passage, cell, "table", cues, context=context, baseline=baseline)


def _states_a_target(text: str, lang: str) -> bool:
    """A direction, or a value together with a year: what a goal cell says beyond naming a measure."""
    quantities = parse_quantities(text, lang)
    dated = any(q.kind in ("year", "date") for q in quantities)
    return parse_direction(text) is not None or (dated and any(q.kind not in ("year", "date") for q in quantities))


# --- goals --------------------------------------------------------------------------------

_FOOTNOTE_MARK = re.compile(r"(?<=[a-zåäö]{3})\d{1,2}(?=[\s,.;:)]|$)|(?<=%)\d{1,2}\b")
"""Footnote marks glued to a word ("Ohälsotalet4", "nattbefolkning5,") or to "%" ("75 %3")."""
_CUE_ORDER = ("modal", "goal_word", "target", "need", "allocation", "action", "goal_section", "goal_column", "list")


def _strip_edges(text: str) -> str:
    """``text`` without quotes, spaces and a bracket left unbalanced at either end ("(RS, RUN) …")."""
    text = text.strip(_QUOTES_AND_SPACE)
    if text.startswith((")", "]")) or (text.startswith("(") and ")" not in text):
        text = text[1:].strip(_QUOTES_AND_SPACE)
    if text.endswith("(") or (text.endswith(")") and "(" not in text):
        text = text[:-1].strip(_QUOTES_AND_SPACE)
    return text


def _clean(text: str) -> str:
    return _strip_edges(" ".join(_FOOTNOTE_MARK.sub("", text).split()))


def _key(text: str) -> str:
    """Dedup key: case, quotes, spacing and final punctuation do not make another goal."""
    return " ".join(re.sub(r"[\"”“’']", "", text).casefold().split()).rstrip(" .;:,")


def _in_order(cues: Iterable[str]) -> tuple[str, ...]:
    """Distinct cues, strongest first."""
    present = set(cues)
    return tuple(c for c in _CUE_ORDER if c in present)


def _goal(candidate: _Candidate) -> Goal:
    p = candidate.passage
    text = _clean(candidate.text)
    years = parse_years(text, p.lang)
    if not years:
        headings = [h for h in p.section_path if is_goal_heading(h)]
        years = parse_years(" ".join((candidate.context, *headings)), p.lang)
    return Goal(
        goal_id=hashlib.blake2b(f"{p.doc_id}\x1f{_key(text)}".encode(), digest_size=16).hexdigest(),
        doc_id=p.doc_id,
        passage_id=p.passage_id,
        text=text,
        section_path=p.section_path,
        pages=p.pages,
        page_labels=p.page_labels,
        quantities=tuple(parse_quantities(text, p.lang)),
        years=tuple(years),
        direction=parse_direction(text),
        source=candidate.source,
        context=_clean(candidate.context),
        baseline=candidate.baseline,
        cues=_in_order(candidate.cues),
        passage_ids=(p.passage_id,),
    )


def _merge(first: Goal, other: Goal) -> Goal:
    """``first`` with the pages, passages, cues and years that ``other`` adds."""
    labels = dict(zip(first.pages, first.page_labels))
    for page, label in zip(other.pages, other.page_labels):
        labels.setdefault(page, label)
    pages = tuple(sorted(labels))
    return replace(
        first,
        pages=pages,
        page_labels=tuple(labels[p] for p in pages),
        years=first.years + tuple(y for y in other.years if y not in first.years),
        baseline=first.baseline or other.baseline,
        context=first.context or other.context,
        cues=_in_order(first.cues + other.cues),
        passage_ids=first.passage_ids + tuple(i for i in other.passage_ids if i not in first.passage_ids),
    )


HEADING_CUES = frozenset({"modal", "goal_word"})
"""What makes a section heading a goal: a modal or goal word in a main clause ("Norrbotten
ska vara en arktisk testbädd för Europa"). An infinitive at the start is no cue there:
many headings are noun phrases that the verb test takes for imperatives: of the corpus's 14
headings that pass it, 9 are such ("Folkhälsa, hälsa och vård", "Bilaga 4 …"); the 4 with
"ska" are all goals."""


def _heading_candidates(passage: Passage, seen: set[str]) -> Iterable[_Candidate]:
    """The section headings of ``passage`` not read before that state a goal themselves."""
    for heading in passage.section_path:
        if heading in seen:
            continue
        seen.add(heading)
        cues = tuple(c for c in goal_cues(_clean(heading), passage.lang) if c in HEADING_CUES)
        if cues:
            yield _Candidate(replace(passage, pages=passage.pages[:1], page_labels=passage.page_labels[:1]),
                             heading, "heading", cues)


def extract_goals(passages: Sequence[Passage], page_texts: Mapping[int, str] | None = None) -> list[Goal]:
    """Goal statements of the passages, merged by text per document, in reading order
    (``page_texts``, one document's text by page, give the hard line breaks)."""
    goals: dict[tuple[str, str], Goal] = {}
    headings: dict[str, set[str]] = {}
    breaks = {page: hard_breaks(text) for page, text in (page_texts or {}).items()}
    for passage in sorted(passages, key=lambda p: (p.page or 0, p.ordinal)):
        candidates = _table_candidates(passage) if passage.kind == "table" else _text_candidates(
            passage, [b for page in passage.pages for b in breaks.get(page, ())])
        for candidate in (*_heading_candidates(passage, headings.setdefault(passage.doc_id, set())), *candidates):
            goal = _goal(candidate)
            if len(goal.text.split()) < MIN_ITEM_WORDS:
                continue
            key = (goal.doc_id, _key(goal.text))
            goals[key] = _merge(goals[key], goal) if key in goals else goal
    return list(goals.values())

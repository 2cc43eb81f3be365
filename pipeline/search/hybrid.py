"""Hybrid retrieval over one index version: dense (FAISS) + BM25, their normalised scores combined.

The dense side embeds the question without the words that name a document (those give a
bonus instead) and scores each of its candidates half by its best FAISS vector, half by its
best sentence (`SENTENCE_WEIGHT`; the sentence vectors are kept beside FAISS and only the
candidates' are read). Language-aware: BM25 only matches words, so a query is matched
lexically only against passages written in the query's language, and the lexical ranking's weight in the fusion
is scaled by the share of the (filtered) collection written in that language — an English
question over Swedish documents is answered by the multilingual dense model, with a
glossary rendering of the question matched against the Swedish passages as a light
tie-breaker. Filters (document, kind, language, year) become a row mask applied to
both sides. Near-identical passages (a table repeated in two chapters) collapse into one
result that keeps every citation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from sqlite3 import Row
from typing import Any

import faiss
import numpy as np

from pipeline.embed.embedder import Embedder
from pipeline.errors import IndexMismatch, UnknownDocument
from pipeline.index.bm25 import LexicalIndex
from pipeline.index.manifest import (
    BM25_NAME,
    DB_NAME,
    FAISS_NAME,
    ROW_DOC_NAME,
    ROW_LANG_NAME,
    SENTENCE_FILES,
    UNIT_FILES,
    read_manifest,
    verify_files,
)
from pipeline.index.store import StoreReader, passage_is_ocr
from pipeline.index.vectors import RowVectors
from pipeline.records import PATH_SEPARATOR, CitedPages, file_link
from pipeline.search.answer import best_cell, best_sentence, page_of
from pipeline.search.confidence import ANSWERABLE_AT, BACKGROUND_TO, Signals, background, confidence, coverage, idf, query_confidence
from pipeline.search.fusion import boost, combine
from pipeline.search.glossary import to_swedish
from pipeline.search.understand import Alias, DocumentFacts, ParsedQuery, build_aliases, parse_query
from pipeline.text.analysis import analyze, analyzed_words, jaccard, word_set
from pipeline.text.language import detect_query_language

MODES = ("hybrid", "dense", "lexical")
FUSION_DEPTH = 50
"""How deep each retriever's list goes before fusion: the min-max normalisation of
`pipeline.search.fusion.combine` is over this list, so it is fixed, not tied to k."""
CANDIDATES = 50
"""How deep a single-mode ranking goes (at least 5k)."""
HYBRID_LEXICAL_WEIGHT = 0.5
"""Weight of BM25 (same-language passages) against dense 1.0 in the score combination,
times the share of the visible passages written in the question's language."""
HYBRID_TRANSLATED_WEIGHT = 0.1
"""Weight of BM25 over Swedish passages with the glossary rendering of a non-Swedish question
(`pipeline.search.glossary`): a tie-breaker between dense results."""
SENTENCE_WEIGHT = 0.5
"""Share of a dense candidate's score that comes from its best sentence on its own
(`pipeline.index.vectors.RowVectors`), the rest from its best FAISS vector."""
DOC_REFERENCE_BONUS = 0.5
"""Added to passages of a document the question names ("vad säger planen om …"). The reference
is no longer embedded (`_dense_text`), so this bonus alone carries it: the dev figures are the
same for every value from 0 to 1, and 0.2 (the value from when the reference was embedded too)
let "vad säger planen om kompetensförsörjning" put the strategy's passages above the plan's goal
"Hållbar kompetensförsörjning"; 0.5, half the dense side's range, keeps the named document ahead."""
YEAR_BONUS = 0.5
"""Added to passages whose text or section heading mentions a year the question asks about.
The six values above: grid on the dev questions (`python -m bench.search_leaveout`; README,
"Search that answers"): fitted R@1 0.90, MRR@10 0.931; leave-one-out 0.875 and 0.912, 5-fold
0.875 and 0.915 (38 of 40 left-out fits choose these weights; the two bonuses tie over their grid,
see `DOC_REFERENCE_BONUS` for its value)."""
LEXICAL_WEIGHT = 0.35
DENSE_WEIGHT = 1.0
"""Reciprocal-rank-fusion weights of the cross-check's evidence ranking (`pipeline.crosscheck.compare`)."""
DUPLICATE_JACCARD = 0.9
TWIN_DEPTH = 50
"""How far down the ranking near-duplicates of the kept hits are looked for. The score
combination reads about 100 rows a query (the top 50 of each side); comparing every one of them
with the kept hits took 8 ms of a 38 ms query at 100k passages. The cost: a twin ranked below
50 is no longer listed under its hit's "also at" (before the score combination the whole list
was about 40 rows, so none was)."""
VECTORS_PER_PASSAGE = 4
MIN_ID_PREFIX = 8
"""Shortest document id prefix accepted as a reference (ids are 64 hex digits)."""
"""Search this many vectors per wanted passage: a passage can own several (its windows)."""



@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    title: str
    file_name: str
    kind: str
    date: str | None
    lang: str
    media_type: str
    n_pages: int

    @property
    def year(self) -> int | None:
        match = re.match(r"\d{4}", self.date or "")
        return int(match.group(0)) if match else None


@dataclass(frozen=True)
class Citation:
    doc_id: str
    page: int | None
    page_label: str | None
    section_path: tuple[str, ...]


@dataclass(frozen=True)
class Hit(CitedPages):
    rank: int
    score: float
    row: int
    passage_id: str
    text: str
    highlights: tuple[tuple[int, int], ...]
    document: DocumentInfo
    section_path: tuple[str, ...]
    pages: tuple[int, ...]
    page_labels: tuple[str | None, ...]
    lang: str
    kind: str
    also_at: tuple[Citation, ...] = ()
    confidence: float = 0.0
    """Calibrated probability that the passage answers the question (`pipeline.search.confidence`)."""
    answer_span: tuple[int, int] | None = None
    """Character span of the best sentence (or table cell) in `text`."""
    signals: Signals = Signals(0.0, 0.0)
    """What the confidence was computed from."""
    answer_page: int | None = None
    """Page of the best sentence: the citation, which can be a later page than the passage's first."""
    ocr: bool = False
    """The passage's text was read by OCR (a scan): it may contain misread characters."""

    @property
    def page(self) -> int | None:
        return self.answer_page if self.answer_page in self.pages else super().page

    @property
    def page_label(self) -> str | None:
        page = self.page
        if page is None or page not in self.pages or len(self.page_labels) != len(self.pages):
            return super().page_label
        return self.page_labels[self.pages.index(page)]

    @property
    def link(self) -> str:
        return file_link(self.document.doc_id, self.page)


@dataclass(frozen=True)
class Filters:
    doc: str | None = None
    kind: str | None = None
    lang: str | None = None
    year: int | None = None


class SearchIndex:
    """One index version opened for reading: metadata in memory, vectors and terms on disk."""

    def __init__(self, directory: Path, verify: bool = True) -> None:
        self.directory = directory
        self.manifest = verify_files(directory) if verify else (read_manifest(directory) or {})
        self.version = directory.name
        self.store = StoreReader(directory / DB_NAME)
        self.documents = {
            r["doc_id"]: DocumentInfo(
                doc_id=r["doc_id"],
                title=r["title"],
                file_name=r["file_name"],
                kind=r["kind"],
                date=r["date"],
                lang=r["lang"],
                media_type=r["media_type"],
                n_pages=r["n_pages"],
            )
            for r in self.store.documents()
        }
        codes = self.manifest["row_codes"]
        self.doc_ids: list[str] = codes["docs"]
        self.row_doc = np.load(directory / ROW_DOC_NAME, mmap_mode="r")
        self._lang_codes = {lang: code for code, lang in enumerate(codes["langs"])}
        self._row_lang = np.load(directory / ROW_LANG_NAME, mmap_mode="r")
        self._lang_masks: dict[str, np.ndarray] = {}
        self.languages = frozenset(codes["langs"])
        # MMAP_IFC maps flat and IVF storage from the file instead of copying it into memory
        self.vectors: Any = faiss.read_index(str(directory / FAISS_NAME), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)
        self.lexical = LexicalIndex.load(directory / BM25_NAME, mmap=True)
        self.sentences = RowVectors.load(directory, SENTENCE_FILES)
        self.units = RowVectors.load(directory, UNIT_FILES)

    def __len__(self) -> int:
        return len(self.row_doc)

    def resolve_document(self, ref: str) -> str:
        """The document id of an id, a file name or an id prefix of at least
        `MIN_ID_PREFIX` characters; raises `UnknownDocument` naming the indexed files."""
        for doc_id, info in self.documents.items():
            if ref in (doc_id, info.file_name) or (len(ref) >= MIN_ID_PREFIX and doc_id.startswith(ref)):
                return doc_id
        names = ", ".join(info.file_name for info in self.documents.values())
        raise UnknownDocument(f"no indexed document '{ref}' (use an id or file name from GET /documents: {names})")

    def mask(self, filters: Filters) -> np.ndarray | None:
        """Boolean row mask for the filters, or None when nothing is filtered."""
        docs = [
            i
            for i, doc_id in enumerate(self.doc_ids)
            if (filters.doc is None or doc_id == filters.doc)
            and (filters.kind is None or self.documents[doc_id].kind == filters.kind)
            and (filters.year is None or self.documents[doc_id].year == filters.year)
        ]
        if len(docs) == len(self.doc_ids) and filters.lang is None:
            return None
        in_docs = np.isin(self.row_doc, docs)
        return in_docs if filters.lang is None else self.in_language(filters.lang, within=in_docs)

    def in_language(self, lang: str, within: np.ndarray | None = None) -> np.ndarray:
        """Boolean row mask of the passages written in ``lang``, among the rows of ``within``
        when given. The per-language mask is computed once and shared by all queries, so
        it is combined into a new array, never changed in place."""
        if lang not in self._lang_masks:
            code = self._lang_codes.get(lang)
            self._lang_masks[lang] = (
                np.zeros(len(self), dtype=bool) if code is None else np.asarray(self._row_lang == code)
            )
        return self._lang_masks[lang] if within is None else self._lang_masks[lang] & within

    def dense(self, vector: np.ndarray, k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        """The `k` passages with the best-matching vector (a passage's score is its best
        vector's: the whole passage or one of its sentence windows)."""
        return self.dense_many(vector.reshape(1, -1), k, mask)[0]

    def dense_many(self, vectors: np.ndarray, k: int, mask: np.ndarray | None) -> list[list[tuple[int, float]]]:
        """`dense` for several query vectors in one FAISS call (one selector, one pass of
        FAISS's threads: on a loaded 2-core machine 178 single searches took 9 s, one batch
        a fraction of that)."""
        if mask is not None and not mask.any():
            return [[] for _ in range(len(vectors))]
        params: Any = None
        if mask is not None:
            selector = faiss.IDSelectorBatch(np.flatnonzero(mask).astype(np.int64))
            inner = faiss.downcast_index(self.vectors.index)
            if isinstance(inner, faiss.IndexIVF):  # IVF wants its own parameter type
                params = faiss.SearchParametersIVF(sel=selector, nprobe=inner.nprobe)  # type: ignore[call-arg]  # faiss takes keywords at run time
            else:
                params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
        depth = min(k * VECTORS_PER_PASSAGE, self.vectors.ntotal)
        scores, ids = self.vectors.search(np.ascontiguousarray(vectors, dtype=np.float32), depth, params=params)
        found = []
        for row_ids, row_scores in zip(ids.tolist(), scores.tolist()):
            best: dict[int, float] = {}
            for i, score in zip(row_ids, row_scores):
                if i >= 0 and i not in best:
                    best[i] = score
            found.append(sorted(best.items(), key=lambda item: -item[1])[:k])
        return found

    def passage_rows(self, rows: list[int]) -> dict[int, Row]:
        return self.store.passage_rows(rows)

    def close(self) -> None:
        self.store.close()


def _near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    # |a ∩ b| ≤ min and |a ∪ b| ≥ max: sets of unlike size are never near-duplicates, and the
    # length test spares the set operations for almost every pair
    if min(len(a), len(b)) < DUPLICATE_JACCARD * max(len(a), len(b)):
        return False
    return jaccard(a, b) >= DUPLICATE_JACCARD


@dataclass(frozen=True)
class Answer:
    """What a search returns: the hits, what was understood of the question, and the verdict."""

    hits: list[Hit]
    parsed: ParsedQuery
    answerable: bool
    confidence: float
    """Confidence that some hit answers: that of the most confident hit
    (`pipeline.search.confidence.query_confidence`)."""


@dataclass(frozen=True)
class _Ranking:
    parsed: ParsedQuery
    ranked: list[tuple[int, float]]
    dense: dict[int, float]
    background: float
    weights: dict[str, dict[str, float]]
    """Idf weight of each content term of the question, by the language of the passages it is matched in."""


class Searcher:
    """Answers queries against one `SearchIndex` with one `Embedder`."""

    def __init__(self, index: SearchIndex, embedder: Embedder) -> None:
        if index.manifest["model"] != embedder.model_id:
            raise IndexMismatch(
                f"the index was built with model '{index.manifest['model']}' but '{embedder.model_id}' is "
                "configured: set STYRDOK_MODEL to the index's model or re-run `styrdok ingest`"
            )
        self.index = index
        self.embedder = embedder
        self._aliases: list[Alias] | None = None

    def understand(self, query: str) -> ParsedQuery:
        """The documents and years a question names, and its content words."""
        if self._aliases is None:
            facts = [DocumentFacts(d.doc_id, d.title, d.kind, d.file_name) for d in self.index.documents.values()]
            self._aliases = build_aliases(facts)
        titles = {d.doc_id: d.title for d in self.index.documents.values()}
        return parse_query(query, detect_query_language(query), self._aliases, titles)

    def _term_weights(self, parsed: ParsedQuery) -> dict[str, dict[str, float]]:
        by_lang = {parsed.lang: analyze(parsed.content, parsed.lang)}
        if parsed.lang != "sv":
            by_lang["sv"] = _swedish_terms(parsed)
        df = self.index.lexical.document_frequencies(sorted({t for terms in by_lang.values() for t in terms}))
        n = len(self.index)
        return {lang: {t: idf(df[t], n) for t in terms} for lang, terms in by_lang.items()}

    def rank(self, query: str, mode: str, filters: Filters, k: int = 10) -> list[tuple[int, float]]:
        """Row ids with scores, best first (before re-weighting and collapsing duplicates)."""
        return self._rank(query, mode, filters, k).ranked

    def _rank(self, query: str, mode: str, filters: Filters, k: int) -> _Ranking:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        mask = self.index.mask(filters)
        parsed = self.understand(query)
        weights = self._term_weights(parsed)
        terms = analyze(parsed.content, parsed.lang)
        if mode == "lexical":
            ranked = self.index.lexical.search(terms, max(5 * k, CANDIDATES), mask)
            return _Ranking(parsed, ranked, {}, 0.0, weights)
        vector, whole = self._query_vectors(parsed)
        dense = self.index.dense(vector, max(5 * k, CANDIDATES, BACKGROUND_TO), mask)
        scores, base = self._margin_scores(whole, dense)
        if mode == "dense":
            return _Ranking(parsed, dense[: max(5 * k, CANDIDATES)], scores, base, weights)
        depth = max(k, FUSION_DEPTH)
        candidates = self._with_sentences(vector, dense[:depth])
        return _Ranking(parsed, combine(self._rankings(parsed, terms, candidates, mask, depth)), scores, base, weights)

    def _query_vectors(self, parsed: ParsedQuery) -> tuple[np.ndarray, np.ndarray | None]:
        """The vector to search with (`_dense_text`) and, when that is not the whole question,
        the whole question's vector (one pass of the model for both)."""
        text = _dense_text(parsed)
        if text == parsed.text or self.index.units is None:
            return self.embedder.encode_query(text), None
        both = self.embedder.encode_queries([text, parsed.text])
        return both[0], both[1]

    def _margin_scores(self, whole: np.ndarray | None, dense: list[tuple[int, float]]) -> tuple[dict[int, float], float]:
        """The dense scores the confidence reads, and their background (`confidence.background`).

        They are the whole question's, as the confidence model was fitted: searched without
        its document reference, "Vad säger planen om parkeringsavgifter vid sjukhusen?"
        stands out among hospital passages it does not answer (with this, leave-one-out
        abstention 14 of 15 and false abstention 3 of 40; from the searched vector 13 of 15
        and 5 of 40). The whole question is scored against the searched candidates' own
        vectors (`SearchIndex.units`), not searched again."""
        if whole is None or self.index.units is None:
            return dict(dense), background([score for _, score in dense])
        own = self.index.units.best(whole, [row for row, _ in dense])
        scored = [(row, own.get(row, score)) for row, score in dense]
        return dict(scored), background([score for _, score in scored])

    def _with_sentences(self, vector: np.ndarray, dense: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """The dense candidates re-scored with their best sentence (`SENTENCE_WEIGHT`), best
        first; a passage without sentence vectors keeps its own score."""
        if self.index.sentences is None:
            return dense
        best = self.index.sentences.best(vector, [row for row, _ in dense])
        mixed = [(row, (1 - SENTENCE_WEIGHT) * score + SENTENCE_WEIGHT * best.get(row, score)) for row, score in dense]
        return sorted(mixed, key=lambda item: (-item[1], item[0]))

    def _rankings(
        self, parsed: ParsedQuery, terms: list[str], dense: list[tuple[int, float]], mask: np.ndarray | None, depth: int
    ) -> list[tuple[list[tuple[int, float]], float]]:
        same_lang = self.index.in_language(parsed.lang, within=mask)
        visible = len(self.index) if mask is None else int(np.count_nonzero(mask))
        lexical_weight = HYBRID_LEXICAL_WEIGHT * (np.count_nonzero(same_lang) / visible if visible else 0.0)
        rankings = [(dense, DENSE_WEIGHT), (self.index.lexical.search(terms, depth, same_lang), lexical_weight)]
        if parsed.lang != "sv":
            swedish = self.index.in_language("sv", within=mask)
            if visible and swedish.any():
                translated = self.index.lexical.search(_swedish_terms(parsed), depth, swedish)
                rankings.append((translated, HYBRID_TRANSLATED_WEIGHT))
        return rankings

    def search(self, query: str, k: int = 10, mode: str = "hybrid", filters: Filters | None = None) -> list[Hit]:
        """The `k` best passages for a query, near-duplicates collapsed into one hit."""
        return self.answer(query, k, mode, filters).hits

    def answer(self, query: str, k: int = 10, mode: str = "hybrid", filters: Filters | None = None) -> Answer:
        """The `k` best passages, re-weighted by what the question names, with confidences and a verdict."""
        ranking = self._rank(query, mode, filters or Filters(), k)
        rows = self.index.passage_rows([row for row, _ in ranking.ranked])
        bonuses = {row: _bonus(ranking.parsed, record) for row, record in rows.items()} if mode == "hybrid" else {}
        kept = _collapse(boost(ranking.ranked, bonuses), rows, k)
        hits = [
            self._hit(rank, rows[row], score, tuple(also), ranking, self._signals(ranking, rows[row]))
            for rank, (row, score, also) in enumerate(kept, start=1)
        ]
        sure = query_confidence([hit.signals for hit in hits])
        return Answer(hits, ranking.parsed, sure >= ANSWERABLE_AT, sure)

    def _signals(self, ranking: _Ranking, record: Row) -> Signals:
        row = record["row"] - 1
        floor = min(ranking.dense.values(), default=ranking.background)
        margin = ranking.dense.get(row, floor) - ranking.background if ranking.dense else 0.0
        weights = ranking.weights.get(record["lang"], {})
        return Signals(margin=margin, coverage=coverage(weights, record["lemmas"].split()))

    def _hit(
        self, rank: int, record: Row, score: float, also: tuple[Citation, ...], ranking: _Ranking, signals: Signals
    ) -> Hit:
        text = record["text"]
        lang = record["lang"]
        pages = tuple(json.loads(record["pages_json"]))
        parsed = ranking.parsed
        # one analysis of the passage gives its highlights and its best sentence; an English
        # question highlights the glossary's Swedish words in a Swedish passage
        analysed = analyzed_words(text, lang)
        wanted = ranking.weights.get(lang, {})
        highlights = tuple((word.start, word.end) for word, term in analysed if term in wanted)
        if record["kind"] == "table":
            span = best_cell(text, parsed.years)
        else:
            weights = dict(ranking.weights.get(lang, {}))
            weights.update({str(year): 1.0 for year in parsed.years})
            span = best_sentence(text, [(word.start, term) for word, term in analysed], weights)
        page_texts = self.index.store.page_texts(record["doc_id"], list(pages)) if len(pages) > 1 else {}
        return Hit(
            rank=rank,
            score=score,
            row=record["row"] - 1,
            passage_id=record["passage_id"],
            text=text,
            highlights=highlights,
            document=self.index.documents[record["doc_id"]],
            section_path=_path(record["section_path"]),
            pages=pages,
            page_labels=tuple(json.loads(record["labels_json"])),
            lang=lang,
            kind=record["kind"],
            also_at=also,
            confidence=confidence(signals),
            signals=signals,
            answer_span=span,
            answer_page=page_of(text[span[0] : span[1]], pages, page_texts),
            ocr=passage_is_ocr(record),
        )


def _dense_text(parsed: ParsedQuery) -> str:
    """What the dense model embeds: the question without the words that name a document
    (those are a bonus, `DOC_REFERENCE_BONUS`; embedded, "the strategic plan 2023-2025" pulled
    the question toward the plan's title page and budget tables), or the whole question
    when nothing else is left."""
    return parsed.content if analyze(parsed.content, parsed.lang) else parsed.text


def _swedish_terms(parsed: ParsedQuery) -> list[str]:
    """Swedish search terms of a non-Swedish question: the glossary rendering of its content
    words (its own stopwords dropped first: "the", "of" are no Swedish terms to match)."""
    kept = " ".join(word.text for word, _ in analyzed_words(parsed.content, parsed.lang))
    return analyze(to_swedish(kept), "sv")


def _bonus(parsed: ParsedQuery, record: Row) -> float:
    """What a passage gets for meeting what the question names: its document, a wanted year
    in its text or its section heading."""
    bonus = DOC_REFERENCE_BONUS if record["doc_id"] in parsed.documents else 0.0
    if any(str(year) in record["text"] or str(year) in record["section_path"] for year in parsed.years):
        bonus += YEAR_BONUS
    return bonus


def _collapse(ranked: list[tuple[int, float]], rows: dict[int, Row], k: int) -> list[tuple[int, float, list[Citation]]]:
    """The `k` best rows, each near-duplicate further down folded into the hit it repeats."""
    kept: list[tuple[int, float, frozenset[str], list[Citation]]] = []
    for position, (row, score) in enumerate(ranked):
        if position >= TWIN_DEPTH and len(kept) >= k:
            break
        record = rows.get(row)
        if record is None:
            continue
        tokens = word_set(record["text"])
        twin = next((entry for entry in kept if _near_duplicate(entry[2], tokens)), None)
        if twin is not None:
            twin[3].append(_citation(record))
            continue
        if len(kept) < k:  # past k, still look for twins of kept hits
            kept.append((row, score, tokens, []))
    return [(row, score, also) for row, score, _, also in kept]


def _path(text: str) -> tuple[str, ...]:
    return tuple(text.split(PATH_SEPARATOR)) if text else ()


def _citation(record: Row) -> Citation:
    pages = json.loads(record["pages_json"])
    labels = json.loads(record["labels_json"])
    return Citation(
        doc_id=record["doc_id"],
        page=pages[0] if pages else None,
        page_label=labels[0] if labels else None,
        section_path=_path(record["section_path"]),
    )

"""The lexical side of search: analysed terms and highlighting (the BM25 index over them is
`pipeline.index.bm25`).

Documents and queries go through the same :func:`analyze`, so they meet on the same terms:
lower-cased lemmas without stopwords. The lemma lookup table misses most Swedish compounds
("kompetensförsörjningen"), so a word the table does not know is normalised by

1. its longest tail that the table knows, lemmatised, behind the untouched head
   ("kompetens" + "försörjningen" → "kompetensförsörjning"); else
2. stripping one definite/plural/genitive ending ("-arna", "-en", "-s", …), keeping a stem
   of at least :data:`MIN_STEM` letters.

The lemma table itself is noisy ("ramar" → "rama" but "ramen" → "ram"); such mismatches
carry over to the compounds built on the word.

Compounds are not split into extra terms: the dense retriever covers that recall, and an
extra "försörjning" term would also pull in "energiförsörjning".
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from pipeline.text import nlp

KEPT_SWEDISH_WORDS = frozenset({"beslut", "beslutat", "beslutit"})
"""Words of spaCy's Swedish stop list that carry meaning in governing documents."""
EXTRA_SWEDISH_STOP_WORDS = frozenset(
    {"är", "behöver", "behövs", "görs", "göras", "gjordes", "dels", "vars", "funnits", "se", "ser", "ses", "sett", "såg"}
)
"""Frequent forms of function words that spaCy's Swedish stop list lacks ("hur ser … ut?")."""

MIN_STEM = 4
"""Fewest letters a suffix-stripped stem may keep."""
MIN_COMPOUND_HEAD = 3
MIN_COMPOUND_TAIL = 5
"""Shortest tail tried as the last part of a compound: short tails match by chance ("eten")."""

SWEDISH_ENDINGS = ("arnas", "ernas", "ornas", "arna", "erna", "orna", "ets", "nas", "en", "et", "na", "s")
"""Definite, plural and genitive endings, longest first."""

_BASE_FORM_END = re.compile(r"(?:het|[ae]ns|[sxzui]s)$")
"""Word ends that belong to a base form ("enlighet", "transparens", "balans", "status",
"process"); no ending is stripped from such a word."""

_WORD = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)*$")


@cache
def stop_words(lang: str) -> frozenset[str]:
    """Stopwords of ``lang``, as written (Swedish abbreviations count as stopwords).

    They are matched against the written word, not its lemma: the lemma table maps content
    words onto function words ("varor" → "vara", "män" → "man"), while spaCy's lists
    already spell out the inflected forms of the function words.
    """
    if lang == "en":
        return frozenset(nlp.spacy_stop_words("en"))
    return (
        frozenset(nlp.spacy_stop_words("sv")) - KEPT_SWEDISH_WORDS
        | EXTRA_SWEDISH_STOP_WORDS
        | nlp.SWEDISH_ABBREVIATIONS
    )


def _strip_ending(word: str) -> str:
    if _BASE_FORM_END.search(word):
        return word
    for ending in SWEDISH_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=200_000)
def normalize_swedish(word: str) -> str:
    """Normalise a lower-cased Swedish word that the lemma table does not know.

    Hyphenated words normalise their last part ("it-systemen" → "it-system").
    """
    lexicon = nlp.lexicon("sv")
    head, hyphen, last = word.rpartition("-")
    if hyphen:
        return head + hyphen + (lexicon.lookup(last) or normalize_swedish(last))
    for split in range(MIN_COMPOUND_HEAD, len(word) - MIN_COMPOUND_TAIL + 1):
        tail = lexicon.lookup(word[split:])
        if tail is not None:
            return word[:split] + tail
    stem = _strip_ending(word)
    if stem == word:
        return word
    return lexicon.lookup(stem) or stem


@lru_cache(maxsize=200_000)
def _term(text: str, lemma: str, lang: str) -> str | None:
    """The analysed term of one word (as written, its lemma), or ``None`` for a stopword."""
    stops = stop_words(lang)
    lower = text.lower()
    if lower in stops or lower.rstrip(".") in stops:
        return None
    if lang == "sv" and _WORD.match(lemma) and nlp.lexicon(lang).lookup(lemma) is None:
        return normalize_swedish(lemma)
    return lemma


def _analysed_words(text: str, lang: str) -> list[tuple[nlp.Word, str]]:
    lang = nlp.resolve_language(lang)
    return [(word, term) for word in nlp.words(text, lang) if (term := _term(word.text, word.lemma, lang))]


def analyzed_words(text: str, lang: str) -> list[tuple[nlp.Word, str]]:
    """The words of ``text`` that are not stopwords, each with its analysed term."""
    return _analysed_words(text, lang)


def analyze(text: str, lang: str) -> list[str]:
    """Search terms of ``text``: lemmas, stopwords removed, Swedish inflections normalised."""
    return [term for _, term in _analysed_words(text, lang)]


def highlight_spans(text: str, query: str, lang: str) -> list[tuple[int, int]]:
    """Character spans of the words of ``text`` whose term matches a term of ``query``."""
    wanted = _query_terms(query, lang)
    return [(word.start, word.end) for word, term in _analysed_words(text, lang) if term in wanted]


def word_set(text: str) -> frozenset[str]:
    """The distinct lower-cased words of a text (no analysis): for comparing texts as written."""
    return frozenset(re.findall(r"\w+", text.casefold()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared share of two word sets (0 when either is empty)."""
    return len(a & b) / len(a | b) if a and b else 0.0


@lru_cache(maxsize=1024)
def _query_terms(query: str, lang: str) -> frozenset[str]:
    """A query's terms, analysed once for all the hits it highlights."""
    return frozenset(analyze(query, lang))

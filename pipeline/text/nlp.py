"""Sentence splitting and lemmas for Swedish and English, from blank spaCy pipelines.

No trained pipeline is used: each language gets ``spacy.blank`` (tokenizer) + the
rule-based ``sentencizer``, and words are lemmatised by lookup in the ``lemma_lookup``
table of ``spacy-lookups-data``.
Languages other than ``sv`` and ``en`` are treated as Swedish, the corpus language.

The lookup tables map any inflected form to *a* lemma without knowing the part of
speech, so a base form can be mapped to an unrelated word ("plan" → "plana",
"mål" → "måla", "vård" → "vårda") while its inflections map back to it ("planen" →
"plan"). :class:`Lexicon` therefore keeps a word that is itself a lemma of the table
as it is, and only looks up the others; that keeps "plan" and "planen" together.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType
from typing import NamedTuple


def _import_spacy_without_torch() -> ModuleType:
    """Import spaCy without letting thinc import torch.

    thinc imports torch whenever it is installed, about a second of a server's start that
    blank pipelines never use; a ``None`` in ``sys.modules`` makes that import fail as if
    torch were absent. Once torch is loaded (an ingest on the torch engine) nothing is hidden.
    """
    if "torch" in sys.modules or "spacy" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        del sys.modules["torch"]
    return spacy


spacy = _import_spacy_without_torch()
from spacy.language import Language  # noqa: E402  (after the guarded import above)
from spacy.symbols import ORTH  # noqa: E402
from spacy.tokens import Doc, Token  # noqa: E402

LANGUAGES = ("sv", "en")
FALLBACK_LANGUAGE = "sv"

SWEDISH_ABBREVIATIONS = frozenset(
    {
        "bl.a.", "t.ex.", "m.m.", "s.k.", "dvs.", "d.v.s.", "ca.", "fr.o.m.", "t.o.m.", "kl.",
        "p.g.a.", "m.fl.", "o.d.", "osv.", "o.s.v.", "etc.", "jfr.", "enl.", "nr.", "resp.",
        "inkl.", "exkl.", "f.d.", "kap.", "m.a.o.", "t.v.", "st.",
    }
)
"""Swedish abbreviations that end in a period; kept as one token so they end no sentence.

Units such as "mnkr" are left out: with a period they usually do end a sentence."""

SENTENCE_FINAL_ABBREVIATIONS = frozenset({"m.m.", "osv.", "o.s.v.", "etc.", "m.fl.", "o.d.", "el."})
"""Period-final tokens that often close a sentence: a capitalised word after them starts a new one.

"el." is spaCy's abbreviation of "eller", but in this corpus mostly "el" (electricity)."""

_LIST_MARKER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*|[a-zA-Z]|[ivxIVX]{1,4})\.$")
_HAS_ALNUM = re.compile(r"[^\W_]")
"""A letter or digit (``str.isalnum`` for one character, as a pattern: faster per token)."""
_NUMBER_RANGE = re.compile(r"^(\d[\d,.]*)[–—-](\d[\d,.]*)$")


class Word(NamedTuple):
    """A word token of a text with its lower-cased lemma and character span."""

    text: str
    lemma: str
    start: int
    end: int


def present_tense_fixes(table: dict[str, str], lemmas: frozenset[str]) -> dict[str, str]:
    """The Swedish table maps the present tense of a verb to the agent noun ("arbetar" →
    "arbetare", "skapar" → "skapare"), so "arbetar" and "arbeta" fall apart and "arbetar" meets
    "arbetare". Where the table knows the verb (the form less its "r", with a past tense
    "arbetade" of its own), the form maps to the verb: 486 entries. A compound's first part
    ("källar-" of "källare", not the verb of "källa") and the noun's own forms are untouched."""
    return {form: form[:-1] for form, lemma in table.items()
            if form.endswith("ar") and lemma == form + "e" and form[:-1] in lemmas
            and table.get(form[:-2] + "ade") == form[:-1]}


@dataclass(frozen=True)
class Lexicon:
    """A lemma lookup table plus the set of lemmas it maps to."""

    table: dict[str, str]
    lemmas: frozenset[str]

    @classmethod
    def load(cls, lang: str) -> Lexicon:
        """The ``lemma_lookup`` table of ``lang`` from spacy-lookups-data, as a plain dict.

        Read directly rather than through a spaCy ``Lemmatizer``: its ``Table`` hashes all
        660 000 Swedish entries on load (1.5 s of a server's start) and on every lookup.
        """
        table = spacy.util.load_language_data(spacy.util.registry.lookups.get(lang)["lemma_lookup"])
        lemmas = frozenset(map(str.lower, set(table.values())))
        if lang == "sv":
            table.update(present_tense_fixes(table, lemmas))
        return cls(table, lemmas)

    def lookup(self, word: str) -> str | None:
        """Lower-cased lemma of ``word``, or ``None`` when the table does not know the word."""
        lower = word.lower()
        if lower in self.lemmas:
            return lower
        for form in (lower, word):
            lemma = self.table.get(form)
            if lemma is not None:
                return lemma.lower()
        return None


_LOADING = threading.Lock()
"""Held while a lexicon or pipeline is built: a server's warm-up and its first request
would otherwise each build the same one at once (seconds of duplicated work)."""


def lexicon(lang: str) -> Lexicon:
    """The lemma lexicon of ``lang`` (``sv`` or ``en``), loaded once per process."""
    with _LOADING:
        return _load_lexicon(resolve_language(lang))


@cache
def _load_lexicon(lang: str) -> Lexicon:
    return Lexicon.load(lang)


@lru_cache(maxsize=200_000)
def lemma(text: str, lang: str) -> str:
    """Lower-cased lemma of one token, hyphens at its ends ignored (cached: a lookup
    lemma never depends on the context)."""
    stripped = text.strip("-")
    return lexicon(lang).lookup(stripped) or stripped.lower()


def _is_list_marker(tokens: list[Token]) -> bool:
    """True for the tokens of a bare list number such as "1.", "2.3." or "b."."""
    return bool(_LIST_MARKER.match("".join(t.text for t in tokens)))


@Language.component("styrdok_sentence_fixes")
def fix_sentence_starts(doc: Doc) -> Doc:
    """Correct the sentencizer where Swedish administrative text fools it.

    - no sentence starts with a lower-case letter (an unknown abbreviation came before);
    - a bare list number ("1.", "2.3.") belongs to the item it numbers;
    - after "m.m."/"osv."/… a capitalised word starts a sentence;
    - a blank line always ends a sentence.
    """
    text = doc.text
    sentence_start = 0
    previous: Token | None = None
    for token in doc:
        if token.is_space:
            continue
        if previous is not None:
            gap = text[previous.idx + len(previous) : token.idx]
            if gap.count("\n") >= 2:
                token.is_sent_start = True
            elif previous.lower_ in SENTENCE_FINAL_ABBREVIATIONS and token.text[:1].isupper():
                token.is_sent_start = True
            elif token.is_sent_start:
                words = [t for t in doc[sentence_start : token.i] if not t.is_space]
                if token.text[:1].islower() or _is_list_marker(words):
                    token.is_sent_start = False
            if token.is_sent_start:
                sentence_start = token.i
        previous = token
    return doc


def resolve_language(lang: str) -> str:
    """``lang`` when it is a supported language, else the fallback (Swedish)."""
    return lang if lang in LANGUAGES else FALLBACK_LANGUAGE


def spacy_stop_words(lang: str) -> set[str]:
    """spaCy's stop list for ``lang`` (``sv`` or ``en``)."""
    return spacy.util.get_lang_class(lang).Defaults.stop_words


def get_pipeline(lang: str) -> Language:
    """The blank pipeline for ``lang``: tokenizer, sentencizer, fixes (one per process)."""
    with _LOADING:
        return _build_pipeline(resolve_language(lang))


@cache
def _build_pipeline(lang: str) -> Language:
    nlp = spacy.blank(lang)
    if nlp.lang == "sv":
        for abbreviation in SWEDISH_ABBREVIATIONS:
            for form in (abbreviation, abbreviation[0].upper() + abbreviation[1:]):
                nlp.tokenizer.add_special_case(form, [{ORTH: form}])
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("styrdok_sentence_fixes")
    nlp.initialize()
    return nlp


def sentences(text: str, lang: str) -> list[str]:
    """Split ``text`` into sentences (stripped, empty ones dropped)."""
    doc = get_pipeline(lang)(text)
    return [s.text.strip() for s in doc.sents if s.text.strip()]


def _split_number_range(token: Token, lang: str) -> Iterable[Word]:
    """"2023–2025" → "2023", "2025": a query for one year then meets the range."""
    match = _NUMBER_RANGE.match(token.text)
    if not match:
        yield Word(token.text, lemma(token.text, lang), token.idx, token.idx + len(token))
        return
    for group in (1, 2):
        yield Word(match.group(group), match.group(group), token.idx + match.start(group), token.idx + match.end(group))


def words(text: str, lang: str) -> list[Word]:
    """Word tokens of ``text`` with lemmas; punctuation, symbols and whitespace are dropped.

    Numbers stay as written ("2,5"; "260 000" gives two tokens "260", "000"); a number
    range such as "2023–2025" gives its two ends.
    """
    lang = resolve_language(lang)
    doc = get_pipeline(lang).make_doc(text)  # the tokenizer alone: lemmas come from the cached lookup
    return [
        word
        for token in doc
        if _HAS_ALNUM.search(token.text)
        for word in _split_number_range(token, lang)
    ]


"""Sentence splitting and lemmas for Swedish and English, from blank spaCy pipelines.

No trained pipeline is used: each language gets ``spacy.blank`` + the rule-based
``sentencizer`` + a lookup lemmatizer fed by the tables of ``spacy-lookups-data``.
Languages other than ``sv`` and ``en`` are treated as Swedish, the corpus language.

The lookup tables map any inflected form to *a* lemma without knowing the part of
speech, so a base form can be mapped to an unrelated word ("plan" → "plana",
"mål" → "måla", "vård" → "vårda") while its inflections map back to it ("planen" →
"plan"). :class:`Lexicon` therefore keeps a word that is itself a lemma of the table
as it is, and only looks up the others; that keeps "plan" and "planen" together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import spacy
from spacy.language import Language
from spacy.lookups import Lookups, Table
from spacy.pipeline import Lemmatizer
from spacy.symbols import ORTH
from spacy.tokens import Doc, Token
from spacy.training import Example

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
_NUMBER_RANGE = re.compile(r"^(\d[\d,.]*)[–—-](\d[\d,.]*)$")


class Word(NamedTuple):
    """A word token of a text with its lower-cased lemma and character span."""

    text: str
    lemma: str
    start: int
    end: int


@dataclass(frozen=True)
class Lexicon:
    """A lemma lookup table plus the set of lemmas it maps to."""

    table: Table
    lemmas: frozenset[str]

    @classmethod
    def from_lookups(cls, lookups: Lookups) -> Lexicon:
        table = lookups.get_table("lemma_lookup")
        return cls(table, frozenset(map(str.lower, set(table.values()))))

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


class KnownFormLemmatizer(Lemmatizer):
    """Lookup lemmatizer that lower-cases and keeps words that are lemmas themselves."""

    lexicon: Lexicon

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]] | None = None,
        *,
        nlp: Language | None = None,
        lookups: Lookups | None = None,
    ) -> None:
        super().initialize(get_examples, nlp=nlp, lookups=lookups)
        self.lexicon = Lexicon.from_lookups(self.lookups)

    def lookup_lemmatize(self, token: Token) -> list[str]:
        text = token.text.strip("-")
        return [self.lexicon.lookup(text) or text.lower()]


@Language.factory(
    "styrdok_lemmatizer",
    default_config={"model": None, "mode": "lookup", "overwrite": False},
)
def make_known_form_lemmatizer(
    nlp: Language, model: None, name: str, mode: str, overwrite: bool
) -> KnownFormLemmatizer:
    return KnownFormLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite)


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


def get_pipeline(lang: str) -> Language:
    """The blank pipeline for ``lang``: tokenizer, sentencizer, fixes, lemmatizer (one per process)."""
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
    nlp.add_pipe("styrdok_lemmatizer")
    nlp.initialize()
    return nlp


def lexicon(lang: str) -> Lexicon:
    """The lemma lexicon of ``lang`` (shared with the pipeline's lemmatizer)."""
    lemmatizer = get_pipeline(lang).get_pipe("styrdok_lemmatizer")
    assert isinstance(lemmatizer, KnownFormLemmatizer)
    return lemmatizer.lexicon


def sentences(text: str, lang: str) -> list[str]:
    """Split ``text`` into sentences (stripped, empty ones dropped)."""
    doc = get_pipeline(lang)(text, disable=["styrdok_lemmatizer"])
    return [s.text.strip() for s in doc.sents if s.text.strip()]


def _split_number_range(token: Token) -> Iterable[Word]:
    """"2023–2025" → "2023", "2025": a query for one year then meets the range."""
    match = _NUMBER_RANGE.match(token.text)
    if not match:
        yield Word(token.text, token.lemma_, token.idx, token.idx + len(token))
        return
    for group in (1, 2):
        yield Word(match.group(group), match.group(group), token.idx + match.start(group), token.idx + match.end(group))


def words(text: str, lang: str) -> list[Word]:
    """Word tokens of ``text`` with lemmas; punctuation, symbols and whitespace are dropped.

    Numbers stay as written ("2,5"; "260 000" gives two tokens "260", "000"); a number
    range such as "2023–2025" gives its two ends.
    """
    doc = get_pipeline(lang)(text, disable=["sentencizer", "styrdok_sentence_fixes"])
    return [
        word
        for token in doc
        if any(ch.isalnum() for ch in token.text)
        for word in _split_number_range(token)
    ]


def lemmas(text: str, lang: str) -> list[str]:
    """Lower-cased lemma of each word token of ``text`` (see :func:`words`)."""
    return [word.lemma for word in words(text, lang)]

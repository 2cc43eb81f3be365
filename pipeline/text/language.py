"""Language of a text or a query: Swedish (``sv``), English (``en``), another language
langdetect knows (running text only), or the caller's default.

langdetect (seeded, so results repeat) decides for running text. It is unreliable on a few
words and confuses short Swedish with Norwegian and Danish, so:

- Norwegian and Danish count as Swedish (the corpus has neither);
- a short text is decided by counting Swedish against English function words, then by
  the letters å/ä/ö, and otherwise falls back to the default instead of guessing;
- a longer text that langdetect places in neither language gets the same function-word
  vote before falling back to the default;
- running text (not a query) may be labelled with any other language langdetect knows
  (``fr``, ``ja`` …) when langdetect is sure of it and the text has few Swedish or English
  function words; a text in another script (Japanese, Arabic …) is decided by langdetect
  however short it is, since a script is not confused with Swedish.
Such languages are searched by the dense model; the lexical analysers are Swedish and English.
"""

from __future__ import annotations

import re
from functools import lru_cache

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

DetectorFactory.seed = 0

SHORT_TEXT_WORDS = 6
"""Below this many words a text is decided by function words, not by langdetect."""
SHORT_QUERY_WORDS = 12
"""Queries are terse; function words are a better cue than langdetect up to this length."""

_SCANDINAVIAN = {"sv": "sv", "no": "sv", "da": "sv", "en": "en"}
_MIN_PROBABILITY = 0.5
OTHER_MIN_PROBABILITY = 0.9
"""langdetect must be this sure before a text is labelled a language other than sv/en."""
OTHER_MAX_FUNCTION_SHARE = 0.25
"""...and at most this share of its words may be Swedish or English function words (running
Swedish or English text has about 40 %; French has "de", "a" from the lists)."""
OTHER_MIN_WORDS = 12
"""A Latin-script text needs this many words to be labelled another language: chart labels
and names ("Downloads/Week Linear") fool langdetect into Estonian or German."""
DOCUMENT_SAMPLE_CHARS = 20_000
"""A document's language is decided on its first characters (langdetect is linear in length)."""

SWEDISH_FUNCTION_WORDS = frozenset(
    """
    och att det som är av för med till den har de inte om ett vi vad hur vilka vilken vilket
    varför när var ska skall kan på från eller finns sig också efter mellan genom vara blir
    detta dessa denna vår våra vårt sina sin sitt deras hos samt säger inom enligt
    bör måste även där här någon några alla andra mot utan ur vid en
    """.split()
)
ENGLISH_FUNCTION_WORDS = frozenset(
    """
    the of and to is are was were be been what how which who why when where for with on
    that this these those by from does do did has have had its as at or not an a about
    our we their they will would can should into than there here any all other
    """.split()
)
"""Function words of one language that are not words of the other ("i", "in", "men", "under" are left out)."""

_WORD = re.compile(r"[^\W\d_]+")
_SWEDISH_LETTERS = re.compile(r"[åäö]")


def _function_word_vote(words: list[str]) -> str | None:
    swedish = sum(w in SWEDISH_FUNCTION_WORDS for w in words)
    english = sum(w in ENGLISH_FUNCTION_WORDS for w in words)
    if swedish > english:
        return "sv"
    if english > swedish:
        return "en"
    return None


def _langdetect(text: str) -> str | None:
    """``sv`` or ``en`` when langdetect gives that language (Norwegian/Danish → sv) ≥ 50 %."""
    try:
        guesses = detect_langs(text)
    except LangDetectException:
        return None
    totals: dict[str, float] = {}
    for guess in guesses:
        lang = _SCANDINAVIAN.get(guess.lang)
        if lang:
            totals[lang] = totals.get(lang, 0.0) + guess.prob
    best = max(totals, key=totals.__getitem__, default=None)
    return best if best and totals[best] >= _MIN_PROBABILITY else None


def _other_language(text: str, words: list[str]) -> str | None:
    """A language other than sv/en when langdetect is sure of it and the words agree."""
    try:
        best = detect_langs(text)[0]
    except (LangDetectException, IndexError):
        return None
    lang = best.lang.split("-")[0]
    if lang in _SCANDINAVIAN or best.prob < OTHER_MIN_PROBABILITY:
        return None
    function_words = sum(w in SWEDISH_FUNCTION_WORDS or w in ENGLISH_FUNCTION_WORDS for w in words)
    return lang if function_words <= OTHER_MAX_FUNCTION_SHARE * max(len(words), 1) else None


def _non_latin(words: list[str]) -> bool:
    letters = "".join(words)
    return sum(ord(ch) > 0x24F for ch in letters) > len(letters) / 2


def _detect(text: str, default: str, short_words: int, any_language: bool = False) -> str:
    words = _WORD.findall(text.lower())
    if not words:
        return default
    if any_language and _non_latin(words):
        return _other_language(text, []) or default
    vote = _function_word_vote(words)
    if len(words) < short_words:
        if vote:
            return vote
        return "sv" if any(_SWEDISH_LETTERS.search(w) for w in words) else default
    other = _other_language(text, words) if any_language and len(words) >= OTHER_MIN_WORDS else None
    return _langdetect(text) or other or vote or default


def detect_language(text: str, default: str = "sv") -> str:
    """The language of running text: ``sv``, ``en`` or another langdetect code (``fr``, ``ja``);
    ``default`` when the text is too short or unclear."""
    return _detect(text, default, SHORT_TEXT_WORDS, any_language=True)


def document_language(text: str, default: str = "sv") -> str:
    """The language of a whole document's text (decided on its first characters)."""
    return detect_language(text[:DOCUMENT_SAMPLE_CHARS], default)


@lru_cache(maxsize=1024)
def detect_query_language(query: str, default: str = "sv") -> str:
    """Like :func:`detect_language`, tuned for queries of a few words.

    "what is the region's vision?" → en, "kompetensförsörjning" → sv, "budget 2024" → default.
    """
    return _detect(query, default, SHORT_QUERY_WORDS)

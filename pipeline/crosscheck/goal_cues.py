"""Linguistic cues that make a Swedish sentence, list item or table cell a goal.

A goal is a target, commitment or intended outcome *of the organisation*. The cues are
general clause-level rules, no learned threshold:

- a modal ("ska", "skall", "vill" after an own actor) only counts in a **main clause**:
  "en plan som ska möta utmaningar", "beskriver hur Norrbotten ska utvecklas", "för att
  Norrbotten ska växa" are relative, interrogative and purpose clauses that describe, not
  commit. A subordinator governs the modal when no finite verb stands between them
  ("Andel företag som exporterar … ska öka" is a main clause again);
- "måste"/"behöver" is an intended outcome only with a passive or a change verb ("måste
  stärkas", "måste öka"), or an amount ("behöver bygga minst 1500 bostäder"); "vi måste ha"
  and "vi måste vänja oss" are appeals;
- an **action** is an item that starts with an infinitive or imperative ("Skapa
  förutsättningar för …", "Minska hälsoklyftor …");
- an **allocation** gives money or a share to something ("tilldelas … 600 000 kr",
  "avsätts en procent");
- a **target** is a bound with a number, a change to or by an amount, a deadline with a date,
  or a zero target with a year;
- a goal word ("målet är att", "mål om") likewise only counts in a main clause: "för att bidra
  till kommunens mål om god livskvalitet" serves a goal, it does not set one;
- the organisation is named in general terms, for any region or municipality: "vi",
  "regionen", "kommunen", "nämnden", "Region Västerbotten", "Simrishamns kommun" (and their
  genitives as owners of a goal). No region's name is written into the rules: on the corpus
  that change and the main-clause rule drop 7 extracted sentences (process and background
  text such as "Dessa insatser blir viktiga verktyg i arbetet att nå målen"), and on the
  Simrishamn annual report (`shared/external`) they keep one purpose clause out; the dev
  figures are unchanged;
- text about the document itself ("Dokumentet är ett ramverk", "De strategiska målen
  sammanfattar"), another actor's goal ("Idrottens mål är att"), and forecasts are never goals;
  a conditional obligation ("Om så sker ska …") is a rule, so its modal does not count.

Measured with `styrdok eval-goals` on `shared/eval/goal_sentences.jsonl` (README figures).
"""

from __future__ import annotations

import re

from pipeline.crosscheck.quantities import parse_direction, parse_quantities
from pipeline.text.nlp import lexicon

_MODAL = re.compile(r"\b(?:ska|skall|shall)\b", re.IGNORECASE)
_OWN_ACTOR = (r"(?:vi|we|regionen|kommunen|staden|länet|landstinget|nämnden|styrelsen"
              r"|region\s+\w+|\w+\s+(?:kommun|stad|län))")
"""Who a document speaks for, in any region or municipality: "vi", the organisation by kind
("regionen", "kommunen", "nämnden") or by name ("Region Västerbotten", "Simrishamns kommun")."""
_OWN_OWNER = rf"(?:{_OWN_ACTOR}s|vår|våra|our|kommuns|stads|läns|\w*(?:nämndens|styrelsens|fullmäktiges))"
"""The same actors as owners of a goal, in the genitive ("kommunens mål", "Region Västerbottens
mål"), and the owners that have no subject form above ("vår", "kommuns", "regionfullmäktiges");
any other genitive owner ("Idrottens mål") is another actor."""
_WANT = re.compile(rf"\b{_OWN_ACTOR}\s+vill\b|\bvill\s+{_OWN_ACTOR}\b", re.IGNORECASE)
_NEED = re.compile(r"\b(?:behöver|måste|krävs|bör|need(?:s)? to|must)\b", re.IGNORECASE)
_SUBORDINATORS = frozenset(
    {"som", "hur", "att", "om", "när", "där", "vilket", "vilka", "eftersom", "medan", "innan", "ifall", "huruvida",
     "varför", "vad", "which", "that", "how", "if", "when", "where"}
)
"""Words that open a subordinate clause: a modal they govern describes, it does not commit."""
_AMBIGUOUS = frozenset({"om", "när", "där", "if", "when", "where"})
"""Also a preposition or adverb ("konferens om regional utveckling"): subordinate only at the clause start."""
_SETS_A_GOAL = re.compile(r"(?:vill|fastställ\w*|beslut(?:ar|at|ade|it)|beslöt)", re.IGNORECASE)
"""A verb whose "att" clause is the goal itself ("Vi vill att …", "Strategin fastställer att Norrbotten ska …")."""
_PURPOSE = re.compile(r"\b(?:för|så) att\b|\bin order\b", re.IGNORECASE)
_GOAL_NOUN = r"\b(?!ändamål)\w*mål(?:et|en|s)?\b"
_GOAL_WORD = re.compile(
    rf"{_GOAL_NOUN}(?:\s+\S+){{0,6}}?\s+är\s+att\b|{_GOAL_NOUN}\s+(?:är|om|uppnås|nås)\b"
    rf"|\b(?:upp)?nå(?:s|r)?\s+(?:\w+\s+)?{_GOAL_NOUN}|\buppfyll\w*\s+(?:\w+\s+)?{_GOAL_NOUN}"
    r"|\bvision(?:en)?\s+är\s+att\b|\bmålsatt\w*|\bmålsättning\w*|\b(?:goal|target|objective|aim)s?\s+(?:is|are|of|to)\b",
    re.IGNORECASE,
)
"""A sentence that states a goal ("Det övergripande målet är att …", "nå målet", "mål om 260 000")."""
_FOREIGN_GOAL = re.compile(rf"\b(?<!region\s)(?!{_OWN_OWNER}\s)\w+s\s+(?:\w+\s+)?mål\b", re.IGNORECASE)
"""Another actor's goal ("Idrottens mål är att …"): the genitive owner is not the organisation."""
_NUMBER_WORD = r"(?:en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|tolv|hundra|tusen)\b"
_CHANGE_TO = re.compile(
    rf"\b(?:öka|ökar|minska|minskar|sänka|sänks|höja|höjs|increase|reduce|cut)\w*\s+(?:till|med|to|by)\s+"
    rf"(?:minst\s+|högst\s+|ca\.?\s+|cirka\s+|at least\s+)?(?=[+-]?\d|{_NUMBER_WORD})",
    re.IGNORECASE,
)
_DEADLINE = re.compile(
    r"\bsenast\s+(?:år\s+|den\s+)?\d|\btill år \d{4}\b|\b(?:by|until) (?:the year )?\d{4}\b", re.IGNORECASE
)
_CHANGE_VERB = re.compile(
    r"\b(?:öka|minska|stärka|förbättra|förstärka|höja|sänka|bryta|förändra|utveckla|bli|växa|increase|reduce|improve)"
    r"\w*\b", re.IGNORECASE)
_ALLOCATION = re.compile(
    r"\b(?:tilldelas|avsätts|anslås|beviljas|öronmärk\w*|får\s+(?:en|ett)\s+(?:uppräkning|tillskott|ökat|utökat)"
    r"|ökas\s+med|allocated|granted)\b", re.IGNORECASE)
_IMPORTANCE = re.compile(r"\bär det av (?:största|stor|avgörande) vikt att\b", re.IGNORECASE)
_FORECAST = re.compile(
    r"\b(?:prognos\w*|beräknas|bedöms|bedömer|förväntas|väntas|kommer(?:\s+\w+)?\s+att|uppskatt\w*|framskrivning\w*"
    r"|indikerar|forecast\w*|expected|projected)\b",
    re.IGNORECASE,
)
_DOCUMENT_SUBJECT = re.compile(
    r"^(?:\W*\w+\W+){0,3}?(?:dokumentet|strategin|utvecklingsstrategin|planen|ramverket|rapporten"
    r"|de (?:strategiska|övergripande) målen|målen)\s+(?:är|beskriver|sammanfattar|innehåller|utgör|anger|består"
    r"|visar|redovisar|ska vara|har)\b",
    re.IGNORECASE,
)
"""A sentence whose subject is the document or its goals as such: a reading guide, no goal."""
_CONDITION = re.compile(r"^\W*(?:om|ifall|if)\s", re.IGNORECASE)
_ACTION_EXCLUDED = frozenset({"se", "läs", "kontakta", "besök", "notera", "observera", "ring"})
"""Imperatives that address the reader, not the organisation."""
_SHORT_INFINITIVES = frozenset({"ha", "bli", "nå", "gå", "få", "se", "stå", "bo", "ge", "dra", "ta"})
CLAUSE_STARTERS = frozenset(
    {
        "vi", "det", "den", "de", "detta", "dessa", "där", "här", "alltid", "men", "och", "i", "på", "en", "ett",
        "alla", "som", "att", "om", "när", "för", "med", "genom", "till", "från", "samtidigt", "dessutom", "även",
        "också", "tillsammans", "så", "då", "nu", "man", "du", "ni", "jag", "hon", "han", "många", "flera",
    }
)
"""Capitalised function words that start a new sentence, not a list item or a proper noun."""
MAX_ACTION_WORDS = 30
"""An action item is a short line; a longer text starting with a verb is running prose."""


def is_verb_form(word: str, lang: str = "sv") -> bool:
    """True for an infinitive or imperative ("Skapa", "Ha", "Stärk"), judged from its lemma.

    The lemma lookup knows no parts of speech, so a verb is a word whose lemma ends like a
    Swedish infinitive and is the word itself or the word plus an ending ("stärk" → "stärka"),
    and, when the word is its own lemma, one the table also conjugates (`_conjugated`): on the
    corpus and two municipal documents that keeps 19 non-goals out ("Källa för statistiken är
    …", "Folkhälsa beskriver …") and every labelled goal in.
    """
    if word.endswith(":"):  # a label ("Källa:", "Not:"), not an imperative
        return False
    lower = word.strip(",.;").lower()
    if lower in CLAUSE_STARTERS:
        return False
    lex = lexicon(lang)
    lemma = lex.lookup(lower)
    if lemma is None:  # an imperative the table lacks ("stärk") whose infinitive it knows ("stärka")
        lemma = lex.lookup(lower + "a")
    if lemma is None or not lemma.startswith(lower) or not (lemma.endswith("a") or lemma in _SHORT_INFINITIVES):
        return False
    return lower != lemma or _conjugated(lemma, lex.table)


def _conjugated(lemma: str, table: dict[str, str]) -> bool:
    """Whether the lemma table has a present tense of ``lemma`` ("utvecklar", "bygger", "har",
    "genomför"): nouns and adjectives that end like an infinitive ("källa", "bilaga",
    "folkhälsa", "sista") have none. Measured on the corpus headings: 9 of 14 that passed the
    ending test were such."""
    present = (lemma + "r", lemma[:-1] + "er", *((lemma[:-1],) if lemma.endswith("ra") else ()))  # "genomför"
    return any(table.get(form) == lemma for form in present)


def _is_finite_verb(word: str) -> bool:
    """A present, past, supine or passive form of a verb ("exporterar", "ligger", "upplevt", "sker").

    Judged from the lemma: the word is the infinitive with a tense ending, so plural nouns
    whose lemma ends in -a ("kvinnor" ← "kvinna") are not taken.
    """
    lower = word.lower()
    lemma = lexicon("sv").lookup(lower)
    if lemma is None or lemma == lower or not lemma.endswith("a"):
        return False
    stem = lemma[:-1]
    return lower in {lemma + "r", stem + "er", stem + "r", stem + "t", stem + "it", stem + "de", stem + "te",
                     lemma + "de", lemma + "t", stem + "s", lemma + "s", stem + "ts", lemma + "ts"}


def _governed(text: str, start: int) -> bool:
    """True when the modal at ``start`` stands in a subordinate or purpose clause."""
    clause = re.split(r"[,;:()]", text[:start])[-1]
    if _PURPOSE.search(clause):
        return True
    words = re.findall(r"\w+", clause)
    for position, word in reversed(list(enumerate(words))):
        if word.lower() in _SUBORDINATORS and (word.lower() not in _AMBIGUOUS or position == 0):
            return not (word.lower() == "att" and position > 0 and _SETS_A_GOAL.fullmatch(words[position - 1]))
        if _is_finite_verb(word) or word.lower() in ("är", "har", "finns", "var"):
            return False
    return False


def _main_clause(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return next((m for m in pattern.finditer(text) if not _governed(text, m.start())), None)


def _needs_outcome(text: str, amounts: bool) -> bool:
    """"måste stärkas", "måste öka", "behöver bygga minst 1500 bostäder": an intended outcome."""
    need = _main_clause(_NEED, text)
    if need is None:
        return False
    following = re.findall(r"\w+", text[need.end() :])[:4]
    passive = any(w.endswith("s") and _is_finite_verb(w) for w in following[:3])
    return amounts or passive or any(_CHANGE_VERB.fullmatch(w) for w in following[:2])


def is_action(text: str, lang: str = "sv") -> bool:
    """An item that starts with an infinitive or imperative: "Skapa förutsättningar för …"."""
    words = text.split()
    return (
        2 < len(words) <= MAX_ACTION_WORDS
        and words[0].strip(",.;:").lower() not in _ACTION_EXCLUDED
        and is_verb_form(words[0], lang)
    )


def is_excluded(text: str) -> bool:
    """Text about the document itself or another actor's goal."""
    return bool(_DOCUMENT_SUBJECT.search(text) or _FOREIGN_GOAL.search(text))


def goal_cues(text: str, lang: str = "sv", *, in_goal_section: bool = False) -> tuple[str, ...]:
    """Why ``text`` states a goal, strongest first; empty when it does not (see the module docstring)."""
    if is_excluded(text):
        return ()
    cues = []
    # a conditional obligation ("Om så sker ska …") is a rule, not a target
    if not _CONDITION.search(text) and (_main_clause(_MODAL, text) or _main_clause(_WANT, text)):
        cues.append("modal")
    if _main_clause(_GOAL_WORD, text) or _IMPORTANCE.search(text):
        cues.append("goal_word")
    if _FORECAST.search(text):
        return tuple(cues)
    quantities = parse_quantities(text, lang)
    direction = parse_direction(text)
    dated = any(q.kind in ("year", "date") for q in quantities)
    amounts = any(q.kind not in ("year", "date") for q in quantities)
    if direction in ("at_least", "at_most") or _CHANGE_TO.search(text) or _DEADLINE.search(text) or (
        direction == "zero" and dated
    ):
        cues.append("target")
    if _needs_outcome(text, amounts):
        cues.append("need")
    if is_action(text, lang):
        cues.append("action")
    if _ALLOCATION.search(text) and amounts:
        cues.append("allocation")
    if in_goal_section:
        cues.append("goal_section")
    return tuple(cues)

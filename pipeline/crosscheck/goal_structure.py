"""A goal as data: what it measures (indicator), the numbers it sets, and whose goal it is.

Two goals can only be compared number for number when they measure the same thing: "minst
260 000 invånare" and "ca 1200 personer per år" are both counts of people, but population
and net migration are different indicators. So each statement gets an :class:`Indicator`
(its content lemmas, their compound parts, and the named indicator concepts it mentions)
before its :class:`Target` numbers are read.

- Compound parts come from the lemma table: "växthusgasutsläpp" → "växthusgas", "utsläpp";
  "upphandlingsprocesser" → "upphandling", "process" (a linking -s is dropped).
- Concepts are a small table of indicators that governing documents phrase in different
  words: "inga nettoutsläpp av växthusgaser" ~ "klimatneutral" ~ "nettonoll". A concept
  only matches a whole lemma ("nattbefolkning" is not "befolkning").
- A target is a value with unit and kind, the year it is due, the baseline year it is
  measured against ("jmf 2010"), and the direction (öka/minska/minst/högst/noll). A goal
  with a year but no amount ("klimatneutralt 2045") has one ``deadline`` target.
- The scope is whose goal it is: Sweden (national goals the region contributes to), the
  county, or the organisation itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.crosscheck.quantities import Quantity, parse_direction, parse_quantities, parse_years
from pipeline.text.analysis import analyze
from pipeline.text.compounds import cuts, head_forms
from pipeline.text.nlp import lexicon

MIN_PART = 4
"""Shortest head of a compound taken as a part ("gods" in "godstransporter"; "tran" in
"transport" is no part)."""
MIN_KNOWN_COMPOUND = 12
"""A word the lemma table knows is split only from this length on ("transport" stays whole,
"energieffektivisering" is split)."""
MIN_TAIL = 4
"""Shortest tail taken as a part: shorter tails match by chance ("-tal", "-ning")."""
HEAD_JOINTS = ("", "s")
"""Joints read here; an "e" joint or a dropped vowel would let the lemma table's short words
("skol", "pojk") turn up as parts by chance."""

CONCEPTS: dict[str, frozenset[str]] = {
    "nettoutsläpp av växthusgaser": frozenset({"nettoutsläpp", "klimatneutral", "klimatneutralitet", "nettonoll",
                                               "nettonollutsläpp", "klimatneutralt", "växthusgasutsläpp",
                                               "växthusgas", "utsläpp", "koldioxidutsläpp", "fossilfri"}),
    "befolkning": frozenset({"invånare", "befolkning", "norrbottning", "folkmängd", "länsinvånare"}),
    "bostäder": frozenset({"bostad", "bostadsbyggande", "lägenhet"}),
    "anställningar": frozenset({"anställning", "arbetstillfälle", "rekrytering", "sysselsättning"}),
    "förnybar el": frozenset({"elproduktion"}),
    "energieffektivitet": frozenset({"energianvändning", "energieffektivisering", "energieffektivitet"}),
    "kollektivtrafik": frozenset({"kollektivtrafik", "kollektivtrafikresande"}),
    "balanskravsresultat": frozenset({"balanskravsresultat", "balanskrav"}),
}
"""Indicators that documents name in different words; each word is a lemma or compound part."""

_SCOPES = (
    ("sverige", re.compile(r"\b(?:Sverige|riket|nationell\w*|landets)\b", re.IGNORECASE)),
    ("organisation", re.compile(r"\b(?:Region Norrbotten|regionen|regionens|verksamhet\w*|vi)\b")),
    ("län", re.compile(r"\b(?:Norrbotten\w*|länet|länets|norrbottningar\w*)\b", re.IGNORECASE)),
)
"""Whose goal it is, checked in this order (a national goal that names the county is national)."""


@dataclass(frozen=True)
class Indicator:
    """What a statement is about: lemmas, their compound parts, named concepts."""

    lemmas: frozenset[str]
    parts: frozenset[str]
    concepts: frozenset[str]

    def shared_concepts(self, other: Indicator) -> frozenset[str]:
        return self.concepts & other.concepts


@dataclass(frozen=True)
class Target:
    """One number a goal sets: value, unit and kind, the year it is due and the baseline year."""

    kind: str
    """A quantity kind (``percent``, ``count``, ``money`` …) or ``deadline`` for a year alone."""
    value: float | None
    unit: str | None
    text: str
    year: int | None
    baseline_year: int | None
    direction: str | None


@dataclass(frozen=True)
class StructuredGoal:
    text: str
    indicator: Indicator
    targets: tuple[Target, ...]
    years: tuple[int, ...]
    direction: str | None
    scope: str | None


@lru_cache(maxsize=200_000)
def compound_parts(term: str) -> frozenset[str]:
    """Lemmas of the parts of a Swedish compound the lemma table knows ("upphandlingsprocess"
    → {"upphandling", "process"}); empty for a simple word."""
    table = lexicon("sv")
    if len(term) < MIN_KNOWN_COMPOUND and table.lookup(term) is not None:
        return frozenset()
    parts: set[str] = set()
    for head, rest in cuts(term, MIN_PART, MIN_TAIL):
        tail = table.lookup(rest)
        if tail is None:
            continue
        for candidate in head_forms(head, joints=HEAD_JOINTS, vowels=()):
            lemma = table.lookup(candidate) if len(candidate) >= MIN_PART else None
            if lemma is not None:
                parts.update((lemma, tail))
    return frozenset(parts - {term})


_SUSPENDED = re.compile(r"(?<![\w-])([^\W\d_]{2,})-(?=,?\s)")
"""The first part of a compound whose head follows later ("anställnings- samt
lönebildningsprocess", "hälso-, sjuk- och tandvård"): a part, not a word of its own."""


def _content(text: str, lang: str) -> frozenset[str]:
    return frozenset(t for t in analyze(text, lang) if not any(ch.isdigit() for ch in t))


@lru_cache(maxsize=100_000)
def indicator_of(text: str, lang: str = "sv", suspended_as_parts: bool = True) -> Indicator:
    """Content lemmas (numbers left out), compound parts and concepts of ``text``.

    In evidence a suspended compound part ("anställnings- samt lönebildningsprocess") is a
    part, matched at `PART_CREDIT` like any compound part: it qualifies a head elsewhere (dev
    set: the process sentence no longer outranks the labour-need one, page right 20 → 21).
    A goal keeps it as a word (``suspended_as_parts=False``): "forsknings- och
    utvecklingsprogram" is about research too, and the goal's words set what must be found."""
    suspended = _content(" ".join(_SUSPENDED.findall(text)), lang) if suspended_as_parts else frozenset()
    lemmas = _content(_SUSPENDED.sub(" ", text) if suspended_as_parts else text, lang)
    parts = (frozenset(p for t in lemmas for p in compound_parts(t)) | suspended) - lemmas
    # concepts match whole lemmas: "nattbefolkning" is not "befolkning"
    concepts = frozenset(name for name, members in CONCEPTS.items() if lemmas & members)
    return Indicator(lemmas, parts, concepts)


def _baseline_years(text: str, lang: str) -> set[int]:
    every = {int(q.value) for q in parse_quantities(text, lang) if q.kind in ("year", "date")}
    return every - set(parse_years(text, lang))


def targets_of(text: str, lang: str = "sv", years: tuple[int, ...] = ()) -> tuple[Target, ...]:
    """The numbers ``text`` sets, each with its due year; ``years`` from the context are used
    when the text names none (a table cell under "Effektmål 2030")."""
    own = tuple(parse_years(text, lang))
    due = own or years
    year = due[-1] if due else None
    baseline = min(_baseline_years(text, lang), default=None)
    direction = parse_direction(text)
    amounts = [q for q in parse_quantities(text, lang) if q.kind not in ("year", "date", "age", "duration")]
    # a year is a target of its own for a zero target ("inga nettoutsläpp … 2045") or a state
    # due by a year the text names ("klimatneutralt 2045"), not for "ska öka" under "Effektmål 2030"
    dated = year is not None and (direction == "zero" or (direction is None and bool(own)))
    deadline = (Target("deadline", None, None, str(year), year, baseline, direction),) if dated else ()
    if not amounts:
        return deadline
    # a zero target with a year ("Inga nettoutsläpp … 2045 (max 15 % …)") is first of all a deadline
    return (deadline if direction == "zero" else ()) + tuple(_target(q, year, baseline, direction) for q in amounts)


def _target(q: Quantity, year: int | None, baseline: int | None, direction: str | None) -> Target:
    return Target(q.kind, q.value, q.unit, q.text, year, baseline, q.qualifier or direction)


def scope_of(text: str) -> str | None:
    return next((name for name, pattern in _SCOPES if pattern.search(text)), None)


@lru_cache(maxsize=50_000)
def structure(text: str, lang: str = "sv", years: tuple[int, ...] = ()) -> StructuredGoal:
    """The structured form of one goal statement."""
    targets = targets_of(text, lang, years)
    return StructuredGoal(
        text=text,
        indicator=indicator_of(text, lang, suspended_as_parts=False),
        targets=targets,
        years=tuple(t.year for t in targets if t.year is not None) or years,
        direction=parse_direction(text),
        scope=scope_of(text),
    )

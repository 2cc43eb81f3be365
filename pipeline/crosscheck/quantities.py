"""Numbers with units, years and target directions in Swedish (and basic English) text.

The cross-check compares what two documents say about one goal, so "minst 260 000
invånare till 2030" must become comparable data: a count of 260 000 inhabitants with an
at-least qualifier, and the target year 2030. :func:`parse_quantities` finds every
quantity in a text, :func:`parse_years` the target years and :func:`parse_direction`
the direction a goal points in.

Swedish number formats: a space (also no-break or thin space) groups thousands
("260 000"), a comma is the decimal mark ("48,8"); tables sometimes use a decimal point
("5.2"). A bare four-digit number from 1900 to 2100 is a year unless a unit follows or an
approximation ("ca 2000") makes it an amount; "2 000" with a group space is an amount.
Digits glued to the end of a word ("nattbefolkning5", "75 %3") are footnote marks and
are skipped. Digits before a unit need no space ("1Gbit/s", "1%").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

YEAR_MIN = 1900
YEAR_MAX = 2100


@dataclass(frozen=True)
class Quantity:
    """One quantity found in a text.

    ``kind`` is one of ``percent``, ``count``, ``money``, ``rate`` (anything per period),
    ``mass``, ``energy``, ``speed``, ``age``, ``duration`` ("inom 4 år"), ``year``,
    ``date`` ("senast 2023-12-31"; ``value`` is the year) and ``number``.
    A range ("16–64 år", "2023–2025") has ``low`` and ``high`` and its ``value`` is ``low``.
    ``unit`` is normalised ("mnkr" for "miljoner kronor", "bostäder/år" for "bostäder per
    år"); scale words multiply the value except before money, where they pick the unit
    ("513,8 miljoner kronor" → 513.8 mnkr). ``qualifier`` is ``at_least``, ``at_most`` or
    ``approx`` when a word such as "minst", "högst" or "ca" stands right before it.
    """

    value: float
    unit: str | None
    kind: str
    text: str
    span: tuple[int, int]
    low: float | None = None
    high: float | None = None
    qualifier: str | None = None


_SPACE = "[ \u00a0\u202f\u2009]"
_NUMBER_BODY = rf"\d{{1,3}}(?:{_SPACE}\d{{3}}(?!\d))+(?:,\d+)?|\d+(?:[,.]\d+)?"
_NUMBER_BODY_EN = rf"\d{{1,3}}(?:(?:,|{_SPACE})\d{{3}}(?!\d))+(?:\.\d+)?|\d+(?:\.\d+)?"
_NOT_AFTER = r"(?<![\w.,:/%\-−–])"
"""A number does not continue a word, another number, a ratio ("1:1") or a footnoted "%"."""
_NOT_BEFORE = r"(?![\w]|:\d)"
"""...and is not followed by letters of the same word ("2020-talet" is handled apart) or ":digit"."""
_WORD_END = r"(?![\wåäöÅÄÖ])"

NUMBER_WORDS = {
    "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8,
    "nio": 9, "tio": 10, "elva": 11, "tolv": 12, "femton": 15, "tjugo": 20, "trettio": 30,
    "fyrtio": 40, "femtio": 50, "hundra": 100, "tusen": 1000,
}
"""Small Swedish number words; they only count as a quantity when a unit follows ("två procent")."""
_ARTICLES = frozenset({"en", "ett"})
_ARTICLE_KINDS = frozenset({"percent", "money"})
""""en"/"ett" are read as 1 only before a percent or money unit ("en procent", "en miljon kronor")."""


def _token_pattern(number: str) -> re.Pattern[str]:
    return re.compile(
        rf"""
        (?P<iso>(?<![\d-])(?:19|20)\d\d-[01]\d-[0-3]\d(?![\d-]))
        |(?P<dotdate>(?<![\d.])[0-3]?\d\.[01]?\d\.(?:19|20)\d\d(?![\d.]))
        |{_NOT_AFTER}(?P<lo>{number})(?P<sep>[–—-]|/)(?P<hi>{number}){_NOT_BEFORE}
        |{_NOT_AFTER}(?P<sign>[-−–+](?=\d))?(?P<num>{number})(?P<decade>-talet)?(?![\d]|:\d)
        |(?<![\w-])(?P<word>{"|".join(NUMBER_WORDS)}){_WORD_END}
        """,
        re.VERBOSE | re.IGNORECASE,
    )


_TOKENS = {"sv": _token_pattern(_NUMBER_BODY), "en": _token_pattern(_NUMBER_BODY_EN)}

_SCALES = {
    "tusen": 1e3, "thousand": 1e3,
    "miljon": 1e6, "miljoner": 1e6, "milj.": 1e6, "milj": 1e6, "mn": 1e6, "million": 1e6, "millions": 1e6,
    "miljard": 1e9, "miljarder": 1e9, "mdr": 1e9, "billion": 1e9, "billions": 1e9,
}
_MONEY_BY_SCALE = {1.0: "kr", 1e3: "tkr", 1e6: "mnkr", 1e9: "mdkr"}

_UNITS: dict[str, tuple[str, str]] = {
    # percent
    "%": ("%", "percent"), "procent": ("%", "percent"), "percent": ("%", "percent"), "per cent": ("%", "percent"),
    "procentenheter": ("procentenheter", "percent"), "procentenhet": ("procentenheter", "percent"),
    "percentage points": ("procentenheter", "percent"),
    # money
    "kr": ("kr", "money"), "kronor": ("kr", "money"), "krona": ("kr", "money"), "sek": ("kr", "money"),
    "tkr": ("tkr", "money"), "kkr": ("tkr", "money"),
    "mnkr": ("mnkr", "money"), "mkr": ("mnkr", "money"), "msek": ("mnkr", "money"),
    "mdkr": ("mdkr", "money"), "mdsek": ("mdkr", "money"),
    "euro": ("EUR", "money"), "eur": ("EUR", "money"), "€": ("EUR", "money"),
    # mass
    "ton": ("ton", "mass"), "tonnes": ("ton", "mass"), "tons": ("ton", "mass"), "kton": ("kton", "mass"),
    "kg": ("kg", "mass"),
    # energy
    "kwh": ("kWh", "energy"), "mwh": ("MWh", "energy"), "gwh": ("GWh", "energy"), "twh": ("TWh", "energy"),
    # speed
    "kbit/s": ("kbit/s", "speed"), "mbit/s": ("Mbit/s", "speed"), "gbit/s": ("Gbit/s", "speed"),
    "mbps": ("Mbit/s", "speed"), "gbps": ("Gbit/s", "speed"), "km/h": ("km/h", "speed"),
    # duration (ages are told apart by context)
    "år": ("år", "duration"), "åren": ("år", "duration"), "years": ("år", "duration"), "year": ("år", "duration"),
    "månader": ("månader", "duration"), "månaderna": ("månader", "duration"), "månad": ("månader", "duration"),
    "months": ("månader", "duration"),
    "veckor": ("veckor", "duration"), "vecka": ("veckor", "duration"), "weeks": ("veckor", "duration"),
    "dagar": ("dagar", "duration"), "dagarna": ("dagar", "duration"), "dag": ("dagar", "duration"),
    "days": ("dagar", "duration"),
    "timmar": ("timmar", "duration"), "timme": ("timmar", "duration"), "hours": ("timmar", "duration"),
    "minuter": ("minuter", "duration"), "minutes": ("minuter", "duration"),
    # counted things
    "invånare": ("invånare", "count"), "medborgare": ("invånare", "count"), "norrbottningar": ("invånare", "count"),
    "länsinvånare": ("invånare", "count"), "inhabitants": ("invånare", "count"), "residents": ("invånare", "count"),
    "personer": ("personer", "count"), "människor": ("personer", "count"), "individer": ("personer", "count"),
    "people": ("personer", "count"), "persons": ("personer", "count"),
    "bostäder": ("bostäder", "count"), "lägenheter": ("bostäder", "count"), "homes": ("bostäder", "count"),
    "dwellings": ("bostäder", "count"),
    "företag": ("företag", "count"), "companies": ("företag", "count"), "businesses": ("företag", "count"),
    "anställda": ("anställda", "count"), "medarbetare": ("anställda", "count"), "employees": ("anställda", "count"),
    "anställningar": ("arbetstillfällen", "count"), "arbetstillfällen": ("arbetstillfällen", "count"),
    "jobb": ("arbetstillfällen", "count"), "jobs": ("arbetstillfällen", "count"),
    "elever": ("elever", "count"), "studenter": ("studenter", "count"), "patienter": ("patienter", "count"),
    "vårdplatser": ("vårdplatser", "count"), "platser": ("platser", "count"), "projekt": ("projekt", "count"),
    "ledamöter": ("ledamöter", "count"), "kommuner": ("kommuner", "count"), "orter": ("orter", "count"),
    "st": ("st", "count"), "st.": ("st", "count"), "stycken": ("st", "count"),
}
_COUNT_ADJECTIVES = ("nya", "fler", "färre", "ytterligare", "egna", "extra", "new", "more", "additional")
"""One of these may stand between a number and a counted noun ("1700 nya företag")."""

_PERIODS = {
    "år": "år", "året": "år", "year": "år", "annum": "år",
    "månad": "månad", "månaden": "månad", "month": "månad",
    "vecka": "vecka", "veckan": "vecka", "week": "vecka",
    "dag": "dag", "dagen": "dag", "dygn": "dag", "day": "dag",
}


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_SPACES = rf"{_SPACE}*"
_UNIT_AFTER = re.compile(
    rf"""
    \)?{_SPACES}                                   # "en (1) procent"
    (?:(?P<scale>{_alternation(list(_SCALES))}){_WORD_END}{_SPACES})?
    (?:(?:(?P<adj>{_alternation(list(_COUNT_ADJECTIVES))}){_SPACES})?(?P<unit>{_alternation(list(_UNITS))})(?:{_WORD_END}|(?<=%)|(?<=\.)))?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_PER_PERIOD = re.compile(
    rf"{_SPACES}(?:(?:per|/|om|a|each){_SPACES}(?P<period>{_alternation(list(_PERIODS))}){_WORD_END}|(?P<yearly>årligen|annually))",
    re.IGNORECASE,
)
_AGE_SUFFIX = re.compile(r"-(?:årsåldern|åringar|åring|years?-olds?)", re.IGNORECASE)
_AGE_AFTER = re.compile(rf"{_SPACES}(?:och|or|and){_SPACES}(?:äldre|yngre|uppåt|older|younger|over)\b", re.IGNORECASE)
_AGE_BEFORE = re.compile(r"(?:\böver|\bupp till|\båldern|\båldrarna|\bfyllda|\bäldre än|\byngre än|\baged)\s*$", re.IGNORECASE)

_QUALIFIERS_BEFORE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("approx", re.compile(r"(?:\bca\.?|\bcirka|\bomkring|\bungefär|\bdrygt|\bknappt|\bnästan|\bappr(?:ox(?:imately)?|\.)|\babout|\baround|\broughly|\bnearly|\balmost)\s*$", re.IGNORECASE)),
    ("at_least", re.compile(r"(?:\bminst|\båtminstone|\binte mindre än|\blägst|\bmer än|\bfler än|\böver|\bat least|\bno less than|\bmore than|\bover)\s*$", re.IGNORECASE)),
    ("at_most", re.compile(r"(?:\bhögst|\bmax\.?|\bmaximalt|\bmaximum|\binte mer än|\bsom mest|\bmindre än|\bfärre än|\bunder|\bupp till|\bat most|\bno more than|\bup to|\bless than|\bfewer than)\s*$", re.IGNORECASE)),
)
_TEMPORAL_QUALIFIER = re.compile(r"(?:\bunder|\böver|\bupp till|\bover)\s*$", re.IGNORECASE)
"""Qualifier words that also read as time ("under 2023"): they do not turn a year into an amount."""
_NAMED_YEAR = re.compile(r"\b(?:Agenda|Europa)\s+$")
"""Years that are part of a name ("Agenda 2030") are no target years."""
_MONTHS = re.compile(
    r"\s+(?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december|"
    r"january|february|march|may|june|july|august|october)\b",
    re.IGNORECASE,
)


def parse_quantities(text: str, lang: str = "sv") -> list[Quantity]:
    """Every quantity in ``text``, in order of appearance.

    ``lang`` only changes number formats: with ``en`` a comma (or a space) groups
    thousands ("260,000") and a point is the decimal mark.
    """
    pattern = _TOKENS["en" if lang == "en" else "sv"]
    found = []
    pos = 0
    while (match := pattern.search(text, pos)) is not None:
        quantity = _read(text, match, lang)
        if quantity is not None:
            found.append(quantity)
            pos = quantity.span[1]
        else:
            pos = match.end()
    return found


def _read(text: str, match: re.Match[str], lang: str) -> Quantity | None:
    if match.group("iso") or match.group("dotdate"):
        year = int(match.group(0)[-4:] if match.group("dotdate") else match.group(0)[:4])
        return Quantity(float(year), None, "date", match.group(0), match.span())
    if match.group("lo") is not None:
        return _read_range(text, match, lang)
    if match.group("word") is not None:
        word = match.group("word").lower()
        quantity = _with_unit(text, match.start(), match.end(), float(NUMBER_WORDS[word]), lang,
                              whole=True, require_unit=True)
        if quantity is not None and word in _ARTICLES and quantity.kind not in _ARTICLE_KINDS:
            return None  # "ett jobb", "under ett år": an article, not a number
        return quantity
    if match.group("decade") or _MONTHS.match(text, match.end()):
        return None  # "2020-talet" is no year; "1 januari" is a day of the month
    raw = match.group("num")
    if _has_leading_zero(raw):
        return None  # phone numbers, times, "05/2022"
    value = _to_float(raw, lang)
    if match.group("sign") in ("-", "−", "–"):
        value = -value
    whole = match.group("sign") is None and not re.search(r"[,.]", raw)
    return _with_unit(text, match.start(), match.end(), value, lang, whole=whole, require_unit=False)


def _read_range(text: str, match: re.Match[str], lang: str) -> Quantity | None:
    lo_raw, hi_raw = match.group("lo"), match.group("hi")
    if _has_leading_zero(lo_raw) or _has_leading_zero(hi_raw):
        return None
    low, high = _to_float(lo_raw, lang), _to_float(hi_raw, lang)
    both_years = _is_year_number(lo_raw) and _is_year_number(hi_raw)
    if match.group("sep") == "/":
        if both_years and high == low + 1:
            return Quantity(low, None, "year", match.group(0), match.span(), low=low, high=high)
        return None
    if low >= high:
        return None
    unit = _UNIT_AFTER.match(text, match.end())
    if unit is not None and unit.group("unit"):
        name, kind, scale = _unit_of(unit)
        period = _PER_PERIOD.match(text, unit.end())
        end = unit.end()
        if name == "år" and period is None:
            kind = "age"
        elif period is not None:
            name, kind, end = _per_period(name, period)
        return Quantity(low * scale, name, kind, text[match.start() : end].strip(), (match.start(), end),
                        low=low * scale, high=high * scale, qualifier=_qualifier(text, match.start()))
    if both_years:
        return Quantity(low, None, "year", match.group(0), match.span(), low=low, high=high)
    return Quantity(low, None, "number", match.group(0), match.span(), low=low, high=high,
                    qualifier=_qualifier(text, match.start()))


def _with_unit(
    text: str, start: int, end: int, value: float, lang: str, *, whole: bool, require_unit: bool
) -> Quantity | None:
    """The quantity that starts with the number ``text[start:end]``, read with the unit after it.

    Without a unit, an unsigned whole number is a ``count`` ("ca 2 000") or, written as
    four digits from 1900 to 2100, a ``year``; a signed or decimal one is a ``number``.
    """
    qualifier = _qualifier(text, start)
    age = _AGE_SUFFIX.match(text, end)
    if age is not None:
        return Quantity(value, "år", "age", text[start : age.end()], (start, age.end()), qualifier=qualifier)
    unit = _UNIT_AFTER.match(text, end)
    name, kind, scale = (None, "number", 1.0)
    if unit is not None and (unit.group("unit") or unit.group("scale")):
        name, kind, scale = _unit_of(unit)
        end = unit.end()
    period = _PER_PERIOD.match(text, end)
    if period is not None:
        name, kind, end = _per_period(name, period)
    if require_unit and name is None and scale == 1.0:
        return None
    if name is None and scale == 1.0 and whole:
        if _is_year_number(text[start:end]):
            if _NAMED_YEAR.search(text, 0, start):
                return None
            if qualifier is None or _TEMPORAL_QUALIFIER.search(text, 0, start):
                return Quantity(value, None, "year", text[start:end], (start, end))
        kind = "count"
    if kind == "duration" and name == "år" and (_AGE_BEFORE.search(text, 0, start) or _AGE_AFTER.match(text, end)):
        kind = "age"
    return Quantity(value * scale, name, kind, text[start:end].strip(), (start, end), qualifier=qualifier)


def _unit_of(unit: re.Match[str]) -> tuple[str | None, str, float]:
    """(normalised unit, kind, multiplier) of a unit match; money units absorb the scale word."""
    scale = _SCALES[unit.group("scale").lower()] if unit.group("scale") else 1.0
    if not unit.group("unit"):
        return None, "number", scale
    name, kind = _UNITS[unit.group("unit").lower()]
    if kind == "money" and name == "kr" and scale in _MONEY_BY_SCALE:
        return _MONEY_BY_SCALE[scale], kind, 1.0
    if kind == "percent" and unit.group("scale"):
        return None, "number", scale  # "tusen procent" does not occur; keep the scaled number
    return name, kind, scale


def _per_period(name: str | None, period: re.Match[str]) -> tuple[str, str, int]:
    """``bostäder`` + "per år" → ("bostäder/år", "rate", end of the period phrase)."""
    per = "år" if period.group("yearly") else _PERIODS[period.group("period").lower()]
    return f"{name or 'st'}/{per}", "rate", period.end()


def _qualifier(text: str, start: int) -> str | None:
    before = text[max(0, start - 30) : start]
    for name, pattern in _QUALIFIERS_BEFORE:
        if pattern.search(before):
            return name
    return None


def _has_leading_zero(raw: str) -> bool:
    return len(raw) > 1 and raw[0] == "0" and raw[1].isdigit()


def _is_year_number(raw: str) -> bool:
    return raw.isdigit() and len(raw) == 4 and YEAR_MIN <= int(raw) <= YEAR_MAX


def _to_float(raw: str, lang: str) -> float:
    digits = re.sub(_SPACE, "", raw)
    if lang == "en":
        return float(digits.replace(",", ""))
    return float(digits.replace(",", "."))


_REFERENCE_YEAR = re.compile(
    r"(?:\bjmf\.?|\bjfr\.?|\bjämfört med|\bi förhållande till|\bän|\bsedan|\bcompared (?:to|with)|\brelative to|\bsince|\bthan)"
    r"\s*(?:år\s*)?\(?\s*$",
    re.IGNORECASE,
)


def parse_years(text: str, lang: str = "sv") -> list[int]:
    """Target years and deadlines in ``text``: years, both ends of year ranges, years of dates.

    Reference years ("jmf 2010", "effektivare än 2005", "sedan 2010") are left out:
    they anchor a comparison and are no target. Each year is listed once, in order.
    """
    years: list[int] = []
    for q in parse_quantities(text, lang):
        if q.kind not in ("year", "date") or _REFERENCE_YEAR.search(text, 0, q.span[0]):
            continue
        ends = (q.low, q.high) if q.low is not None and q.high is not None else (q.value,)
        years.extend(int(y) for y in ends if int(y) not in years)
    return years


_NUMBER_AHEAD = rf"(?=\s+(?:ca\.?\s+|cirka\s+)?(?:[+\-−–]?\d|(?:{'|'.join(NUMBER_WORDS)}){_WORD_END}))"
_DIRECTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("zero", re.compile(
        r"\binga\b|\bnollvision\w*|\b(?:till|på|vara) noll\b|\bnettonoll\w*|\binte\b(?:\s+\w+){0,3}\s+några\b"
        r"|\bno net\b|\bnet[- ]zero\b|\bzero\b",
        re.IGNORECASE)),
    ("at_least", re.compile(
        rf"(?<!\bmed )(?<!\bby )(?:\bminst|\båtminstone|\binte mindre än|\blägst|\bat least|\bno less than){_NUMBER_AHEAD}",
        re.IGNORECASE)),
    ("at_most", re.compile(
        rf"(?<!\bmed )(?<!\bby )(?:\bhögst|\bmax\.?|\bmaximalt|\binte mer än|\binte överstiga|\bat most|\bno more than"
        rf"|\bnot exceed\w*){_NUMBER_AHEAD}",
        re.IGNORECASE)),
)
"""Checked in this order: a zero target beats everything, a bound on the level beats a change verb.

A bound right after "med"/"by" bounds the size of a change ("minska med minst 70 %"), so
the change verb decides there."""
_CHANGES = re.compile(
    r"(?P<increase>\böka(?:r|s|d|de|t|ts)?\b|\bökning\w*|\bhöj(?:a|er|s|t|as|ts)\b|\bfler\b|\bväx(?:a|er|ande)\b"
    r"|\bfördubbl\w*|\bincreas\w*|\braise[sd]?\b|\bgrow\w*)"
    r"|(?P<decrease>\bminsk(?:a|ar|as|ad|ade|at|ats|ning\w*)\b|\bsänk(?:a|er|s|t|ta|as)\b|\bfärre\b|\bhalver\w*"
    r"|\breduc\w*|\bdecreas\w*|\bcut\b|\bhalve\w*|\bfewer\b)",
    re.IGNORECASE,
)
_MAINTAIN = re.compile(r"\b(?:bibehåll\w*|behåll\w*|upprätthåll\w*|maintain\w*|sustain\w*|keep)\b", re.IGNORECASE)


def parse_direction(text: str) -> str | None:
    """Where a goal points: ``increase``, ``decrease``, ``at_least``, ``at_most``, ``zero``, ``maintain`` or None.

    A zero target wins over everything, a bound with a number ("minst 260 000", not
    "inte minst unga kvinnor") over a change verb, and of two change verbs the first
    one wins ("ska minska och ligga på högst 25 %" is at_most, "ska öka" is increase).
    """
    for name, pattern in _DIRECTIONS:
        if pattern.search(text):
            return name
    change = _CHANGES.search(text)
    if change is not None:
        return "increase" if change.group("increase") else "decrease"
    if _MAINTAIN.search(text):
        return "maintain"
    return None

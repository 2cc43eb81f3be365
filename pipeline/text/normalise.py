"""Character-level text repair: ligatures, odd spaces, and line-end hyphenation."""

from __future__ import annotations

import re
from collections.abc import Iterable

LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\u0132": "IJ",
    "\u0133": "ij",
}
ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
MULTI_SPACE = re.compile(r" {2,}")
HYPHENS = "-\u2010\u2011"
CONJUNCTIONS = frozenset({"och", "eller", "samt", "resp", "respektive", "som", "till", "and", "or", "to"})
"""A word after a line-end hyphen that shows the hyphen is a real one ("hälso- och sjukvård")."""


def normalize_text(text: str) -> str:
    """Replace ligatures and odd spacing by their plain forms and collapse runs of spaces."""
    for ligature, plain in LIGATURES.items():
        text = text.replace(ligature, plain)
    text = INVISIBLE.sub("", ODD_SPACES.sub(" ", text))
    return MULTI_SPACE.sub(" ", text).strip()


def _keeps_hyphen(before: str, after: str) -> bool:
    """True when a hyphen at a line end belongs to the text rather than to hyphenation.

    Real hyphens: after a capital or a digit ("IT-", "2023-"), before a conjunction
    ("hälso- och"), before a capital or digit ("EU-" + "Kommissionen", "2023-" + "2025").
    """
    if not before or not after:
        return True
    if before[-1].isupper() or before[-1].isdigit() or not before[-1].isalpha():
        return True
    first_word = re.match(r"[\w]+", after)
    if first_word and first_word.group(0).lower() in CONJUNCTIONS:
        return True
    return not after[0].islower()


def join_lines(lines: Iterable[str]) -> str:
    """Join the lines of one paragraph, repairing line-end hyphenation."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
        elif out[-1] in HYPHENS and not _keeps_hyphen(out[:-1], line):
            out = out[:-1] + line
        elif out[-1] in HYPHENS and len(out) > 1 and out[-2].isalnum() and line.split(" ", 1)[0].lower() not in CONJUNCTIONS:
            out = out + line  # "IT-" + "system", "2023-" + "2025": keep the hyphen, no space
        else:
            out = out + " " + line
    return out

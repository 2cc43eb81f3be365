"""Swedish compounds: where a word may be cut, and what its first part may stand for.

Two places read compounds, each against its own word list: cross-check splits a goal's words
into the parts the lemma table knows ("upphandlingsprocess" → "upphandling" + "process",
`pipeline.crosscheck.goal_structure.compound_parts`), and "Menade du" leaves a query word alone
when it is two indexed terms joined ("sjukvårdsbudget", `pipeline.search.suggest`). Both cut
the same way, here: a first part keeps its joint letter or drops it ("sjukvård|s|budget"), or
has lost its final vowel ("skol|gård" for "skola").
"""

from __future__ import annotations

from collections.abc import Iterator

JOINTS = ("", "s", "e")
"""Swedish compound joints: "sjukvård|budget", "sjukvård|s|budget", "pojk|e|år"."""
DROPPED_VOWELS = ("a", "e", "o")
"""A first part may drop its final vowel: "skol|gård" (skola), "kyrk|råd" (kyrka)."""


def cuts(term: str, min_head: int, min_tail: int) -> Iterator[tuple[str, str]]:
    """Every (head, tail) cut of ``term`` leaving at least ``min_head`` and ``min_tail`` letters."""
    for cut in range(min_head, len(term) - min_tail + 1):
        yield term[:cut], term[cut:]


def head_forms(head: str, joints: tuple[str, ...] = JOINTS, vowels: tuple[str, ...] = DROPPED_VOWELS) -> Iterator[str]:
    """The words a compound's first part may stand for: without each joint it ends in (the empty
    joint: as written), and with each dropped vowel put back."""
    for joint in joints:
        if head.endswith(joint):
            yield head[: len(head) - len(joint)]
    for vowel in vowels:
        yield head + vowel

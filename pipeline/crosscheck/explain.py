"""Plain-word explanations of a cross-check row, in Swedish and English.

Staff read these next to the two citations, so they name both documents, both numbers and
what is measured: "Strategisk plan anger 2045, RUS 2050 för samma mål (nettoutsläpp av
växthusgaser)". No scores and no jargon; the confidence is shown apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.crosscheck.evidence import Candidate
from pipeline.crosscheck.goal_structure import StructuredGoal, indicator_of
from pipeline.text.analysis import analyze

MAX_TOPIC_WORDS = 3
"""Words named as the shared topic when no indicator concept names it."""


@dataclass(frozen=True)
class QuantityPair:
    """A number of the goal and the number of the evidence it was compared with."""

    goal: str
    target: str
    same: bool


@dataclass(frozen=True)
class Explanation:
    sv: str
    en: str

    def in_language(self, lang: str) -> str:
        return self.en if lang == "en" else self.sv


def _topic(goal: StructuredGoal, evidence: Candidate | None) -> str:
    """The indicator both statements share: a named concept, else their shared words."""
    if evidence is None:
        return ""
    other = indicator_of(evidence.statement.text, evidence.statement.lang)
    concepts = sorted(goal.indicator.shared_concepts(other))
    if concepts:
        return concepts[0]
    shared = goal.indicator.lemmas & other.lemmas
    in_order = [t for t in dict.fromkeys(analyze(goal.text, "sv")) if t in shared]
    return ", ".join(in_order[:MAX_TOPIC_WORDS])


def _page(evidence: Candidate) -> str:
    s = evidence.statement
    return s.page_label or (str(s.page) if s.page else "")


def explain(relation: str, goal: StructuredGoal, evidence: Candidate | None, pair: QuantityPair | None,
            source: str, target: str) -> Explanation:
    """Why the row has its relation, in both languages."""
    topic = _topic(goal, evidence)
    about_sv = f" ({topic})" if topic else ""
    if relation == "conflicts" and pair is not None:
        return Explanation(
            f"{target} anger {pair.target}, {source} anger {pair.goal} för samma mål{about_sv}.",
            f"{target} gives {pair.target}, {source} gives {pair.goal} for the same goal{about_sv}.",
        )
    if relation == "agrees" and pair is not None:
        return Explanation(
            f"Båda anger {pair.goal} för samma mål{about_sv}.",
            f"Both give {pair.goal} for the same goal{about_sv}.",
        )
    if relation == "agrees" and evidence is not None:
        return Explanation(
            f"{target} uttrycker samma mål (s. {_page(evidence)}){about_sv}.",
            f"{target} states the same goal (p. {_page(evidence)}){about_sv}.",
        )
    if relation == "partial" and goal.targets:
        numbers = ", ".join(t.text for t in goal.targets)
        return Explanation(
            f"{target} tar upp ämnet{about_sv} men anger inget jämförbart tal för {numbers}.",
            f"{target} addresses the topic{about_sv} but gives no comparable number for {numbers}.",
        )
    if relation == "partial":
        return Explanation(
            f"{target} tar upp samma ämne{about_sv}, men vagare eller i en annan omfattning.",
            f"{target} addresses the same topic{about_sv}, but vaguer or with another scope.",
        )
    return Explanation(
        f"Inget i {target} tar upp målets ämne.",
        f"Nothing in {target} addresses this goal's topic.",
    )

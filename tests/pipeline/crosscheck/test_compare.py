"""Cross-check: the decision rules, indicator-before-numbers on real statements, and the real
comparison of the corpus documents against the development examples."""

import json
import time

import numpy as np
import pytest

from pipeline.crosscheck.compare import (
    Features,
    Thresholds,
    compare,
    decide,
    number_match,
    topic_match,
)
from pipeline.crosscheck.evaluate import evaluate_compare
from pipeline.crosscheck.evidence import EvidenceIndex
from pipeline.crosscheck.goal_structure import indicator_of, structure
from pipeline.crosscheck.statements import Statement, cut_at_breaks, hard_breaks, locate_page, statement
from pipeline.crosscheck.stored import stored_statements
from pipeline.errors import CompareError, StyrdokError
from tests.helpers import SHARED

RUS = "rus-2030.pdf"
PLAN = "strategisk-plan-2023-2025.pdf"
PRESS = "pressmeddelande-2025-12-03.pdf"


def _statement(text: str, page: int = 1) -> Statement:
    return statement("tgt", text, page, str(page), "sentence", ("Mål",), f"p{page}", "sv")


def _numbers(goal: str, *targets: str) -> tuple[str | None, str]:
    """The number comparison of a goal against target statements (the target's only text)."""
    statements = [_statement(t, i + 1) for i, t in enumerate(targets)]
    index = EvidenceIndex(statements, np.zeros((len(statements), 4), dtype=np.float32))
    candidates = index.candidates(np.zeros(4, dtype=np.float32), structure(goal).indicator, ["tgt"], 10)
    outcome, candidate, _ = number_match(structure(goal), candidates, index)
    return outcome, candidate.statement.text if candidate else ""


def test_same_number_and_year_agree() -> None:
    outcome, _ = _numbers("Vi ska vara minst 260 000 invånare i Norrbotten år 2030.",
                          "Målet är minst 260 000 norrbottningar till 2030.")
    assert outcome == "same"


def test_net_zero_with_another_year_conflicts() -> None:
    goal = "Vi arbetar för de nationella målen, där Sverige år 2050 inte ska ha några nettoutsläpp av växthusgaser."
    outcome, text = _numbers(goal, "Norrbotten bidrar till en omställning fossilfritt och klimatneutralt 2045.")
    assert (outcome, text) == ("other", "Norrbotten bidrar till en omställning fossilfritt och klimatneutralt 2045.")
    same, _ = _numbers("Inga nettoutsläpp av växthusgaser 2045 (max 15 % kvar kan hanteras via kompensation).",
                       "Norrbotten bidrar till en omställning fossilfritt och klimatneutralt 2045.")
    assert same == "same"


@pytest.mark.parametrize(
    ("goal", "target"),
    [
        # a reduction by 70 % and climate neutrality are different indicators
        ("Växthusgasutsläpp från inrikes transporter ska minska med minst 70 % senast år 2030 (jmf 2010)",
         "Norrbotten bidrar till en omställning fossilfritt och klimatneutralt 2045."),
        # jobs and net migration are both counts of people, of different things
        ("Norrbotten behöver 51 000 anställningar fram till och med år 2030.",
         "Det krävs ett flyttnetto där befolkningen ökar med ca 1200 personer per år fram till 2030."),
        ("Vi ska vara minst 260 000 invånare i Norrbotten år 2030.",
         "Befolkningen ökar med ca 1200 personer per år fram till 2030."),
    ],
)
def test_numbers_of_different_indicators_are_never_compared(goal: str, target: str) -> None:
    assert _numbers(goal, target)[0] is None


@pytest.mark.parametrize(
    ("features", "relation"),
    [
        (Features(0.5, True, "same"), "agrees"),
        (Features(0.5, True, "other"), "conflicts"),
        (Features(0.90, False, None), "absent"),
        (Features(0.95, True, None), "partial"),  # a number the targets do not repeat
        (Features(1.10, True, None), "partial"),
        (Features(0.95, False, None), "partial"),
        (Features(1.10, False, None), "agrees"),
        (Features(0.90, True, None, topic=True), "partial"),  # the target names the indicator concept
        (Features(0.90, False, None, topic=True), "partial"),
    ],
)
def test_decision(features: Features, relation: str) -> None:
    assert decide(features, Thresholds(absent=0.93, agree=1.02)) == relation


def test_a_goal_whose_indicator_the_target_sets_a_number_for_cites_that_statement() -> None:
    goal = structure("Växthusgasutsläpp från inrikes transporter ska minska med minst 70 % senast år 2030 (jmf 2010)")
    texts = ["Verksamheten blir mer klimatneutral genom att använda förnybara material.",
             "Norrbotten bidrar till en omställning fossilfritt och klimatneutralt 2045.",
             "Kollektivtrafiken ska vara tillgänglig i hela länet."]
    statements = [_statement(t, i + 1) for i, t in enumerate(texts)]
    index = EvidenceIndex(statements, np.zeros((len(statements), 4), dtype=np.float32))
    candidates = index.candidates(np.zeros(4, dtype=np.float32), goal.indicator, ["tgt"], 10)
    found = topic_match(goal, candidates, index)
    assert found is not None and found.statement.text == texts[1]
    assert topic_match(structure("Kulturlivet ska stärkas i hela länet."), candidates, index) is None
    # a goal without a number names no measured indicator, even with a concept word
    assert topic_match(structure("Verksamheten ska bli klimatneutral."), candidates, index) is None


def test_a_suspended_compound_part_is_a_part_of_the_evidence_and_a_word_of_the_goal() -> None:
    text = "Regionen har en anställnings- samt lönebildningsprocess och arbetar med hälso-, sjuk- och tandvård."
    evidence = indicator_of(text)
    assert {"anställning", "hälsa", "sjuk"} <= evidence.parts
    assert not {"anställning", "hälsa", "sjuk"} & evidence.lemmas
    assert {"anställning", "hälsa", "sjuk"} <= structure(text).indicator.lemmas
    assert "brp-krona" in indicator_of("tillförd energi/BRP-krona").lemmas  # a hyphen inside a word stays


def test_a_statement_cites_the_page_it_starts_on() -> None:
    pages = {18: "… slutet av sidan.\nKultur och idrott", 19: "Civilsamhället och kulturen är starkt och\nlevande."}
    keys = {p: "".join(ch for ch in t.casefold() if ch.isalnum()) for p, t in pages.items()}
    assert locate_page("Civilsamhället och kulturen är starkt och levande.", (18, 19), keys) == 19
    assert locate_page("Något som inte står någonstans.", (18, 19), keys) == 18


PLAN_PAGE_5 = """skeden, men även ett förebyggande arbete på bred front i samverkan med
länets kommuner inte minst när det gäller ungas psykiska hälsa
Norrbotten ska hålla ihop. Genom en kollektivtrafik som möjliggör resande
inom länet och genom ett rikt kulturliv skapas band människor emellan.
Genom att vara en aktiv part i det regionala utvecklingsarbetet bidrar vi till
ett Norrbotten i framkant där en diversifierad arbetsmarknad med flera olika
näringar ger länet livskraft. Framtidens Norrbotten bygger vi nu."""
"""Lines of the strategic plan, p. 5, as the page text stores them: the paragraph before "Norrbotten
ska hålla ihop." ends without a full stop."""


def test_a_line_that_ends_short_without_punctuation_ends_its_statement() -> None:
    breaks = hard_breaks(PLAN_PAGE_5)
    assert breaks == [("psykiska hälsa", "Norrbotten")]  # the other line ends have no room or punctuation
    passage = " ".join(PLAN_PAGE_5.split())
    pieces = cut_at_breaks(passage, breaks)
    assert pieces[1].startswith("Norrbotten ska hålla ihop.") and pieces[0].endswith("ungas psykiska hälsa")
    # a wrap before a name leaves no room for it on the line: no break
    assert hard_breaks("Regionen arbetar i nära samverkan med\nNorrbottens kommuner och med staten.") == []


def test_a_line_that_ends_on_a_word_no_sentence_ends_on_is_no_break() -> None:
    """RUS p. 9: the short line "… ska bli" goes on with "Sveriges mest välkomnande …"."""
    page = ("Den regionala utvecklingsstrategin fastställer att visionen för länet är hög och tydlig,\n"
            "Visionen är att Norrbotten ska bli\nSveriges mest välkomnande och nytänkande län.")
    assert hard_breaks(page) == []
    assert hard_breaks(page.replace("ska bli", "ska växa")) == [("ska växa", "Sveriges")]


# --- the corpus -----------------------------------------------------------------------------


def _ids(searcher) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {info.file_name: doc_id for doc_id, info in searcher.index.documents.items()}


DEV_RIGHT = 26
"""Examples of crosscheck_dev.json right (relation and page): 28 measured (README), minus a margin
of 2 for index differences. Far below the issue's 90 % target: see README."""
DEV_RELATION_RIGHT = 31
"""Relation right: 33 measured, minus 2."""


@pytest.mark.slow
def test_development_examples(searcher) -> None:  # type: ignore[no-untyped-def]
    examples = json.loads((SHARED / "eval" / "crosscheck_dev.json").read_text(encoding="utf-8"))
    report = evaluate_compare(searcher, examples)
    assert report["n"] == len(examples) == 41
    assert report["right"] >= DEV_RIGHT, [r for r in report["examples"] if not r["right"]]
    assert report["relation_right"] >= DEV_RELATION_RIGHT
    assert sum(sum(row.values()) for row in report["confusion"].values()) == 41


@pytest.mark.slow
def test_statements_end_at_hard_line_breaks_of_the_corpus(searcher) -> None:  # type: ignore[no-untyped-def]
    ids = _ids(searcher)
    statements, _ = stored_statements(searcher.index)
    texts = {(s.doc_id, s.text): s.page for s in statements}
    assert texts[(ids[PLAN], "Norrbotten ska hålla ihop.")] == 5
    # list items whose bullets are drawings, one statement each (RUS p. 14, p. 16)
    item = "Arkitektur, form och design ska bidra till ett hållbart, jämlikt och mindre segregerat samhälle med " \
           "omsorgsfullt gestaltade livsmiljöer"
    assert texts[(ids[RUS], item)] == 14
    item = "Främja ett breddat näringsliv genom skapa innovativa miljöer utifrån kultur, kulturarv och naturmiljöer"
    assert texts[(ids[RUS], item)] == 16


@pytest.mark.slow
def test_rus_against_the_plan_reports_the_net_zero_conflict_fast(searcher) -> None:  # type: ignore[no-untyped-def]
    ids = _ids(searcher)
    started = time.perf_counter()
    result = compare(searcher, ids[RUS], [ids[PLAN]])
    first = time.perf_counter() - started
    conflicts = [c for c in result.checks if c.relation == "conflicts"]
    net_zero = [c for c in conflicts if "2050" in c.goal.text and "nettoutsläpp" in c.goal.text]
    assert net_zero, [c.goal.text for c in conflicts]
    check = net_zero[0]
    assert 6 in check.goal.pages and check.evidence is not None and check.evidence.statement.page == 19
    assert "2045" in check.explanation.sv and "2050" in check.explanation.sv
    assert len(conflicts) <= 3  # genuine conflicts are rare
    assert first < 30  # first call builds the evidence index; the README gives the measured time
    started = time.perf_counter()
    compare(searcher, ids[RUS], [ids[PLAN]])
    assert time.perf_counter() - started < 1  # cached per index version


@pytest.mark.slow
def test_one_source_against_several_targets(searcher) -> None:  # type: ignore[no-untyped-def]
    ids = _ids(searcher)
    result = compare(searcher, ids[PRESS], [ids[RUS], ids[PLAN]])
    cited = {c.evidence.statement.doc_id for c in result.checks if c.evidence is not None}
    assert cited <= {ids[RUS], ids[PLAN]} and cited


@pytest.mark.slow
@pytest.mark.parametrize("case", ["same", "unknown", "no goals"])
def test_what_cannot_be_compared_is_a_clear_error(searcher, case: str) -> None:  # type: ignore[no-untyped-def]
    ids = _ids(searcher)
    source, targets = {
        "same": (ids[RUS], [ids[RUS]]),
        "unknown": ("0" * 64, [ids[PLAN]]),
        "no goals": (ids["about-region-norrbotten.html"], [ids[PLAN]]),
    }[case]
    with pytest.raises(StyrdokError, match=r"cannot also be a target|no indexed document|states no goals") as error:
        compare(searcher, source, targets)
    assert isinstance(error.value, CompareError) == (case != "unknown")

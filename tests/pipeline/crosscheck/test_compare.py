"""Cross-check: the relation rules on hand-made goals, and the real comparison of RUS 2030
with the strategic plan against the development examples."""

import json

import pytest

from pipeline.crosscheck.compare import ABSENT_SCORE, AGREE_SCORE, Match, compare, judge
from pipeline.crosscheck.evaluate import evaluate_compare
from pipeline.crosscheck.goals import Goal
from pipeline.crosscheck.quantities import parse_quantities, parse_years
from tests.helpers import SHARED


def _goal(text: str, doc: str = "src", page: int = 1) -> Goal:
    return Goal(
        goal_id=text,
        doc_id=doc,
        passage_id=text,
        text=text,
        section_path=("Mål",),
        pages=(page,),
        page_labels=(str(page),),
        quantities=tuple(parse_quantities(text)),
        years=tuple(parse_years(text)),
        direction=None,
        source="sentence",
    )


GOAL = _goal("Vi ska vara minst 260 000 invånare i Norrbotten år 2030.")


def test_same_number_and_year_agrees() -> None:
    target = _goal("Målet är minst 260 000 invånare i Norrbotten till år 2030.", "tgt", 10)
    check = judge(GOAL, [Match(target, ABSENT_SCORE + 0.01)])
    assert check.relation == "agrees"
    assert check.compared[0].same and check.evidence is not None and check.evidence.goal.pages == (10,)


def test_other_number_conflicts_and_shows_both() -> None:
    target = _goal("Målet är minst 250 000 invånare i Norrbotten till år 2030.", "tgt")
    check = judge(GOAL, [Match(target, ABSENT_SCORE + 0.01)])
    assert check.relation == "conflicts"
    assert "260 000" in check.compared[0].goal and "250 000" in check.compared[0].target


def test_other_year_conflicts() -> None:
    target = _goal("Målet är minst 260 000 invånare i Norrbotten till år 2035.", "tgt")
    check = judge(GOAL, [Match(target, ABSENT_SCORE + 0.01)])
    assert check.relation == "conflicts" and "year" in check.note


def test_no_number_in_target_is_partial() -> None:
    target = _goal("Norrbottens invånare ska bli fler.", "tgt")
    assert judge(GOAL, [Match(target, ABSENT_SCORE + 0.01)]).relation == "partial"


def test_nothing_close_is_absent() -> None:
    target = _goal("Vården ska vara tillgänglig.", "tgt")
    check = judge(GOAL, [Match(target, ABSENT_SCORE - 0.01)])
    assert check.relation == "absent" and check.evidence is None


def test_goal_without_numbers_agrees_only_when_restated() -> None:
    goal = _goal("Skapa hållbar tillgänglighet")
    target = _goal("Regionen ska skapa hållbar tillgänglighet.", "tgt")
    assert judge(goal, [Match(target, AGREE_SCORE)]).relation == "agrees"
    assert judge(goal, [Match(target, (ABSENT_SCORE + AGREE_SCORE) / 2)]).relation == "partial"


@pytest.mark.slow
def test_development_examples(searcher) -> None:  # type: ignore[no-untyped-def]
    examples = json.loads((SHARED / "eval" / "crosscheck_dev.json").read_text(encoding="utf-8"))
    report = evaluate_compare(searcher, examples)
    assert report["right"] >= 4, report["examples"]


@pytest.mark.slow
def test_rus_against_the_plan_is_interactive(searcher) -> None:  # type: ignore[no-untyped-def]
    ids = {info.file_name: doc_id for doc_id, info in searcher.index.documents.items()}
    result = compare(searcher, ids["rus-2030.pdf"], [ids["strategisk-plan-2023-2025.pdf"]])
    assert len(result.checks) > 20
    assert set(result.counts()) == {"agrees", "partial", "conflicts", "absent"}
    assert result.seconds < 30  # generous here; the README quotes the measured time

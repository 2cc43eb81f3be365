"""Turn a `pipeline.crosscheck.compare.Comparison` into the API's response models."""

from __future__ import annotations

from pipeline.crosscheck.compare import Comparison, GoalCheck
from pipeline.crosscheck.goals import Goal
from pipeline.records import file_link
from pipeline.search.hybrid import DocumentInfo
from search_api.schemas import CompareResponse, CompareRow, EvidenceOut, GoalOut, QuantityPairOut, document_ref


def _link(goal: Goal) -> str:
    return file_link(goal.doc_id, goal.pages[0] if goal.pages else None)


def _goal(goal: Goal) -> GoalOut:
    return GoalOut(
        text=goal.text,
        section_path=list(goal.section_path),
        page=goal.pages[0] if goal.pages else None,
        page_label=goal.page_labels[0] if goal.page_labels else None,
        link=_link(goal),
        years=list(goal.years),
        quantities=[q.text for q in goal.quantities if q.kind not in ("year", "date")],
    )


def _row(check: GoalCheck, documents: dict[str, DocumentInfo]) -> CompareRow:
    evidence = None
    if check.evidence is not None:
        target = check.evidence.goal
        evidence = EvidenceOut(
            text=target.text,
            document=document_ref(documents[target.doc_id]),
            section_path=list(target.section_path),
            page=target.pages[0] if target.pages else None,
            page_label=target.page_labels[0] if target.page_labels else None,
            link=_link(target),
            score=round(check.evidence.score, 4),
        )
    return CompareRow(
        goal=_goal(check.goal),
        relation=check.relation,
        evidence=evidence,
        compared=[QuantityPairOut(goal=p.goal, target=p.target, same=p.same) for p in check.compared],
        note=check.note,
    )


def comparison_response(comparison: Comparison, documents: dict[str, DocumentInfo]) -> CompareResponse:
    return CompareResponse(
        source=document_ref(documents[comparison.source]),
        targets=[document_ref(documents[t]) for t in comparison.targets],
        rows=[_row(check, documents) for check in comparison.checks],
        counts=comparison.counts(),
        seconds=round(comparison.seconds, 3),
    )

"""Turn a `pipeline.compare.Comparison` into the API's response models."""

from __future__ import annotations

from pipeline.crosscheck.compare import Comparison, GoalCheck
from pipeline.crosscheck.evidence import Candidate
from pipeline.crosscheck.goals import Goal
from pipeline.records import file_link
from pipeline.search.hybrid import DocumentInfo
from search_api.schemas import (
    CompareResponse,
    CompareRow,
    EvidenceOut,
    ExplanationOut,
    GoalOut,
    MatrixCell,
    MatrixResponse,
    MatrixRow,
    QuantityPairOut,
    document_ref,
)


def _goal(goal: Goal) -> GoalOut:
    return GoalOut(
        text=goal.text,
        section_path=list(goal.section_path),
        page=goal.pages[0] if goal.pages else None,
        page_label=goal.page_labels[0] if goal.page_labels else None,
        link=file_link(goal.doc_id, goal.pages[0] if goal.pages else None),
        years=list(goal.years),
        quantities=[q.text for q in goal.quantities if q.kind not in ("year", "date")],
    )


def _evidence(candidate: Candidate | None, documents: dict[str, DocumentInfo]) -> EvidenceOut | None:
    if candidate is None:
        return None
    s = candidate.statement
    return EvidenceOut(
        text=s.text,
        document=document_ref(documents[s.doc_id]),
        section_path=list(s.section_path),
        page=s.page,
        page_label=s.page_label,
        link=file_link(s.doc_id, s.page),
        score=round(candidate.score, 4),
    )


def _row(check: GoalCheck, documents: dict[str, DocumentInfo]) -> CompareRow:
    return CompareRow(
        goal=_goal(check.goal),
        relation=check.relation,
        confidence=check.confidence,
        evidence=_evidence(check.evidence, documents),
        nearest=_evidence(check.nearest, documents),
        compared=[QuantityPairOut(goal=p.goal, target=p.target, same=p.same) for p in check.compared],
        note=check.explanation.en,
        explanation=ExplanationOut(sv=check.explanation.sv, en=check.explanation.en),
    )


def comparison_response(comparison: Comparison, documents: dict[str, DocumentInfo]) -> CompareResponse:
    return CompareResponse(
        source=document_ref(documents[comparison.source]),
        targets=[document_ref(documents[t]) for t in comparison.targets],
        rows=[_row(check, documents) for check in comparison.checks],
        counts=comparison.counts(),
        seconds=round(comparison.seconds, 3),
    )


def _cell(check: GoalCheck, target: str, documents: dict[str, DocumentInfo]) -> MatrixCell:
    return MatrixCell(
        target=target,
        relation=check.relation,
        confidence=check.confidence,
        evidence=_evidence(check.evidence, documents),
        explanation=ExplanationOut(sv=check.explanation.sv, en=check.explanation.en),
    )


def matrix_response(columns: list[Comparison], documents: dict[str, DocumentInfo]) -> MatrixResponse:
    """One row per goal of the source, one cell per target: each column is the comparison
    against that target alone (all columns list the source's goals in the same order)."""
    first = columns[0]
    return MatrixResponse(
        source=document_ref(documents[first.source]),
        targets=[document_ref(documents[c.targets[0]]) for c in columns],
        rows=[
            MatrixRow(goal=_goal(check.goal), cells=[_cell(c.checks[i], c.targets[0], documents) for c in columns])
            for i, check in enumerate(first.checks)
        ],
        counts={c.targets[0]: c.counts() for c in columns},
        seconds=round(sum(c.seconds for c in columns), 3),
    )

"""Response and request models of the API (they make up its OpenAPI schema)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from pydantic import AfterValidator, BaseModel, Field

from pipeline.config import MAX_BATCH, MAX_K, MAX_QUERY_CHARS
from pipeline.search.hybrid import MODES, Citation, DocumentInfo, Hit
from pipeline.search.understand import ParsedQuery


def valid_unicode(text: str) -> str:
    """JSON can carry a lone surrogate (`"\\ud800"`), which no UTF-8 answer can repeat: refused (422)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"invalid Unicode at character {exc.start + 1} (a lone surrogate); send UTF-8 text") from None
    return text


Text = Annotated[str, AfterValidator(valid_unicode)]
"""A string field of a request: any Unicode text but lone surrogates."""


class DocumentRef(BaseModel):
    id: str
    title: str
    file: str
    kind: str
    date: str | None
    lang: str


class CitationOut(BaseModel):
    document_id: str
    page: int | None
    page_label: str | None
    section_path: list[str]


class SearchHit(BaseModel):
    rank: int
    score: float
    text: str
    highlights: list[tuple[int, int]] = Field(description="Character spans of matched query terms in `text`.")
    document: DocumentRef
    section_path: list[str]
    page: int | None = Field(description="Physical PDF page, 1-based (null for web pages).")
    page_label: str | None = Field(description="The page number printed on the page, when it prints one.")
    pages: list[int]
    lang: str
    kind: str = Field(description="'text' or 'table' (a table row with its headers).")
    link: str = Field(description="Opens the source file, at the page for PDFs.")
    also_at: list[CitationOut] = Field(description="Near-identical passages collapsed into this hit.")
    confidence: float = Field(description="Calibrated probability that this passage answers the query.")
    answer: AnswerSpan | None = Field(description="The best sentence (or table cell) of `text`; `page` is its page.")
    ocr: bool = Field(default=False, description="The text was read by OCR from a scanned page: it may contain misread characters.")
    passage_id: str = Field(description="The passage's id (highlights it in a page preview).")
    preview: str | None = Field(
        description="The cited PDF page as PNG with this passage and its best sentence highlighted (null for web pages)."
    )


class AnswerSpan(BaseModel):
    start: int
    end: int
    text: str


class DocumentChip(BaseModel):
    id: str
    title: str


class Understood(BaseModel):
    documents: list[DocumentChip] = Field(description="Documents the query names: their passages rank higher.")
    years: list[int] = Field(description="Years the query asks about: passages mentioning them rank higher.")
    content: str = Field(description="The query without the words that name a document (what is matched).")


class SuggestionOut(BaseModel):
    word: str = Field(description="A word of the query that the index does not know, as written.")
    start: int
    end: int
    suggestion: str = Field(description="The closest term the index knows.")


class SearchResponse(BaseModel):
    query: str
    mode: str
    query_lang: str
    index_version: str
    answerable: bool = Field(description="false: no confident answer; the results are only the nearest passages.")
    confidence: float = Field(description="Calibrated probability that some result answers the query.")
    understood: Understood
    results: list[SearchHit]
    suggestions: list[SuggestionOut] = Field(
        default_factory=list, description="'Menade du …': unknown query words with the closest indexed term (empty when all are known)."
    )
    suggested_query: str | None = Field(default=None, description="The query with every suggestion applied.")


class SearchRequest(BaseModel):
    q: Text = Field(min_length=1, max_length=MAX_QUERY_CHARS)
    k: int = Field(default=10, ge=1, le=MAX_K)
    mode: str = Field(default="hybrid", pattern="^(" + "|".join(MODES) + ")$")
    doc: Text | None = None
    kind: Text | None = None
    lang: Text | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)


class BatchSearchRequest(BaseModel):
    queries: list[SearchRequest] = Field(min_length=1, max_length=MAX_BATCH)


class BatchSearchResponse(BaseModel):
    responses: list[SearchResponse]


class DocumentOut(DocumentRef):
    media_type: str
    pages: int
    passages: int
    languages: dict[str, int] = Field(description="Passages per language.")
    ocr_passages: int = Field(default=0, description="Passages whose text was read by OCR (scanned pages).")
    indexed_at: str
    link: str


class SectionOut(BaseModel):
    path: list[str]
    level: int
    page: int | None


class DocumentDetail(DocumentOut):
    sections: list[SectionOut]
    tables: int
    goals: int = Field(description="Goal statements found in the document (see POST /compare).")


class Health(BaseModel):
    status: str
    index_version: str
    documents: int
    passages: int
    model: str
    dimension: int
    index_type: str
    model_loaded: bool = Field(
        description="false while the server is still loading the model: a search then waits for it"
    )


class ErrorOut(BaseModel):
    detail: str


def document_ref(info: DocumentInfo) -> DocumentRef:
    return DocumentRef(
        id=info.doc_id, title=info.title, file=info.file_name, kind=info.kind, date=info.date, lang=info.lang
    )


def citation_model(citation: Citation) -> CitationOut:
    return CitationOut(
        document_id=citation.doc_id,
        page=citation.page,
        page_label=citation.page_label,
        section_path=list(citation.section_path),
    )


def preview_link(hit: Hit) -> str | None:
    """`GET /documents/{id}/pages/{n}.png` of the hit's cited page, highlighting it (PDFs only)."""
    if hit.page is None or hit.document.media_type != "application/pdf":
        return None
    params = {"passage": hit.passage_id}
    if hit.answer_span is not None:
        params.update(start=str(hit.answer_span[0]), end=str(hit.answer_span[1]))
    return f"/documents/{quote(hit.document.doc_id)}/pages/{hit.page}.png?{urlencode(params)}"


def hit_model(hit: Hit) -> SearchHit:
    return SearchHit(
        rank=hit.rank,
        score=round(hit.score, 6),
        text=hit.text,
        highlights=[(start, end) for start, end in hit.highlights],
        document=document_ref(hit.document),
        section_path=list(hit.section_path),
        page=hit.page,
        page_label=hit.page_label,
        pages=list(hit.pages),
        lang=hit.lang,
        kind=hit.kind,
        link=hit.link,
        also_at=[citation_model(c) for c in hit.also_at],
        confidence=round(hit.confidence, 4),
        ocr=hit.ocr,
        answer=None
        if hit.answer_span is None
        else AnswerSpan(start=hit.answer_span[0], end=hit.answer_span[1], text=hit.text[hit.answer_span[0] : hit.answer_span[1]]),
        passage_id=hit.passage_id,
        preview=preview_link(hit),
    )


def understood_model(parsed: ParsedQuery, documents: dict[str, DocumentInfo]) -> Understood:
    return Understood(
        documents=[DocumentChip(id=d, title=documents[d].title) for d in parsed.documents if d in documents],
        years=list(parsed.years),
        content=parsed.content,
    )


class CompareRequest(BaseModel):
    source: Text = Field(description="Document id (or file name) whose goals are checked.")
    targets: list[Text] = Field(min_length=1, max_length=10, description="Documents to check them against.")


class GoalOut(BaseModel):
    text: str
    section_path: list[str]
    page: int | None
    page_label: str | None
    link: str
    years: list[int]
    quantities: list[str]


class EvidenceOut(BaseModel):
    text: str
    document: DocumentRef
    section_path: list[str]
    page: int | None
    page_label: str | None
    link: str
    score: float


class QuantityPairOut(BaseModel):
    goal: str
    target: str
    same: bool


class ExplanationOut(BaseModel):
    sv: str
    en: str


class CompareRow(BaseModel):
    goal: GoalOut
    relation: str = Field(description="agrees | partial | conflicts | absent")
    confidence: float = Field(description="0.5 at the threshold that decided the relation, towards 1 further away.")
    evidence: EvidenceOut | None
    nearest: EvidenceOut | None = Field(description="The closest statement of the targets, also for `absent`.")
    compared: list[QuantityPairOut]
    note: str = Field(description="The explanation in English (see `explanation` for Swedish).")
    explanation: ExplanationOut


class CompareResponse(BaseModel):
    source: DocumentRef
    targets: list[DocumentRef]
    rows: list[CompareRow]
    counts: dict[str, int]
    seconds: float


class MatrixCell(BaseModel):
    target: str = Field(description="Document id of the target (the column).")
    relation: str = Field(description="agrees | partial | conflicts | absent, against this target alone.")
    confidence: float
    evidence: EvidenceOut | None
    explanation: ExplanationOut


class MatrixRow(BaseModel):
    goal: GoalOut
    cells: list[MatrixCell] = Field(description="One per target, in the order of `targets`.")


class MatrixResponse(BaseModel):
    source: DocumentRef
    targets: list[DocumentRef]
    rows: list[MatrixRow]
    counts: dict[str, dict[str, int]] = Field(description="Per target id: the number of goals per relation.")
    seconds: float

"""The staff web page: search, the document list and the cross-check, in Swedish or English.

Pages are rendered here with Jinja2 (navigation, forms, filter choices, the document table,
every label); `static/app.js` calls the JSON API (`GET /search`, `POST /compare`, `POST /compare/matrix`) and draws
the results, so the page and the API can never disagree. Nothing is loaded from outside the
server: no CDN, no web fonts.

The interface language is Swedish unless `?ui=en` is given; the choice is kept in a cookie.
(`lang` is taken: it filters passages by language in the search.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from pipeline.config import MAX_QUERY_CHARS
from pipeline.errors import IndexUnavailable
from search_api.page_text import PAGE_FEATURE_TEXT
from search_api.views import document_out

HERE = Path(__file__).resolve().parent
UI_LANGUAGES = ("sv", "en")
UI_COOKIE = "styrdok_ui"

router = APIRouter(include_in_schema=False)
router.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
templates = Jinja2Templates(directory=HERE / "templates")

TEXT: dict[str, dict[str, str]] = {
    "sv": {
        "app_name": "Styrdok",
        "tagline": "Sök och jämför regionens styrdokument",
        "skip": "Hoppa till innehållet",
        "nav_label": "Huvudmeny",
        "nav_search": "Sök",
        "nav_documents": "Dokument",
        "nav_compare": "Jämför",
        "toggle": "English",
        "toggle_label": "Switch to English",
        "search_title": "Sök i styrdokumenten",
        "search_label": "Sök i styrdokumenten",
        "search_placeholder": "Vad säger planen om kompetensförsörjning?",
        "search_hint": "Skriv en fråga eller några ord. Svar hämtas från planer, strategier och webbsidor.",
        "search_button": "Sök",
        "filters": "Avgränsa",
        "filter_doc": "Dokument",
        "filter_kind": "Typ av dokument",
        "filter_lang": "Språk",
        "all_documents": "Alla dokument",
        "all_kinds": "Alla typer",
        "all_languages": "Alla språk",
        "lang_sv": "Svenska",
        "lang_en": "Engelska",
        "clear_filters": "Ta bort filtren",
        "noscript": "Sidan behöver JavaScript för att visa sökträffar och jämförelser. "
        "API:ts schema finns på /openapi.json.",
        "results_label": "Sökträffar",
        "searching": "Söker …",
        "results_count": "{n} träffar för ”{q}”",
        "results_count_one": "1 träff för ”{q}”",
        "empty": "Inga träffar — prova färre ord eller ta bort filtret.",
        "empty_no_filter": "Inga träffar — prova färre eller andra ord.",
        "not_sure": "Inga säkra träffar för ”{q}”. Dokumenten verkar inte svara på frågan.",
        "nearest": "Visa de närmaste passagerna ({n})",
        "chips_label": "Tolkning av frågan",
        "chip_doc": "Dokument: {title}",
        "chip_year": "År: {year}",
        "chip_remove": "Ta bort",
        "confidence": "Säkerhet {p} %",
        "answer_label": "Bästa mening",
        "more": "Visa fler",
        "page_cite": "s. {label}",
        "page_cite_pdf": "s. {label} (PDF-sida {page})",
        "pdf_page": "PDF-sida {page}",
        "web_page": "webbsida",
        "open_pdf": "Öppna PDF:en på {cite}",
        "open_file": "Öppna källan",
        "also_at": "Samma text finns även på:",
        "kind_table": "Tabellrad",
        "ocr_badge": "OCR",
        "ocr_title": "Texten är tolkad från en skannad sida och kan innehålla feltolkade tecken",
        "kind_text": "Text",
        "section": "Avsnitt",
        "language": "Språk",
        "table_row": "Rad",
        "err_503": "Det finns inget sökindex ännu, eller så kunde det inte läsas. "
        "En administratör behöver bygga det med kommandot ”styrdok ingest” på servern.",
        "err_422": "Servern kunde inte tolka sökningen. Kontrollera att sökrutan inte är tom "
        "och har högst 1000 tecken, och att filtren har giltiga värden.",
        "err_404": "Dokumentet finns inte i indexet (det kan ha tagits bort). "
        "Välj ett annat dokument eller ta bort filtret.",
        "err_network": "Kunde inte nå servern. Kontrollera anslutningen och försök igen.",
        "err_other": "Något gick fel på servern (felkod {status}). Försök igen om en stund.",
        "err_details": "Tekniska detaljer",
        "docs_title": "Indexerade dokument",
        "docs_intro": "Dokumenten som sökningen och jämförelsen bygger på.",
        "docs_count": "{n} dokument",
        "col_title": "Dokument",
        "col_kind": "Typ",
        "col_date": "Datum",
        "col_pages": "Sidor",
        "col_passages": "Textstycken",
        "col_languages": "Språk",
        "col_indexed": "Senast indexerad",
        "col_actions": "Åtgärder",
        "search_in_doc": "Sök i dokumentet",
        "compare_doc": "Jämför",
        "no_date": "–",
        "compare_title": "Jämför mål mellan dokument",
        "compare_intro": "Välj ett källdokument och ett eller flera dokument att jämföra med (Ctrl-klick för flera). "
        "Varje mål i källdokumentet ställs mot allt som står i de andra dokumenten, med tal sida vid sida och "
        "källhänvisningar.",
        "compare_source": "Källdokument (målen hämtas härifrån)",
        "compare_target": "Jämför med",
        "compare_button": "Jämför",
        "compare_running": "Jämför … det kan ta en stund.",
        "compare_same": "Välj två olika dokument.",
        "goal_confidence": "Säkerhet",
        "sort_confidence": "Sortera efter säkerhet",
        "min_confidence": "Visa säkerhet",
        "confidence_all": "alla rader",
        "confidence_at_least": "minst {n} %",
        "confidence_hidden": "{n} rader under vald säkerhet är dolda.",
        "show_matrix": "Visa matris: vilka mål varje dokument täcker",
        "matrix_title": "Matris: mål i {source} mot varje dokument för sig",
        "matrix_goal": "Mål",
        "matrix_running": "Jämför mot varje dokument för sig …",
        "compare_missing": "Jämförelsen finns inte på den här servern ännu (servern svarade {status}).",
        "compare_empty": "Inga mål hittades i källdokumentet.",
        "compare_summary": "{n} mål i {source} jämförda med {target} ({seconds} s).",
        "export_csv": "Exportera som CSV",
        "show": "Visa",
        "show_all": "Alla",
        "col_goal": "Mål i källdokumentet",
        "col_relation": "Relation",
        "col_numbers": "Tal sida vid sida",
        "col_evidence": "Belägg i det andra dokumentet",
        "col_note": "Förklaring",
        "rel_agrees": "Stämmer",
        "rel_partial": "Delvis",
        "rel_conflicts": "Motsäger",
        "rel_absent": "Saknas",
        "num_source": "Källa",
        "num_target": "Jämfört",
        "num_same": "samma",
        "num_differs": "skiljer",
        "no_evidence": "Inget motsvarande stycke hittades.",
        "no_numbers": "Inga tal att jämföra.",
        "csv_goal": "Mål",
        "csv_goal_section": "Avsnitt (mål)",
        "csv_goal_page": "Sida (mål)",
        "csv_goal_link": "Länk (mål)",
        "csv_relation": "Relation",
        "csv_relation_code": "Relationskod",
        "csv_numbers": "Tal (mål → jämfört)",
        "csv_evidence": "Belägg",
        "csv_evidence_doc": "Dokument (belägg)",
        "csv_evidence_section": "Avsnitt (belägg)",
        "csv_evidence_page": "Sida (belägg)",
        "csv_evidence_link": "Länk (belägg)",
        "csv_note": "Förklaring",
        "footer": "Svaren citerar alltid källan — kontrollera i dokumentet innan du citerar vidare.",
    },
    "en": {
        "app_name": "Styrdok",
        "tagline": "Search and cross-check the region's governing documents",
        "skip": "Skip to content",
        "nav_label": "Main menu",
        "nav_search": "Search",
        "nav_documents": "Documents",
        "nav_compare": "Cross-check",
        "toggle": "Svenska",
        "toggle_label": "Byt till svenska",
        "search_title": "Search the governing documents",
        "search_label": "Search the governing documents",
        "search_placeholder": "What does the plan say about skills supply?",
        "search_hint": "Type a question or a few words, in Swedish or English. Answers come from plans, "
        "strategies and web pages.",
        "search_button": "Search",
        "filters": "Narrow down",
        "filter_doc": "Document",
        "filter_kind": "Kind of document",
        "filter_lang": "Language",
        "all_documents": "All documents",
        "all_kinds": "All kinds",
        "all_languages": "All languages",
        "lang_sv": "Swedish",
        "lang_en": "English",
        "clear_filters": "Remove the filters",
        "noscript": "This page needs JavaScript to show search results and cross-checks. "
        "The API schema is at /openapi.json.",
        "results_label": "Search results",
        "searching": "Searching …",
        "results_count": "{n} results for “{q}”",
        "results_count_one": "1 result for “{q}”",
        "empty": "No results — try fewer words or remove the filter.",
        "empty_no_filter": "No results — try fewer or other words.",
        "not_sure": "No confident results for “{q}”. The documents do not seem to answer it.",
        "nearest": "Show the nearest passages ({n})",
        "chips_label": "How the question was read",
        "chip_doc": "Document: {title}",
        "chip_year": "Year: {year}",
        "chip_remove": "Remove",
        "confidence": "Confidence {p} %",
        "answer_label": "Best sentence",
        "more": "Show more",
        "page_cite": "p. {label}",
        "page_cite_pdf": "p. {label} (PDF page {page})",
        "pdf_page": "PDF page {page}",
        "web_page": "web page",
        "open_pdf": "Open the PDF at {cite}",
        "open_file": "Open the source",
        "also_at": "The same text also appears at:",
        "kind_table": "Table row",
        "ocr_badge": "OCR",
        "ocr_title": "The text was read from a scanned page and may contain misread characters",
        "kind_text": "Text",
        "section": "Section",
        "language": "Language",
        "table_row": "Row",
        "err_503": "There is no search index yet, or it could not be read. "
        "An administrator needs to build it with the command “styrdok ingest” on the server.",
        "err_422": "The server could not understand the search. Check that the search box is not empty "
        "and has at most 1000 characters, and that the filters have valid values.",
        "err_404": "The document is not in the index (it may have been removed). "
        "Choose another document or remove the filter.",
        "err_network": "Could not reach the server. Check the connection and try again.",
        "err_other": "Something went wrong on the server (error {status}). Try again in a moment.",
        "err_details": "Technical details",
        "docs_title": "Indexed documents",
        "docs_intro": "The documents that search and cross-check are based on.",
        "docs_count": "{n} documents",
        "col_title": "Document",
        "col_kind": "Kind",
        "col_date": "Date",
        "col_pages": "Pages",
        "col_passages": "Passages",
        "col_languages": "Languages",
        "col_indexed": "Last indexed",
        "col_actions": "Actions",
        "search_in_doc": "Search in document",
        "compare_doc": "Cross-check",
        "no_date": "–",
        "compare_title": "Cross-check goals between documents",
        "compare_intro": "Choose a source document and one or more documents to compare it with (Ctrl-click for several). "
        "Each goal in the source is checked against everything the other documents say, with numbers side by "
        "side and citations.",
        "compare_source": "Source document (goals are taken from here)",
        "compare_target": "Compare with",
        "compare_button": "Cross-check",
        "compare_running": "Cross-checking … this may take a while.",
        "compare_same": "Choose two different documents.",
        "goal_confidence": "Confidence",
        "sort_confidence": "Sort by confidence",
        "min_confidence": "Show confidence",
        "confidence_all": "all rows",
        "confidence_at_least": "at least {n} %",
        "confidence_hidden": "{n} rows below the chosen confidence are hidden.",
        "show_matrix": "Show matrix: which goals each document covers",
        "matrix_title": "Matrix: goals in {source} against each document on its own",
        "matrix_goal": "Goal",
        "matrix_running": "Checking against each document on its own …",
        "compare_missing": "Cross-checking is not available on this server yet (the server answered {status}).",
        "compare_empty": "No goals were found in the source document.",
        "compare_summary": "{n} goals in {source} checked against {target} ({seconds} s).",
        "export_csv": "Export as CSV",
        "show": "Show",
        "show_all": "All",
        "col_goal": "Goal in the source document",
        "col_relation": "Relation",
        "col_numbers": "Numbers side by side",
        "col_evidence": "Evidence in the other document",
        "col_note": "Explanation",
        "rel_agrees": "Agrees",
        "rel_partial": "Partial",
        "rel_conflicts": "Conflicts",
        "rel_absent": "Absent",
        "num_source": "Source",
        "num_target": "Compared",
        "num_same": "same",
        "num_differs": "differs",
        "no_evidence": "No matching passage was found.",
        "no_numbers": "No numbers to compare.",
        "csv_goal": "Goal",
        "csv_goal_section": "Section (goal)",
        "csv_goal_page": "Page (goal)",
        "csv_goal_link": "Link (goal)",
        "csv_relation": "Relation",
        "csv_relation_code": "Relation code",
        "csv_numbers": "Numbers (goal → compared)",
        "csv_evidence": "Evidence",
        "csv_evidence_doc": "Document (evidence)",
        "csv_evidence_section": "Section (evidence)",
        "csv_evidence_page": "Page (evidence)",
        "csv_evidence_link": "Link (evidence)",
        "csv_note": "Explanation",
        "footer": "Answers always cite their source — check the document before quoting further.",
    },
}
for _ui, _labels in PAGE_FEATURE_TEXT.items():
    TEXT[_ui].update(_labels)
assert TEXT["sv"].keys() == TEXT["en"].keys()


def ui_language(request: Request) -> str:
    """`?ui=` first, then the cookie, then Swedish."""
    for value in (request.query_params.get("ui"), request.cookies.get(UI_COOKIE)):
        if value in UI_LANGUAGES:
            return value
    return "sv"


def index_state(request: Request) -> tuple[Any | None, str | None]:
    """The current searcher, or None and the reason there is none."""
    try:
        return request.app.state.live.searcher(), None
    except IndexUnavailable as exc:
        return None, str(exc)


def render(request: Request, template: str, page: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """``template`` in the visitor's language, with the language switch and the current page marked;
    the one way every page of the site (this module and `search_api.document_page`) is rendered."""
    ui = ui_language(request)
    other = "en" if ui == "sv" else "sv"
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "ui"] + [("ui", other)]
    root = request.scope.get("root_path", "")
    response = templates.TemplateResponse(
        request,
        template,
        {
            "t": TEXT[ui],
            "ui": ui,
            "other_ui": other,
            "toggle_url": f"{root}{request.url.path}?{urlencode(params)}",
            "root": root,
            "page": page,
            "max_query_chars": MAX_QUERY_CHARS,
            **context,
        },
        status_code=status_code,
    )
    if request.query_params.get("ui") in UI_LANGUAGES:
        response.set_cookie(UI_COOKIE, ui, max_age=365 * 24 * 3600, samesite="lax", httponly=False)
    return response


def _choices(searcher: Any | None) -> dict[str, Any]:
    """The documents, kinds and languages the filters offer (empty without an index)."""
    if searcher is None:
        return {"documents": [], "kinds": [], "languages": [], "years": []}
    documents = sorted(searcher.index.documents.values(), key=lambda d: d.title.casefold())
    languages = sorted(searcher.index.languages | {"sv", "en"})
    return {
        "documents": documents,
        "kinds": sorted({d.kind for d in documents}),
        "languages": [lang for lang in languages if lang in UI_LANGUAGES],
        "years": sorted({d.year for d in documents if d.year is not None}, reverse=True),
    }


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request) -> HTMLResponse:
    searcher, error = index_state(request)
    query = request.query_params
    return render(
        request,
        "search.html",
        "search",
        index_error=error,
        q=query.get("q", "")[:MAX_QUERY_CHARS],
        selected={"doc": query.get("doc", ""), "kind": query.get("kind", ""), "lang": query.get("lang", ""), "year": query.get("year", "")},
        **_choices(searcher),
    )


@router.get("/dokument", response_class=HTMLResponse)
def documents_page(request: Request) -> HTMLResponse:
    searcher, error = index_state(request)
    rows = []
    if searcher is not None:
        rows = sorted(
            (document_out(searcher, doc_id) for doc_id in searcher.index.documents),
            key=lambda d: d.title.casefold(),
        )
    return render(
        request,
        "documents.html",
        "documents",
        status_code=503 if error else 200,
        index_error=error,
        rows=rows,
        indexed=format_indexed,
    )


@router.get("/jamfor", response_class=HTMLResponse)
def compare_page(request: Request) -> HTMLResponse:
    searcher, error = index_state(request)
    choices = _choices(searcher)
    ids = [d.doc_id for d in choices["documents"]]
    source = request.query_params.get("source", "")
    if source not in ids:
        source = ids[0] if ids else ""
    # several targets: ?target=a&target=b
    targets = [t for t in request.query_params.getlist("target") if t in ids and t != source]
    if not targets:
        targets = [next((i for i in ids if i != source), "")]
    return render(
        request,
        "compare.html",
        "compare",
        index_error=error,
        source=source,
        target=targets[0],
        targets=targets,
        autorun=bool(request.query_params.get("source") and request.query_params.get("target")),
        **choices,
    )


def format_indexed(value: str | None) -> str:
    """'2026-11-23T07:51:21.225209+00:00' → '2026-11-23 07:51 UTC'."""
    if not value:
        return "–"
    text = value.replace("T", " ")
    utc = text.endswith(("Z", "+00:00"))
    return text[:16] + (" UTC" if utc else "")

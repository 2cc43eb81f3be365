"""The API over a real socket: search in Swedish and English, a table value, filters,
documents, the PDF link, health, and clear 4xx answers for bad requests."""

import httpx
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _search(server, **params) -> dict:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.url}/search", params=params, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def _cites(results: list[dict], file: str, pages: set[int]) -> bool:
    return any(r["document"]["file"] == file and r["page"] in pages for r in results)


def test_swedish_query_finds_the_cited_passage(server) -> None:  # type: ignore[no-untyped-def]
    body = _search(server, q="Vad säger strategiska planen om civilt försvar?", k=5)
    assert body["query_lang"] == "sv"
    assert _cites(body["results"], "strategisk-plan-2023-2025.pdf", {15, 16})
    top = body["results"][0]
    assert top["section_path"] and top["page_label"] == str(top["page"])
    assert top["link"] == f"/documents/{top['document']['id']}/file#page={top['page']}"


def test_english_query_about_swedish_text(server) -> None:  # type: ignore[no-untyped-def]
    body = _search(server, q="What is the vision of the regional development strategy?", k=5)
    assert body["query_lang"] == "en"
    assert any(r["document"]["file"] == "rus-2030.pdf" and r["lang"] == "sv" for r in body["results"])


def test_table_value_query_returns_the_row_with_headers(server) -> None:  # type: ignore[no-untyped-def]
    body = _search(server, q="Hur mycket väntas läkemedelsförmånen öka 2024?", k=5)
    tables = [r for r in body["results"] if r["kind"] == "table"]
    row = next(r for r in tables if "Läkemedelsförmånen" in r["text"])
    assert row["page"] == 34 and row["page_label"] == "34"
    assert "Prognostiserade läkemedelskostnader" in row["text"] and "2024: 4,0" in row["text"]


def test_filters_restrict_results(server) -> None:  # type: ignore[no-untyped-def]
    body = _search(server, q="kompetensförsörjning", k=10, kind="pressmeddelande")
    assert body["results"]
    assert {r["document"]["kind"] for r in body["results"]} == {"pressmeddelande"}
    body = _search(server, q="employer", k=10, lang="en")
    assert body["results"] and {r["lang"] for r in body["results"]} == {"en"}


def test_highlights_point_at_query_words(server) -> None:  # type: ignore[no-untyped-def]
    body = _search(server, q="kompetensförsörjning", k=3, mode="lexical")
    hit = body["results"][0]
    words = [hit["text"][a:b].lower() for a, b in hit["highlights"]]
    assert words and all(w.startswith("kompetensförsörjning") for w in words)


def test_documents_and_pdf_file(server) -> None:  # type: ignore[no-untyped-def]
    documents = httpx.get(f"{server.url}/documents", timeout=30).json()
    assert {d["file"] for d in documents} >= {"rus-2030.pdf", "strategisk-plan-2023-2025.pdf"}
    plan = next(d for d in documents if d["file"] == "strategisk-plan-2023-2025.pdf")
    assert plan["pages"] == 52 and plan["passages"] > 50
    detail = httpx.get(f"{server.url}/documents/{plan['id']}", timeout=30).json()
    assert detail["sections"]
    pdf = httpx.get(f"{server.url}{plan['link']}", timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_health(server) -> None:  # type: ignore[no-untyped-def]
    httpx.get(f"{server.url}/search", params={"q": "vision"}, timeout=60).raise_for_status()
    health = httpx.get(f"{server.url}/health", timeout=30).json()
    assert health["model"] == "multilingual-e5-small" and health["passages"] > 100
    assert health["model_loaded"] is True


def test_batch_search(server) -> None:  # type: ignore[no-untyped-def]
    response = httpx.post(
        f"{server.url}/search", json={"queries": [{"q": "vision"}, {"q": "budget", "k": 2}]}, timeout=60
    )
    assert response.status_code == 200
    assert [len(r["results"]) for r in response.json()["responses"]][1] == 2


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"q": ""}, 422),
        ({"q": "x" * 1001}, 422),
        ({"q": "vision", "k": 0}, 422),
        ({"q": "vision", "k": 101}, 422),
        ({"q": "vision", "mode": "magic"}, 422),
        ({"q": "vision", "kind": "roman"}, 422),
        ({"q": "vision", "lang": "fi"}, 422),
        ({"q": "vision", "doc": "nope.pdf"}, 404),
        ({"q": "   "}, 422),
        ({"q": "🙂🙂"}, 422),
        ({"q": "\x00"}, 422),
    ],
)
def test_bad_requests_get_a_4xx_with_a_message(server, params: dict, status: int) -> None:  # type: ignore[no-untyped-def]
    response = httpx.get(f"{server.url}/search", params=params, timeout=30)
    assert response.status_code == status
    assert response.json()["detail"]


def test_file_is_served_by_id_only(server) -> None:  # type: ignore[no-untyped-def]
    for path in ("/documents/..%2F..%2Fetc%2Fpasswd/file", "/documents/../../pyproject.toml/file", "/documents/abc/file"):
        assert httpx.get(f"{server.url}{path}", timeout=30).status_code == 404


def test_verdict_confidence_and_understood_question(server) -> None:  # type: ignore[no-untyped-def]
    sure = _search(server, q="Vad säger strategiska planen om civilt försvar?", k=5)
    assert sure["answerable"] is True and sure["confidence"] >= 0.5
    assert [d["title"] for d in sure["understood"]["documents"]] == ["Strategisk plan 2023–2025"]
    assert "planen" not in sure["understood"]["content"]
    top = sure["results"][0]
    assert 0 <= top["confidence"] <= 1
    answer = top["answer"]
    assert top["text"][answer["start"] : answer["end"]] == answer["text"] and "civilt försvar" in answer["text"]
    assert top["page"] in top["pages"]

    nonsense = _search(server, q="xqzv blorp fnaskig trumpetgurka", k=5)
    assert nonsense["answerable"] is False and nonsense["confidence"] < 0.5
    assert nonsense["results"]  # the nearest passages are still there, marked unsure

    year = _search(server, q="Regionbidrag till regionala utvecklingsnämnden 2024", k=5)
    assert year["understood"]["years"] == [2024]
    assert year["results"][0]["answer"]["text"].startswith("2024:")


def test_batch_rejects_a_query_without_content(server) -> None:  # type: ignore[no-untyped-def]
    body = {"queries": [{"q": "vision"}, {"q": " \t "}]}
    response = httpx.post(f"{server.url}/search", json=body, timeout=60)
    assert response.status_code == 422
    assert "letters or digits" in response.json()["detail"]

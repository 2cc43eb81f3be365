"""Page features over a real socket: the page preview (image, highlight, cache, bounds),
"Menade du …" suggestions, and a document's goal count."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from PIL import Image

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PLAN = "strategisk-plan-2023-2025.pdf"


def _get(server: Any, path: str, **params: Any) -> httpx.Response:
    # httpx replaces a query already in `path` by `params`, even an empty one
    return httpx.get(f"{server.url}{path}", params=params or None, timeout=120)


def _documents(server: Any) -> dict[str, dict]:
    return {d["file"]: d for d in _get(server, "/documents").json()}


def _search(server: Any, q: str, **params: Any) -> dict:
    response = _get(server, "/search", q=q, **params)
    assert response.status_code == 200, response.text
    return response.json()


def _png(response: httpx.Response) -> Image.Image:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    return Image.open(io.BytesIO(response.content)).convert("RGB")


def test_a_hit_links_its_page_preview_with_the_passage_marked(server: Any, index_dir: Any) -> None:
    hit = _search(server, "Vad säger strategiska planen om civilt försvar?", k=5)["results"][0]
    assert hit["document"]["file"] == PLAN and hit["page"] in (15, 16)
    doc_id = hit["document"]["id"]
    assert hit["preview"].startswith(f"/documents/{doc_id}/pages/{hit['page']}.png?passage={hit['passage_id']}")
    marked = _png(_get(server, hit["preview"]))
    plain = _png(_get(server, f"/documents/{doc_id}/pages/{hit['page']}.png"))
    assert marked.size == plain.size and marked.width == 800
    differing = sum(
        1 for y in range(0, plain.height, 3) for x in range(0, plain.width, 3) if plain.getpixel((x, y)) != marked.getpixel((x, y))
    )
    assert differing > 300, differing  # the highlight is drawn
    again = _get(server, hit["preview"])
    assert again.content == _get(server, hit["preview"]).content
    cached = list((index_dir / "previews").glob("*/*.png"))
    assert len(cached) >= 2  # kept on disk for the version being served
    small = _png(_get(server, f"/documents/{doc_id}/pages/1.png", width=300))
    assert small.width == 300


def test_web_pages_have_no_preview_and_every_bad_request_is_a_4xx(server: Any) -> None:
    docs = _documents(server)
    plan = docs[PLAN]["id"]
    web = docs["about-region-norrbotten.html"]["id"]
    rus_hit = _search(server, "Norrbotten 2030 vision", doc="rus-2030.pdf", k=1)["results"][0]
    cases = {
        f"/documents/{plan}/pages/53.png": (404, "out of range"),
        f"/documents/{plan}/pages/0.png": (422, ""),
        f"/documents/{plan}/pages/abc.png": (422, ""),
        f"/documents/{plan}/pages/1.png?width=5000": (422, ""),
        f"/documents/{plan}/pages/1.png?width=50": (422, ""),
        f"/documents/{web}/pages/1.png": (404, "web page"),
        f"/documents/{'0' * 64}/pages/1.png": (404, "no indexed document"),
        "/documents/..%2F..%2Fetc%2Fpasswd/pages/1.png": (404, ""),
        f"/documents/{plan}/pages/1.png?passage={rus_hit['passage_id']}": (404, "no passage"),
        f"/documents/{plan}/pages/1.png?start=0&end=4": (422, "give passage"),
    }
    for path, (status, message) in cases.items():
        response = httpx.get(server.url + path, timeout=60)
        assert response.status_code == status, (path, response.status_code, response.text)
        assert message in response.text, (path, response.text)
    web_hit = next(h for h in _search(server, "Region Norrbotten", k=30)["results"] if h["page"] is None)
    assert web_hit["preview"] is None


def test_did_you_mean_suggests_the_indexed_term(server: Any) -> None:
    body = _search(server, "kolektivtrafik i Norrbotten")
    assert [(s["word"], s["suggestion"]) for s in body["suggestions"]] == [("kolektivtrafik", "kollektivtrafik")]
    assert body["suggested_query"] == "kollektivtrafik i Norrbotten"
    fixed = _search(server, body["suggested_query"])
    assert fixed["suggestions"] == [] and fixed["suggested_query"] is None  # all words known: no suggestion
    batch = httpx.post(f"{server.url}/search", json={"queries": [{"q": "infrastuktur"}]}, timeout=60).json()
    assert batch["responses"][0]["suggested_query"] == "infrastruktur"


def test_no_suggestion_for_compounds_numbers_or_nonsense(server: Any) -> None:
    for q in ("sjukvårdsbudget 2024", "xqzv blorp", "budget för hälso- och sjukvård 2024"):
        body = _search(server, q)
        assert body["suggestions"] == [] and body["suggested_query"] is None, (q, body["suggestions"])


def test_document_detail_counts_goals_and_tables(server: Any) -> None:
    plan = _documents(server)[PLAN]
    detail = _get(server, f"/documents/{plan['id']}").json()
    assert detail["goals"] > 50 and detail["tables"] > 5 and len(detail["sections"]) > 20

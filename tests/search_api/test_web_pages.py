"""The staff web pages render (TestClient, no browser): labels, language toggle, static files,
and a plain-words explanation when there is no index yet."""

from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from pipeline.config import Settings
from search_api.app import create_app
from search_api.web import TEXT, router


@pytest.fixture(scope="module")
def bare_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """The app over an empty index folder; the lifespan (model loading) is not run."""
    return TestClient(create_app(Settings(index_dir=tmp_path_factory.mktemp("no-index"))))


def test_search_page_renders_in_swedish(bare_client: TestClient) -> None:
    response = bare_client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="sv">' in html
    assert '<label for="q" class="big-label">Sök i styrdokumenten</label>' in html
    assert 'placeholder="Vad säger planen om kompetensförsörjning?"' in html
    for control in ("filter-doc", "filter-kind", "filter-lang"):
        assert f'<label for="{control}">' in html
    assert "/static/app.js" in html and "/static/style.css" in html
    assert "https://" not in html and "http://" not in html  # nothing from outside the server


def test_no_index_is_explained(bare_client: TestClient) -> None:
    html = bare_client.get("/").text
    assert 'id="index-error"' in html and "styrdok ingest" in html
    response = bare_client.get("/dokument")
    assert response.status_code == 503
    assert TEXT["sv"]["err_503"] in response.text


def test_english_toggle_is_remembered(bare_client: TestClient) -> None:
    html = bare_client.get("/").text
    assert 'href="/?ui=en"' in html
    response = bare_client.get("/?ui=en&q=budget")
    assert response.status_code == 200
    assert '<html lang="en">' in response.text and "Search the governing documents" in response.text
    assert 'value="budget"' in response.text
    assert response.cookies.get("styrdok_ui") == "en"
    # the cookie keeps English on the next page
    assert '<html lang="en">' in bare_client.get("/jamfor").text
    assert '<html lang="sv">' in bare_client.get("/jamfor?ui=sv").text
    bare_client.cookies.clear()


def test_query_is_escaped(bare_client: TestClient) -> None:
    html = bare_client.get("/", params={"q": '"><script>alert(1)</script>'}).text
    assert "<script>alert(1)</script>" not in html
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_compare_page_renders(bare_client: TestClient) -> None:
    response = bare_client.get("/jamfor")
    assert response.status_code == 200
    assert '<label for="source">' in response.text and '<label for="target">' in response.text
    assert 'id="export-csv"' in response.text


def test_static_files_are_served(bare_client: TestClient) -> None:
    js = bare_client.get("/static/app.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    css = bare_client.get("/static/style.css")
    assert css.status_code == 200 and "@media" in css.text
    assert bare_client.get("/static/nothing.js").status_code == 404


def test_pages_stay_out_of_the_api_schema() -> None:
    pages = {r.path: r for r in router.routes if isinstance(r, APIRoute)}
    assert set(pages) == {"/", "/dokument", "/jamfor"}
    assert not any(r.include_in_schema for r in pages.values())


def test_both_languages_have_every_text() -> None:
    assert TEXT["sv"].keys() == TEXT["en"].keys()
    assert all(TEXT["sv"][k] and TEXT["en"][k] for k in TEXT["sv"])


@pytest.mark.slow
def test_pages_over_the_session_index(index_dir: Path) -> None:
    client = TestClient(create_app(Settings(index_dir=index_dir)))
    html = client.get("/?doc=strategisk-plan-2023-2025.pdf").text
    assert 'id="index-error"' not in html
    assert "Strategisk plan 2023–2025" in html and "pressmeddelande" in html
    assert "selected>Strategisk plan 2023–2025</option>" in html
    response = client.get("/dokument")
    assert response.status_code == 200
    assert response.text.count("<tr data-doc=") == 5
    assert "strategisk-plan-2023-2025.pdf" in response.text and "52" in response.text

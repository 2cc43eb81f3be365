"""The page features in real headless Chromium against the real server: the page preview
beside a hit, "Menade du …", the document page reached from a hit, and the year filter.
Screenshots go to test-output/screenshots/ (desktop and 390 px wide)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.search_api.test_web import NARROW, PLAN, QUERY, RUS, _documents, _search, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _no_sideways_scroll(page: Any) -> None:
    size = page.viewport_size
    page.set_viewport_size(NARROW)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    page.set_viewport_size(size)


def test_preview_shows_the_cited_page_beside_the_hit(server: Any, page: Any, screenshots: Path) -> None:
    plan = _documents(server)[PLAN]
    page.goto(server.url + "/")
    _search(page, QUERY)
    hit = page.locator(f'#results li.hit[data-doc="{plan["id"]}"]').first
    link = hit.locator("a.source-link").get_attribute("href")
    toggle = hit.get_by_role("button", name="Visa sidan")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert hit.locator("img").count() == 0  # nothing is fetched until asked for
    with page.expect_response(re.compile(r"/pages/\d+\.png\?passage=")) as response:
        toggle.click()
    assert response.value.status == 200 and response.value.header_value("content-type") == "image/png"
    image = hit.locator("figure.page-preview img")
    image.wait_for()
    assert image.evaluate("img => img.complete") and image.evaluate("img => img.naturalWidth") == 800
    assert "med det citerade stycket markerat" in image.get_attribute("alt")
    assert hit.locator("figure.page-preview a").get_attribute("href") == link  # still opens the PDF at #page=N
    assert re.search(r"#page=\d+$", link)
    box, text = image.bounding_box(), hit.locator(".snippet").bounding_box()
    assert box["x"] > text["x"] + text["width"] - 1  # beside the hit on a desktop screen
    assert hit.get_by_role("button", name="Dölj sidan").get_attribute("aria-expanded") == "true"
    shoot(page, screenshots, "search-preview")
    _no_sideways_scroll(page)
    hit.get_by_role("button", name="Dölj sidan").click()
    assert not image.is_visible()


def test_did_you_mean_offers_the_indexed_word(server: Any, page: Any, screenshots: Path) -> None:
    page.goto(server.url + "/?q=" + quote("kolektivtrafik i Norrbotten"))
    offer = page.locator("#did-you-mean")
    offer.wait_for()
    assert offer.inner_text() == "Menade du kollektivtrafik i Norrbotten?"
    assert offer.locator("strong").inner_text() == "kollektivtrafik"
    shoot(page, screenshots, "search-did-you-mean", narrow=False)
    offer.get_by_role("link").click()
    page.wait_for_url(re.compile(r"q=kollektivtrafik"))
    page.wait_for_selector("#results li.hit")
    assert page.get_by_label("Sök i styrdokumenten").input_value() == "kollektivtrafik i Norrbotten"
    assert page.locator("#did-you-mean").count() == 0  # every word is known now

    page.goto(server.url + "/?q=" + quote("kolektivtrafik") + "&ui=en")
    page.locator("#did-you-mean").wait_for()
    assert page.locator("#did-you-mean").inner_text() == "Did you mean kollektivtrafik?"


def test_document_page_from_a_hit(server: Any, page: Any, screenshots: Path) -> None:
    plan = _documents(server)[PLAN]
    detail = httpx.get(f"{server.url}/documents/{plan['id']}", timeout=30).json()
    page.goto(server.url + "/")
    _search(page, QUERY)
    page.locator(f'#results li.hit[data-doc="{plan["id"]}"]').first.get_by_role("link", name="Om dokumentet").click()
    page.wait_for_url(re.compile(rf"/dokument/{plan['id']}$"))
    assert page.get_by_role("heading", level=1).inner_text() == plan["title"]
    assert page.locator("#doc-kind").inner_text() == "strategisk plan"
    assert page.locator("#doc-lang").inner_text() == "Svenska"
    assert page.locator("#doc-pages").inner_text() == "52"
    assert page.locator("#doc-tables").inner_text() == str(detail["tables"])
    assert page.locator("#doc-goals").inner_text() == str(detail["goals"])
    assert page.locator("#doc-open").get_attribute("href") == f"/documents/{plan['id']}/file"
    entries = page.locator("#outline li")
    assert entries.count() == len(detail["sections"])
    defence = entries.filter(has_text="Regionens planering av civilt försvar").first
    assert defence.locator("a.outline-page").get_attribute("href") == f"/documents/{plan['id']}/file#page=15"
    assert defence.locator("a.outline-page").inner_text() == "s. 15"
    shoot(page, screenshots, "document-page")
    _no_sideways_scroll(page)
    defence.get_by_role("link", name="Sök i avsnittet").click()
    page.wait_for_selector("#results li.hit")
    assert page.locator("#filter-doc").input_value() == plan["id"]
    assert page.get_by_label("Sök i styrdokumenten").input_value() == "Regionens planering av civilt försvar"
    assert {page.locator("#results li.hit").nth(i).get_attribute("data-doc") for i in range(3)} == {plan["id"]}

    page.goto(f"{server.url}/dokument/{plan['id']}?ui=en")
    assert page.get_by_role("heading", name="Contents").is_visible()
    assert page.locator("#doc-lang").inner_text() == "Swedish"
    missing = page.goto(server.url + "/dokument/not-a-document")
    assert missing is not None and missing.status == 404
    assert "The document is not in the index" in page.locator("#doc-missing").inner_text()  # the English choice is kept


def test_documents_list_links_each_document_page(server: Any, page: Any) -> None:
    rus = _documents(server)[RUS]
    page.goto(server.url + "/dokument")
    page.locator("#documents tbody tr", has_text=RUS).get_by_role("link", name="Om dokumentet").click()
    page.wait_for_url(re.compile(rf"/dokument/{rus['id']}$"))
    assert page.get_by_role("heading", level=1).inner_text() == rus["title"]


def test_year_filter_is_passed_to_the_search(server: Any, page: Any, screenshots: Path) -> None:
    rus = _documents(server)[RUS]
    year = int(rus["date"][:4])
    page.goto(server.url + "/")
    page.get_by_label("Sök i styrdokumenten").fill("hållbar utveckling")
    page.get_by_role("combobox", name="År", exact=True).select_option(str(year))
    with page.expect_response(re.compile(rf"/search\?.*year={year}")) as response:
        page.get_by_role("button", name="Sök", exact=True).click()
    assert response.value.status == 200
    page.wait_for_selector("#results li.hit")
    assert f"year={year}" in page.url
    documents = {d["id"]: d for d in _documents(server).values()}
    shown = {page.locator("#results li.hit").nth(i).get_attribute("data-doc") for i in range(page.locator("#results li.hit").count())}
    assert shown and all((documents[d]["date"] or "").startswith(str(year)) for d in shown)
    shoot(page, screenshots, "search-year", narrow=False)
    page.reload()  # the filter is in the address
    page.wait_for_selector("#results li.hit")
    assert page.locator("#filter-year").input_value() == str(year)
    page.goto(server.url + "/?ui=en")
    assert page.get_by_role("combobox", name="Year", exact=True).locator("option").first.inner_text() == "All years"

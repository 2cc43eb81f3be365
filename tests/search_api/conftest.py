"""Browser fixtures for the staff web page tests: Debian's Chromium driven by Playwright.

Needs `apt-get install chromium` and `pip install playwright` (never `playwright install`:
it downloads a browser). The server and the session index come from `tests/conftest.py`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from pipeline.config import PROJECT_ROOT

SCREENSHOTS = PROJECT_ROOT / "test-output" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium at /usr/bin/chromium: apt-get install chromium")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh desktop-sized page (own cookies) that fails the test on a JavaScript error."""
    context = browser.new_context(viewport=DESKTOP, locale="sv-SE", accept_downloads=True)
    context.set_default_timeout(30_000)
    new = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    new.on("pageerror", lambda exc: errors.append(str(exc)))
    new.on("request", lambda request: None if _local(request.url) else outside.append(request.url))
    yield new
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not outside, f"the page reached outside the server: {outside}"


def _local(url: str) -> bool:
    return urlsplit(url).scheme in ("data", "blob", "about") or urlsplit(url).hostname in ("127.0.0.1", "localhost")


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

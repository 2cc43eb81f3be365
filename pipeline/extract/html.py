"""HTML → one pseudo-page of lines: headings and paragraphs from the DOM.

Navigation, headers, footers, scripts and link lists are dropped; `lang` attributes on any
ancestor are respected, so a Swedish section inside an English page stays Swedish.
Headings carry their declared level (h1 → 1), so structure needs no typography here.
"""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup, Tag

from pipeline.errors import ExtractionError
from pipeline.records import Line, Page
from pipeline.text.normalise import normalize_text

DROPPED = ("nav", "header", "footer", "script", "style", "noscript", "form", "aside", "button", "template", "svg")
HEADINGS = {f"h{i}": i for i in range(1, 7)}
TEXT_TAGS = ("p", "li", "blockquote", "dd", "dt", "td", "th", "figcaption", "pre")
LINK_SHARE = 0.8
"""A paragraph whose text is mostly link text is navigation ("Läs mer …"), not content."""


def _lang(tag: Tag, default: str) -> str:
    for node in [tag, *tag.parents]:
        if isinstance(node, Tag) and node.get("lang"):
            return str(node["lang"]).split("-")[0].lower()
    return default


def _is_link_list(tag: Tag, text: str) -> bool:
    link_text = "".join(a.get_text(" ", strip=True) for a in tag.find_all("a"))
    return bool(text) and len(link_text) >= LINK_SHARE * len(text)


def extract_html(path: Path, default_lang: str = "sv") -> tuple[Page, str | None, str]:
    """Read an HTML file into a single `Page`; returns (page, <title>, page language)."""
    raw = path.read_bytes()
    if not raw.strip():
        raise ExtractionError(path.name, "the file is empty", "replace it with the complete page")
    soup = BeautifulSoup(raw, "lxml")
    for tag in soup.find_all(DROPPED):
        tag.decompose()
    for tag in soup.find_all("figure"):
        for caption in tag.find_all("figcaption"):
            caption.decompose()  # photo credits, not content
    html = soup.find("html")
    page_lang = _lang(html, default_lang) if isinstance(html, Tag) else default_lang
    title = soup.title.get_text(strip=True) if soup.title else None
    root = soup.find("main") or soup.body or soup

    lines: list[Line] = []
    for block, tag in enumerate(root.find_all([*HEADINGS, *TEXT_TAGS])):
        if tag.find_parent(TEXT_TAGS) is not None:
            continue  # nested inside a paragraph or list item already taken
        text = normalize_text(tag.get_text(" ", strip=True))
        if not text or (tag.name not in HEADINGS and _is_link_list(tag, text)):
            continue
        y = float(len(lines))
        lines.append(
            Line(
                text=text,
                bbox=(0.0, y, 1.0, y + 1.0),
                size=1.0,
                bold=tag.name in HEADINGS,
                page=1,
                block=block,
                lang=_lang(tag, page_lang),
                level=HEADINGS.get(tag.name),
            )
        )
    if not lines:
        raise ExtractionError(path.name, "no text found in the page", "check that it is an HTML article page")
    return Page(number=1, width=1.0, height=float(len(lines)), lines=tuple(lines)), title, page_lang

"""HTML → one pseudo-page of lines: headings and paragraphs from the DOM.

Text is read wherever it is: in ``<p>``/``<li>`` as well as directly in ``<div>``,
``<section>``, ``<article>`` or ``<main>`` (a riksdagen directive page keeps its whole text
in one ``<div>`` with blank lines between paragraphs; reading only ``<p>`` gave 0 passages).
Every block element ends a paragraph, and so does a blank line inside one. Navigation,
headers, footers, scripts and link lists are dropped, by tag, by ARIA role and by class/id
names that say so (``nav-bar``, ``header``, ``breadcrumb`` …). `lang` attributes on any
ancestor are respected, so a Swedish section inside an English page stays Swedish.
Headings carry their declared level (h1 → 1), so structure needs no typography here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from pipeline.errors import ExtractionError
from pipeline.records import Line, Page
from pipeline.text.normalise import normalize_text

DROPPED = ("nav", "header", "footer", "script", "style", "noscript", "form", "aside", "button", "template", "svg")
DROPPED_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar", "dialog"})
DROPPED_NAMES = re.compile(
    r"^(nav|navbar|nav-.*|.*-nav|menu|menu-.*|.*-menu|header|site-header|page-header|footer|.*-footer|footer-.*"
    r"|breadcrumbs?|cookie.*|popup.*|skip.*|sidebar|toolbar|share|social.*)$",
    re.IGNORECASE,
)
"""Class or id names of page furniture (navigation, site header/footer, cookie and share boxes)."""
HEADINGS = {f"h{i}": i for i in range(1, 7)}
BLOCKS = frozenset(
    ("address", "article", "blockquote", "body", "center", "dd", "details", "div", "dl", "dt", "fieldset",
     "figcaption", "figure", "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
     "tfoot", "th", "thead", "tr", "ul", "caption")
)
"""Elements that end the paragraph before them and start a new one."""
LINK_SHARE = 0.8
"""A paragraph whose text is mostly link text is navigation ("Läs mer …"), not content."""
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def _lang(tag: Tag, default: str) -> str:
    for node in [tag, *tag.parents]:
        if isinstance(node, Tag) and node.get("lang"):
            return str(node["lang"]).split("-")[0].lower()
    return default


def _is_furniture(tag: Tag) -> bool:
    if tag.name in DROPPED or str(tag.get("role", "")).lower() in DROPPED_ROLES:
        return True
    if str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    names = [*(tag.get("class") or []), str(tag.get("id") or "")]
    return any(name and DROPPED_NAMES.match(name) for name in names)


@dataclass
class _Reader:
    """Collects paragraphs while walking the DOM in document order."""

    page_lang: str
    lines: list[Line] = field(default_factory=list)
    parts: list[tuple[str, bool]] = field(default_factory=list)
    """Text pieces of the open paragraph, with whether each is link text."""
    block: int = 0

    def flush(self, owner: Tag) -> None:
        text = "".join(t for t, _ in self.parts)
        link = sum(len(t.strip()) for t, is_link in self.parts if is_link)
        self.parts = []
        for paragraph in _BLANK_LINE.split(text):
            clean = normalize_text(" ".join(paragraph.split()))
            if clean and link < LINK_SHARE * len(clean):
                self.add(clean, owner, None)
        self.block += 1

    def add(self, text: str, owner: Tag, level: int | None) -> None:
        y = float(len(self.lines))
        self.lines.append(
            Line(text=text, bbox=(0.0, y, 1.0, y + 1.0), size=1.0, bold=level is not None, page=1,
                 block=self.block, lang=_lang(owner, self.page_lang), level=level)
        )

    def walk(self, node: Tag, in_link: bool = False) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.parts.append((str(child), in_link))
            elif isinstance(child, Tag) and not _is_furniture(child):
                self._element(child, node, in_link)

    def _element(self, tag: Tag, parent: Tag, in_link: bool) -> None:
        if tag.name in HEADINGS:
            self.flush(parent)
            text = normalize_text(tag.get_text(" ", strip=True))
            if text:
                self.add(text, tag, HEADINGS[tag.name])
            self.block += 1
        elif tag.name == "br":
            self.parts.append(("\n", in_link))
        elif tag.name in BLOCKS:
            self.flush(parent)
            self.walk(tag, in_link)
            self.flush(tag)
        else:
            self.walk(tag, in_link or tag.name == "a")


def extract_html(path: Path, default_lang: str = "sv") -> tuple[Page, str | None, str]:
    """Read an HTML file into a single `Page`; returns (page, <title>, page language)."""
    raw = path.read_bytes()
    if not raw.strip():
        raise ExtractionError(path.name, "the file is empty", "replace it with the complete page")
    soup = BeautifulSoup(raw, "lxml")
    for tag in soup.find_all("figure"):
        for caption in tag.find_all("figcaption"):
            caption.decompose()  # photo credits, not content
    html = soup.find("html")
    page_lang = _lang(html, default_lang) if isinstance(html, Tag) else default_lang
    title = soup.title.get_text(strip=True) if soup.title else None
    root = soup.find("main") or soup.body or soup
    reader = _Reader(page_lang)
    if isinstance(root, Tag):
        reader.walk(root)
        reader.flush(root)
    if not reader.lines:
        raise ExtractionError(
            path.name, "no text found in the page", "check that it is an HTML page with text, not a frame or a script-built page"
        )
    page = Page(number=1, width=1.0, height=float(len(reader.lines)), lines=tuple(reader.lines))
    return page, title, page_lang

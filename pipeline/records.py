"""Typed records passed between pipeline stages.

Every stage takes and returns these frozen dataclasses, so a stage can be tested on
hand-made records without touching a file. Coordinates are PDF points with the origin
at the top-left of the page (pdfplumber's ``x0, top, x1, bottom``).
"""

from __future__ import annotations

from dataclasses import dataclass

BBox = tuple[float, float, float, float]
"""(x0, top, x1, bottom) in PDF points, origin top-left."""

PATH_SEPARATOR = " › "


@dataclass(frozen=True)
class Line:
    """One visual line of text on a page, in reading order after cleaning."""

    text: str
    bbox: BBox
    size: float
    """Dominant font size of the line's characters (points)."""
    bold: bool
    """True when most characters come from a bold font."""
    page: int
    """Physical PDF page, 1-based."""
    block: int = 0
    """Index of the layout block the line belongs to (same block = same paragraph area)."""
    region: str = "full"
    """``full`` for full-width content, ``col1``/``col2``/… for a column of a multi-column area."""
    role: str = "body"
    """``body``, ``footnote``, ``toc`` or ``caption``: set by cleaning and structure."""
    lang: str | None = None
    """Language declared by the source (HTML ``lang``), when it declares one."""
    italic: bool = False
    level: int | None = None
    """Heading level when the source declares it (HTML ``h1``–``h6``); PDFs infer it in structure."""

    @property
    def x0(self) -> float:
        return self.bbox[0]

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def x1(self) -> float:
        return self.bbox[2]

    @property
    def bottom(self) -> float:
        return self.bbox[3]


@dataclass(frozen=True)
class Table:
    """A table found on a page. ``None`` in ``rows`` marks a cell covered by a merged cell."""

    page: int
    caption: str
    rows: tuple[tuple[str | None, ...], ...]
    n_header_rows: int
    bbox: BBox
    unit: str | None = None
    """The unit a line of its own next to the table states for its numbers ("Mnkr", "Belopp i tkr")."""

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass(frozen=True)
class Page:
    """One page after extraction (and, later, after cleaning)."""

    number: int
    """Physical PDF page, 1-based."""
    width: float
    height: float
    lines: tuple[Line, ...]
    tables: tuple[Table, ...] = ()
    label: str | None = None
    """The printed page label ("5" for "Sida 5 (52)"), when the page prints one."""
    removed: tuple[str, ...] = ()
    """Header/footer lines that cleaning removed (kept for inspection and tests)."""
    ocr: bool = False
    """The page's text was read by OCR (a scan, or fonts without a Unicode map)."""


@dataclass(frozen=True)
class Heading:
    text: str
    level: int
    page: int
    bbox: BBox


@dataclass(frozen=True)
class Section:
    """A node of the section tree: a heading and the lines under it up to the next heading."""

    path: tuple[str, ...]
    level: int
    heading: Heading | None
    lines: tuple[Line, ...]

    @property
    def path_text(self) -> str:
        return PATH_SEPARATOR.join(self.path)


def file_link(doc_id: str, page: int | None = None) -> str:
    """The one URL of an indexed source file, opened at a PDF page when given (``#page=N``)."""
    base = f"/documents/{doc_id}/file"
    return f"{base}#page={page}" if page else base


class CitedPages:
    """First page and printed label of something that cites `pages` / `page_labels`."""

    pages: tuple[int, ...]
    page_labels: tuple[str | None, ...]

    @property
    def page(self) -> int | None:
        return self.pages[0] if self.pages else None

    @property
    def page_label(self) -> str | None:
        return self.page_labels[0] if self.page_labels else None


@dataclass(frozen=True, kw_only=True)
class Cited(CitedPages):
    """A text of an indexed document and where it is printed: the fields a citation needs,
    shared by passages, goals and cross-check statements. Keyword-only, so that a subclass's
    own fields keep their order (and defaults) in front of these."""

    doc_id: str
    text: str
    section_path: tuple[str, ...]
    pages: tuple[int, ...]
    page_labels: tuple[str | None, ...]


@dataclass(frozen=True)
class Passage(Cited):
    """The unit of retrieval: a sentence-aligned chunk of one section, or one table row."""

    passage_id: str
    bbox: BBox | None
    lang: str
    kind: str = "text"
    """``text`` or ``table``."""
    lemmas: str = ""
    """Space-separated lemmas of the text, for lexical search."""
    ordinal: int = 0
    """Position of the passage in its document."""
    ocr: bool = False
    """The passage's text was read by OCR: it may contain misread characters."""


@dataclass(frozen=True)
class DocumentMeta:
    """What the corpus manifest (or the file itself) says about a document."""

    title: str
    kind: str
    date: str | None
    lang: str


@dataclass(frozen=True)
class Document:
    doc_id: str
    """SHA-256 of the file's bytes."""
    file_name: str
    media_type: str
    """``application/pdf`` or ``text/html``."""
    meta: DocumentMeta
    pages: tuple[Page, ...]
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    headings: tuple[Heading, ...] = ()
    passages: tuple[Passage, ...] = ()
    warnings: tuple[str, ...] = ()
    """What could not be read but did not stop the document (e.g. pages left to OCR past its time budget)."""

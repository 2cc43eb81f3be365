"""Typed options of the extraction stages: every geometry threshold by name, with its reason.

Sizes are in PDF points (1/72 inch) unless a name says it is a share or a factor; factors
of the body size scale with the document's running-text font. The defaults are what the
corpus and the external PDFs were measured with (`bench.ingest_quality`: every line,
heading and table of the five corpus documents). A stage takes its options object, so a
caller can try other values without editing code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LayoutOptions:
    """Columns and paragraph blocks (`pipeline.extract.layout`)."""

    min_column_lines: int = 4
    """Fewest lines a column must hold for a page to count as two-column."""
    gutter_min_width: float = 6.0
    """Narrowest free vertical strip that can be a gutter (about one space at body size)."""
    full_width_reach: float = 20.0
    """Points a line must reach past the gutter on both sides to count as full-width."""
    min_text_share_of_width: float = 0.4
    """Text spanning less of the page width than this is one column (a narrow box, a quote)."""
    narrow_line_share: float = 0.55
    """Lines narrower than this share of the text span are column lines; wider ones cross any gutter."""
    gutter_search_from: float = 0.3
    gutter_search_to: float = 0.7
    """The gutter is searched between these shares of the text span (columns are not slivers)."""
    gutter_search_step: float = 1.0
    """Points between the x positions tried for a gutter."""
    crossings_allowed_per: int = 25
    """One column line in this many may cross a gutter (a long word, a stray footnote mark)."""
    left_column_reach: float = 0.25
    right_column_reach: float = 0.15
    """Share of the span within which lines must end left of / start right of the gutter."""
    edge_tolerance: float = 2.0
    """Points by which left edges of one column may differ (justified text, indents of drop caps)."""
    min_column_share: float = 0.15
    """Share of the page's lines each column must hold (a real column, not a caption beside a picture)."""
    min_side_by_side: int = 2
    """Pairs of lines standing side by side across a borrowed gutter that confirm it on a sparse page."""
    heading_line_gap: float = 0.6
    """A heading's next line follows within this factor of its font size."""
    block_gap: float = 0.6
    """A vertical gap wider than this factor of the font size starts a new paragraph block."""
    moved_up: float = 2.0
    """Points a line may sit above the previous one before it counts as a new column or band."""
    size_change: float = 0.6
    """Points of font-size change that start a new block."""


@dataclass(frozen=True)
class StructureOptions:
    """Headings, their levels, footnotes and lists (`pipeline.extract.structure`)."""

    max_heading_lines: int = 3
    max_heading_words: int = 18
    """A heading is short: longer blocks are paragraphs, whatever their font."""
    rare_style_share: float = 0.1
    """A heading style used by fewer than this share of headings takes the next style's level."""
    max_level: int = 3
    """Deepest heading level (deeper styles share it)."""
    min_list_run: int = 3
    """Heading-like blocks of one style in a row, with nothing between, from this many are a bold list."""
    footnote_size: float = 0.85
    """Footnotes are set at most this factor of the body size."""
    footnote_from_height: float = 0.55
    """A footnote starts in the lower part of the page, below this share of its height."""
    caps_heading_size: float = 1.3
    """All-capital lines smaller than this factor of the body size are kickers and labels, not headings."""
    heading_size: float = 1.08
    """A heading is set at least this factor of the body size…"""
    bold_heading_size: float = 0.98
    """…or in bold at (almost) the body size."""
    default_body_size: float = 10.0
    """Body size assumed for a document without text lines."""


@dataclass(frozen=True)
class PdfOptions:
    """Words into lines on a PDF page (`pipeline.extract.pdf`); sizes ending in ``_em`` are
    shares of the font size, the rest are points."""

    word_x_tolerance: float = 1.5
    """Characters closer than this belong to one word."""
    segment_gap_em: float = 1.6
    """A horizontal gap wider than this splits a row into segments (column gutters, label/value
    pairs); justified word spacing stays well below it."""
    gutter_gap_em: float = 0.8
    """At a known column gutter a narrower gap is enough to split, but not a plain word space."""
    near_rows: int = 4
    """Rows (in baseline order) on each side searched for the line a superscript belongs to."""
    baseline_em: float = 0.25
    """Words whose baselines differ by less than this share one row (tight leading stays apart)."""
    glue_gap_em: float = 0.12
    """Words closer than this are one word split by the PDF (kerning), joined without a space."""
    superscript_size: float = 0.85
    """A word at most this factor of its neighbour's size can be a footnote mark on it."""
    touch_before: float = 0.5
    touch_after: float = 1.5
    """Points a mark may overlap / stand apart from the word it belongs to."""
    superscript_lift: float = 1.0
    """Points a mark's centre may stand above the top of the word it belongs to."""
    drop_cap_size: float = 1.8
    """A single capital this many times the size of the next words is a drop cap."""
    drop_cap_gap_em: float = 0.3
    """A drop cap's word starts within this share of its size right of the cap."""
    drop_cap_top_em: float = 0.6
    """…and its first line's top within this share of the cap's top."""
    min_icon_tiles: int = 6
    """Filled tiles of one size repeated this often are an icon grid (a figure, not body text)."""
    icon_min_side: float = 10.0
    icon_max_share: float = 0.25
    """An icon tile is larger than this many points and smaller than this share of the page width."""
    cid_ocr_share: float = 0.05
    """A page where at least this share of the characters has no Unicode map has no usable text
    layer (one unmapped font is a whole style: headings, body or numbers); it is read by OCR."""
    ocr_budget_seconds: float = 200.0
    """No OCR page is started later than this after the file was opened, which keeps a file
    inside the sandbox's 300 s limit (a page takes 6–12 s); the pages not reached are listed
    in the document's warnings."""


LAYOUT = LayoutOptions()
PDF = PdfOptions()
STRUCTURE = StructureOptions()

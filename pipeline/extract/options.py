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


LAYOUT = LayoutOptions()
STRUCTURE = StructureOptions()

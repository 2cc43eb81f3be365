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


@dataclass(frozen=True)
class TablesOptions:
    """Ruled and aligned-text tables (`pipeline.extract.tables`, `pipeline.extract.unruled`);
    names ending in ``_em`` are shares of the font size, the rest points or shares as named.
    Measured with `bench.table_accuracy` (corpus, 19 ICDAR 2013 tables, camelot set) and
    checked by `bench.table_leaveout`."""

    # ruled grids (tables.py)
    min_text_cell_share: float = 0.3
    """Below this share of non-empty cells a ruled grid is a figure or a form, not a table."""
    grid_max_median_cell_chars: int = 120
    """Layout boxes hold paragraphs; data-table cells are short even in the RUS goal tables."""
    bold_share: float = 0.8
    """A row is a bold (header) row when this share of its non-space characters is bold."""
    caption_max_gap: float = 16.0
    """A bold line at most this far above a table is the table's own title (points)."""
    caption_max_body_lines: int = 6
    """Without an own title, walk up past at most this many body lines to the section heading."""
    unit_line_max_gap: float = 16.0
    """A unit on a line of its own ("Mnkr") at most this far above or below a table is the table's
    unit (points; the reach of an own title)."""
    caption_same_size: float = 0.5
    """Lines of a wrapped bold title differ in font size by less than this (points)."""
    caption_line_gap_em: float = 0.8
    """…and lie at most this share of their font size apart (one line pitch, no paragraph gap)."""
    inside_tolerance: float = 1.0
    """Points by which a character may stick out of a cell or table box and still belong to it
    (glyph boxes overhang the rules by rounding)."""
    line_tolerance: float = 2.0
    """Characters whose tops differ by at most this much sit on one text line (points)."""
    min_stacked_lines: int = 3
    """A label cell with this many lines beside one number per line holds stacked records;
    two lines are more often one wrapped label."""
    max_gutter_cell_share: float = 0.25
    """A ruled grid whose cells hold column gutters in more than this share of them has rules that
    group columns (boxes around column groups) rather than separate cells: its text is read by
    alignment instead."""
    label_row_share: float = 0.8
    """A label column left of a ruled grid labels at least this share of the grid's text rows."""
    word_gap: float = 1.5
    """Characters further apart than this (points) start a new word, as in body-text extraction."""
    word_gap_em: float = 0.15
    """In cell text, a gap wider than this share of the font size starts a new word: word spaces
    are 0.25 em or more, letter spacing stays below 0.1 em. A fixed 3 pt (pdfplumber's default)
    glues the words of small table fonts whose PDF has no space characters."""

    continued_edge_share: float = 0.1
    """A table's part on the next page has its left and right edges within this share of the
    table's width of the first part's (same columns; unruled parts end where their widest cell
    does) (continued.py)."""

    # aligned-text tables (unruled.py)
    column_gap_em: float = 1.0
    """A gap wider than this many font sizes separates cells; word spaces stay below 0.5 em."""
    line_merge_em: float = 0.3
    """Words whose bottoms differ by at most this many font sizes share a text line."""
    max_line_gap_em: float = 2.6
    """Lines further apart than this (top to top, in font sizes) are not rows of one table: rows
    are 1.1–1.8 em apart and one blank line (two pitches, ~2.4 em) may set a header off the body."""
    row_pitch_gap: float = 1.8
    """A line continues a run when it lies at most this many of the run's own row pitches below the
    last one, even past ``max_line_gap_em``: loosely set tables (rows 2.4 em apart) set off their
    sections by one and a half pitches."""
    min_rows: int = 3
    """Fewer multi-cell lines than this are a label/value pair, not a table."""
    max_single_run: int = 2
    """At most this many one-cell lines in a row (section labels, wrapped labels) inside a table."""
    span_share: float = 0.25
    """A gutter may be crossed by at most this share of the table's lines (spanning headers)."""
    unruled_max_median_cell_chars: int = 30
    """Prose in page columns has lines of 40+ characters; data cells are shorter."""
    digit_share: float = 0.6
    """A value column has a number at the start or end of at least this share of its non-empty
    cells ("40", "$9,594 or less", "Greater than $25,771"); a line of law text that cites
    "2 kap. 17 §" mid-sentence does not count."""
    filled_share: float = 0.5
    """The value column has text in at least this share of the rows and in ``min_rows`` of them
    (a running header or page number beside two columns of prose fills one or two; wrapped
    labels leave at most every other value cell empty)."""
    wrap_pitch_em: float = 1.5
    """Lines at most this many font sizes apart (top to top) are set at one line pitch, as the
    lines of one wrapped cell are (1.1–1.3 em); a blank line between makes 2.2 em or more."""
    max_header_lines: int = 3
    """A wrapped header cell spans at most this many lines; more lines above the first number
    are a title block or rows of text, not one header."""
    superscript_size: float = 0.85
    """Words at most this factor of a neighbouring line's font size, lying within its height, are
    footnote marks or exponents set on that line ("period¹"), not a line of their own."""
    glue_gap_em: float = 0.12
    """Words closer than this share of the font size are one word (a footnote mark on its word)."""
    gutter_split_em: float = 0.5
    """Inside a run's gutter, a gap wider than this many font sizes splits a segment: twice a word
    space, so a long cell that comes close to the next column ("7777 EAST APACHE DRIVE  TULSA")
    is cut where the other lines show a column border, while words of one cell stay together."""
    page_gutter_from: float = 0.25
    """A page-column gutter lies between this share of the text width from the left and from the
    right edge (columns are not slivers)."""


LAYOUT = LayoutOptions()
PDF = PdfOptions()
STRUCTURE = StructureOptions()
TABLES = TablesOptions()

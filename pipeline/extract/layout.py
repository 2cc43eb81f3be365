"""Reading order on a page: columns, full-width blocks between them, and paragraph blocks.

A column gutter is a vertical strip in the middle of the page that no line crosses while
several lines end just left of it and start just right of it. Lines that cross the gutter
are full-width (headings, lead texts); they cut the page into bands, and inside each band
the left column is read before the right one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from pipeline.extract.options import LAYOUT, LayoutOptions
from pipeline.records import Line, Page


def find_gutter(lines: list[Line], width: float, o: LayoutOptions = LAYOUT) -> float | None:
    """The x position of a two-column gutter, or None for a single-column page."""
    if len(lines) < 2 * o.min_column_lines:
        return None
    left_edge = min(l.x0 for l in lines)
    right_edge = max(l.x1 for l in lines)
    span = right_edge - left_edge
    if span < width * o.min_text_share_of_width:
        return None
    # full-width lines (lead texts, wide headings) cross any gutter: judge by column-wide lines
    narrow = [l for l in lines if l.x1 - l.x0 < o.narrow_line_share * span]
    best: tuple[int, float, float] | None = None  # (crossings, -run width, centre)
    run_start: float | None = None
    x = left_edge + o.gutter_search_from * span
    step = o.gutter_search_step
    while x <= left_edge + o.gutter_search_to * span + step:
        crossing = sum(1 for l in narrow if l.x0 < x < l.x1)
        free = crossing <= max(1, len(narrow) // o.crossings_allowed_per) and x <= left_edge + o.gutter_search_to * span
        if free and run_start is None:
            run_start = x
        elif not free and run_start is not None:
            run_width = x - run_start
            if run_width >= o.gutter_min_width:
                centre = (run_start + x) / 2
                candidate = (sum(1 for l in narrow if l.x0 < centre < l.x1), -run_width, centre)
                if best is None or candidate < best:
                    best = candidate
            run_start = None
        x += step
    if best is None:
        return None
    gutter = best[2]
    left = [l for l in narrow if gutter - o.left_column_reach * span < l.x1 <= gutter]
    right = [l for l in narrow if gutter <= l.x0 < gutter + o.right_column_reach * span]
    # a real second column starts at one left edge, and holds a good share of the page's lines
    right_edges = Counter(round(l.x0) for l in right)
    if not right:
        return None
    right_start = right_edges.most_common(1)[0][0]
    aligned = sum(n for x, n in right_edges.items() if abs(x - right_start) <= o.edge_tolerance)
    enough = max(o.min_column_lines, o.min_column_share * len(lines))
    if len(left) < enough or aligned < enough:
        return None
    return gutter


def is_full_width(line: Line, gutter: float, o: LayoutOptions = LAYOUT) -> bool:
    """A line that reaches well into the right column; a column-1 heading that merely
    overhangs the gutter is still column 1."""
    return line.x0 < gutter - o.full_width_reach and line.x1 > gutter + o.full_width_reach


def fits_gutter(lines: list[Line], gutter: float, o: LayoutOptions = LAYOUT) -> bool:
    """True when a gutter found on other pages also splits this page: at least two pairs
    of column lines stand side by side across it (a heading may overhang it a little)."""
    column_lines = [l for l in lines if not is_full_width(l, gutter)]
    left = [l for l in column_lines if l.x0 < gutter and l.x1 < gutter + o.full_width_reach]
    right = [l for l in column_lines if l.x0 >= gutter]
    pairs = sum(1 for a in left for b in right if a.top < b.bottom and b.top < a.bottom)
    return pairs >= o.min_side_by_side


def order_pages(pages: list[Page]) -> list[Page]:
    """Reading order for every page of a document.

    A page with only a few column lines (a short two-column tail under a table) cannot
    show its gutter by itself; it borrows the gutter most pages of the document have.
    """
    gutters = [find_gutter(sorted(p.lines, key=lambda l: (l.top, l.x0)), p.width) for p in pages]
    common = Counter(round(g) for g in gutters if g is not None).most_common(1)
    fallback = float(common[0][0]) if common else None
    ordered = []
    for page, gutter in zip(pages, gutters):
        if gutter is None and fallback is not None and fits_gutter(list(page.lines), fallback):
            gutter = fallback
        ordered.append(order_page(page, gutter))
    return ordered


def order_page(page: Page, gutter: float | None) -> Page:
    """Put a page's lines in reading order, given its column gutter (None: one column)."""
    lines = sorted(page.lines, key=lambda l: (l.top, l.x0))
    if gutter is None:
        ordered = [replace(l, region="full") for l in lines]
    else:
        ordered = []
        band: list[Line] = []
        for line in lines:
            if is_full_width(line, gutter) or (not band and ordered and _continues(ordered[-1], line)):
                ordered.extend(_read_band(band, gutter))
                band = []
                ordered.append(replace(line, region="full"))
            else:
                band.append(line)
        ordered.extend(_read_band(band, gutter))
    return replace(page, lines=tuple(assign_blocks(ordered)))


def _continues(prev: Line, line: Line) -> bool:
    """A shorter next line of a full-width heading is still part of it."""
    return (
        prev.region == "full"
        and (prev.size, prev.bold) == (line.size, line.bold)
        and abs(prev.x0 - line.x0) <= LAYOUT.edge_tolerance
        and 0 <= line.top - prev.bottom <= LAYOUT.heading_line_gap * line.size
    )


def _read_band(band: list[Line], gutter: float) -> list[Line]:
    left = [replace(l, region="col1") for l in band if l.x0 < gutter]
    right = [replace(l, region="col2") for l in band if l.x0 >= gutter]
    if not right or not left:
        return [replace(l, region="full") for l in band]
    return left + right


def assign_blocks(lines: list[Line]) -> list[Line]:
    """Number paragraph blocks: a new block starts at a region change, a vertical gap
    wider than the line spacing, or a change of font size or weight."""
    out: list[Line] = []
    block = 0
    prev: Line | None = None
    for line in lines:
        if prev is not None:
            gap = line.top - prev.bottom
            new_block = (
                line.region != prev.region
                or gap > LAYOUT.block_gap * max(line.size, prev.size)
                or gap < -LAYOUT.moved_up  # moved up: a new column or band
                or abs(line.size - prev.size) > LAYOUT.size_change
                or line.bold != prev.bold
                or line.italic != prev.italic
            )
            block += int(new_block)
        out.append(replace(line, block=block))
        prev = line
    return out

"""Headings and the section tree.

Headings are found by typography, not by a list: a short block set larger than the body
text, or bold at body size, that is not italic (pull quotes), not a sentence, not a table
caption and not a table-of-contents entry. Heading styles (size, weight) are ranked by size
to give levels; a style used for only a few headings between two others is a variant of
the level below it (a full-width section heading beside column section headings). The
cover's title is level 0. Footnotes and table-of-contents lines get their role here too.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from pipeline.records import Heading, Line, Page, Section, Table

TOC_LEADER = re.compile(r"(\.\s?){4,}\s*\d+\s*$|…\s*\d+\s*$")
FOOTNOTE_START = re.compile(r"^\d{1,3}\s+\S")
MAX_HEADING_LINES = 3
MAX_HEADING_WORDS = 18
RARE_STYLE_SHARE = 0.1
MAX_LEVEL = 3
MIN_LIST_RUN = 3


@dataclass(frozen=True)
class Outline:
    """The result of structure analysis: lines with roles, headings and sections."""

    pages: tuple[Page, ...]
    headings: tuple[Heading, ...]
    sections: tuple[Section, ...]


def body_size(pages: list[Page]) -> float:
    """The font size that carries most characters: the running text's size."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _mark_roles(page: Page, body: float) -> Page:
    """Tag table-of-contents lines and footnotes on one page."""
    lines = list(page.lines)
    footnote_region: set[str] = set()
    for i, line in enumerate(lines):
        role = line.role
        if TOC_LEADER.search(line.text):
            role = "toc"
        elif line.size <= body * 0.85 and (
            line.region in footnote_region
            or (FOOTNOTE_START.match(line.text) and line.top > page.height * 0.55)
        ):
            role = "footnote"
            footnote_region.add(line.region)
        lines[i] = replace(line, role=role)
    return replace(page, lines=tuple(lines))


def _blocks(page: Page) -> list[list[Line]]:
    blocks: list[list[Line]] = []
    for line in page.lines:
        if blocks and blocks[-1][-1].block == line.block:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def _looks_like_heading(block: list[Line], body: float) -> bool:
    first = block[0]
    if first.level is not None:
        return True  # declared by the source (HTML h1-h6)
    text = " ".join(l.text for l in block)
    if first.role != "body" or first.italic or len(block) > MAX_HEADING_LINES:
        return False
    if len(text.split()) > MAX_HEADING_WORDS or text.endswith((".", ",", ";")) or not re.search(r"[A-Za-zÅÄÖåäö]", text):
        return False
    if text.isupper() and first.size < body * 1.3:
        return False  # small capitals: kickers, labels and running titles, not headings
    larger = first.size >= body * 1.08
    bold_at_body = first.bold and first.size >= body * 0.98
    return larger or bold_at_body


def _drop_lists(
    candidates: list[tuple[int, int, list[Line]]], tables: tuple[Table, ...]
) -> list[tuple[int, int, list[Line]]]:
    """Three or more heading-like blocks of one style in a row, with no text or table
    between them, are a bold list, not headings."""

    def table_between(a: Line, b: Line) -> bool:
        return any(a.bottom <= t.bbox[1] and t.bbox[3] <= b.top for t in tables)

    runs: list[list[tuple[int, int, list[Line]]]] = []
    for candidate in candidates:
        previous = runs[-1][-1] if runs else None
        if (
            previous
            and previous[1] + 1 == candidate[1]
            and _style(previous[2][0]) == _style(candidate[2][0])
            and not table_between(previous[2][-1], candidate[2][0])
        ):
            runs[-1].append(candidate)
        else:
            runs.append([candidate])
    return [c for run in runs if len(run) < MIN_LIST_RUN or run[0][2][0].level is not None for c in run]


def _style(line: Line) -> tuple[float, bool]:
    return (line.size, line.bold)


def assign_levels(styles: list[tuple[float, bool]]) -> dict[tuple[float, bool], int]:
    """Map heading styles to levels 1..3: larger first; rare in-between styles share the
    level of the next smaller style."""
    counts = Counter(styles)
    ranked = sorted(counts, key=lambda s: (-s[0], not s[1]))
    levels: dict[tuple[float, bool], int] = {}
    level = 0
    for i, style in enumerate(ranked):
        rare_between = 0 < i < len(ranked) - 1 and counts[style] < RARE_STYLE_SHARE * len(styles)
        if not rare_between:
            level += 1
        levels[style] = min(max(level, 1), MAX_LEVEL)
    # a rare style takes the level of the style after it
    for i, style in enumerate(ranked[:-1]):
        if 0 < i and counts[style] < RARE_STYLE_SHARE * len(styles):
            levels[style] = levels[ranked[i + 1]]
    return levels


def _is_cover(page: Page, n_pages: int) -> bool:
    return page.number == 1 and n_pages > 2 and len(page.lines) <= 15


def build_outline(pages: list[Page], title: str) -> Outline:
    """Find headings, give them levels, and cut the document into sections.

    Text before the first heading (a press release's dateline) gets the document `title`
    as its section path; the cover title (level 0) is a section of its own, not the root
    of every path.
    """
    body = body_size(pages)
    pages = [_mark_roles(page, body) for page in pages]

    candidates: list[tuple[int, int, list[Line]]] = []  # (page index, block index, lines)
    cover_title: tuple[int, list[Line]] | None = None
    for pi, page in enumerate(pages):
        blocks = _blocks(page)
        if _is_cover(page, len(pages)) and blocks:
            biggest = max(range(len(blocks)), key=lambda b: blocks[b][0].size)
            cover_title = (biggest, blocks[biggest])
            continue
        page_candidates = [(pi, bi, block) for bi, block in enumerate(blocks) if _looks_like_heading(block, body)]
        candidates.extend(_drop_lists(page_candidates, page.tables))

    levels = assign_levels([_style(block[0]) for _, _, block in candidates])
    heading_blocks: dict[tuple[int, int], int] = {
        (pi, bi): b[0].level if b[0].level is not None else levels[_style(b[0])] for pi, bi, b in candidates
    }
    if cover_title is not None:
        heading_blocks[(0, cover_title[0])] = 0

    headings: list[Heading] = []
    sections: list[Section] = []
    path: list[tuple[int, str]] = []
    current: list[Line] = []
    current_heading: Heading | None = None

    def close() -> None:
        if current or current_heading is not None:
            sections.append(
                Section(
                    path=tuple(t for _, t in path) or (title,),
                    level=path[-1][0] if path else 0,
                    heading=current_heading,
                    lines=tuple(current),
                )
            )

    out_pages: list[Page] = []
    for pi, page in enumerate(pages):
        new_lines: list[Line] = []
        for bi, block in enumerate(_blocks(page)):
            level = heading_blocks.get((pi, bi))
            if level is None:
                current.extend(block)
                new_lines.extend(block)
                continue
            close()
            text = " ".join(l.text for l in block)
            heading = Heading(text=text, level=level, page=page.number, bbox=block[0].bbox)
            headings.append(heading)
            while path and (path[-1][0] >= level or path[-1][0] == 0):
                path.pop()
            path.append((level, text))
            current_heading, current = heading, []
            new_lines.extend(replace(l, role="heading", level=level) for l in block)
        out_pages.append(replace(page, lines=tuple(new_lines)))
    close()
    return Outline(pages=tuple(out_pages), headings=tuple(headings), sections=tuple(sections))


def section_for(sections: tuple[Section, ...], table: Table) -> tuple[str, ...]:
    """The section path a table belongs to: the last section that starts before it."""
    best: tuple[str, ...] = ()
    for section in sections:
        start = section.heading or (section.lines[0] if section.lines else None)
        if start is None:
            continue
        page = start.page
        top = start.bbox[1]
        if (page, top) <= (table.page, table.bbox[1]):
            best = section.path
    return best

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

from pipeline.extract.options import STRUCTURE as O
from pipeline.records import Heading, Line, Page, Section, Table

TOC_LEADER = re.compile(r"(\.\s?){4,}\s*\d+\s*$|…\s*\d+\s*$")
FOOTNOTE_START = re.compile(r"^\d{1,3}\s+\S")


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
    return sizes.most_common(1)[0][0] if sizes else O.default_body_size


def _mark_roles(page: Page, body: float) -> Page:
    """Tag table-of-contents lines and footnotes on one page."""
    lines = list(page.lines)
    footnote_region: set[str] = set()
    for i, line in enumerate(lines):
        role = line.role
        if TOC_LEADER.search(line.text):
            role = "toc"
        elif line.size <= body * O.footnote_size and (
            line.region in footnote_region
            or (FOOTNOTE_START.match(line.text) and line.top > page.height * O.footnote_from_height)
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
    if first.role != "body" or first.italic or len(block) > O.max_heading_lines:
        return False
    if len(text.split()) > O.max_heading_words or text.endswith((".", ",", ";")) or not re.search(r"[A-Za-zÅÄÖåäö]", text):
        return False
    if text.isupper() and first.size < body * O.caps_heading_size:
        return False  # small capitals: kickers, labels and running titles, not headings
    larger = first.size >= body * O.heading_size
    bold_at_body = first.bold and first.size >= body * O.bold_heading_size
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
    return [c for run in runs if len(run) < O.min_list_run or run[0][2][0].level is not None for c in run]


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
        rare_between = 0 < i < len(ranked) - 1 and counts[style] < O.rare_style_share * len(styles)
        if not rare_between:
            level += 1
        levels[style] = min(max(level, 1), O.max_level)
    # a rare style takes the level of the style after it
    for i, style in enumerate(ranked[:-1]):
        if 0 < i and counts[style] < O.rare_style_share * len(styles):
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
    levels = _heading_levels(pages, body)
    cutter = _SectionCutter(title)
    out_pages = [cutter.page(page, levels.get(pi, {})) for pi, page in enumerate(pages)]
    cutter.close()
    return Outline(pages=tuple(out_pages), headings=tuple(cutter.headings), sections=tuple(cutter.sections))


def _heading_levels(pages: list[Page], body: float) -> dict[int, dict[int, int]]:
    """page index → block index → heading level of every block that is a heading."""
    candidates: list[tuple[int, int, list[Line]]] = []  # (page index, block index, lines)
    cover_title: int | None = None
    for pi, page in enumerate(pages):
        blocks = _blocks(page)
        if _is_cover(page, len(pages)) and blocks:
            cover_title = max(range(len(blocks)), key=lambda b: blocks[b][0].size)
            continue
        page_candidates = [(pi, bi, block) for bi, block in enumerate(blocks) if _looks_like_heading(block, body)]
        candidates.extend(_drop_lists(page_candidates, page.tables))
    levels = assign_levels([_style(block[0]) for _, _, block in candidates])
    found: dict[int, dict[int, int]] = {}
    for pi, bi, b in candidates:
        found.setdefault(pi, {})[bi] = b[0].level if b[0].level is not None else levels[_style(b[0])]
    if cover_title is not None:
        found.setdefault(0, {})[cover_title] = 0
    return found


class _SectionCutter:
    """Walks the blocks in reading order and closes a section at every heading."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.headings: list[Heading] = []
        self.sections: list[Section] = []
        self.path: list[tuple[int, str]] = []
        self.current: list[Line] = []
        self.current_heading: Heading | None = None

    def close(self) -> None:
        if self.current or self.current_heading is not None:
            self.sections.append(
                Section(
                    path=tuple(t for _, t in self.path) or (self.title,),
                    level=self.path[-1][0] if self.path else 0,
                    heading=self.current_heading,
                    lines=tuple(self.current),
                )
            )

    def page(self, page: Page, levels: dict[int, int]) -> Page:
        """The page with its heading lines marked; sections are cut as headings come."""
        new_lines: list[Line] = []
        for bi, block in enumerate(_blocks(page)):
            level = levels.get(bi)
            if level is None:
                self.current.extend(block)
                new_lines.extend(block)
                continue
            self.close()
            text = " ".join(l.text for l in block)
            heading = Heading(text=text, level=level, page=page.number, bbox=block[0].bbox)
            self.headings.append(heading)
            while self.path and (self.path[-1][0] >= level or self.path[-1][0] == 0):
                self.path.pop()
            self.path.append((level, text))
            self.current_heading, self.current = heading, []
            new_lines.extend(replace(l, role="heading", level=level) for l in block)
        return replace(page, lines=tuple(new_lines))


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

"""Tables continued over a page break, joined into one table.

A long budget or indicator table runs on to the next page, with its header repeated or not.
Read page by page it is two tables, and the rows on the second page lose the column headers
they are indexed with. Two tables are joined when nothing else stands between them: the first
is the last thing on its page (below it only a page number, headers and footers being removed
by cleaning), the second the first thing on the next page (above it at most a "(forts.)" title
or the first table's own title again), and they have the same columns: as many, at the same
place across the page. A repeated header is dropped; a second part that opens with a header
of its own (text where the first part has numbers) is another table and is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from pipeline.extract.options import TABLES, TablesOptions
from pipeline.extract.tables import NUMBER
from pipeline.records import Page, Table

_CONTINUED = re.compile(r"\bforts(?:\.|ättning|ätter)|\bcontinued\b|\(cont\.?\)", re.IGNORECASE)
"""A title saying that the table goes on from the previous page."""
_PAGE_NUMBER = re.compile(r"^(?:sida\s+)?\d{1,4}(?:\s*\(\d{1,4}\))?$", re.IGNORECASE)


def join_continued(pages: Sequence[Page], o: TablesOptions = TABLES) -> tuple[Table, ...]:
    """All tables of ``pages`` in page order, each table continued on the next page joined to it
    (the joined table keeps the first part's page, caption, header and box)."""
    joined: list[Table] = []
    last_part: Table | None = None
    by_number = {page.number: page for page in pages}
    for page in pages:
        for table in sorted(page.tables, key=lambda t: (t.bbox[1], t.bbox[0])):
            previous = by_number.get(table.page - 1)
            if last_part is not None and previous is not None and _continues(joined[-1], last_part, table, previous, page, o):
                joined[-1] = replace(joined[-1], rows=joined[-1].rows + _body(joined[-1], table))
            else:
                joined.append(table)
            last_part = table
    return tuple(joined)


def _continues(head: Table, first: Table, second: Table, first_page: Page, second_page: Page, o: TablesOptions) -> bool:
    """True when ``second`` goes on from ``first``, the last part so far of the table ``head``."""
    if second.page != first.page + 1 or head.n_cols != second.n_cols:
        return False
    if first is not max(first_page.tables, key=lambda t: t.bbox[3]) or second is not min(second_page.tables, key=lambda t: t.bbox[1]):
        return False
    reach = o.continued_edge_share * (first.bbox[2] - first.bbox[0])
    if abs(first.bbox[0] - second.bbox[0]) > reach or abs(first.bbox[2] - second.bbox[2]) > reach:
        return False
    below = [line for line in first_page.lines if line.bbox[1] >= first.bbox[3] and not _PAGE_NUMBER.match(line.text.strip())]
    above = [
        line
        for line in second_page.lines
        if line.bbox[3] <= second.bbox[1] and not _PAGE_NUMBER.match(line.text.strip())
        and not _CONTINUED.search(line.text) and line.text.strip() not in head.caption
    ]
    if below or above:
        return False
    return _repeats_header(head, second) or not _opens_with_own_header(head, second)


def _repeats_header(first: Table, second: Table) -> bool:
    n = first.n_header_rows
    return n > 0 and second.rows[:n] == first.rows[:n]


def _opens_with_own_header(first: Table, second: Table) -> bool:
    """True when the second part's first row holds text in a column where the first part has numbers."""
    data = first.rows[first.n_header_rows :]
    numeric = {j for row in data for j, cell in enumerate(row) if j > 0 and cell and NUMBER.match(" ".join(cell.split()))}
    opening = second.rows[0] if second.rows else ()
    return any(j in numeric and cell and not NUMBER.match(" ".join(cell.split())) for j, cell in enumerate(opening))


def _body(first: Table, second: Table) -> tuple[tuple[str | None, ...], ...]:
    """The second part's rows without the header it repeats."""
    return second.rows[first.n_header_rows :] if _repeats_header(first, second) else second.rows

"""Tables printed turned 90° on the page (landscape tables in portrait documents).

Their characters are not upright: the text matrix ``(a, b, c, d)`` has ``a = d = 0``, and
the sign of ``b`` tells the reading direction (``b < 0``: top to bottom, the table turned
clockwise; ``b > 0``: bottom to top). The characters are mapped into the table's own frame,
where they read left to right, grouped into words there and handed to the aligned-text
finder; the tables found are mapped back into page coordinates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pdfplumber import utils

from pipeline.extract.unruled import BBox, UnruledTable, find_unruled

Char = dict[str, Any]

MIN_ROTATED_CHARS = 40
"""Fewer turned characters than this are a rotated label or margin note, not a table."""
UPRIGHT = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
"""The text matrix of characters in the table's own frame (word grouping reads direction from it)."""
WORD_GAP = 1.5
"""Characters further apart than this (points) start a new word, as for upright text."""


@dataclass(frozen=True)
class Frame:
    """The mapping between page coordinates and a turned table's own frame."""

    down: bool
    """Text reads top to bottom (turned clockwise); otherwise bottom to top."""
    width: float
    height: float

    def char(self, c: Char) -> Char:
        if self.down:
            box = {"x0": c["top"], "x1": c["bottom"], "top": self.width - c["x1"], "bottom": self.width - c["x0"]}
        else:
            box = {"x0": self.height - c["bottom"], "x1": self.height - c["top"], "top": c["x0"], "bottom": c["x1"]}
        size = box["bottom"] - box["top"]  # pdfplumber's "size" of a turned char is its advance
        return {**c, **box, "doctop": box["top"], "upright": True, "matrix": UPRIGHT, "size": size}

    def bbox_back(self, bbox: BBox) -> BBox:
        x0, top, x1, bottom = bbox
        if self.down:
            return (self.width - bottom, x0, self.width - top, x1)
        return (top, self.height - x1, bottom, self.height - x0)


def find_rotated(chars: Sequence[Char], width: float, height: float) -> list[UnruledTable]:
    """Aligned-text tables among the turned characters, bboxes in page coordinates."""
    turned = [c for c in chars if not c.get("upright", True)]
    if len(turned) < MIN_ROTATED_CHARS:
        return []
    down = [c for c in turned if c["matrix"][1] < 0]
    up = [c for c in turned if c["matrix"][1] > 0]
    tables = []
    for group, frame in ((down, Frame(True, width, height)), (up, Frame(False, width, height))):
        if len(group) < MIN_ROTATED_CHARS:
            continue
        words = utils.extract_words(
            [frame.char(c) for c in group], x_tolerance=WORD_GAP, extra_attrs=["fontname", "size"]
        )
        for table in find_unruled(words):
            tables.append(UnruledTable(table.rows, table.row_words, frame.bbox_back(table.bbox)))
    return tables

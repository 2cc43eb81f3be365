"""Text in every direction: group a page's characters by writing direction and turn each
group into an upright frame, so the line code (which reads left to right, top to bottom)
reads rotated and mirrored text in order.

A page turned by ``/Rotate`` and a page whose content stream draws text sideways look the
same to pdfplumber: the characters' text matrix points along the baseline. Dropping every
character that is not upright (as before) turned a page rotated 90° into "no text" and a
landscape table printed sideways into one run of state names; in the upright frame both
read like any other page. The page takes the frame of its dominant direction (by number of
characters); text in other directions (a margin label, a rotated table header) is read in
its own frame and its boxes are mapped back into the page's frame.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

ANGLE_STEP_DEG = 5
"""Writing directions are compared in steps of this many degrees: a few degrees of skew in
a scanned-and-re-typeset page stay one direction, a 45° watermark is its own."""

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Frame:
    """An upright frame: page coordinates (top-left origin) → reading coordinates.

    ``along`` is the unit vector of the baseline (reading direction) and ``down`` the unit
    vector from one line to the next, both in page coordinates (y grows downwards);
    ``shift`` moves the page's rotated corners back to the origin."""

    along: tuple[float, float]
    down: tuple[float, float]
    shift: tuple[float, float]
    width: float
    height: float

    @property
    def upright(self) -> bool:
        return self.along == (1.0, 0.0) and self.down == (0.0, 1.0)

    def point(self, x: float, y: float) -> tuple[float, float]:
        ax, ay = self.along
        dx, dy = self.down
        return ax * x + ay * y - self.shift[0], dx * x + dy * y - self.shift[1]

    def box(self, bbox: BBox) -> BBox:
        """A page box → the smallest box holding its corners in this frame."""
        x0, top, x1, bottom = bbox
        corners = [self.point(x, y) for x in (x0, x1) for y in (top, bottom)]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        return min(xs), min(ys), max(xs), max(ys)

    def unbox(self, bbox: BBox) -> BBox:
        """A box in this frame → the smallest page box holding its corners."""
        x0, top, x1, bottom = bbox
        ax, ay = self.along
        dx, dy = self.down
        det = ax * dy - ay * dx
        corners = []
        for u, v in ((x, y) for x in (x0, x1) for y in (top, bottom)):
            u, v = u + self.shift[0], v + self.shift[1]
            corners.append(((dy * u - ay * v) / det, (-dx * u + ax * v) / det))
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        return min(xs), min(ys), max(xs), max(ys)


Direction = tuple[int, bool]
"""(angle of the baseline on the page in degrees, clockwise since y grows downwards; mirrored)."""
UPRIGHT: Direction = (0, False)


def char_direction(char: dict[str, Any]) -> Direction:
    """The writing direction of one pdfplumber character from its text matrix."""
    a, b, c, d = (float(v) for v in char.get("matrix", (1, 0, 0, 1))[:4])
    if a == 0 and b == 0:
        return UPRIGHT
    # the baseline (a, b) in PDF space (y up) is (a, -b) on the page (y down)
    angle = round(math.degrees(math.atan2(-b, a)) / ANGLE_STEP_DEG) * ANGLE_STEP_DEG % 360
    return int(angle), a * d - b * c < 0


def make_frame(direction: Direction, width: float, height: float) -> Frame:
    """The upright frame of `direction` on a page of `width` × `height` points.

    The next line lies at the baseline turned 90° (towards the glyphs' feet); a mirrored
    matrix flips that side, so mirrored lines still stack downwards."""
    angle, mirrored = direction
    rad = math.radians(angle)
    along = (_clean(math.cos(rad)), _clean(math.sin(rad)))
    sign = -1.0 if mirrored else 1.0
    down = (_clean(-sign * along[1]), _clean(sign * along[0]))
    raw = Frame(along, down, (0.0, 0.0), 0.0, 0.0)
    corners = [raw.point(x, y) for x in (0.0, width) for y in (0.0, height)]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return Frame(along, down, (min(xs), min(ys)), max(xs) - min(xs), max(ys) - min(ys))


def _clean(value: float) -> float:
    """Exact 0/±1 for the axis directions, so an upright frame compares equal to (1, 0)."""
    rounded = round(value, 9)
    return 0.0 if rounded == 0 else rounded


def split_by_direction(chars: list[dict[str, Any]]) -> list[tuple[Direction, list[dict[str, Any]]]]:
    """Characters grouped by writing direction, the group with most characters first."""
    groups: dict[Direction, list[dict[str, Any]]] = {}
    for char in chars:
        groups.setdefault(char_direction(char), []).append(char)
    weight = Counter({direction: len(group) for direction, group in groups.items()})
    return [(direction, groups[direction]) for direction, _ in weight.most_common()]


def to_frame(chars: list[dict[str, Any]], frame: Frame) -> list[dict[str, Any]]:
    """Copies of `chars` with their boxes in `frame` and marked upright. The size becomes the
    box's height in the frame, as pdfminer gives it for upright text (for sideways text it
    gives the glyph's width)."""
    out = []
    for char in chars:
        x0, top, x1, bottom = frame.box((char["x0"], char["top"], char["x1"], char["bottom"]))
        out.append({**char, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "upright": True, "size": bottom - top})
    return out

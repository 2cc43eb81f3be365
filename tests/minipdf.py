"""A minimal PDF writer for tests: text in the standard Helvetica fonts and straight rules.

No PDF library is a project dependency; these files are real PDFs that pdfplumber reads with
the standard font metrics, so a test can lay out exactly the geometry it is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

WIDTH, HEIGHT = 595.0, 842.0
"""A4 in points."""


@dataclass
class PdfPage:
    """One page; ``top`` coordinates count from the top edge, as pdfplumber reports them."""

    ops: list[str] = field(default_factory=list)

    def text(self, x: float, top: float, text: str, size: float = 10.0, bold: bool = False) -> None:
        """``text`` with its baseline at ``top + 0.8 * size`` (about where the glyphs' box ends)."""
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        font = "F2" if bold else "F1"
        baseline = HEIGHT - top - 0.8 * size
        self.ops.append(f"BT /{font} {size:g} Tf {x:.2f} {baseline:.2f} Td ({escaped}) Tj ET")

    def rule(self, x0: float, top: float, x1: float, bottom: float | None = None) -> None:
        """A 0.5 pt line from (x0, top) to (x1, bottom); horizontal when ``bottom`` is omitted."""
        y0 = HEIGHT - top
        y1 = HEIGHT - (top if bottom is None else bottom)
        self.ops.append(f"0.5 w {x0:.2f} {y0:.2f} m {x1:.2f} {y1:.2f} l S")


def write_pdf(path: Path, pages: list[PdfPage]) -> Path:
    """Write ``pages`` as a PDF (Latin-1 text) and return ``path``."""
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    for i, page in enumerate(pages):
        stream = "\n".join(page.ops)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH:g} {HEIGHT:g}] "
            f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {6 + 2 * i} 0 R >>"
        )
        objects.append(f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream")
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(out)
    return path

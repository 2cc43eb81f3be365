"""Fonts whose characters pdfminer cannot turn into text, beyond the ``(cid:N)`` it marks.

pdfminer writes ``(cid:N)`` for a glyph it cannot map to Unicode. It recovers what a font
allows by itself (``/ToUnicode``, named encodings, ``/Differences`` glyph names, the cmap of
an embedded TrueType program). One family it gets silently wrong: a ``/Type0`` font with no
``/ToUnicode`` and a ``/CIDToGIDMap`` stream (subset fonts from mPDF, TCPDF and some office
exporters). pdfminer then reads the embedded TrueType's cmap as if CIDs were glyph ids, and
the press release of the corpus with its ``/ToUnicode`` removed reads "Re ,.0i2.66:.AAe0"
for "Region Norrbotten": junk that no "(cid:" test catches. Characters of such fonts count
as unmapped, so their page goes to OCR like a page of ``(cid:N)``.
"""

from __future__ import annotations

from typing import Any

from pdfminer.pdftypes import PDFStream, resolve1

MAX_FORM_DEPTH = 4
"""Form XObjects nest; fonts are looked for this deep (a cycle must not loop)."""


def _name(value: Any) -> str:
    name = getattr(value, "name", value)
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)


def page_fonts(resources: Any, depth: int = 0) -> dict[str, dict[str, Any]]:
    """BaseFont name → font dictionary of a page's resources, Form XObjects included."""
    resources = resolve1(resources)
    if not isinstance(resources, dict):
        return {}
    fonts: dict[str, dict[str, Any]] = {}
    font_dict = resolve1(resources.get("Font"))
    for font in (font_dict.values() if isinstance(font_dict, dict) else []):
        font = resolve1(font)
        if isinstance(font, dict) and font.get("BaseFont") is not None:
            fonts[_name(font["BaseFont"])] = font
    xobjects = resolve1(resources.get("XObject"))
    if depth < MAX_FORM_DEPTH and isinstance(xobjects, dict):
        for xobject in xobjects.values():
            stream = resolve1(xobject)
            if isinstance(stream, PDFStream) and _name(stream.attrs.get("Subtype")) == "Form":
                fonts.update(page_fonts(stream.attrs.get("Resources"), depth + 1))
    return fonts


def misread_font(font: dict[str, Any]) -> bool:
    """True for a Type0 font without /ToUnicode whose CIDs map to glyphs through a stream."""
    if _name(font.get("Subtype")) != "Type0" or "ToUnicode" in font:
        return False
    descendants = resolve1(font.get("DescendantFonts"))
    if not isinstance(descendants, list) or not descendants:
        return False
    descendant = resolve1(descendants[0])
    return isinstance(descendant, dict) and isinstance(resolve1(descendant.get("CIDToGIDMap")), PDFStream)


def misread_fonts(resources: Any) -> frozenset[str]:
    """Names of the page's fonts whose text pdfminer gets wrong (see the module docstring)."""
    return frozenset(name for name, font in page_fonts(resources).items() if misread_font(font))

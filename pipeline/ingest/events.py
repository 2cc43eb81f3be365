"""Progress events of a batch, kept free of heavy imports so the CLI can subclass it at start."""

from __future__ import annotations


class IngestListener:
    """Receives progress events; the CLI draws them, tests and the API count them."""

    def file_done(self, name: str, error: str | None) -> None:
        """One file was extracted (error is None) or skipped (error says why)."""

    def file_warned(self, name: str, warnings: tuple[str, ...]) -> None:
        """An extracted file was indexed with parts left out (damaged pages, pages OCR could not read)."""

    def stage(self, name: str, total: int) -> None:
        """A new stage starts with `total` units of work."""

    def advance(self, n: int) -> None:
        """`n` units of the current stage are done."""

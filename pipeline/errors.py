"""Errors the pipeline reports to users: each says what failed and what to do.

One small hierarchy, so that callers catch families rather than lists:

- :class:`StyrdokError` — everything below.
  - :class:`ExtractionError` — one file could not be read; the batch goes on without it.
    :class:`NotRegularFile` — it is a symbolic link, device, pipe or socket when opened.
  - :class:`CatalogError` — ``manifest.toml`` of a corpus folder is invalid.
  - :class:`IndexUnavailable` — no index can answer now (the API maps it to 503 in one place):
    :class:`NoIndex`, :class:`CorruptIndex`, :class:`IndexMismatch`, :class:`ModelUnavailable`.
  - :class:`UnknownDocument` — a reference to a document that is not indexed (404).
  - :class:`CompareError` — a cross-check that cannot be made: source = target, a source
    without goals, a target without text (422).
  - :class:`IngestError` — a batch could not run: :class:`IngestLocked`, :class:`InconsistentIndex`.
"""


class StyrdokError(Exception):
    """Base of every error styrdok reports with a message meant for the user."""


class ExtractionError(StyrdokError):
    """A file could not be turned into text. The message is meant for the user."""

    def __init__(self, file_name: str, reason: str, hint: str = "") -> None:
        self.file_name = file_name
        self.reason = reason
        self.hint = hint
        super().__init__(f"{file_name}: {reason}" + (f" ({hint})" if hint else ""))

    @property
    def reason_with_hint(self) -> str:
        """The reason a batch reports for the file: what went wrong — what to do."""
        return self.reason + (f" — {self.hint}" if self.hint else "")

    def __reduce__(self) -> tuple[type, tuple[str, str, str]]:
        # travels back from worker processes intact
        return (type(self), (self.file_name, self.reason, self.hint))


class NotRegularFile(ExtractionError):
    """A file to read is a symbolic link or not a regular file at the moment it is opened."""


class CatalogError(StyrdokError, ValueError):
    """The corpus folder's ``manifest.toml`` cannot be used; the message says where."""


class IndexUnavailable(StyrdokError, RuntimeError):
    """No index version can answer right now; the message says why and what to do."""


class NoIndex(IndexUnavailable):
    """There is no index version yet (run ``styrdok ingest``)."""


class CorruptIndex(IndexUnavailable):
    """An index file does not match its manifest; the message says which and what to do."""


class IndexMismatch(IndexUnavailable):
    """The index was built with another embedding model than the one loaded."""


class ModelUnavailable(IndexUnavailable):
    """The embedding model cannot be loaded."""


class UnknownDocument(StyrdokError, LookupError):
    """A document reference matches no indexed document (the API answers 404)."""


class IngestError(StyrdokError, RuntimeError):
    """A batch could not run or finish; the previous index version stays current."""


class IngestLocked(IngestError):
    """Another ingest is writing to the same index directory."""


class InconsistentIndex(IngestError):
    """The freshly built files disagree with each other; the version is not switched to."""


class CompareError(StyrdokError, ValueError):
    """A cross-check that cannot be made; the message says why (the API answers 422)."""

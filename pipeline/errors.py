"""Errors the pipeline reports to users: each says what failed and what to do."""


class ExtractionError(Exception):
    """A file could not be turned into text. The message is meant for the user."""

    def __init__(self, file_name: str, reason: str, hint: str = "") -> None:
        self.file_name = file_name
        self.reason = reason
        self.hint = hint
        super().__init__(f"{file_name}: {reason}" + (f" ({hint})" if hint else ""))

    def __reduce__(self) -> tuple[type, tuple[str, str, str]]:
        # travels back from worker processes intact
        return (type(self), (self.file_name, self.reason, self.hint))

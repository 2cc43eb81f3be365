"""The one place that maps styrdok's errors to HTTP responses.

`IndexUnavailable` (no index, a damaged one, another model, the model not loadable) is a
503 that says what to do; `UnknownDocument` is a 404; `CompareError` (a cross-check that cannot
be made) is a 422. Every other 4xx is raised where the
request is checked (FastAPI's validation or an `HTTPException`).

A validation error names the field and the rule but echoes at most `EXCERPT_CHARS` of what
was sent (FastAPI's own handler echoes all of it: a 300 MB query came back as a 314 MB
reply), with invalid Unicode written as escapes; text that still cannot be encoded (a lone
surrogate) is a 400, never a 500.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from pipeline.errors import CompareError, IndexUnavailable, UnknownDocument

STATUS = {IndexUnavailable: 503, UnknownDocument: 404, CompareError: 422}
EXCERPT_CHARS = 100
"""The most of one input value an error response repeats: enough to recognise it."""
INVALID_UNICODE = "the request contains invalid Unicode (a lone surrogate such as \\ud800); send UTF-8 text"


def install_error_handlers(app: FastAPI) -> None:
    for error, status in STATUS.items():
        app.add_exception_handler(error, _handler(status))
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(UnicodeError, _invalid_unicode)


def excerpt(value: Any) -> str | int | float | bool | None:
    """At most `EXCERPT_CHARS` of a value as it can be shown; structures as a shortened JSON-like text."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = value if isinstance(value, str) else repr(value)
    cut = text[:EXCERPT_CHARS] + (f"… ({len(text)} characters)" if len(text) > EXCERPT_CHARS else "")
    return cut.encode("utf-8", "backslashreplace").decode("utf-8")


def _clean(value: Any) -> Any:
    """A validation error's field as JSON can carry it: text made encodable, the rest shown briefly."""
    if isinstance(value, str):
        return excerpt(value)
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value[:10]]
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in list(value.items())[:10]}
    return excerpt(value)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for error in exc.errors()[:20]:
        shown = {key: _clean(value) for key, value in error.items() if key not in ("input", "ctx", "url")}
        if "input" in error:
            shown["input"] = excerpt(error["input"])
        if isinstance(error.get("ctx"), dict):
            shown["ctx"] = {str(k): excerpt(v) for k, v in error["ctx"].items()}
        errors.append(shown)
    return JSONResponse(status_code=422, content={"detail": errors})


async def _invalid_unicode(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=400, content={"detail": INVALID_UNICODE})


def _handler(status: int) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(status_code=status, content={"detail": str(exc)})

    return handle

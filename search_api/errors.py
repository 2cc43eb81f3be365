"""The one place that maps styrdok's errors to HTTP responses.

`IndexUnavailable` (no index, a damaged one, another model, the model not loadable) is a
503 that says what to do; `UnknownDocument` is a 404; `CompareError` (a cross-check that cannot
be made) is a 422. Every other 4xx is raised where the
request is checked (FastAPI's validation or an `HTTPException`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from pipeline.errors import CompareError, IndexUnavailable, UnknownDocument

STATUS = {IndexUnavailable: 503, UnknownDocument: 404, CompareError: 422}


def install_error_handlers(app: FastAPI) -> None:
    for error, status in STATUS.items():
        app.add_exception_handler(error, _handler(status))


def _handler(status: int) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(status_code=status, content={"detail": str(exc)})

    return handle

"""Admin endpoints: reload the served version, start a background re-index, watch it.

All require `Authorization: Bearer <STYRDOK_ADMIN_TOKEN>`; with no token configured they
are switched off (403), so a default install exposes nothing that writes.
"""

from __future__ import annotations

import hmac
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from pipeline.config import Settings
from pipeline.errors import IngestLocked
from pipeline.ingest.events import IngestListener
from pipeline.ingest.run import ingest
from pipeline.search.live import LiveIndex

bearer = HTTPBearer(auto_error=False)


class ReloadOut(BaseModel):
    index_version: str


class ReindexStatus(BaseModel):
    state: str
    """idle | running | done | failed"""
    stage: str | None = None
    done: int = 0
    total: int = 0
    files: dict[str, str] = {}
    """file name → "ok" or the reason it was skipped"""
    started_at: float | None = None
    finished_at: float | None = None
    report: dict | None = None
    error: str | None = None


@dataclass
class ReindexJob(IngestListener):
    """Progress of the one background re-index a server runs at a time."""

    state: str = "idle"
    current_stage: str | None = None
    done: int = 0
    total: int = 0
    files: dict[str, str] = field(default_factory=dict)
    started_at: float | None = None
    finished_at: float | None = None
    report: dict | None = None
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def stage(self, name: str, total: int) -> None:
        self.current_stage, self.done, self.total = name, 0, total

    def advance(self, n: int) -> None:
        self.done += n

    def file_done(self, name: str, error: str | None) -> None:
        self.files[name] = error or "ok"
        self.advance(1)

    def snapshot(self) -> ReindexStatus:
        return ReindexStatus(
            state=self.state,
            stage=self.current_stage,
            done=self.done,
            total=self.total,
            files=dict(self.files),
            started_at=self.started_at,
            finished_at=self.finished_at,
            report=self.report,
            error=self.error,
        )


def require_admin(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    token = request.app.state.settings.admin_token
    if not token:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "admin endpoints are disabled: set STYRDOK_ADMIN_TOKEN")
    if credentials is None or not hmac.compare_digest(credentials.credentials.encode(), token.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"}
        )


class AdminError(BaseModel):
    detail: str


router = APIRouter(
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    responses={401: {"model": AdminError}, 403: {"model": AdminError}, 409: {"model": AdminError}},
)


@router.post("/reload", response_model=ReloadOut)
def reload(request: Request) -> ReloadOut:
    """Switch to the current index version now (the server also checks every second)."""
    live: LiveIndex = request.app.state.live
    return ReloadOut(index_version=live.reload())


@router.post("/reindex", response_model=ReindexStatus, status_code=status.HTTP_202_ACCEPTED)
def reindex(request: Request) -> ReindexStatus:
    """Start re-indexing the corpus folder in the background; search keeps answering."""
    job: ReindexJob = request.app.state.reindex_job
    settings: Settings = request.app.state.settings
    live: LiveIndex = request.app.state.live
    with job.lock:
        if job.state == "running":
            raise HTTPException(status.HTTP_409_CONFLICT, "a re-index is already running: see GET /admin/status")
        job.state, job.files, job.report, job.error = "running", {}, None, None
        job.started_at, job.finished_at = time.time(), None

    def run() -> None:
        try:
            result = ingest(
                settings.corpus_dir,
                settings.index_dir,
                live.embedder,
                settings.workers,
                job,
                limits=settings.limits,
                exact_limit=settings.exact_search_limit,
                keep_versions=settings.keep_versions,
            )
            job.report = {k: v for k, v in asdict(result).items() if k != "seconds"} | {"seconds": result.seconds}
            live.reload()
            job.state = "done"
        except IngestLocked as exc:
            job.state, job.error = "failed", str(exc)
        except Exception as exc:  # reported to the caller through /admin/status
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            job.finished_at = time.time()

    threading.Thread(target=run, name="styrdok-reindex", daemon=True).start()
    return job.snapshot()


@router.get("/status", response_model=ReindexStatus)
def reindex_status(request: Request) -> ReindexStatus:
    """Progress of the background re-index."""
    job: ReindexJob = request.app.state.reindex_job
    return job.snapshot()

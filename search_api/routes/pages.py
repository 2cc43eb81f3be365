"""GET /documents/{id}/pages/{n}.png: a page of an indexed PDF as an image, with a cited
passage highlighted, for the result card's preview.

Only an indexed document's page can be asked for: the file comes from the content-addressed
file store by document id, the page number is checked against the document's page count
(404 past it), the width is bounded (`pipeline.extract.preview`), and a passage to highlight
must belong to the document. Images are cached on disk per index version
(`<index dir>/previews/<version>/`), at most `MAX_CACHED` per version, the oldest removed
first; the folders of versions no longer on disk are removed when a new one starts. Drawing
a page costs about 0.2 s (`pipeline.extract.preview`); a cached one is a file read.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import Response

from pipeline.extract.preview import DEFAULT_WIDTH_PX, MAX_WIDTH_PX, MIN_WIDTH_PX, Marks, PreviewError, render_page
from pipeline.search.hybrid import SearchIndex
from search_api.views import ERRORS, CurrentSearcher

router = APIRouter(tags=["documents"])
MAX_CACHED = 2000
"""Images kept per index version (about 150 kB each at 800 px: some 300 MB at most)."""
PDF = "application/pdf"
_VERSION = re.compile(r"^[\w.-]+$")
_TABLE_SEPARATOR = " — "


def table_marks(text: str, answer: str) -> Marks:
    """A table row is 'caption — row label — header: value; …': mark its label and values,
    which stand on the row itself (caption and headers stand elsewhere on the page)."""
    parts = text.split(_TABLE_SEPARATOR)
    label = parts[-2] if len(parts) >= 3 else ""
    values = [cell.split(": ", 1)[-1] for cell in parts[-1].split("; ")]
    answer_value = answer.split(": ", 1)[-1] if answer else ""
    return Marks(passage=" ".join([label, *values]), answer=answer_value, table=True)


class PreviewCache:
    """PNG files under `<index dir>/previews/<version>/`, written atomically."""

    def __init__(self, index_dir: Path, version: str) -> None:
        if not _VERSION.match(version):
            raise ValueError(f"unexpected version name {version!r}")
        self.root = index_dir / "previews"
        self.folder = self.root / version
        self.versions = index_dir / "versions"

    def path(self, key: str) -> Path:
        return self.folder / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.png"

    def get(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        """Keep `data` (best effort: a read-only disk only costs the next request a new drawing)."""
        try:
            if not self.folder.is_dir():
                self._drop_old_versions()
                self.folder.mkdir(parents=True, exist_ok=True)
            target = self.path(key)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)
            self._bound()
        except OSError:
            return

    def _drop_old_versions(self) -> None:
        if self.root.is_dir():
            for folder in self.root.iterdir():
                if folder.is_dir() and not (self.versions / folder.name).is_dir():
                    shutil.rmtree(folder, ignore_errors=True)

    def _bound(self) -> None:
        files = list(self.folder.glob("*.png"))
        if len(files) > MAX_CACHED:
            files.sort(key=lambda p: p.stat().st_mtime)
            for old in files[: len(files) - MAX_CACHED // 2]:
                old.unlink(missing_ok=True)


def _marks(index: SearchIndex, doc_id: str, passage: str | None, start: int | None, end: int | None) -> Marks:
    if passage is None:
        if start is not None or end is not None:
            raise HTTPException(status_code=422, detail="start and end mark a span of a passage: give passage too")
        return Marks()
    row = index.store.passage(doc_id, passage)
    if row is None:
        raise HTTPException(status_code=404, detail=f"document '{doc_id}' has no passage '{passage[:80]}'")
    text = row["text"]
    answer = ""
    if start is not None or end is not None:
        if start is None or end is None or not 0 <= start < end <= len(text):
            detail = f"start and end must satisfy 0 <= start < end <= {len(text)} (the passage's length)"
            raise HTTPException(status_code=422, detail=detail)
        answer = text[start:end]
    return table_marks(text, answer) if row["kind"] == "table" else Marks(passage=text, answer=answer)


@router.get(
    "/documents/{doc_id}/pages/{page}.png",
    responses={**ERRORS, 200: {"content": {"image/png": {}}}},
    response_class=Response,
)
def page_image(
    request: Request,
    searcher: CurrentSearcher,
    doc_id: str,
    page: Annotated[int, PathParam(ge=1, le=100_000, description="PDF page, 1-based.")],
    passage: Annotated[str | None, Query(max_length=200, description="Passage id (from a search result) to highlight.")] = None,
    start: Annotated[int | None, Query(ge=0, description="Start of the best sentence in the passage's text.")] = None,
    end: Annotated[int | None, Query(ge=1, description="End of the best sentence in the passage's text.")] = None,
    width: Annotated[int, Query(ge=MIN_WIDTH_PX, le=MAX_WIDTH_PX, description="Image width in pixels.")] = DEFAULT_WIDTH_PX,
) -> Response:
    """Page `page` of an indexed PDF as PNG, the passage (and its best sentence) highlighted."""
    index = searcher.index
    info = index.documents.get(doc_id)
    path = request.app.state.files.path_for(doc_id) if info else None
    if info is None or path is None:
        raise HTTPException(status_code=404, detail=f"no indexed document with id '{doc_id[:80]}'")
    if info.media_type != PDF:
        detail = f"'{info.file_name}' is a web page: it has no pages to draw (open it at /documents/{doc_id}/file)"
        raise HTTPException(status_code=404, detail=detail)
    if page > info.n_pages:
        detail = f"page {page} is out of range: '{info.file_name}' has {info.n_pages} pages (1-{info.n_pages})"
        raise HTTPException(status_code=404, detail=detail)
    marks = _marks(index, doc_id, passage, start, end)
    cache = PreviewCache(request.app.state.settings.index_dir, index.version)
    key = f"{doc_id}|{page}|{width}|{passage}|{start}|{end}"
    data = cache.get(key)
    if data is None:
        try:
            data = render_page(path, page, width, marks)
        except PreviewError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from None
        cache.put(key, data)
    return Response(data, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

"""The real API server for the benchmark: `python -m bench.serve INDEX_DIR PORT` (loopback only).

Shim: `search_api/app.py` declares `CurrentSearcher = Annotated[Searcher, Depends(current)]`
inside `create_app` while the module has `from __future__ import annotations`, so FastAPI
cannot resolve the string annotation and every endpoint taking a searcher answers 422
("query.searcher Field required"). Until that is fixed in the app, this puts an equivalent
module-level `CurrentSearcher` (same `LiveIndex.searcher()` call) where FastAPI looks for it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from pipeline.search import Searcher


def main() -> None:
    import uvicorn

    import search_api.app as app_module
    from pipeline.config import Settings

    if not hasattr(app_module, "CurrentSearcher"):

        def current_searcher(request: Request) -> Searcher:
            return request.app.state.live.searcher()

        app_module.CurrentSearcher = Annotated[Searcher, Depends(current_searcher)]  # type: ignore[attr-defined]

    index_dir, port = Path(sys.argv[1]), int(sys.argv[2])
    uvicorn.run(app_module.create_app(Settings(index_dir=index_dir)), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()

"""The real API server for the benchmark: `python -m bench.serve INDEX_DIR PORT` (loopback only)."""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> None:
    import uvicorn

    from pipeline.config import Settings
    from search_api.app import create_app

    index_dir, port = Path(sys.argv[1]), int(sys.argv[2])
    uvicorn.run(create_app(Settings(index_dir=index_dir)), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()

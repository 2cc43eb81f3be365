"""Re-index of an unchanged corpus: the work itself, and the command as a user runs it.

Run: `.venv/bin/python -m bench.reindex`. Copies the current index (`var/index`, built by
`make run` / `styrdok ingest`) to a scratch folder, then times (a) `pipeline.ingest.run.ingest`
in this process, with its counters (files extracted, passages embedded), and (b) the
`styrdok ingest` command in a fresh process, which adds Python's and the libraries' start.
Writes `bench/results_reindex.json`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.config import get_settings
from pipeline.embed.embedder import Embedder
from pipeline.ingest.run import ingest

RESULTS = Path(__file__).resolve().parent / "results_reindex.json"
REPEATS = 5


def main() -> None:
    settings = get_settings()
    if not (settings.index_dir / "CURRENT").exists():
        sys.exit(f"no index in {settings.index_dir}: run `styrdok ingest` first")
    with tempfile.TemporaryDirectory() as scratch:
        index_dir = Path(scratch) / "index"
        shutil.copytree(settings.index_dir, index_dir)
        embedder = Embedder(settings.model)
        ingest(settings.corpus_dir, index_dir, embedder)  # brings the copy up to date once
        in_process = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            report = ingest(settings.corpus_dir, index_dir, embedder)
            in_process.append(time.perf_counter() - started)
            assert report.extracted == 0 and report.embedded == 0 and not report.switched
        command = [sys.executable, "-m", "pipeline.cli", "ingest", str(settings.corpus_dir), "--index-dir", str(index_dir)]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        cli_seconds = time.perf_counter() - started
    result = {
        "files": len(report.unchanged),
        "extracted": report.extracted,
        "embedded": report.embedded,
        "ingest_seconds_best": round(min(in_process), 4),
        "ingest_seconds_median": round(sorted(in_process)[len(in_process) // 2], 4),
        "cli_seconds": round(cli_seconds, 2),
    }
    RESULTS.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

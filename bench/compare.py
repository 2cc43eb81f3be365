"""How long a cross-check takes: `python -m bench.compare [SOURCE TARGET…]` prints JSON.

Defaults to RUS 2030 (about 100 goals) against the strategic plan, the issue's target
(under 5 s on 2 cores). Times, each in the same process on the live index version:

* **first** — the first comparison after the server loaded the version: builds the
  statement index (`pipeline.crosscheck.evidence.cached`) and reads the stored goals;
* **cold** — the same comparison again with the result cache emptied (the statement index
  stays, as it does in a server between requests);
* **cached** — the same request once more (the result cache per index version answers).

The load average (`os.getloadavg`) is printed beside the figures: other processes on a
shared machine slow every stage. ``--profile`` adds the top functions of a cProfile of the
cold run.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import time

from pipeline.config import get_settings
from pipeline.crosscheck import compare as compare_module
from pipeline.embed.embedder import Embedder
from pipeline.search.live import LiveIndex

DEFAULT = ("rus-2030.pdf", "strategisk-plan-2023-2025.pdf")


def _resolve(searcher, name: str) -> str:  # type: ignore[no-untyped-def]
    return str(searcher.index.resolve_document(name))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("documents", nargs="*", default=list(DEFAULT))
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    settings = get_settings()
    searcher = LiveIndex(settings.index_dir, Embedder(settings.model)).searcher()
    source, *targets = (_resolve(searcher, d) for d in args.documents)
    out: dict[str, object] = {"load_average_before": os.getloadavg(), "cpus": os.cpu_count()}
    for name in ("first", "cold"):
        compare_module._RESULTS.clear()
        started = time.perf_counter()
        result = compare_module.compare(searcher, source, targets)
        out[f"{name}_s"] = round(time.perf_counter() - started, 3)
    out["goals"] = len(result.checks)
    started = time.perf_counter()
    compare_module.compare(searcher, source, targets)
    out["cached_s"] = round(time.perf_counter() - started, 6)
    if args.profile:
        compare_module._RESULTS.clear()
        profile = cProfile.Profile()
        profile.runcall(compare_module.compare, searcher, source, targets)
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(25)
        out["profile"] = text.getvalue().splitlines()
    out["load_average_after"] = os.getloadavg()
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

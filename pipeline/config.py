"""Settings from environment variables `STYRDOK_*` and an optional `styrdok.toml`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

PROJECT_ROOT = Path(__file__).resolve().parents[1]
EXACT_INDEX_LIMIT = 50_000
"""Default of ``exact_search_limit``, the index type switch of `pipeline.index.vectors`: below this
many vectors search is exact (flat inner product); above it IVF (setting
``STYRDOK_EXACT_SEARCH_LIMIT``). Measured with bench/run.py: exact search costs ~1.4 ms per
10k vectors per query on 2 cores, so 100k passages with their window vectors would spend
most of a 50 ms budget on it, while IVF (nprobe 64) keeps recall@10 >= 0.98 of exact search
at 100k and 1M vectors, where HNSW (M 32, efSearch 128) reached only 0.85-0.91."""

MAX_QUERY_CHARS = 1000
"""Longest query accepted (API, web page and CLI): longer text is not a question."""
MAX_K = 100
"""Most results one search returns."""
MAX_BATCH = 20
"""Most queries in one POST /search."""
MAX_BODY_BYTES = 64 * 1024
"""Request bodies above this are refused (413), counted as the bytes arrive whatever the
transfer encoding: no endpoint needs more (a maximal batch of 20 x 1000-character queries is ~21 KB)."""
BODY_TIMEOUT_S = 10.0
"""Default of ``body_timeout_s``: a request body must arrive within this many seconds (else 408),
so a slow client holds a connection no longer; a 64 KB body needs 10 s only below ~50 kbit/s."""
MAX_BATCH_CHARS = 5000
"""Default of ``max_batch_chars``: most query characters in one POST /search (bounds its cost)."""
MAX_BATCH_RESULTS = 200
"""Default of ``max_batch_results``: most results (the sum of k) one POST /search asks for.
A probe's batch of 20 x 1000 characters with k = 100 took 3.8 s of server time; the two bounds
allow a quarter of its characters and a tenth of its results."""


KEEP_VERSIONS = 2
"""Finished index versions kept on disk: the current one and the one before it (a server that
has not reloaded yet still reads it; an operator can switch back to it)."""


@dataclass(frozen=True)
class Limits:
    """What a batch may read: time and memory of one extraction child process, the size of one
    document, and whether links in the folder are followed; past a bound the file is reported
    and skipped."""

    seconds: float = 300.0
    """Wall-clock time one file may take."""
    memory_mb: int = 4096
    """Address space one extraction process may use."""
    document_chars: int = 2_000_000
    """Most characters of text one document may have: the largest bundled plan has ~2,000 per
    page (107 k in 52 pages), so this admits ~1,000 pages."""
    document_passages: int = 5_000
    """Most passages one document may have: the same plan makes ~5 per page (263 in 52 pages),
    so this too admits ~1,000 pages."""
    follow_symlinks: bool = False
    """Follow symbolic links whose target is a regular file inside the corpus folder."""


class Settings(BaseSettings):
    """Everything configurable; the defaults work out of the box in a checkout."""

    model_config = SettingsConfigDict(env_prefix="STYRDOK_", toml_file="styrdok.toml", extra="ignore")

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "var" / "index"
    workers: int = max(1, os.cpu_count() or 1)
    extract_timeout_s: float = 300.0
    """Time one file may take to extract before it is reported and skipped."""
    extract_memory_mb: int = 4096
    """Memory one extraction process may use before the file is reported and skipped."""
    max_document_chars: int = Limits.document_chars
    """A file whose extracted text is longer is reported and skipped (embedding is the cost: a
    50 MB HTML file made 33,162 passages and was still embedding after 400 s)."""
    max_document_passages: int = Limits.document_passages
    """A file that makes more passages than this is reported and skipped."""
    follow_symlinks: bool = False
    """Symbolic links in the corpus folder are skipped; true follows those whose target is a
    regular file inside the folder (never outside it)."""
    admin_token: str | None = None
    """Bearer token for /admin endpoints; unset switches them off."""
    cors_origins: list[str] = []
    """Origins allowed to call the API from a browser (CORS is closed by default)."""
    model: str = "multilingual-e5-small"
    """Embedding model: a registry name, a sentence-transformers folder or a hub id."""
    api_docs: bool = False
    """Serve the interactive API docs at /docs (Swagger UI, loaded from its CDN by the browser).
    Off by default: offline installations cannot reach the CDN, and it needs inline script;
    the schema is always at /openapi.json."""
    body_timeout_s: float = BODY_TIMEOUT_S
    """Seconds a request body may take to arrive (408 after)."""
    client_concurrency: int = 16
    """Searches and cross-checks one client (IP address) may have in flight at once; more get 429."""
    client_rate_per_s: float = 100.0
    """Sustained searches and cross-checks per second one client may make (0 = no rate limit)."""
    client_burst: int = 200
    """Requests one client may make at once above its sustained rate."""
    max_batch_chars: int = MAX_BATCH_CHARS
    """Most query characters in one POST /search (422 above)."""
    max_batch_results: int = MAX_BATCH_RESULTS
    """Most results, summed over its queries, one POST /search may ask for (422 above)."""
    keep_versions: int = KEEP_VERSIONS
    """Index versions kept on disk after an ingest (at least 1: the current one)."""
    cluster: str | None = None
    """Ray cluster that `styrdok ingest` runs on: an address, `auto` (one already running) or
    `local` (started in-process); unset: this machine's processes, and Ray is not loaded."""
    exact_search_limit: int = EXACT_INDEX_LIMIT
    """An index version with fewer vectors than this is searched exactly (flat), a larger one
    approximately (IVF); applies to the next version an ingest builds."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @property
    def limits(self) -> Limits:
        return Limits(
            seconds=self.extract_timeout_s,
            memory_mb=self.extract_memory_mb,
            document_chars=self.max_document_chars,
            document_passages=self.max_document_passages,
            follow_symlinks=self.follow_symlinks,
        )


@cache
def get_settings() -> Settings:
    return Settings()

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
"""Request bodies above this are refused (413): no endpoint needs more."""


@dataclass(frozen=True)
class Limits:
    """What one extraction child process may use before its file is reported and skipped."""

    seconds: float = 300.0
    """Wall-clock time one file may take."""
    memory_mb: int = 4096
    """Address space one extraction process may use."""


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
    admin_token: str | None = None
    """Bearer token for /admin endpoints; unset switches them off."""
    cors_origins: list[str] = []
    """Origins allowed to call the API from a browser (CORS is closed by default)."""
    model: str = "multilingual-e5-small"
    """Embedding model: a registry name, a sentence-transformers folder or a hub id."""
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
        return Limits(seconds=self.extract_timeout_s, memory_mb=self.extract_memory_mb)


@cache
def get_settings() -> Settings:
    return Settings()

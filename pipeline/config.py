"""Settings from environment variables `STYRDOK_*` and an optional `styrdok.toml`."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Everything configurable; the defaults work out of the box in a checkout."""

    model_config = SettingsConfigDict(env_prefix="STYRDOK_", toml_file="styrdok.toml", extra="ignore")

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "var" / "index"
    workers: int = max(1, os.cpu_count() or 1)
    model: str = "multilingual-e5-small"
    """Embedding model: a registry name, a sentence-transformers folder or a hub id."""

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


@cache
def get_settings() -> Settings:
    return Settings()

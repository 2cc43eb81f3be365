"""Model registry: names, hub ids and folders map to the right prefixes and dimensions."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.embed.registry import DEFAULT_MODEL, MODELS, PROJECT_ROOT, default_model_dir, spec_for


def test_default_model_is_the_converted_e5_small():
    spec = MODELS[DEFAULT_MODEL]
    assert (spec.dimension, spec.query_prefix, spec.passage_prefix, spec.max_tokens) == (384, "query: ", "passage: ", 512)
    assert default_model_dir() == PROJECT_ROOT / "models" / "multilingual-e5-small"


def test_spec_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        MODELS[DEFAULT_MODEL].dimension = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "registry_key"),
    [
        ("multilingual-e5-small", "multilingual-e5-small"),
        ("intfloat/multilingual-e5-base", "multilingual-e5-base"),
        ("intfloat/multilingual-e5-large/", "multilingual-e5-large"),
        ("sentence-transformers/all-MiniLM-L6-v2", "all-MiniLM-L6-v2"),
        ("all-minilm-l6-v2", "all-MiniLM-L6-v2"),
    ],
)
def test_known_names(name, registry_key):
    assert spec_for(name) == MODELS[registry_key]


def test_model_folder_path():
    assert spec_for(str(default_model_dir())) == MODELS["multilingual-e5-small"]


def test_e5_variants_get_e5_prefixes():
    variant = spec_for("/opt/models/multilingual-e5-small-int8")
    assert (variant.dimension, variant.passage_prefix) == (384, "passage: ")
    other = spec_for("intfloat/e5-small-v2")
    assert (other.dimension, other.query_prefix, other.passage_prefix) == (None, "query: ", "passage: ")


def test_unknown_model_has_no_prefixes_and_unknown_dimension():
    spec = spec_for("acme/swedish-embedder")
    assert (spec.name, spec.dimension, spec.query_prefix, spec.passage_prefix) == ("swedish-embedder", None, "", "")

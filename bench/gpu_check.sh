#!/usr/bin/env bash
# GPU embedding check for issue 18, for a lent GPU machine: `bash bench/gpu_check.sh OUT_DIR`.
# Measures passages/s of the product's embedding worker (pipeline/embed/worker.py, the class
# the Ray actors run) on CUDA in bf16 at batch 1024 against the CPU engine (onnxruntime), on
# the corpus's passage texts, and writes OUT_DIR/gpu_embedding.json. Uses Ray when it imports,
# else the same class in-process (--no-ray). Without CUDA it still runs (the worker on CPU)
# and says so in the JSON ("cuda": false). Bounded: the whole script stops within about 6 minutes (200 s, then 140 s for the in-process retry).
# Needs: the model folder (models/multilingual-e5-small, or STYRDOK_MODEL) and PyTorch,
# sentence-transformers, onnxruntime, tokenizers; the corpus texts come from var/index when
# built, else from extracting corpus/ (pdfplumber, spaCy).
set -u
OUT="${1:-${OUT:-bench}}"
mkdir -p "$OUT"
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] && PY=.venv/bin/python
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
PASSAGES="${PASSAGES:-50000}"
"$PY" - <<'PYEOF'
import importlib, sys
for m in ("torch", "sentence_transformers", "onnxruntime", "tokenizers", "ray"):
    try:
        mod = importlib.import_module(m); print(f"{m} {getattr(mod, '__version__', '?')}")
    except Exception as exc:
        print(f"{m} missing ({type(exc).__name__})")
try:
    import torch; print("cuda:", torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")
except Exception:
    pass
PYEOF
RAY_FLAG=""
"$PY" -c "import ray" 2>/dev/null || RAY_FLAG="--no-ray"
timeout 200 "$PY" -m bench.cluster --gpu $RAY_FLAG --passages "$PASSAGES" --out "$OUT/gpu_embedding.json"
rc=$?
if [ $rc -ne 0 ] && [ -z "$RAY_FLAG" ]; then
  echo "through Ray failed (exit $rc); again with the worker in-process" >&2
  timeout 140 "$PY" -m bench.cluster --gpu --no-ray --passages "$PASSAGES" --out "$OUT/gpu_embedding.json"
  rc=$?
fi
[ -f "$OUT/gpu_embedding.json" ] && cat "$OUT/gpu_embedding.json"
exit $rc

set -u
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .gpu/whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD/.gpu/pkg HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total --format=csv
python3 -c "import sentence_transformers, transformers, torch; print('st', sentence_transformers.__version__, 'tf', transformers.__version__, 'torch', torch.__version__)"
timeout 300 python3 .gpu/gpu_bench.py "$OUT"

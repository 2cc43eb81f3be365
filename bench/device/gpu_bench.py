"""GPU embedding figure for issue 18: the product's EmbeddingWorker (pipeline/embed/worker.py,
the class the Ray actors run) on CUDA, over the corpus's real embedding inputs repeated.

The 470 MB e5 weights cannot travel to the device (64 MiB limit), so the encoder is
multilingual-e5-small's exact architecture (config.json, tokenizer.json) with seeded random
weights: throughput depends on shape and token counts, not on weight values."""
import gzip, json, os, sys, time, platform
import numpy as np
import torch
from transformers import BertConfig, BertModel

out_dir = sys.argv[1]
model_dir = ".gpu/model"
if not os.path.exists(os.path.join(model_dir, "model.safetensors")):
    torch.manual_seed(0)
    BertModel(BertConfig.from_pretrained(model_dir)).save_pretrained(model_dir, safe_serialization=True)
from pipeline.embed.worker import EmbeddingWorker

base = json.load(gzip.open(".gpu/texts.json.gz", "rt"))
rng = np.random.default_rng(0)
N = 50_000
texts = [base[i] for i in rng.integers(0, len(base), N)]
tokens = None
results = {"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__, "passages": N,
           "distinct_inputs": len(base), "mean_chars": sum(map(len, base)) / len(base), "runs": []}
for precision, batch in [("bf16", 1024), ("bf16", 256), ("fp16", 1024), ("fp32", 1024)]:
    worker = EmbeddingWorker(model_dir, device="cuda", precision=precision, batch=batch)
    worker.encode(texts[:4096])  # warm-up: kernels, allocator
    torch.cuda.synchronize()
    t = time.perf_counter(); v = worker.encode(texts); torch.cuda.synchronize(); s = time.perf_counter() - t
    assert v.shape == (N, 384) and np.isfinite(v).all()
    row = {"precision": precision, "batch": batch, "seconds": round(s, 3), "passages_per_s": round(N / s, 1),
           "worker": str(worker.describe())}
    print(row, flush=True); results["runs"].append(row)
    del worker; torch.cuda.empty_cache()
json.dump(results, open(os.path.join(out_dir, "gpu_embedding.json"), "w"), indent=2)
print(json.dumps(results, indent=2))

"""Where the worker's time goes on the GPU: tokenization (CPU) vs the encoder forward (GPU)."""
import gzip, json, os, sys, time
import numpy as np, torch
from transformers import AutoTokenizer, BertModel
out_dir = sys.argv[1]
base = json.load(gzip.open(".gpu/texts.json.gz", "rt"))
rng = np.random.default_rng(0); N = 50_000
texts = [base[i] for i in rng.integers(0, len(base), N)]
tok = AutoTokenizer.from_pretrained(".gpu/model")
t = time.perf_counter(); enc = tok(texts, truncation=True, max_length=512); tok_s = time.perf_counter() - t
lengths = np.array([len(x) for x in enc["input_ids"]])
model = BertModel.from_pretrained(".gpu/model").to("cuda", torch.bfloat16).eval()
order = np.argsort(-lengths); res = {"tokenize_all_s": round(tok_s, 2), "tokens_mean": float(lengths.mean()), "tokens_p95": float(np.percentile(lengths, 95))}
for batch in (1024, 256):
    batches = []
    for s in range(0, N, batch):
        idx = order[s:s + batch]; L = int(lengths[idx].max())
        ids = np.full((len(idx), L), tok.pad_token_id); mask = np.zeros((len(idx), L), dtype=np.int64)
        for r, i in enumerate(idx):
            ids[r, :lengths[i]] = enc["input_ids"][i]; mask[r, :lengths[i]] = 1
        batches.append((torch.tensor(ids), torch.tensor(mask)))
    with torch.inference_mode():
        for ids, mask in batches[:3]: model(input_ids=ids.cuda(), attention_mask=mask.cuda())
        torch.cuda.synchronize(); t = time.perf_counter()
        for ids, mask in batches:
            h = model(input_ids=ids.cuda(non_blocking=True), attention_mask=mask.cuda(non_blocking=True)).last_hidden_state
            m = mask.cuda().unsqueeze(-1).to(h.dtype); v = (h * m).sum(1) / m.sum(1)
        torch.cuda.synchronize(); s = time.perf_counter() - t
    res[f"forward_only_bf16_batch{batch}_passages_per_s"] = round(N / s, 1)
print(json.dumps(res, indent=2)); json.dump(res, open(os.path.join(out_dir, "gpu_split.json"), "w"), indent=2)

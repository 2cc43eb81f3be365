"""Performance benchmark: every figure measured beside its reference in the same run.

Run: ``.venv/bin/python -m bench.run [--quick] [--sizes 10000,100000,1000000]`` (``make bench``).
Writes ``bench/results.json`` and ``bench/results.md``. Sections:

* **ingest** — styrdok's PDF path (`extract_pdf_pages` + `remove_boilerplate` + `order_pages`
  + `build_outline`) against pdfplumber's own `page.extract_words()` over the same pages,
  each run on a fresh `pdfplumber.open` (pdfplumber caches parsed page objects), the two
  sides alternating file by file (which goes first alternates too), median of the totals; a cProfile of the styrdok side says where the time goes.
* **embedding** — `Embedder.encode_passages` (no cache; the onnxruntime engine) against a raw
  sentence-transformers `model.encode` of the same inputs (same prefix, normalised), with
  the smallest cosine between the two sides' vectors.
* **query** — synthetic index versions of each size (method in `bench/synth.py`: real
  sentences recombined, vectors = normalised mean of real sentence vectors), served by the
  real app under uvicorn in a subprocess on 127.0.0.1; a bounded loop of queries from
  `/work/shared/eval/dev.jsonl` at concurrency 1 gives p50/p95; recall@10 of HNSW/IVF
  against the exact flat index is measured in-process on the same vectors, over the dev
  queries and over sentence-fragment queries, for a sweep of efSearch / nprobe.
* **memory / disk / start** — server RSS after the loop, bytes on disk per passage, time
  from spawning the server to its first answer, and a breakdown of `SearchIndex` loading.
* **reindex** — `styrdok ingest` of the unchanged corpus into a copy of `var/index`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from pipeline.config import PROJECT_ROOT

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

BENCH = Path(__file__).resolve().parent
CACHE = BENCH / ".cache"
CORPUS = PROJECT_ROOT / "corpus"
DEV_QUERIES = PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl"
PYTHON = sys.executable

GOALS = {"ingest_ratio_max": 1.3, "embed_ratio_min": 0.9, "recall_min": 0.98, "start_s_max": 3.0}
P95_GOAL_MS = {100_000: 50.0, 1_000_000: 100.0}
"""Query p95 over HTTP the issue asks for, by index size."""
EF_SWEEP = (16, 32, 64, 128, 256, 512)
NPROBE_SWEEP = (1, 2, 4, 8, 16, 32, 64, 128)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- ingest


def _styrdok_pdf(path: Path) -> int:
    from pipeline.extract.clean import remove_boilerplate
    from pipeline.extract.layout import order_pages
    from pipeline.extract.pdf import extract_pdf_pages
    from pipeline.extract.structure import build_outline

    raw = list(extract_pdf_pages(path).pages)
    outline = build_outline(order_pages(remove_boilerplate(raw)), path.stem)
    return len(outline.pages)


def _plumber_words(path: Path) -> int:
    import pdfplumber

    n = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            n += len(page.extract_words())
            page.close()
    return n


def bench_ingest(repeats: int) -> dict:
    pdfs = sorted(CORPUS.glob("*.pdf"))
    for path in pdfs:  # warm imports, font caches and the OS page cache for both sides
        _styrdok_pdf(path)
        _plumber_words(path)
    ours: list[float] = []
    ref: list[float] = []
    per_file: dict[str, dict[str, list[float]]] = {p.name: {"styrdok": [], "pdfplumber": []} for p in pdfs}
    sides = [("styrdok", _styrdok_pdf, ours), ("pdfplumber", _plumber_words, ref)]
    for repeat in range(repeats):
        totals = {"styrdok": 0.0, "pdfplumber": 0.0}
        for path in pdfs:  # both sides on each file in turn, first side alternating: drift cancels
            for name, fn, _ in sides if repeat % 2 == 0 else reversed(sides):
                t = time.perf_counter()
                fn(path)
                took = time.perf_counter() - t
                per_file[path.name][name].append(took)
                totals[name] += took
        for name, _, sink in sides:
            sink.append(totals[name])
    import pdfplumber

    pages = 0
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            pages += len(pdf.pages)
    profile = cProfile.Profile()
    profile.enable()
    for path in pdfs:
        _styrdok_pdf(path)
    profile.disable()
    stats = pstats.Stats(profile)
    wanted = {
        "find_tables (pipeline.extract.tables)": ("tables.py", "find_tables"),
        "extract_words (pdfplumber)": ("text.py", "extract_words"),
        "page layout parse (pdfminer, shared by both sides)": ("page.py", "layout"),
        "icon_grid_boxes (rects)": ("pdf.py", "icon_grid_boxes"),
        "page_lines (rows/segments)": ("pdf.py", "page_lines"),
        "remove_boilerplate": ("clean.py", "remove_boilerplate"),
        "order_pages": ("layout.py", "order_pages"),
        "build_outline": ("structure.py", "build_outline"),
        "extract_pdf_pages total": ("pdf.py", "extract_pdf_pages"),
    }
    breakdown: dict[str, float] = {}
    for label, (file_end, func) in wanted.items():
        cum = [v[3] for (file, _, name), v in stats.stats.items() if file.endswith(file_end) and name == func]
        breakdown[label] = round(max(cum), 3) if cum else 0.0
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(25)
    (CACHE / "ingest_profile.txt").write_text(text.getvalue(), encoding="utf-8")
    median_ours, median_ref = statistics.median(ours), statistics.median(ref)
    return {
        "pdfs": [p.name for p in pdfs],
        "pages": pages,
        "repeats": repeats,
        "styrdok_s": round(median_ours, 3),
        "pdfplumber_extract_words_s": round(median_ref, 3),
        "ratio": round(median_ours / median_ref, 3),
        "ratio_per_repeat": [round(o / r, 3) for o, r in zip(ours, ref)],
        "goal_max": GOALS["ingest_ratio_max"],
        "per_file_s": {
            name: {side: round(statistics.median(v), 3) for side, v in sides.items()} for name, sides in per_file.items()
        },
        "profile_cumulative_s": breakdown,
        "profile_file": str((CACHE / "ingest_profile.txt").relative_to(PROJECT_ROOT)),
    }


# --------------------------------------------------------------------------- embedding


def bench_embedding(n: int, repeats: int) -> dict:
    import sqlite3

    from sentence_transformers import SentenceTransformer

    from bench.synth import source_version
    from pipeline.embed.embedder import Embedder
    from pipeline.index.vectors import embedding_text

    embedder = Embedder()
    source = source_version(embedder)
    conn = sqlite3.connect(f"file:{source / 'styrdok.sqlite'}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT d.title, p.section_path, p.text FROM passages p JOIN documents d USING (doc_id) ORDER BY p.row LIMIT ?",
        (n,),
    ).fetchall()
    conn.close()
    texts = [embedding_text(*r) for r in rows]
    inputs = [embedder.passage_input(t) for t in texts]
    model = SentenceTransformer(embedder.location, device="cpu")
    model.encode(inputs[:16], normalize_embeddings=True)  # warm up both sides
    embedder.encode_passages(texts[:16], cache=None)
    ours: list[float] = []
    ref: list[float] = []
    for _ in range(repeats):
        t = time.perf_counter()
        mine, _ = embedder.encode_passages(texts, cache=None)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        raw = model.encode(inputs, normalize_embeddings=True, convert_to_numpy=True)
        ref.append(time.perf_counter() - t)
    rate_ours, rate_ref = n / statistics.median(ours), n / statistics.median(ref)
    query_ms = []
    for q in dev_queries():
        t = time.perf_counter()
        embedder.encode_query(q)
        query_ms.append((time.perf_counter() - t) * 1000)
    return {
        "passages": n,
        "mean_chars": round(sum(map(len, inputs)) / n, 1),
        "repeats": repeats,
        "pipeline_engine": type(embedder.engine).__name__,
        "pipeline_passages_per_s": round(rate_ours, 2),
        "raw_model_encode_passages_per_s": round(rate_ref, 2),
        "ratio": round(rate_ours / rate_ref, 3),
        "goal_min": GOALS["embed_ratio_min"],
        "min_cosine_pipeline_vs_raw": float((mine * raw).sum(axis=1).min()),
        "reference": "SentenceTransformer(model folder).encode(inputs, normalize_embeddings=True), its default "
        "batch_size=32, length-sorted; the pipeline runs the ONNX export of the same model with onnxruntime, "
        "one passage per run (no padding)",
        "encode_query_ms_p50": round(statistics.median(query_ms), 1),
        "encode_query_ms_p95": round(float(np.percentile(query_ms, 95)), 1),
    }


# --------------------------------------------------------------------------- query


def dev_queries() -> list[str]:
    return [json.loads(line)["query"] for line in DEV_QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]


def fragment_queries(units, count: int, seed: int = 7) -> list[str]:  # type: ignore[no-untyped-def]
    """First 8 words of random real sentences: more queries for a tighter recall estimate."""
    rng = np.random.default_rng(seed)
    candidates = [t for t in units.texts if len(t.split()) >= 10 and "—" not in t]
    picked = rng.choice(len(candidates), min(count, len(candidates)), replace=False)
    return [" ".join(candidates[i].split()[:8]) for i in picked]


def recall_at_k(vectors: np.ndarray, exact: tuple[np.ndarray, np.ndarray], found: np.ndarray, queries: np.ndarray, k: int = 10) -> float:
    """Share of the exact top-k an approximate search found; ties at the k-th score count as found."""
    scores_exact, _ = exact
    hits = 0
    for q in range(len(queries)):
        ids = found[q][found[q] >= 0]
        true_scores = vectors[ids] @ queries[q]
        hits += min(k, int((true_scores >= scores_exact[q][k - 1] - 1e-5).sum()))
    return hits / (k * len(queries))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_of(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
            out[key] = int(value.split()[0]) * 1024
    return out


def serve_and_measure(root: Path, queries: list[str], n_queries: int) -> dict:
    """Spawn the real server, wait for its first answer, run the query loop, read its RSS."""
    import httpx

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = CACHE / f"server-{root.parent.name}-{root.name}.log"
    started = time.perf_counter()
    with log_path.open("w") as log_file:
        proc = subprocess.Popen([PYTHON, "-m", "bench.serve", str(root), str(port)], cwd=PROJECT_ROOT, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        with httpx.Client(timeout=120) as client:
            deadline = time.monotonic() + 600
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"server exited with {proc.returncode}; see {log_path}")
                try:
                    health = client.get(f"{url}/health")
                    if health.status_code == 200:
                        break
                    raise RuntimeError(f"/health answered {health.status_code}: {health.text[:300]}")
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            start_s = time.perf_counter() - started
            client.get(f"{url}/search", params={"q": queries[0], "k": 10}).raise_for_status()
            ready_s = time.perf_counter() - started  # the first search waits for the model's warm-up
            rss_started = rss_of(proc.pid)
            for q in queries[:5]:  # warm-up
                client.get(f"{url}/search", params={"q": q, "k": 10}).raise_for_status()
            latencies = []
            for i in range(n_queries):
                t = time.perf_counter()
                response = client.get(f"{url}/search", params={"q": queries[i % len(queries)], "k": 10})
                latencies.append(time.perf_counter() - t)
                response.raise_for_status()
            info = health.json()
        rss = rss_of(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    ms = sorted(x * 1000 for x in latencies)
    return {
        "index_type_served": info["index_type"],
        "passages_served": info["passages"],
        "start_s": round(start_s, 2),
        "first_search_s": round(ready_s, 2),
        "queries": n_queries,
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
        "mean_ms": round(statistics.fmean(ms), 1),
        "rss_after_start_mb": round(rss_started["VmRSS"] / 2**20, 1),
        "rss_mb": round(rss["VmRSS"] / 2**20, 1),
        "rss_anon_mb": round(rss["RssAnon"] / 2**20, 1),
        "rss_file_mb": round(rss["RssFile"] / 2**20, 1),
    }


def startup_breakdown(root: Path) -> dict:
    done = subprocess.run([PYTHON, "-m", "bench.startup", str(root)], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    return {k: round(v, 3) for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def search_breakdown(root: Path, embedder, queries: list[str]) -> dict:  # type: ignore[no-untyped-def]
    """In-process time of each step of `Searcher.search` (hybrid), mean over the queries."""
    from pipeline.search.hybrid import Filters, Searcher, SearchIndex
    from pipeline.text.analysis import analyze
    from pipeline.text.language import detect_query_language

    index = SearchIndex(root / "versions" / (root / "CURRENT").read_text().strip(), verify=False)
    searcher = Searcher(index, embedder)
    steps: dict[str, list[float]] = {}

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        value = fn()
        steps.setdefault(name, []).append(time.perf_counter() - t)
        return value

    for q in queries:
        vector = timed("encode_query", lambda: embedder.encode_query(q))
        timed("dense (faiss, k=20)", lambda: index.dense(vector, 20, None))
        lang = detect_query_language(q)
        mask = timed("language mask (cached per language)", lambda: index.in_language(lang))
        terms = analyze(q, lang)
        lexical = timed("lexical (bm25s scores + sort, k=20)", lambda: index.lexical.search(terms, 20, mask))
        timed("passage_rows (sqlite, 50 rows)", lambda: index.passage_rows([r for r, _ in lexical[:50]]))
        timed("Searcher.search total (hybrid, k=10)", lambda: searcher.search(q, k=10, filters=Filters()))
    index.close()
    return {name: round(statistics.fmean(v) * 1000, 2) for name, v in steps.items()}


def disk_usage(root: Path) -> dict[str, int]:
    directory = root / "versions" / (root / "CURRENT").read_text().strip()
    sizes: dict[str, int] = {}
    for path in directory.rglob("*"):
        if path.is_file():
            key = path.relative_to(directory).parts[0]
            sizes[key] = sizes.get(key, 0) + path.stat().st_size
    return sizes


def bench_query(sizes: list[int], kinds: list[str], hnsw_max: int, n_http: int, n_fragments: int, seed: int) -> dict:
    import faiss

    from bench import synth
    from pipeline.embed.embedder import Embedder
    from pipeline.index.vectors import IVF_NPROBE

    embedder = Embedder()
    t = time.perf_counter()
    units = synth.load_units(embedder)
    log(f"{len(units.texts)} real sentence units embedded/loaded in {time.perf_counter() - t:.1f}s")
    dev = dev_queries()
    fragments = fragment_queries(units, n_fragments)
    q_dev = np.stack([embedder.encode_query(q) for q in dev]).astype(np.float32)
    q_frag = np.stack([embedder.encode_query(q) for q in fragments]).astype(np.float32)
    out: dict = {
        "method": "synthetic passages = 3-6 real sentences of one document window (12 units), recombined in random "
        "order; vector = L2-normalised mean of the sentences' real e5 vectors; BM25 terms = real analyser terms "
        "(see bench/synth.py)",
        "units": len(units.texts),
        "unit_mean_chars": round(statistics.fmean(map(len, units.texts)), 1),
        "dev_queries": len(dev),
        "fragment_queries": len(fragments),
        "hnsw": {"M": synth.HNSW_M, "efConstruction": synth.HNSW_EF_CONSTRUCTION, "efSearch_served": synth.HNSW_EF_SEARCH},
        "ivf": {"nprobe_served": IVF_NPROBE},
        "faiss_threads": faiss.omp_get_max_threads(),
        "sizes": {},
    }
    log("serving the corpus index for the memory baseline")
    out["baseline"] = serve_and_measure(synth.source_version(embedder).parents[1], dev, 20)
    for n in sizes:
        log(f"size {n}: building shared files")
        built = synth.build_shared(units, n, seed, embedder.model_id)
        size_out: dict = {"build_s": {k: round(v, 1) for k, v in built.seconds.items()}, "types": {}}
        out["sizes"][str(n)] = size_out
        vectors = np.ascontiguousarray(built.vectors, dtype=np.float32)
        exact_dev = exact_frag = None
        for kind in kinds:
            if kind == "hnsw" and n > hnsw_max:
                size_out["types"][kind] = {"skipped": f"n > --hnsw-max {hnsw_max} (build time, see hnsw build_s at smaller sizes)"}
                continue
            entry: dict = {}
            root = synth.cached_version(n, kind, built)
            if root is None:
                log(f"size {n}: building {kind}")
                t = time.perf_counter()
                index = synth.build_vectors(kind, vectors)
                entry["vector_build_s"] = round(time.perf_counter() - t, 1)
            else:
                from pipeline.index.manifest import FAISS_NAME

                index = faiss.read_index(str(root / "versions" / synth.VERSION_NAME / FAISS_NAME))
                entry["vector_build_s"] = json.loads((root / "build.json").read_text()).get("vector_build_s") if (root / "build.json").exists() else None
            if kind == "flat":
                exact_dev = index.search(q_dev, 10)
                exact_frag = index.search(q_frag, 10)
            if kind in ("hnsw", "ivf"):
                if exact_dev is None:
                    flat = faiss.IndexFlatIP(vectors.shape[1])
                    flat.add(vectors)
                    exact_dev, exact_frag = flat.search(q_dev, 10), flat.search(q_frag, 10)
                    del flat
                sweep = []
                knob = "efSearch" if kind == "hnsw" else "nprobe"
                built_value = synth.inner_index(index).hnsw.efSearch if kind == "hnsw" else synth.inner_index(index).nprobe
                for value in EF_SWEEP if kind == "hnsw" else NPROBE_SWEEP:
                    if kind == "hnsw":
                        synth.inner_index(index).hnsw.efSearch = value
                    else:
                        if value > synth.inner_index(index).nlist:
                            continue
                        synth.inner_index(index).nprobe = value
                    t = time.perf_counter()
                    for q in q_frag:
                        index.search(q.reshape(1, -1), 100)
                    per_query_ms = (time.perf_counter() - t) / len(q_frag) * 1000
                    sweep.append(
                        {
                            knob: value,
                            "recall10_dev": round(recall_at_k(vectors, exact_dev, index.search(q_dev, 10)[1], q_dev), 4),
                            "recall10_fragments": round(recall_at_k(vectors, exact_frag, index.search(q_frag, 10)[1], q_frag), 4),
                            "faiss_ms_k100": round(per_query_ms, 3),
                        }
                    )
                entry["sweep"] = sweep
                good = [s for s in sweep if min(s["recall10_dev"], s["recall10_fragments"]) >= GOALS["recall_min"]]
                entry[f"min_{knob}_for_recall_0.98"] = good[0][knob] if good else None
                # serve what the product (IVF) or synth (HNSW) built, not the sweep's last value
                if kind == "ivf":
                    synth.inner_index(index).nprobe = built_value
                    entry["nlist"] = synth.inner_index(index).nlist
                else:
                    synth.inner_index(index).hnsw.efSearch = built_value
                entry[f"{knob}_served"] = built_value
                served = [s for s in sweep if s[knob] == built_value]
                if served:
                    entry["recall10_dev_served"] = served[0]["recall10_dev"]
                    entry["recall10_fragments_served"] = served[0]["recall10_fragments"]
            if root is None:
                root = synth.write_version(built, kind, index, embedder.model_id)
                (root / "build.json").write_text(json.dumps({"vector_build_s": entry["vector_build_s"]}))
            del index
            log(f"size {n}: serving {kind}")
            entry["http"] = serve_and_measure(root, dev, n_http)
            entry["disk_bytes"] = disk_usage(root)
            entry["disk_bytes_per_passage"] = round(sum(entry["disk_bytes"].values()) / n, 1)
            entry["startup_breakdown_s"] = startup_breakdown(root)
            entry["search_breakdown_ms"] = search_breakdown(root, embedder, dev[:20])
            size_out["types"][kind] = entry
            log(f"size {n} {kind}: p50 {entry['http']['p50_ms']} ms, start {entry['http']['start_s']} s, rss {entry['http']['rss_mb']} MB")
        del vectors
    return out


# --------------------------------------------------------------------------- reindex


def bench_reindex() -> dict:
    """`styrdok ingest` of the unchanged corpus into a copy of the existing index dir."""
    source = PROJECT_ROOT / "var" / "index"
    target = CACHE / "reindex"
    shutil.rmtree(target, ignore_errors=True)
    if source.is_dir():
        shutil.copytree(source, target)
    runs = []
    for _ in range(2):
        t = time.perf_counter()
        done = subprocess.run(
            [str(Path(PYTHON).parent / "styrdok"), "ingest", str(CORPUS), "--index-dir", str(target)],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
        )
        runs.append({"seconds": round(time.perf_counter() - t, 2), "rc": done.returncode, "summary": _summary(done.stderr)})
    return {"copied_existing_index": source.is_dir(), "runs": runs, "unchanged_s": runs[-1]["seconds"]}


def _summary(stderr: str) -> str:
    lines = [line.strip(" │┃") for line in stderr.splitlines() if "│" in line or "┃" in line]
    return " / ".join(" ".join(line.split()) for line in lines[-1:])


# --------------------------------------------------------------------------- report


def _fmt(value, digits: int = 2) -> str:  # type: ignore[no-untyped-def]
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def markdown(results: dict) -> str:
    lines = [
        "# styrdok performance benchmark",
        "",
        f"Command: `{results['command']}` — {results['machine']} — {results['date']}",
        "",
        "| figure | styrdok | reference | ratio | goal | met |",
        "|---|---|---|---|---|---|",
    ]
    ing = results.get("ingest")
    if ing:
        lines.append(
            f"| ingest: extraction+cleaning+structure of {ing['pages']} PDF pages (s) | {ing['styrdok_s']} | "
            f"pdfplumber extract_words {ing['pdfplumber_extract_words_s']} | {ing['ratio']}× | ≤ {ing['goal_max']}× | "
            f"{'yes' if ing['ratio'] <= ing['goal_max'] else 'no'} |"
        )
    emb = results.get("embedding")
    if emb:
        lines.append(
            f"| embedding: passages/s ({emb['passages']} corpus passages) | {emb['pipeline_passages_per_s']} | "
            f"raw model.encode {emb['raw_model_encode_passages_per_s']} | {emb['ratio']}× | ≥ {emb['goal_min']}× | "
            f"{'yes' if emb['ratio'] >= emb['goal_min'] else 'no'} |"
        )
    query = results.get("query")
    if query:
        for n, size in query["sizes"].items():
            flat = size["types"].get("flat", {}).get("http")
            for kind, entry in size["types"].items():
                if "http" not in entry:
                    continue
                http = entry["http"]
                ratio = f"{http['p50_ms'] / flat['p50_ms']:.2f}× of flat p50" if flat and kind != "flat" else ""
                recall = ""
                if kind == "hnsw":
                    recall = f"; recall@10 dev {entry.get('recall10_dev_served')}, fragments {entry.get('recall10_fragments_served')} (efSearch {entry['efSearch_served']})"
                if kind == "ivf":
                    sweep = {s["nprobe"]: s for s in entry["sweep"]}
                    s = sweep.get(entry["nprobe_served"], {})
                    recall = f"; recall@10 dev {s.get('recall10_dev')}, fragments {s.get('recall10_fragments')} (nlist {entry['nlist']}, nprobe {entry['nprobe_served']})"
                p95_goal = P95_GOAL_MS.get(int(n))
                goal = f"p95 ≤ {p95_goal:.0f} ms; recall ≥ 0.98" if p95_goal else "recall ≥ 0.98"
                met = _recall_met(kind, entry)
                if p95_goal:
                    met = f"p95 {'yes' if http['p95_ms'] <= p95_goal else 'no'}; recall {met}"
                lines.append(
                    f"| query over HTTP, {int(n):,} passages, {kind}: p50 / p95 ms{recall} | {http['p50_ms']} / {http['p95_ms']} | "
                    f"flat {flat['p50_ms'] if flat else '—'} / {flat['p95_ms'] if flat else '—'} | {ratio} | {goal} | {met} |"
                )
        for n, size in query["sizes"].items():
            for kind, entry in size["types"].items():
                if "http" not in entry:
                    continue
                http = entry["http"]
                ready = http.get("first_search_s", float("inf"))
                lines.append(
                    f"| server start, {int(n):,} {kind} (s, spawn → first /health; → first search answered) | "
                    f"{http['start_s']} ; {http.get('first_search_s', '—')} | — | — | < {GOALS['start_s_max']} s | "
                    f"{'yes' if ready < GOALS['start_s_max'] else 'health only' if http['start_s'] < GOALS['start_s_max'] else 'no'} |"
                )
        for n, size in query["sizes"].items():
            for kind, entry in size["types"].items():
                if "http" not in entry:
                    continue
                http = entry["http"]
                baseline = query.get("baseline", {}).get("rss_mb", 0.0)
                per100k = (http["rss_mb"] - baseline) / (int(n) / 100_000)
                lines.append(
                    f"| memory, {int(n):,} {kind}: server RSS MB (anon / file) ; above the corpus-index server "
                    f"({baseline} MB) per 100k passages | {http['rss_mb']} ({http['rss_anon_mb']} / "
                    f"{http['rss_file_mb']}) ; {per100k:.0f} | — | — | — | — |"
                )
                lines.append(
                    f"| disk, {int(n):,} {kind}: bytes per passage | {entry['disk_bytes_per_passage']:.0f} | — | — | — | — |"
                )
    re_ = results.get("reindex")
    if re_:
        lines.append(f"| re-index of the unchanged corpus (`styrdok ingest`, s) | {re_['unchanged_s']} | — | — | — | — |")
    lines += ["", "## Details", ""]
    if ing:
        lines += ["### Ingest profile (cumulative seconds, one pass over the PDFs)", "", "| step | s |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in ing["profile_cumulative_s"].items()]
        lines += ["", "| file | styrdok s | pdfplumber s |", "|---|---|---|"]
        lines += [f"| {k} | {v['styrdok']} | {v['pdfplumber']} |" for k, v in ing["per_file_s"].items()]
        lines.append("")
    if query:
        lines += [f"Method: {query['method']}. {query['units']} real units (mean {query['unit_mean_chars']} chars); "
                  f"recall over {query['dev_queries']} dev queries and {query['fragment_queries']} sentence-fragment queries; "
                  f"HNSW M={query['hnsw']['M']}, efConstruction={query['hnsw']['efConstruction']}.", ""]
        for n, size in query["sizes"].items():
            lines.append(f"### {int(n):,} passages")
            lines.append("")
            lines.append(f"Shared build (s): {size['build_s'] or 'cached'}")
            lines.append("")
            for kind, entry in size["types"].items():
                if "skipped" in entry:
                    lines.append(f"- **{kind}**: skipped — {entry['skipped']}")
                    continue
                lines.append(f"- **{kind}**: vector build {entry.get('vector_build_s')} s; disk {entry['disk_bytes']}")
                if "sweep" in entry:
                    knob = "efSearch" if kind == "hnsw" else "nprobe"
                    lines.append(f"  - sweep ({knob}: recall@10 dev / fragments, faiss ms per k=100 query): " + "; ".join(
                        f"{s[knob]}: {s['recall10_dev']} / {s['recall10_fragments']}, {s['faiss_ms_k100']} ms" for s in entry["sweep"]))
                lines.append(f"  - start breakdown (s): {entry['startup_breakdown_s']}")
                lines.append(f"  - search breakdown (ms, in-process mean): {entry['search_breakdown_ms']}")
            lines.append("")
    if re_:
        lines += ["### Re-index", ""] + [f"- run {i + 1}: {r['seconds']} s (rc {r['rc']}) {r['summary']}" for i, r in enumerate(re_["runs"])]
    return "\n".join(lines) + "\n"


def _recall_met(kind: str, entry: dict) -> str:
    if kind == "flat":
        return "exact"
    if kind == "hnsw":
        values = (entry.get("recall10_dev_served"), entry.get("recall10_fragments_served"))
    else:
        sweep = {s["nprobe"]: s for s in entry["sweep"]}
        s = sweep.get(entry["nprobe_served"], {})
        values = (s.get("recall10_dev"), s.get("recall10_fragments"))
    if None in values:
        return "—"
    return "yes" if min(values) >= GOALS["recall_min"] else "no"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few repeats (a smoke run)")
    parser.add_argument("--sizes", help="comma-separated passage counts (default 10000,100000,1000000; quick: 2000,10000)")
    parser.add_argument("--types", default="flat,hnsw,ivf", help="vector index types to serve")
    parser.add_argument("--hnsw-max", type=int, default=200_000, help="largest size to build HNSW for (build time)")
    parser.add_argument("--only", default="ingest,embedding,query,reindex", help="sections to run")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    CACHE.mkdir(parents=True, exist_ok=True)
    sections = args.only.split(",")
    sizes = [int(s) for s in (args.sizes or ("2000,10000" if args.quick else "10000,100000,1000000")).split(",")]
    results: dict = {
        "command": "python -m bench.run " + " ".join(sys.argv[1:] if argv is None else argv),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "load_average_at_start": os.getloadavg(),
        "note": "side-by-side ratios are interleaved in one process; absolute times depend on machine load "
        "(load_average_* fields: other processes shared the 2 cores during the run)",
    }
    out_json = BENCH / "results.json"
    previous = json.loads(out_json.read_text()) if out_json.exists() else {}

    def save() -> None:
        merged = {**previous, **results}
        out_json.write_text(json.dumps(merged, indent=2, ensure_ascii=False), encoding="utf-8")
        (BENCH / "results.md").write_text(markdown(merged), encoding="utf-8")

    if "ingest" in sections:
        log("ingest")
        results["ingest"] = bench_ingest(repeats=2 if args.quick else 6)
        save()
    if "embedding" in sections:
        log("embedding")
        results["embedding"] = bench_embedding(n=32 if args.quick else 96, repeats=1 if args.quick else 2)
        save()
    if "query" in sections:
        log("query")
        results["query"] = bench_query(
            sizes, args.types.split(","), args.hnsw_max, n_http=40 if args.quick else 200,
            n_fragments=20 if args.quick else 200, seed=args.seed,
        )
        save()
    if "reindex" in sections:
        log("reindex")
        results["reindex"] = bench_reindex()
        save()
    results["load_average_at_end"] = os.getloadavg()
    save()
    print((BENCH / "results.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()

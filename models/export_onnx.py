"""Export a converted sentence-transformers folder's encoder to ONNX (``onnx/model.onnx``).

Why: the server answers a query by embedding it, and with torch that costs a 4–6 s import
of sentence-transformers at start and ~20 ms per query on two cores; onnxruntime loads in
a fraction of a second and encodes a query in 6–10 ms, with the same vectors (the export is
checked against the torch model before it is kept). ``onnx/model.onnx`` is also where
sentence-transformers' own ONNX backend looks for it.

The graph is the bare transformer: ``input_ids`` and ``attention_mask`` (batch, tokens) in,
``last_hidden_state`` out. Pooling and normalisation stay in
:class:`pipeline.embed.onnx_engine.OnnxEncoder`, as in the sentence-transformers modules.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np

from pipeline.embed.onnx_engine import ONNX_FILE, mean_pool

OPSET = 17
CHECK_TEXTS = (
    "query: Vad säger planen om kompetensförsörjning?",
    "passage: Region Norrbotten ska ha minst 260 000 invånare år 2030. Befolkningen ökar i kustområdet.",
    "query: what is the region's vision?",
)
MIN_COSINE = 0.9999
"""The exported graph must give the torch model's vectors to float rounding."""


class ExportMismatch(RuntimeError):
    """The ONNX graph does not reproduce the torch model's embeddings."""


def export_onnx(folder: Path, word_embeddings: tuple[np.ndarray, np.ndarray] | None = None) -> Path:
    """Write ``folder/onnx/model.onnx`` from the transformer in ``folder`` and check it.

    ``word_embeddings`` (int8 weights, float32 scales per 32 weights) are the block-quantised
    form of the model's word embeddings: the graph then keeps them that way and multiplies
    out only the rows a text uses, which gives the same floats (the product is exact) from a
    file a third the size (the table is 250 037 × 384), and so a faster server start.
    """
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(folder)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    sample = tokenizer(list(CHECK_TEXTS), padding=True, return_tensors="pt")

    class LastHiddenState(torch.nn.Module):
        def __init__(self, encoder: torch.nn.Module) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    class BlockQuantizedEmbedding(torch.nn.Module):
        def __init__(self, weights: np.ndarray, scales: np.ndarray) -> None:
            super().__init__()
            self.register_buffer("weights", torch.from_numpy(np.ascontiguousarray(weights)))
            self.register_buffer("scales", torch.from_numpy(np.ascontiguousarray(scales)))
            self.block = weights.shape[1] // scales.shape[1]

        def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
            shape = input_ids.shape  # traced as sizes: the graph keeps them dynamic
            weights = self.weights[input_ids].to(torch.float32).reshape(*shape, -1, self.block)
            return (weights * self.scales[input_ids].unsqueeze(-1)).reshape(*shape, -1)

    wrapper = LastHiddenState(model).eval()  # a fresh Module is in training mode: dropout on
    with torch.no_grad():
        expected = wrapper(sample["input_ids"], sample["attention_mask"]).numpy()
        if word_embeddings is not None:
            quantized = BlockQuantizedEmbedding(*word_embeddings)
            every_row = torch.arange(quantized.weights.shape[0])
            if not torch.equal(quantized(every_row), model.embeddings.word_embeddings.weight):
                raise ExportMismatch("the block-quantised word embeddings are not the model's")
            model.embeddings.word_embeddings = quantized

    target = folder / ONNX_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter warns about traced branches it handles
        logging.getLogger("torch.onnx").setLevel(logging.ERROR)
        torch.onnx.export(
            wrapper,
            (sample["input_ids"], sample["attention_mask"]),
            str(target),
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
            opset_version=OPSET,
            dynamo=False,
        )
    _check(target, sample["input_ids"].numpy(), sample["attention_mask"].numpy(), expected)
    return target


def _check(path: Path, ids: np.ndarray, mask: np.ndarray, expected: np.ndarray) -> None:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {"input_ids": ids.astype(np.int64), "attention_mask": mask.astype(np.int64)})
    cosines = (mean_pool(got, mask) * mean_pool(expected, mask)).sum(axis=1)
    if cosines.min() < MIN_COSINE:
        path.unlink()
        raise ExportMismatch(f"ONNX export of {path.parent.parent} differs from torch (cosine {cosines.min():.6f})")

"""Embedding: the model registry, the onnxruntime engine and the embedder with its cache."""

"""Search over an index version: hybrid dense + BM25 retrieval, fusion, live switching, evaluation."""

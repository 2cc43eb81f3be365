"""Benchmarks of the pipeline stages (run as modules: python -m bench.<name>)."""

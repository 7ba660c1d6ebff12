# Two commands on a fresh machine (Python 3.11+): `make crawl` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: crawl replay test lint clean

.venv/bin/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
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

## Lint, type-check and run every test.
test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python -m pytest $(ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache

# Two commands on a fresh machine (Python 3.11+): `make crawl` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: crawl replay test lint clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## The main job: crawl every configured outlet's headline pages.
crawl: $(BIN)/.installed
	mkdir -p data
	$(BIN)/scrapy crawl headlines -O data/items.jsonl $(ARGS)

## The same crawl, offline, over the saved test site.
replay: $(BIN)/.installed
	mkdir -p data
	$(BIN)/scrapy crawl headlines -a replay=tests/fixtures/chinacomcn -O data/replay.jsonl $(ARGS)

## Lint, type-check and run every test.
test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python -m pytest $(ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache

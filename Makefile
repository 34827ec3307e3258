# labsite — two commands set everything up: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate demo lint format bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## make run: virtualenv, install, migrate, example content, admin login, server on :8000
run: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py setup_demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

## make test: the whole suite (DATABASE_URL picks PostgreSQL; SQLite otherwise)
test: $(STAMP)
	LABSITE_TESTING=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make bench: every benchmark; make bench-import: 50 sites x 100 papers, then a no-change re-run
## make bench-pages: every public page type of a 30-member lab, page cache cold and warm
.PHONY: bench-import bench-pages
bench: bench-import bench-pages

bench-import: $(STAMP)
	$(BIN)/python benchmarks/bench_import.py

bench-pages: $(STAMP)
	$(BIN)/python benchmarks/bench_pages.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# labsite — two commands set everything up: `make run` and `make test`.
# Python 3.11, 3.12 or 3.13: the first python3 on PATH, unless told (make PYTHON=python3.13).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate demo lint format bench clean

# Always asked: scripts/venv.sh rebuilds .venv when its Python is not $(PYTHON) or the last
# install failed, reinstalls when pyproject.toml changed, and otherwise returns at once.
install:
	@PYTHON="$(PYTHON)" VENV="$(VENV)" sh scripts/venv.sh


## make run: virtualenv, install, migrate, example content, admin login, server on HOST:PORT
run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py setup_demo --host $(HOST) --port $(PORT)
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

## make test: the whole suite (DATABASE_URL picks PostgreSQL; SQLite otherwise), spread over
## every core by pytest-xdist (make test JOBS=1 runs it in one process); an idle worker takes
## tests from a busy one (worksteal), so a few long browser tests do not end the run alone
JOBS ?= auto
test: install
	LABSITE_TESTING=1 $(BIN)/python -m pytest -n $(JOBS) --dist worksteal $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make bench: every benchmark, bench-http first
## make bench-http: pages through gunicorn (5 sync workers, production settings) and wrk (Debian's
## package: apt-get install -y wrk), side by side with a static file (A) and a naive view (B)
## make bench-import: 50 sites x 100 papers, then a no-change re-run
## make bench-pages: every public page type of a 30-member lab, page cache cold and warm
## make bench-load: 64 users on public pages while a member saves admin forms 5/s (gunicorn,
## PostgreSQL on 127.0.0.1:5432, Redis db 9)
## make bench-export: export_site over a 50-member lab: first run, unchanged re-run, one edit
.PHONY: bench-http bench-import bench-pages bench-load bench-export bench-lighthouse bench-weight
bench: bench-http bench-weight bench-import bench-pages bench-load bench-export bench-lighthouse

bench-http: install
	$(BIN)/python benchmarks/bench_http.py

bench-import: install
	$(BIN)/python benchmarks/bench_import.py

bench-pages: install
	$(BIN)/python benchmarks/bench_pages.py

bench-load: install
	$(BIN)/python benchmarks/bench_load.py

bench-export: install
	$(BIN)/python benchmarks/bench_export.py

## make bench-lighthouse: Lighthouse (npm, mobile) on the demo lab's home, a member and a paper
bench-lighthouse: install
	test -x node_modules/.bin/lighthouse || npm ci --no-audit --no-fund
	$(BIN)/python benchmarks/lighthouse.py

## make bench-weight: bytes, queries and uncached render time of the publication lists
bench-weight: install
	$(BIN)/python benchmarks/bench_weight.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

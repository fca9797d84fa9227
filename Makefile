PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PORT ?= 8000
export DEBUG ?= 1

.PHONY: install run serve test lint format bench screenshot clean messages fuzz

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(INSTALLED)

install: $(INSTALLED)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py ensure_admin --url http://127.0.0.1:$(PORT)/admin/
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

WORKERS ?= 4
serve: install
	@test -n "$$SECRET_KEY" || { echo "make serve runs in production mode: set SECRET_KEY and SITE_URL (e.g. https://news.example.org)."; exit 1; }
	DEBUG=0 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DEBUG=0 $(BIN)/python manage.py migrate --noinput
	DEBUG=0 $(BIN)/gunicorn newsreader.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --access-logfile -

test: install lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest --numprocesses=auto --maxprocesses=4 --dist=loadscope

# The importers driven by 10,000 hostile feeds, NDJSON lines and scraped texts (the
# suite tries 300), and every public URL by 1,250 query strings (the suite tries 400):
# IMPORT_FUZZ_EXAMPLES=50000 QUERY_FUZZ_EXAMPLES=5000 make fuzz tries more.
IMPORT_FUZZ_EXAMPLES ?= 10000
QUERY_FUZZ_EXAMPLES ?= 1250
fuzz: install
	IMPORT_FUZZ_EXAMPLES=$(IMPORT_FUZZ_EXAMPLES) QUERY_FUZZ_EXAMPLES=$(QUERY_FUZZ_EXAMPLES) \
		$(BIN)/python -m pytest tests/test_it_fuzzes_the_importers.py tests/test_it_never_fails_on_bad_input.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

screenshot: install
	$(BIN)/python scripts/screenshot.py docs/parallel-reading.png docs/word-popover.png
	$(BIN)/python scripts/screenshot_desk.py docs/translation-desk.png

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

BENCH_ARTICLES ?= 100000
BENCH_FLAGS ?=
bench: install
	$(BIN)/python -m benchmarks.run --articles $(BENCH_ARTICLES) $(BENCH_FLAGS)
	$(BIN)/python -m benchmarks.relevance

# Compile the interface translations (locale/*/django.po -> .mo) in Python: no gettext needed.
messages: install
	$(BIN)/python scripts/compile_messages.py

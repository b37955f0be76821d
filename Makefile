# skhcn — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py

.PHONY: run test test-faults test-browser form-samples lint lock bench bench-dossiers install install-production clean backup restore messages

# Exactly the versions of the lock file, checked against its hashes (requirements/dev.txt: the application and the
# test tools; requirements/base.txt: the application only), then this checkout itself without dependencies.
$(STAMP): requirements/dev.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

# A server (docs/van-hanh.md): the application's packages only, no test tools.
install-production:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/base.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .

# After changing the dependencies in pyproject.toml: the lock files again, from the package index only (no local
# configuration). Pins already in the lock files stay unless pyproject.toml asks for another version; to move a
# dependency of a dependency: make lock LOCK_ARGS="--upgrade-package NAME".
LOCK := $(BIN)/uv pip compile --no-config --quiet --generate-hashes --python $(BIN)/python --custom-compile-command "make lock"
lock: $(STAMP)
	$(LOCK) $(LOCK_ARGS) pyproject.toml -o requirements/base.txt
	$(LOCK) $(LOCK_ARGS) pyproject.toml --extra test -o requirements/dev.txt

# A local machine: SKHCN_ENV=local enables the offline payment sandbox (never with SKHCN_ENV=production; docs/trien-khai.md).
run: export SKHCN_ENV ?= local
run: $(STAMP)
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) load_demo --if-empty
	exec $(BIN)/python -m skhcn.server

# One archive of the database and every uploaded file, in BACKUP_DIR (default var/backups); docs/sao-luu.md.
backup: export SKHCN_ENV ?= local
backup: $(STAMP)
	$(MANAGE) backup

# Into an empty data folder / database only: make restore FILE=var/backups/skhcn-YYYYmmdd-HHMMSS.tar
restore: export SKHCN_ENV ?= local
restore: $(STAMP)
	@if [ -z "$(FILE)" ]; then \
		echo "Thiếu tệp sao lưu: hãy chạy make restore FILE=đường/dẫn/skhcn-YYYYmmdd-HHMMSS.tar" >&2; exit 2; fi
	$(MANAGE) restore "$(FILE)"

# Transactional tests empty the database when they end, so they run after the others, in their own pass.
test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not browser and not transactional and not faults" -n 2 --dist loadfile
	$(BIN)/python -m pytest -q -m "transactional and not browser and not faults" -p no:xdist

# Forms 01–05 and the register 06 of a sample dossier, as PDF/XLSX and PNG pages, to look at (docs/bieu-mau.md).
# pdftoppm is Debian's poppler-utils.
FORM_SAMPLES_DIR ?= var/form-samples
form-samples: $(STAMP)
	rm -rf $(FORM_SAMPLES_DIR)
	FORM_SAMPLES_DIR=$(abspath $(FORM_SAMPLES_DIR)) $(BIN)/python -m pytest -q -p no:xdist src/skhcn/dossiers/tests/test_form_samples.py
	cd $(FORM_SAMPLES_DIR) && for f in *.pdf; do pdftoppm -r 80 -png "$$f" "$${f%.pdf}"; done
	@ls $(FORM_SAMPLES_DIR)

# The launcher on a private PostgreSQL cluster and redis-server, under load, while they fail (docs/van-hanh.md).
test-faults: $(STAMP)
	$(BIN)/python -m pytest -q -s -m faults -p no:xdist tests/faults

# axe-core and the W3C Nu HTML Checker (vnu.jar) for the page inventory, from npm by the lock file; no install script
# runs (vnu-jar's would download a Java runtime: Debian's is used).
CHECKERS := tests/browser/checkers/node_modules/.installed
$(CHECKERS): tests/browser/checkers/package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --prefix tests/browser/checkers
	@touch $@

test-browser: export SKHCN_ENV ?= test
test-browser: $(STAMP) $(CHECKERS)
	$(MANAGE) collectstatic --noinput -v 0
	$(BIN)/python -m pytest -q -m browser -p no:xdist

# deptry: every import is declared in pyproject.toml (first pass), and the application's own code imports no
# test-only package (second pass; tests are excluded there).
lint: $(STAMP)
	$(BIN)/ruff check src bench tests conftest.py
	$(BIN)/ruff format --check src bench tests conftest.py
	$(BIN)/deptry . --ignore DEP004
	$(BIN)/deptry src --extend-exclude '.*/tests/.*' --ignore DEP001,DEP002,DEP003
	PYTHONPATH=src $(BIN)/lint-imports
	$(BIN)/python tests/lint_imports.py

# The layers and the no-cycle rule of pyproject.toml [tool.importlinter], then no function-level import of a skhcn
# module and no private name imported across apps (tests/lint_imports.py); docs/dev/architecture.md. Both also run in make lint.
lint-layers: $(STAMP)
	PYTHONPATH=src $(BIN)/lint-imports
	$(BIN)/python tests/lint_imports.py

# The admin's Vietnamese override catalogue (docs/man-hinh-can-bo.md): .po -> .mo with GNU gettext's msgfmt.
messages:
	for domain in django djangojs; do \
		msgfmt --check -o src/skhcn/locale/vi/LC_MESSAGES/$$domain.mo src/skhcn/locale/vi/LC_MESSAGES/$$domain.po || exit 1; \
	done

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Online submission under load, then the tracking lookup and the staff queues / register export when PostgreSQL
# answers on 127.0.0.1:5432 (bench/README.md).
bench-dossiers: $(STAMP)
	$(BIN)/python bench/bench_submissions.py
	@if $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		$(BIN)/python bench/bench_tracking.py; status=$$?; $(BIN)/python bench/bench_staff.py || status=1; exit $$status; \
	else echo "PostgreSQL is not reachable on 127.0.0.1:5432: bench/bench_tracking.py and bench_staff.py skipped"; fi

# S&T registries (public lists, search, site search) and notifications on PostgreSQL (bench/README.md).
.PHONY: bench-records
bench-records: $(STAMP)
	@if $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		$(BIN)/python bench/bench_records.py; \
	else echo "PostgreSQL is not reachable on 127.0.0.1:5432: bench/bench_records.py needs it"; exit 1; fi

clean:
	rm -rf $(VENV) var bench/out

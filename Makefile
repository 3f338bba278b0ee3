# The two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test coverage mutation redis-server chromium lint typecheck check complexity bench bench-quick soak docs dist clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e ".[crypto]" --group dev
	touch $(STAMP)

demo: $(STAMP)
	cd example && ../$(BIN)/python manage.py migrate --noinput
	cd example && ../$(BIN)/python manage.py ensure_demo_user
	cd example && ../$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The outage tests start a private redis-server of their own: install it (Debian, as root) when
# it is missing, otherwise say what to do.
redis-server:
	@command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || [ -x /usr/sbin/redis-server ] || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "redis-server is missing; installing it with apt-get"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server; \
		else \
			echo "The test suite needs redis-server (it starts a private one): install it, e.g. apt-get install redis-server" >&2; \
			exit 1; \
		fi; \
	}

# The browser test (tests/test_browser.py) drives Debian's chromium through its chromedriver:
# install both (as root) when one is missing, otherwise say what to do. Nothing downloads a
# browser of its own.
chromium:
	@{ [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; } || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "chromium or chromium-driver is missing; installing them with apt-get"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver; \
		else \
			echo "The test suite needs Debian's chromium and chromium-driver (tests/test_browser.py): install them, e.g. apt-get install chromium chromium-driver" >&2; \
			exit 1; \
		fi; \
	}

test: $(STAMP) redis-server chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The suite of `make test` under coverage.py: fails below the branch coverage of src/ set by
# fail_under in pyproject.toml ([tool.coverage.report]). CI measures it on the PostgreSQL run.
coverage: $(STAMP) redis-server chromium
	$(BIN)/python -m coverage erase
	$(BIN)/python -m coverage run -m pytest $(PYTEST_ARGS)
	$(BIN)/python -m coverage report

# Mutation testing of the verification and revocation modules (mutmut, [tool.mutmut] in
# pyproject.toml: which modules, which tests); not in CI. Slow: MUTATION_ARGS="--max-children 2".
mutation: $(STAMP)
	$(BIN)/mutmut run $(MUTATION_ARGS)
	$(BIN)/mutmut results

lint: $(STAMP) complexity
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

check: test lint typecheck

# Fails, naming them, when functions of src/ are of cyclomatic complexity C or worse (radon):
# part of `make lint` (so of `check`) and of CI's lint step; split such a function to B or better.
complexity: $(STAMP)
	@offenders="$$($(BIN)/radon cc -n C src/)" || exit 1; \
	if [ -n "$$offenders" ]; then \
		echo "radon: functions of src/ of cyclomatic complexity C or worse (B at most):"; \
		echo "$$offenders"; \
		exit 1; \
	fi

# The translation catalogs (src/rest_framework_jwt/locale/): `makemessages` extracts the package's
# messages into every language's .po (new messages come in empty, vanished ones are dropped),
# `compilemessages` builds the .mo files that ship in the wheel. Both need GNU gettext: installed
# with apt-get when missing (as root), otherwise say what to do. The tests need neither.
LANGUAGES := de es fr it nl pl pt_BR ru tr uk ja ko zh_Hans
PACKAGE_DIR := src/rest_framework_jwt
.PHONY: gettext makemessages compilemessages

gettext:
	@command -v msgfmt >/dev/null 2>&1 && command -v xgettext >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "GNU gettext is missing; installing it with apt-get"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gettext; \
		else \
			echo "The catalogs need GNU gettext (msgfmt, xgettext): install it, e.g. apt-get install gettext" >&2; \
			exit 1; \
		fi; \
	}

makemessages: $(STAMP) gettext
	cd $(PACKAGE_DIR) && $(abspath $(BIN))/django-admin makemessages \
		$(foreach lang,$(LANGUAGES),--locale $(lang)) --add-location file --no-obsolete

compilemessages: $(STAMP) gettext
	cd $(PACKAGE_DIR) && $(abspath $(BIN))/django-admin compilemessages

# The OpenAPI schemas of tests/projects/schema_project (every view of the package, drf-spectacular)
# in each configuration; tests/test_openapi.py compares them with what is generated.
SCHEMA_VARIANTS := orig refresh drf-jwt cookie
.PHONY: openapi-schemas
openapi-schemas: $(STAMP)
	mkdir -p tests/projects/schema_project/schemas
	cd tests/projects/schema_project && for variant in $(SCHEMA_VARIANTS); do \
		SCHEMA_VARIANT=$$variant PYTHONPATH=$(abspath src) $(abspath $(BIN))/python manage.py \
			spectacular --validate --fail-on-warn --file schemas/$$variant.yaml || exit 1; \
	done

$(VENV)/.bench-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet --group bench
	touch $@

# pyperf rounds of every case (bench/cases.py), the table with the targets met / not met, and the
# chart docs/performance.md shows; bench-quick (HS256, five cases, under a minute) for development.
# bench: up to 10 rounds, none started that would end after 15 minutes (--max-minutes); it prints
# the expected duration first. Ctrl-C or SIGTERM stops every process it started.
# The pyperf JSON and the counts stay in bench/results/ (`python -m bench.report` reads them).
bench: $(VENV)/.bench-installed
	$(BIN)/python bench/run.py --chart docs/img/bench-ratios.svg $(BENCH_ARGS)

bench-quick: $(VENV)/.bench-installed
	$(BIN)/python bench/run.py --quick $(BENCH_ARGS)

# Minutes of concurrent traffic: gunicorn (4 sync workers) on PostgreSQL (127.0.0.1:5432, a
# database it creates and drops) with the Redis denylist (a private redis-server) and 50 clients.
# Fails when any 5xx, false reuse detection or accepted revoked token is seen (bench/soak/run.py).
SOAK_DURATION ?= 300
SOAK_ARGS ?=
soak: $(VENV)/.bench-installed redis-server
	$(BIN)/python -m bench.soak.run --duration $(SOAK_DURATION) $(SOAK_ARGS)

# The docs site (mkdocs-material) into site/: `mkdocs build --strict` fails on a broken link,
# anchor or nav entry; check_site.py fails when a page would load anything from another host.
$(VENV)/.docs-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet --group docs
	touch $@

docs: $(VENV)/.docs-installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site
	$(BIN)/python .ci/check_site.py site

# The sdist and the wheel into dist/, checked with `twine check --strict`.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*
	$(BIN)/python .ci/check_dist.py dist

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .tox build dist site src/*.egg-info

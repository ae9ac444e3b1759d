# CAFPRO — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DOSSIERS ?= 2000

.PHONY: run test check install migrate demo screenshots serve faults fuzz clean help

help:
	@echo "make run    installe, migre, charge les données de référence et la démo, sert sur http://127.0.0.1:8000"
	@echo "make test   toute la suite de tests (SQLite, ou PostgreSQL si DATABASE_URL est défini)"
	@echo "make check  la barrière qualité (ruff, djlint, migrations, check --deploy)"
	@echo "make screenshots  refait les captures d'écran de docs/screenshots (Chromium requis)"
	@echo "make serve  sert en production (gunicorn, PostgreSQL) : voir docs/deployment.md"
	@echo "make faults les essais de charge et de panne contre gunicorn (DATABASE_URL PostgreSQL requis)"
	@echo "make fuzz   la recherche longue d'erreurs serveur sur toutes les adresses (FUZZ_EXAMPLES=200 par adresse et rôle)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 ou plus est requis (trouvé %s)" % sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	@rm -rf build *.egg-info
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo --dossiers $(DEMO_DOSSIERS) --seed 1 --if-empty

# The journal's sealer runs beside the server (JRN-6): every minute it seals the new lines and signs a checkpoint
# (development keys: the journal proves nothing, and says so) into a witness directory outside the code directory.
JOURNAL_WITNESS ?= $(HOME)/.local/state/cafpro/journal-witness
# The portal's own French error pages, not Django's technical ones: DJANGO_DEBUG=1 make run for those.
run: demo
	CAFPRO_JOURNAL_WITNESS=$${CAFPRO_JOURNAL_WITNESS:-$(JOURNAL_WITNESS)} $(BIN)/python manage.py journal_anchor --every 60 > /dev/null & \
	CAFPRO_JOURNAL_WITNESS=$${CAFPRO_JOURNAL_WITNESS:-$(JOURNAL_WITNESS)} DJANGO_DEBUG=$${DJANGO_DEBUG:-0} \
		$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

# Production-like serving (docs/deployment.md): gunicorn, several workers, hashed static files via whitenoise,
# the production security settings, and the journal's sealer every minute. Needs DATABASE_URL (PostgreSQL),
# DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, CAFPRO_JOURNAL_VERIFY_KEY, and CAFPRO_JOURNAL_SIGNING_KEY for the sealer
# alone: gunicorn is started without it (JRN-6).
WORKERS ?= 4
serve: install
	DJANGO_SECURE=1 $(BIN)/python manage.py collectstatic --noinput -v0
	DJANGO_SECURE=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_SECURE=1 $(BIN)/python manage.py journal_anchor --every 60 & \
	DJANGO_SECURE=1 env -u CAFPRO_JOURNAL_SIGNING_KEY $(BIN)/gunicorn cafpro.wsgi --workers $(WORKERS) --bind $${BIND:-127.0.0.1:8000} \
		--access-logfile - --forwarded-allow-ips="$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

# The load and fault tests (docs/performance.md): gunicorn on the test database, PostgreSQL required. They are
# also part of `make test` when DATABASE_URL is PostgreSQL, so CI runs them.
faults: install
	@case "$${DATABASE_URL:-}" in postgres*) ;; *) echo "make faults : définissez DATABASE_URL=postgres://…"; exit 2;; esac
	$(BIN)/python -m pytest tests/load tests/habilitations/test_lockout_concurrency.py tests/journal/test_tampering.py \
		$(PYTEST_ARGS)

# ROB-1: the crawl of tests/test_fuzz.py, long (make test runs 3 examples per address and role, derandomized).
FUZZ_EXAMPLES ?= 200
fuzz: install
	CAFPRO_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) CAFPRO_FUZZ_RANDOM=1 $(BIN)/python -m pytest tests/test_fuzz.py $(PYTEST_ARGS)

screenshots: install
	CAFPRO_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -m e2e tests/e2e

check: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djlint --check templates
	$(BIN)/djlint --lint templates
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=0 DJANGO_SECURE=1 DJANGO_SECRET_KEY="$$(openssl rand -base64 48 2>/dev/null || $(BIN)/python -c 'import secrets;print(secrets.token_urlsafe(50))')" \
		CAFPRO_JOURNAL_VERIFY_KEY="$$($(BIN)/python -c 'import base64,secrets;print(base64.b64encode(secrets.token_bytes(32)).decode())')" \
		DJANGO_ALLOWED_HOSTS=cafpro.example.fr $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

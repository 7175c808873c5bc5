# Every routine task of the mesotherapy assistant; `make help` lists them. The first two
# are the README's: each sets up everything it needs on a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV     := .venv
PY       := $(VENV)/bin/python
RASA     := $(VENV)/bin/rasa
MODEL    := models/mesotherapy.tar.gz
PIPELINE := build/spacy_pipeline/meta.json
# The article is listed so a content change re-checks the model (Rasa skips unchanged parts).
TRAINING_INPUTS := config.yml domain.yml $(wildcard data/*.yml) $(PIPELINE) knowledge/mesotherapy-article.txt
# Checked by mypy (pyproject.toml lists them too); ruff checks every Python file.
PRODUCT := actions channels content evaluation insights nlp runtime scripts

export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: help run run-prod prod-stop test lint format test-scale bench bench-scale train \
        pipeline synonyms validate setup browser purge erase insights deploy-checks audit lock clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		sed -E 's/^([a-zA-Z_-]+):.*## (.*)/\1\t\2/' | \
		awk -F'\t' '{ printf "  make %-12s %s\n", $$1, $$2 }'

run: setup $(MODEL) ## serve the assistant (REST webhook + chat page); prints where to chat
	$(PY) -m $(if $(filter prod,$(BOT_PROFILE)),deploy.run_prod,scripts.serve)

run-prod: setup $(MODEL) ## the scale-out profile: PostgreSQL, Redis, nginx, replicas (docs/deployment.md)
	BOT_PROFILE=prod $(PY) -m deploy.run_prod

prod-stop: ## stop the prod profile's PostgreSQL, Redis and nginx
	deploy/services.sh stop

test: setup browser $(MODEL) lint ## every test: lint, data validation, pytest, conversation tests
	$(RASA) data validate --fail-on-warnings
	$(PY) -m pytest
	$(RASA) test core --stories tests/conversations --fail-on-prediction-errors --out reports/conversations

lint: setup ## ruff (lint + format check) on every Python file, mypy on the product packages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: setup ## reformat and fix what ruff can fix by itself
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test-scale: setup browser $(MODEL) ## the prod profile's tests (installs PostgreSQL, Redis, nginx)
	$(PY) -m pytest -m scale tests/deploy

bench: setup $(MODEL) ## benchmarks: reports/benchmark.md (docs/benchmarks.md explains them)
	$(PY) -m bench.run $(BENCH_ARGS)
	$(PY) -m bench.scale

bench-scale: setup $(MODEL) ## 1 vs 2 replicas of the prod profile behind nginx
	$(PY) -m bench.scale

train: setup $(MODEL) ## train the model if data, config or the spaCy pipeline changed

# Rasa fingerprints its inputs and skips unchanged parts; touching the model keeps
# make from retraining when Rasa decided nothing changed.
$(MODEL): $(TRAINING_INPUTS) $(VENV)/.installed
	$(RASA) train --fixed-model-name mesotherapy --out models
	@touch $@

pipeline: $(PIPELINE) ## build the project's spaCy pipeline (build/spacy_pipeline)
$(PIPELINE): content/vocabulary.py nlp/build_pipeline.py $(VENV)/.installed
	$(PY) -m nlp.build_pipeline

synonyms: setup ## regenerate data/synonyms.yml from content/vocabulary.py
	$(PY) -m nlp.synonyms

validate: setup ## rasa data validate
	$(RASA) data validate --fail-on-warnings

setup: $(VENV)/.installed $(PIPELINE) ## the virtual environment and the spaCy pipeline

$(VENV)/.installed: requirements.lock scripts/find-python.sh
	@python=$$(scripts/find-python.sh) && { [ -x $(PY) ] || "$$python" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade "pip==24.0"
	$(PY) -m pip install --quiet --no-deps -r requirements.lock
	$(PY) -m pip check
	@touch $@

# Debian's chromium for the widget's browser tests (Playwright drives it; it never
# downloads a browser of its own). Only the tests need it: `make run` works without.
browser: ## install Debian's Chromium for the browser tests
	@scripts/install-chromium.sh

insights: setup ## the clinic's report: reports/insights.html + .json (INSIGHTS_ARGS="--days 7")
	$(PY) -m scripts.insights $(INSIGHTS_ARGS)

purge: setup ## delete conversations older than retention_days (clinic.yml)
	$(PY) -m scripts.privacy purge

# $(value SENDER) is the id exactly as given (make would expand "$(...)" in it), put in
# single quotes for the shell: an id is data, never a command.
erase: setup ## delete one patient's conversation: make erase SENDER=<id>
	@[ -n '$(subst ','\'',$(value SENDER))' ] || { echo "usage: make erase SENDER=<sender id>"; exit 2; }
	$(PY) -m scripts.privacy erase --sender '$(subst ','\'',$(value SENDER))'

# hadolint and kubernetes-validate want newer jsonschema/attrs than Rasa: own venv.
deploy-checks: setup ## offline checks of the images, compose.yaml and deploy/k8s (own venv)
	scripts/deploy-checks.sh

# pip-audit conflicts with Rasa's pins (packaging, CacheControl), so it has its own venv.
# --strict: a package that could not be checked fails the audit instead of passing silently.
audit: ## audit requirements.lock for known vulnerabilities (own venv)
	@[ -x .venv-audit/bin/pip-audit ] || { python3 -m venv .venv-audit && .venv-audit/bin/pip install --quiet "pip-audit==2.10.1"; }
	.venv-audit/bin/pip-audit --strict --requirement requirements.lock --no-deps --disable-pip --progress-spinner off

lock: ## re-pin requirements.lock from requirements.in
	$(PY) -m pip install -r requirements.in
	$(PY) -m pip freeze --all --exclude-editable | grep -vE "^(pkg.resources|pip)==" > requirements.lock

clean: ## remove the built pipeline, model, reports and caches
	rm -rf build models reports .rasa .pytest_cache .mypy_cache .ruff_cache

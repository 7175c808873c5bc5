# Every routine task of the mesotherapy assistant. The first two are the README's:
#   make run    set everything up, then serve the assistant and its chat page
#   make test   set everything up, then run every test
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV     := .venv
PY       := $(VENV)/bin/python
RASA     := $(VENV)/bin/rasa
MODEL    := models/mesotherapy.tar.gz
PIPELINE := build/spacy_pipeline/meta.json
# The article is listed so a content change re-checks the model (Rasa skips unchanged parts).
TRAINING_INPUTS := config.yml domain.yml $(wildcard data/*.yml) $(PIPELINE) knowledge/mesotherapy-article.txt

export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: help setup browser run run-prod prod-stop test test-scale bench bench-workers train pipeline synonyms validate lock audit purge erase clean

help:
	@echo "make run     serve the assistant (REST webhook + chat page); prints where to chat"
	@echo "make test    run every test (data validation, pytest, conversation tests, NLU evaluation)"
	@echo "make train   train the model if data, config or the spaCy pipeline changed"
	@echo "make bench   benchmarks: reports/benchmark.md (docs/benchmarks.md explains them)"
	@echo "make run-prod / make test-scale / make bench-workers   the scale-out profile (docs/deployment.md)"
	@echo "make purge   delete conversations older than retention_days (clinic.yml)"
	@echo "make erase SENDER=<id>   delete one patient's conversation"
	@echo "make audit   audit requirements.lock for known vulnerabilities"
	@echo "make lock    re-pin requirements.lock from requirements.in"

# BOT_PROFILE=prod: PostgreSQL + Redis + nginx in front of several replicas (docs/deployment.md).
run: setup $(MODEL)
	$(PY) -m $(if $(filter prod,$(BOT_PROFILE)),deploy.run_prod,scripts.serve)

run-prod: setup $(MODEL)
	BOT_PROFILE=prod $(PY) -m deploy.run_prod

prod-stop:
	deploy/services.sh stop

test: setup browser $(MODEL)
	$(RASA) data validate --fail-on-warnings
	$(PY) -m pytest
	$(RASA) test core --stories tests/test_stories.yml --fail-on-prediction-errors --out reports/conversations

test-scale: setup browser $(MODEL)
	$(PY) -m pytest tests/test_scale.py

# Speed, accuracy, memory, training time and cold start (reports/benchmark.md, about
# 20 minutes; `make bench BENCH_ARGS=--quick` about 5), then 1 vs 2 replicas behind nginx.
bench: setup $(MODEL)
	$(PY) -m bench.run $(BENCH_ARGS)
	$(PY) -m deploy.bench_workers

bench-workers: setup $(MODEL)
	$(PY) -m deploy.bench_workers

setup: $(VENV)/.installed $(PIPELINE)

# Debian's chromium for the widget's browser tests (Playwright drives it; it never
# downloads a browser of its own). Only the tests need it: `make run` works without.
browser:
	@scripts/install-chromium.sh

$(VENV)/.installed: requirements.lock scripts/find-python.sh
	@python=$$(scripts/find-python.sh) && { [ -x $(PY) ] || "$$python" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade "pip==24.0"
	$(PY) -m pip install --quiet --no-deps -r requirements.lock
	$(PY) -m pip check
	@touch $@

pipeline: $(PIPELINE)
$(PIPELINE): nlp/terms.py nlp/build_pipeline.py $(VENV)/.installed
	$(PY) -m nlp.build_pipeline

synonyms:
	$(PY) -m nlp.synonyms

train: setup $(MODEL)
# Rasa fingerprints its inputs and skips unchanged parts; touching the model keeps
# make from retraining when Rasa decided nothing changed.
$(MODEL): $(TRAINING_INPUTS) $(VENV)/.installed
	$(RASA) train --fixed-model-name mesotherapy --out models
	@touch $@

validate: setup
	$(RASA) data validate --fail-on-warnings

purge: setup
	$(PY) -m scripts.privacy purge

erase: setup
	@[ -n "$(SENDER)" ] || { echo "usage: make erase SENDER=<sender id>"; exit 2; }
	$(PY) -m scripts.privacy erase --sender "$(SENDER)"

# pip-audit conflicts with Rasa's pins (packaging, CacheControl), so it has its own venv.
# --strict: a package that could not be checked fails the audit instead of passing silently.
audit:
	@[ -x .venv-audit/bin/pip-audit ] || { python3 -m venv .venv-audit && .venv-audit/bin/pip install --quiet "pip-audit==2.10.1"; }
	.venv-audit/bin/pip-audit --strict --requirement requirements.lock --no-deps --disable-pip --progress-spinner off

lock:
	$(PY) -m pip install -r requirements.in
	$(PY) -m pip freeze --all --exclude-editable | grep -vE "^(pkg.resources|pip)==" > requirements.lock

clean:
	rm -rf build models reports .rasa .pytest_cache

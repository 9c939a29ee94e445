# Two entry points for a fresh machine (see README "Quick start"): `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

$(STAMP): requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

.PHONY: install demo lint test
install: $(STAMP)

demo: $(STAMP)
	$(PY) manage.py migrate
	$(PY) manage.py seed --demo
	$(PY) -m streamlit run app.py --server.port 8501

# The gates first (a few seconds): lint and types at zero, then every test.
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

test: lint
	$(PY) -m pytest

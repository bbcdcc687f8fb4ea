# torch-autograder: every target sets up what it needs (.venv) first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
AG     := $(BIN)/autograder
ID     ?= 01_tensors
SUBMISSION ?= solutions/$(ID)/$(ID).ipynb

.PHONY: setup demo test release check grade validate clean

setup: $(VENV)/.installed

# torch==2.13.0 is pinned; on Python 3.11 pip takes the CPU wheel from the local wheel store.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: setup
	$(AG) demo --assignment $(ID)

test: setup
	$(BIN)/pytest -q

release: setup
	$(AG) release

validate: setup
	$(AG) validate

check: setup
	$(AG) check $(SUBMISSION)

grade: setup
	$(AG) grade $(SUBMISSION)

clean:
	rm -rf $(VENV) out results.json feedback.md

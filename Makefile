# torch-autograder: every target sets up what it needs (.venv) first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
AG     := $(BIN)/autograder
ID     ?= 01_tensors
SUBMISSION ?= solutions/$(ID)/$(ID).ipynb
SUBMISSIONS ?= tests/sample_class/$(ID)
JOBS   ?= 2
N      ?= 20

.PHONY: setup browser demo test release check grade validate batch bench clean

setup: $(VENV)/.installed

# torch==2.13.0 is pinned; on Python 3.11 pip takes the CPU wheel from the local wheel store.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: setup
	$(AG) demo --assignment $(ID)

# The class report is checked in a real headless browser: Debian's chromium.
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	  { [ "$$(id -u)" = 0 ] || { echo "make browser: run as root, or install chromium yourself"; exit 1; }; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: setup browser
	$(BIN)/pytest -q

release: setup
	$(AG) release

validate: setup
	$(AG) validate

check: setup
	$(AG) check $(SUBMISSION)

grade: setup
	$(AG) grade $(SUBMISSION)

# Grade a class: make batch SUBMISSIONS=path/to/folder ID=01_tensors JOBS=2 (resumable; outputs in out/$(ID)/).
batch: setup
	$(AG) batch $(SUBMISSIONS) --assignment $(ID) --jobs $(JOBS) --gradebook out/$(ID)/grades.db \
	  --csv out/$(ID)/grades.csv --feedback-dir out/$(ID)/feedback --report out/$(ID)/report.html

# Throughput and per-submission overhead: fresh pytest per submission vs local vs docker backend.
bench: setup
	$(AG) bench -n $(N) --jobs 1 --assignment $(ID)

clean:
	rm -rf $(VENV) out results.json feedback.md

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

.PHONY: setup browser demo test i18n release check grade validate batch bench bench-diagnosis bench-similarity clean docker-base image serve bench-serve wheel \
        image-offline image-gpu docker-check docker-grade bench-docker gradescope

setup: $(VENV)/.installed

# The grading environment's torch (requirements-grading.txt: torch==2.13.0) as a constraint;
# on Python 3.11 pip takes the CPU wheel from the local wheel store.
$(VENV)/.installed: pyproject.toml requirements-grading.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]' -c requirements-grading.txt
	touch $@

demo: setup
	$(AG) demo --assignment $(ID)

# The submission service for the sample class on 127.0.0.1:8000: prints the URL, the tokens and
# an `autograder submit` to try (a fresh database in out/serve each run).
PORT ?= 8000
serve: setup
	$(BIN)/python -m autograder.service.demo --port $(PORT) --jobs $(JOBS)

# The package wheel a server offers to students (pip install <server>/package/<wheel>), built from
# this checkout into the server's data folder: make wheel DATA=service-data (make serve builds its own).
DATA ?= out/serve/data
wheel: setup
	$(BIN)/python -m autograder.service.wheel --data $(DATA)

# N students submit at once on loopback; the same submissions through `autograder batch` in the
# same run. Prints accept and upload-to-feedback latency and graded submissions per minute.
BENCH_STUDENTS ?= 8
bench-serve: setup
	$(BIN)/python -m autograder.service.bench --students $(BENCH_STUDENTS) --jobs $(JOBS)

# The class report and the service's pages are checked in a real headless browser: Debian's
# chromium, driven by Selenium through chromium-driver (Selenium Manager downloads nothing), and a
# Korean font (fonts-nanum) so that Korean pages render as text in the screenshots.
browser:
	@{ command -v chromium >/dev/null || command -v chromium-browser >/dev/null; } && command -v chromedriver >/dev/null \
	  && { fc-list 2>/dev/null | grep -qi nanum; } || \
	  { [ "$$(id -u)" = 0 ] || { echo "make browser: run as root, or install chromium yourself"; exit 1; }; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-nanum >/dev/null; }

# Two pytest-xdist workers where that is safe (tests/parallel_jobs.py says where not), else one;
# TEST_JOBS=N chooses. tests/conftest.py keeps together what must not run twice or at once (the
# Docker tests, the Ray clusters) and shares the validations between the workers.
TEST_JOBS ?= $(shell $(BIN)/python tests/parallel_jobs.py 2>/dev/null || echo 1)
test: setup browser
	$(BIN)/pytest -q --durations=15 $(if $(filter-out 1,$(TEST_JOBS)),-n $(TEST_JOBS))

release: setup
	$(AG) release

validate: setup
	$(AG) validate

check: setup
	$(AG) check $(SUBMISSION)

grade: setup
	$(AG) grade $(SUBMISSION)

# ---------------------------------------------------------------- Docker (see README: Docker)
# Images are tagged by a hash of their inputs: an unchanged image is never rebuilt.
IMAGE      ?= torch-autograder:cpu
BASE_IMAGE ?=
GPUS       ?= all
# Students check the released notebook unless SUBMISSION is given.
DOCKER_SUBMISSION = $(if $(filter command line environment,$(origin SUBMISSION)),$(SUBMISSION),assignments/$(ID)/$(ID).ipynb)

docker-base:  # a Debian base image without a registry (debootstrap + docker import); prints its tag
	docker/build-base.sh

image: setup  # CPU image from python:3.11-slim (or BASE_IMAGE=...) with torch from PyTorch's CPU index
	$(AG) image build $(if $(BASE_IMAGE),--base $(BASE_IMAGE))

image-offline: setup  # no registry: the debootstrap base, torch and requirements from this host's pip
	$(AG) image build --base "$$(docker/build-base.sh)" --wheels

image-gpu: setup  # on a GPU host: a CUDA base and CUDA torch (see README: GPU hosts)
	$(AG) image build --variant gpu $(if $(BASE_IMAGE),--base $(BASE_IMAGE))

# The public tests against a notebook, inside the grading image, as the graders run it:
# no network, read-only root, no capabilities. Only the notebook and the released
# assignment folder are mounted (never solutions/).
docker-check:
	@docker image inspect $(IMAGE) >/dev/null 2>&1 || { \
	    echo "image $(IMAGE) is not here: build it with 'make image' (or 'make image-offline')"; exit 1; }
	@test -f "$(DOCKER_SUBMISSION)" || { echo "no such notebook: $(DOCKER_SUBMISSION) (pass SUBMISSION=path)"; exit 1; }
	docker run --rm --network none --read-only --tmpfs /tmp:rw,nosuid,nodev,exec,size=512m \
	    --cap-drop ALL --security-opt no-new-privileges --memory 6g --pids-limit 512 \
	    -v "$(abspath $(DOCKER_SUBMISSION)):/work/submission/$(notdir $(DOCKER_SUBMISSION)):ro" \
	    -v "$(CURDIR)/assignments/$(ID):/work/assignment:ro" \
	    $(IMAGE) autograder --course /work/assignment check "/work/submission/$(notdir $(DOCKER_SUBMISSION))" \
	    --assignment $(ID)

docker-grade: setup  # grade one submission with the docker backend
	$(AG) grade $(SUBMISSION) --backend docker $(if $(filter-out torch-autograder:cpu,$(IMAGE)),--image $(IMAGE))

bench-docker: setup  # per-submission cost of the docker backend against the local one, one run
	$(BIN)/python docker/bench_backends.py

gradescope: setup  # out/gradescope/<id>/autograder.zip
	$(AG) gradescope $(ID) -o out/gradescope/$(ID)/autograder.zip

# Grade a class: make batch SUBMISSIONS=path/to/folder ID=01_tensors JOBS=2 (resumable; outputs in out/$(ID)/).
batch: setup
	$(AG) batch $(SUBMISSIONS) --assignment $(ID) --jobs $(JOBS) --gradebook out/$(ID)/grades.db \
	  --csv out/$(ID)/grades.csv --feedback-dir out/$(ID)/feedback --report out/$(ID)/report.html

# Throughput and per-submission overhead: fresh pytest per submission vs local vs docker backend.
bench: setup
	$(AG) bench -n $(N) --jobs 1 --assignment $(ID)

# What naming known mistakes adds to a warm grading: each assignment graded with diagnosis off and
# on, alternating rounds, half the submissions mutants; prints the ratio (the issue's target: <= 1.10).
bench-diagnosis: setup
	$(BIN)/python -m autograder.bench_diagnosis

# Similarity across a class: 300 generated notebooks of one assignment (solution, alternatives,
# disguised copies), timed at 50, 100, 200 and 300 with the load average (nothing leaves the machine).
bench-similarity: setup
	$(BIN)/python -m autograder.similarity.bench --assignment $(ID) --sizes 50,100,200,300

# Messages in English and Korean (autograder/i18n.py): extract what the code marks with
# _(), N_(), gettext() or ngettext(), then merge it into the Korean catalogs to translate.
I18N_KEYWORDS = -k _ -k N_ -k gettext -k ngettext:1,2
i18n: setup
	mkdir -p build
	$(BIN)/pybabel -q extract -F babel.cfg $(I18N_KEYWORDS) --no-location --ignore-dirs 'service locale' \
	  --project torch-autograder -o build/autograder.pot autograder
	$(BIN)/pybabel -q update --ignore-obsolete -D autograder -i build/autograder.pot -d autograder/locale -l ko
	$(if $(wildcard autograder/service),$(BIN)/pybabel -q extract -F babel.cfg $(I18N_KEYWORDS) --no-location \
	  --project torch-autograder -o build/service.pot autograder/service && \
	  $(BIN)/pybabel -q update --ignore-obsolete -D service -i build/service.pot -d autograder/locale -l ko)

clean:
	rm -rf $(VENV) out results.json feedback.md

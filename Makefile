# Quickstart: `make demo` (set up + ingest the seeds + sample searches, offline), `make test` (the test suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DATA := .demo-data

.PHONY: install demo demo-server test test-fast test-llm record-fixtures test-wheel eval lint typecheck bench-startup bench-ingest bench-retrieval bench-check train-verifier train-nli train-nli-twin clean

# uv installs the dependencies (pip: ~48 s, most of it byte-compiling; uv: 3-5 s, its cache warm or cold). Nothing is
# byte-compiled at install: each module is compiled when first imported and kept under $(PYCACHE), outside the tree,
# for every later process (this machine sets PYTHONDONTWRITEBYTECODE, under which each process compiled again).
PYCACHE := $(CURDIR)/$(VENV)/pycache
unexport PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX := $(PYCACHE)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO_DATA)
	FACTCHECK_DATA_DIR=$(DEMO_DATA) $(BIN)/factcheck ingest seeds
	FACTCHECK_DATA_DIR=$(DEMO_DATA) $(BIN)/factcheck sources
	FACTCHECK_DATA_DIR=$(DEMO_DATA) $(BIN)/factcheck search "How many Daesh militants are in Raqqa?" --k 2
	FACTCHECK_DATA_DIR=$(DEMO_DATA) $(BIN)/factcheck search "civilians killed in coalition strikes in June" --k 2
	FACTCHECK_DATA_DIR=$(DEMO_DATA) $(BIN)/factcheck ask "How many Daesh militants are in Raqqa?" --engine local
	FACTCHECK_DATA_DIR=$(DEMO_DATA) $(BIN)/factcheck ask \
		"How many civilians were killed in coalition strikes in June, according to Airwars?" --engine replay

# What CI runs. The steps run two at a time (`make -j2`; -O keeps each step's output together): each leaves a core
# idle part of the time (servers, subprocesses, Python between model runs). The eval runs beside lint, the wheel
# smoke test and pytest, in that order, so that pytest's two workers, not a one-process step, end the run. The
# wheel is built once, from the sdist as a release is, for tests/test_resources.py and .ci/wheel-smoke; the Postgres
# tests share one pytest worker.
CI_DIST := .ci-dist
test: $(STAMP)
	$(MAKE) --no-print-directory -j2 -O ci-eval ci-lint ci-wheel-smoke ci-pytest

.PHONY: ci-lint ci-wheel ci-pytest ci-eval ci-wheel-smoke
ci-lint: lint typecheck
ci-wheel:
	rm -rf $(CI_DIST) && mkdir $(CI_DIST)
	$(BIN)/uv build --out-dir $(CI_DIST) . >$(CI_DIST)/build.log 2>&1 || (cat $(CI_DIST)/build.log; exit 1)
ci-pytest: ci-wheel
	BUILT_WHEEL="$$(ls $(CURDIR)/$(CI_DIST)/*.whl)" $(BIN)/pytest -n auto --dist loadgroup
ci-wheel-smoke: ci-wheel
	WHEEL="$$(ls $(CURDIR)/$(CI_DIST)/*.whl)" PYTHON=$(PYTHON) .ci/wheel-smoke
ci-eval: eval

# The fast lane: unit tests and in-process commands on the hashing embedder (no model); `make test` runs everything.
test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow" -n auto --dist loadgroup

# A newsroom's setup on one machine: Postgres + `chroma run` on 127.0.0.1, seeds ingested from one process,
# sources/search/check (and the Slack bot, with SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET) from another.
demo-server: $(STAMP)
	$(BIN)/python scripts/demo_server.py

# A real model in the loop (not in .ci/run: the first run builds llama-cpp-python from source, ~15 min on 2 cores):
# llama.cpp's OpenAI-compatible server + SmolLM2-135M-Instruct on 127.0.0.1, one thread; see .ci/test-llm.
test-llm: $(STAMP)
	PYTHON=$(PYTHON) .ci/test-llm

# Re-record the committed replay fixtures: the seeds suite's from the real model (the test-llm lane), the guardrails
# suite's from the scripted stand-in (labelled as such); then refresh the replay baseline.
record-fixtures: $(STAMP)
	PYTHON=$(PYTHON) .ci/test-llm --update-fixtures
	$(BIN)/python evals/record_fixtures.py
	$(BIN)/factcheck eval --engine replay --require-datasets --update-baseline --out eval-report/replay

# The release as a user gets it: build the wheel, install it into a fresh venv, run the commands outside the repo.
test-wheel: $(STAMP)
	PYTHON=$(PYTHON) .ci/wheel-smoke

eval: $(STAMP)
	$(BIN)/factcheck eval --engine replay --require-datasets --out eval-report/replay
	$(BIN)/factcheck eval --engine local --require-datasets --suite seeds --suite paraphrases --suite summedits-local --suite climate-fever-local \
		--suite wice-local --suite newsroom-local --suite newsroom-dev-local \
		--suite newsroom-test-local --suite newsroom-test2-local --suite newsroom-test3-local \
		--suite newsroom-test4-local --suite newsroom-test5-local --suite newsroom-test6-local --suite newsroom-test7-local \
		--out eval-report/local

lint: $(STAMP)
	$(BIN)/ruff check assistant tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy assistant

# Wall time and peak RSS of --help, sources and an unchanged re-ingest, next to `python -c "import typer"`.
bench-startup: $(STAMP)
	$(BIN)/python bench/startup.py

bench-ingest: $(STAMP)
	$(BIN)/python bench/ingest.py

bench-retrieval: $(STAMP)
	$(BIN)/python bench/retrieval.py

bench-check: $(STAMP)
	$(BIN)/python bench/check.py

train-verifier: $(STAMP)
	$(BIN)/python bench/train_verifier.py

# The three rounds of the entailment model's recipe, each resumable (checkpoints under $(NLI_WORK), outside git):
# $(1) the first round's work folder (the next two add 2 and 3), $(2) flags every round gets.
NLI_WORK ?= $(HOME)/.cache/factcheck-train
define nli-rounds
	$(BIN)/pip install --quiet -e '.[dev,train]'
	$(BIN)/python bench/train_nli.py --workdir $(1) --epochs 2 $(2)
	$(BIN)/python bench/train_nli.py --workdir $(1)2 --mix news --init-from $(1)/checkpoint.pt --epochs 1 --lr 3e-5 $(2)
	$(BIN)/python bench/train_nli.py --workdir $(1)3 --mix polarity --earlier-pairs $(1)2/pairs.jsonl \
		--init-from $(1)2/checkpoint.pt --epochs 1 --lr 2e-5 $(2)
endef

# The entailment model used by `check` and `audit` (README "Entailment model"), trained without the training half's
# decision groups (bench/train_verifier.py fits the decision on those). Then `make train-verifier bench-check`.
train-nli: $(STAMP)
	$(call nli-rounds,$(NLI_WORK)/nli,--hold-out-decision-groups)

# The cross-fitting twin (bench/EXPERIMENTS.md, "the decision cross-fitted"): the same rounds on the decision
# groups only, exported outside the package (never shipped); `bench/train_verifier.py --cross-fit-twin` then reads
# the entailment groups' claims through it, so the decision is fitted on every training-half claim.
train-nli-twin: $(STAMP)
	$(call nli-rounds,$(NLI_WORK)/twin,--cross-fit-twin --out $(NLI_WORK)/twin-model)
	$(BIN)/python bench/train_verifier.py --cross-fit-twin $(NLI_WORK)/twin-model

clean:
	rm -rf $(VENV) $(DEMO_DATA) $(CI_DIST) .demo-server .pytest_cache .mypy_cache .ruff_cache

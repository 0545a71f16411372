# Two entry points that work on a fresh machine with plain python3:
#   make demo   validate every subject on the built-in backend, write a report with figures
#   make test   run the whole test suite (slow tests included, sized for CI)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.recnet-installed
REPORT ?= recnet-report
JOBS   ?= 2

.PHONY: demo test test-fast test-heavy install clean bench

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[nest,spinnaker,test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/recnet validate --all --out $(REPORT)

# one xdist worker per core, each with single-threaded BLAS: more threads than cores make
# OpenBLAS's spinning threads fight and small factorisations hundreds of times slower
TESTENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

test: $(STAMP)
	$(TESTENV) $(BIN)/python -m pytest -n $(JOBS) --durations=15 -q -m "not heavy"

# the large exploratory runs (60-example fuzz of every subject's predict); hours, not in CI
test-heavy: $(STAMP)
	$(TESTENV) $(BIN)/python -m pytest -n $(JOBS) -q -m heavy

test-fast: $(STAMP)
	$(TESTENV) $(BIN)/python -m pytest -n $(JOBS) -q -m "not slow"

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) $(REPORT) build *.egg-info

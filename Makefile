# Two commands a learner needs: `make lab` and `make test`. Everything else is for maintainers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lab test unit notebooks lint bench student slides site clean-venv drandref drand

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@# the JavaScript libraries (drand-client, tlock-js) that some cells and tests run, pinned in tests/js
	@if command -v npm >/dev/null 2>&1; then \
		(cd tests/js && npm ci --no-audit --no-fund --loglevel=error) \
		|| echo "npm ci failed: the JavaScript cells will say so and the course goes on without them"; \
	else echo "node/npm not found: the few JavaScript cells will say so; everything else works"; fi
	touch $(STAMP)

## make lab: install (first time) and open JupyterLab on the learner's copy of the start notebook, rooted at
## the repository so that both student/ (without solutions) and notebooks/ (the instructor's copies) open
lab: $(STAMP)
	$(BIN)/jupyter lab --allow-root --ServerApp.root_dir=. student/00_start_here.ipynb

## make test: install (first time) and run the whole suite (unit tests + every notebook with nbval)
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile --nbval --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg tests notebooks

unit: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile tests

notebooks: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile --nbval --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg notebooks

lint: $(STAMP)
	$(BIN)/ruff check drand_edu tests benchmarks scripts

## make student: student copies in student/ (solutions emptied, exercise outputs cleared)
student: $(STAMP)
	$(BIN)/python scripts/make_student.py

## make slides: reveal.js slides of every notebook in build/slides (reveal.js and MathJax local: offline)
slides: $(STAMP)
	$(BIN)/python scripts/make_slides.py

## make site: a static site of the course in build/site (jupyter-book 1.x, committed outputs)
site: $(STAMP)
	$(BIN)/python scripts/make_site.py

## make bench: every performance target, measured, in one table (details: benchmarks/bench_*.py)
bench: $(STAMP)
	$(BIN)/python benchmarks/targets.py

## make drandref: drand's own code, for the tests that let drand judge ours (needs Go; the course does not):
## the reference program, drand's `drand`, tlock's `tle` and go-clients' `drand-client`, built into tests/drandref/bin
drandref:
	cd tests/drandref && GOFLAGS=-mod=mod go build -o bin/drandref . \
		&& GOFLAGS=-mod=mod go build -tags conn_insecure -o bin/drand github.com/drand/drand/v2/cmd/drand \
		&& GOFLAGS=-mod=mod go build -o bin/tle github.com/drand/tlock/cmd/tle \
		&& GOFLAGS=-mod=mod go build -o bin/drand-client github.com/drand/go-clients

## make drand: the real `drand` binary that notebook 01 runs beside ours (same build as drandref). Built with
## drand's `conn_insecure` tag, as drand's own demo builds it: nodes on 127.0.0.1 talk gRPC without TLS
drand: drandref

clean-venv:
	rm -rf $(VENV)

# The two set-up commands of the README: `make report` (main job) and `make test`.
PY ?= python3
OUT ?= out/ukraine-2025
EXPERIMENTS ?= 20000

.PHONY: install install-report report test test-fast bench lint

install:
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[all]"

# The main job needs only the engine and the report: no dashboard, dask, numba or test tools.
install-report:
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[report]"

report: install-report
	mkdir -p $(dir $(OUT))  # accord creates --out itself, not its parents
	$(PY) -m accord run ukraine-2025 --experiments $(EXPERIMENTS) --out $(OUT)

test: install
	$(PY) -m pytest -q -p no:cacheprovider --durations=15

test-fast: install  # the suite without the tests marked slow (more than ~5 s each)
	$(PY) -m pytest -q -p no:cacheprovider --durations=15 -m "not slow"

bench: install
	for f in benchmarks/bench_*.py; do $(PY) $$f --quick || exit 1; done

lint:
	ruff check src tests benchmarks
	ruff format --check src tests benchmarks
	mypy src

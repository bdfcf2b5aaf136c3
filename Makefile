# The two commands of the README: `make run` and `make test`. Both set themselves up.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-unit test-kernels-python test-example test-notebooks test-browser \
	lint format benchmark notebooks clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/thesis-analysis run

test: install lint test-unit test-kernels-python test-example test-notebooks test-browser

lint: install
	$(BIN)/ruff check .

test-unit: install
	$(BIN)/python -m pytest tests --ignore=tests/browser --ignore=tests/test_example_project.py

# The synthetic example study (examples/hjemmesykepleie) end to end on a temporary copy.
test-example: install
	$(BIN)/python -m pytest tests/test_example_project.py -p no:cacheprovider

# The compiled kernels' tests once more as plain Python (numba off), so that coverage and the
# debugger see the loops and a difference between compiled and interpreted code shows.
KERNEL_TESTS := tests/autocode/test_array_kernels.py tests/autocode/test_matching.py \
	tests/autocode/test_reference.py tests/autocode/test_ordering.py \
	tests/nlp/test_sentence_component.py tests/nlp/test_hash_lookup.py
test-kernels-python: install
	NUMBA_DISABLE_JIT=1 $(BIN)/python -m pytest $(KERNEL_TESTS) -q -p no:cacheprovider \
		-W ignore::DeprecationWarning

test-notebooks: install
	$(BIN)/python -m pytest --nbval notebooks --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider

test-browser: install
	$(BIN)/python -m pytest tests/browser

# Re-execute the committed notebooks in place (after a change to the codebook, the auto-coder,
# the codings or the transcripts), so that the notebook validation compares current outputs.
notebooks: install
	$(BIN)/python -c "from thesis_analysis.paths import get_project_paths; \
	from thesis_analysis.notebook_report import refresh_notebooks; print(refresh_notebooks(get_project_paths()))"

format: install
	$(BIN)/ruff format .

benchmark: install
	$(BIN)/python benchmarks/bench_segment.py
	$(BIN)/python benchmarks/bench_code_texts.py

clean:
	rm -rf $(VENV) results .pytest_cache

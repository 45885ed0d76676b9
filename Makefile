# Two commands do all the set-up on a fresh machine:
#   make lab    create .venv, install, register the kernel, open the course
#   make test   create .venv, install, run every test (library, notebooks)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
START  := notebooks/00_start_here.ipynb
# JupyterLab refuses root unless told; containers often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test bench clean help

help:
	@echo "make lab        open the course in JupyterLab (sets everything up first)"
	@echo "make test       run all tests (sets everything up first)"
	@echo "make bench      run the speed benchmarks"
	@echo "make clean      remove the virtual environment and caches"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/python -m ipykernel install --user --name adaptlab --display-name "Python (adaptlab)"
	$(BIN)/jupyter lab $(ROOT_FLAG) $(START)

test: $(STAMP)
	$(BIN)/python -m pytest tests adaptlab notebooks --doctest-modules --nbval-lax

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_bounds.py
	$(BIN)/python benchmarks/bench_routers.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

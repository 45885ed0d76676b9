# Two commands do all the set-up on a fresh machine:
#   make lab    create .venv, install, register the kernel, open the course
#   make test   create .venv, install, run every test (library, notebooks)
#
# Options: make lab PORT=8890 BROWSER=no IP=0.0.0.0 TORCH=cpu PYTHON=python3.12
#
# TORCH picks the torch that goes into .venv (torch is pinned in requirements.txt):
#   pypi  pip's default wheel: CPU-only on macOS and Windows, the multi-GB CUDA build on Linux
#   cpu   the CPU-only wheel from PyTorch's own index, for torch alone (Linux laptops)
#   none  no torch: lecture 5, assignment a05 and the tour's CNNs need it, the rest does not
# The choice is remembered in .venv; to change it, `make clean` first.

PYTHON  ?= python3
PORT    ?= 8888
IP      ?= 127.0.0.1
BROWSER ?= yes
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu
TORCH_PIN := $(shell grep -E '^torch==' requirements.txt)
INSTALLED_TORCH := $(shell cat $(STAMP) 2>/dev/null)
TORCH   ?= $(or $(INSTALLED_TORCH),pypi)
ifeq ($(filter $(TORCH),pypi cpu none),)
$(error TORCH=$(TORCH) is not one of pypi, cpu, none)
endif
ifeq ($(filter clean,$(MAKECMDGOALS)),)
ifneq ($(INSTALLED_TORCH),)
ifneq ($(INSTALLED_TORCH),$(TORCH))
$(error $(VENV) holds TORCH=$(INSTALLED_TORCH): run `make clean` first to install TORCH=$(TORCH))
endif
endif
endif
START   := notebooks/00_start_here.ipynb
# JupyterLab refuses root unless told; containers often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test bench clean help site

help:
	@echo "make lab        open the course in JupyterLab (sets everything up first)"
	@echo "                options: PORT=8888 BROWSER=no IP=127.0.0.1 PYTHON=python3"
	@echo "                TORCH=cpu (CPU-only torch, for Linux laptops) or TORCH=none (no torch)"
	@echo "make test       run all tests (sets everything up first)"
	@echo "make bench      run the speed benchmarks"
	@echo "make clean      remove the virtual environment and caches"
	@echo "make site       build the course website into build/site/_build/html (offline)"
	@echo "make assignments  rebuild exercises/ and solutions/ from course/assignments/"
	@echo "make autograder   build the autograder zips into build/autograder/"
	@echo "make grade SUBMISSIONS=folder   grade a class into build/grades/a02_oracle.csv"
	@echo "                 options: ASSIGNMENT=a02_oracle OUTPUT=file.csv JOBS=1 TIMEOUT=120"

# The checkout itself goes on the venv's path (a .pth file): the notebooks and
# `.venv/bin/python -m adaptlab` always run the library as it is in adaptlab/.
# The course kernel is registered inside the venv, not in your home folder.
# TORCH=cpu installs torch alone from PyTorch's CPU index, then the rest from PyPI
# (the CPU wheel already satisfies the pin); TORCH=none installs requirements.txt
# without its torch line.
$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info < (3, 11) and \
	  'requirements.txt needs Python >= 3.11 (numpy 2.4, pandas 3): pick one, e.g. make lab PYTHON=python3.12')"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
ifeq ($(TORCH),cpu)
	$(BIN)/python -m pip install --quiet "$(TORCH_PIN)" --index-url $(TORCH_CPU_INDEX)
endif
ifeq ($(TORCH),none)
	grep -v -E '^torch==' requirements.txt > $(VENV)/requirements-without-torch.txt
	$(BIN)/python -m pip install --quiet -r $(VENV)/requirements-without-torch.txt
else
	$(BIN)/python -m pip install --quiet -r requirements.txt
endif
	$(BIN)/python -c "import pathlib, sysconfig; \
	  pathlib.Path(sysconfig.get_paths()['purelib'], 'adaptlab-checkout.pth').write_text('$(CURDIR)\n')"
	$(BIN)/python -m ipykernel install --sys-prefix --name adaptlab \
	  --display-name "Python (adaptlab)" > /dev/null
	echo $(TORCH) > $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" --ip=$(IP) --port=$(PORT) \
	  $(if $(filter no,$(BROWSER)),--no-browser) --LabApp.default_url=/lab/tree/$(START)

test: $(STAMP)
	$(BIN)/python -m pytest tests adaptlab --doctest-modules

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

# The course website (Jupyter Book 1): every lecture executed, the course pages,
# the API reference from the docstrings. Offline; see course/site/build.py.
site: $(STAMP)
	$(BIN)/python course/site/build.py --output build/site

# Graded assignments: one source each, course/assignments/aNN_name.py (see its README).
# Nothing here needs Docker: otter assign builds, otter's own grader grades.
.PHONY: assignments autograder grade
ASSIGNMENT ?= a02_oracle
AUTOGRADER := build/autograder

assignments: $(STAMP)
	$(BIN)/python course/grading/assign.py --exercises exercises --solutions solutions

autograder: $(STAMP)
	$(BIN)/python course/grading/assign.py --autograder $(AUTOGRADER)

$(AUTOGRADER)/%-autograder.zip: course/assignments/%.py $(STAMP)
	$(BIN)/python course/grading/assign.py --autograder $(AUTOGRADER) $*

ifneq ($(filter grade,$(MAKECMDGOALS)),)
ifeq ($(SUBMISSIONS),)
$(error usage: make grade SUBMISSIONS=folder [ASSIGNMENT=a02_oracle] [OUTPUT=file.csv] [JOBS=1] [TIMEOUT=120])
endif
endif

grade: $(STAMP) $(AUTOGRADER)/$(ASSIGNMENT)-autograder.zip
	$(BIN)/python course/grading/grade.py --autograder $(AUTOGRADER)/$(ASSIGNMENT)-autograder.zip \
	  $(if $(OUTPUT),--output "$(OUTPUT)") $(if $(JOBS),--jobs $(JOBS)) \
	  $(if $(TIMEOUT),--timeout $(TIMEOUT)) "$(SUBMISSIONS)"

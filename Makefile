# Two commands do all the set-up on a fresh machine:
#   make lab    create .venv, install, register the kernel, open the course
#   make test   create .venv, install, run every test (library, notebooks)
#
# Options: make lab PORT=8890 BROWSER=no IP=0.0.0.0

PYTHON  ?= python3
PORT    ?= 8888
IP      ?= 127.0.0.1
BROWSER ?= yes
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
START   := notebooks/00_start_here.ipynb
# JupyterLab refuses root unless told; containers often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test bench clean help site

help:
	@echo "make lab        open the course in JupyterLab (sets everything up first)"
	@echo "                options: PORT=8888 BROWSER=no IP=127.0.0.1"
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
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -c "import pathlib, sysconfig; \
	  pathlib.Path(sysconfig.get_paths()['purelib'], 'adaptlab-checkout.pth').write_text('$(CURDIR)\n')"
	$(BIN)/python -m ipykernel install --sys-prefix --name adaptlab \
	  --display-name "Python (adaptlab)" > /dev/null
	touch $(STAMP)

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

"""Build the graded assignments from their sources with otter assign (no Docker needed).

Each assignment has ONE source, ``course/assignments/<name>.py``: a jupytext percent script that
is an otter "master notebook" (see course/assignments/README.md). This tool converts it to a
master .ipynb in a temporary folder, runs ``otter assign`` there and copies out what you ask for:

  --exercises DIR    DIR/<name>/<name>.ipynb   the learner's notebook: prompts, `...` placeholders,
                                               public checks in its metadata, no outputs
  --solutions DIR    DIR/<name>/<name>.ipynb   the worked solution, with every test (public and
                                               hidden) in its metadata and the rubrics
  --autograder DIR   DIR/<name>-autograder.zip what course/grading/grade.py grades a class with;
                                               it also holds adaptlab-assignment.json, the list
                                               of questions with their points (manual ones too)

Unless --no-run-tests is given, otter grades the solution with the autograder first, and the
build fails if the solution does not get full marks.

The notebooks are written deterministically (cell ids derived from the cell's content, jupytext's
layout metadata dropped), so rebuilding an unchanged source changes no committed byte.

    python course/grading/assign.py --exercises exercises --solutions solutions   # make assignments
    python course/grading/assign.py --autograder build/autograder                 # make autograder
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import sys
import tempfile
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "course" / "assignments"
MANIFEST = "adaptlab-assignment.json"
# Cell metadata that jupytext adds to record the source's layout; it means nothing in a notebook.
JUPYTEXT_CELL_KEYS = ("lines_to_next_cell", "lines_to_end_of_cell_marker", "cell_marker", "title")


class BuildError(Exception):
    """An assignment cannot be built from its source; the message says why, in one line."""


class SolutionFails(Exception):
    """The solution does not get full marks from the autograder; the message is otter's summary."""


def available(sources=SOURCES):
    """Names of the assignment sources: <sources>/aNN_*.py."""
    return sorted(path.stem for path in Path(sources).glob("a[0-9][0-9]_*.py"))


def question_configs(master):
    """The ``# BEGIN QUESTION`` configs of a master notebook, in order; each must give points."""
    import yaml

    questions = []
    for cell in master.cells:
        lines = cell.source.strip().splitlines()
        if cell.cell_type != "raw" or not lines or lines[0].strip() != "# BEGIN QUESTION":
            continue
        config = yaml.safe_load("\n".join(lines[1:])) or {}
        name = config.get("name")
        if not isinstance(name, str):
            raise BuildError(f"a BEGIN QUESTION cell has no name: {cell.source!r}")
        points = config.get("points")
        if isinstance(points, bool) or not isinstance(points, (int, float)):
            raise BuildError(f"question {name} has no points: add `points: N` to its config")
        questions.append({"name": name, "points": points, "manual": bool(config.get("manual"))})
    if not questions:
        raise BuildError("no BEGIN QUESTION cell: is it a raw cell (# %% [raw])?")
    return questions


def normalized(notebook):
    """The notebook with deterministic cell ids, no outputs and no jupytext layout metadata."""
    notebook.metadata.pop("jupytext", None)
    seen = {}
    for cell in notebook.cells:
        for key in JUPYTEXT_CELL_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        digest = hashlib.sha1(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:8]
        seen[digest] = seen.get(digest, 0) + 1
        cell.id = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"
    return notebook


def hidden_tests_in(notebook):
    """Names of the questions whose tests in the notebook's metadata include a hidden one."""
    tests = notebook.metadata.get("otter", {}).get("tests", {})
    return sorted(name for name, text in tests.items() if "hidden=True" in str(text))


def build(name, *, exercises=None, solutions=None, autograder=None, run_tests=True,
          sources=SOURCES):
    """Build one assignment and write the outputs asked for; return the written paths."""
    # jsonschema (under nbformat) compiles rfc3987_syntax's grammar at import, seconds of CPU
    # for IRI formats that notebooks never use: marked absent, jsonschema skips that check.
    sys.modules.setdefault("rfc3987_syntax", None)
    import jupytext
    import nbformat
    from otter.assign import main as otter_assign

    source = Path(sources) / f"{name}.py"
    if not source.is_file():
        names = ", ".join(available(sources)) or "none"
        raise BuildError(f"no source {source}; available: {names}")
    master = jupytext.read(source)
    questions = question_configs(master)
    written = []
    with tempfile.TemporaryDirectory(prefix=f"{name}-assign-") as tmp:
        master_path = Path(tmp) / name / f"{name}.ipynb"
        master_path.parent.mkdir()
        nbformat.write(master, master_path)
        log = io.StringIO()
        try:
            with redirect_stdout(log), redirect_stderr(log):
                otter_assign(str(master_path), str(Path(tmp) / "dist"), no_pdfs=True,
                             no_run_tests=not run_tests)
        except RuntimeError as error:
            if str(error).startswith("Some autograder tests failed"):
                raise SolutionFails(str(error)) from None
            raise BuildError(f"otter assign failed: {' '.join(str(error).split())}") from None
        except Exception as error:  # otter's own message names the cell or the failing test
            detail = " ".join(str(error).split())
            raise BuildError(f"otter assign failed: {type(error).__name__}: {detail}") from None
        dist = Path(tmp) / "dist"
        student = nbformat.read(dist / "student" / f"{name}.ipynb", as_version=4)
        leaked = hidden_tests_in(student)
        if leaked:
            raise BuildError(f"hidden tests reached the learner's notebook: {', '.join(leaked)}")
        outputs = [
            (exercises, dist / "student", student),
            (solutions, dist / "autograder",
             nbformat.read(dist / "autograder" / f"{name}.ipynb", as_version=4)),
        ]
        for target, folder, notebook in outputs:
            if target is None:
                continue
            out = Path(target) / name
            if out.exists():
                shutil.rmtree(out)
            out.mkdir(parents=True)
            path = out / f"{name}.ipynb"
            nbformat.write(normalized(notebook), path)
            written.append(path)
            for extra in folder.iterdir():  # support files listed under `files:` in the config
                if extra.suffix not in (".ipynb", ".zip", ".json") and extra.is_file():
                    shutil.copy(extra, out / extra.name)
                    written.append(out / extra.name)
        if autograder is not None:
            (zip_path,) = (dist / "autograder").glob(f"{name}-autograder_*.zip")
            target = Path(autograder) / f"{name}-autograder.zip"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(zip_path, target)
            manifest = {
                "assignment": name,
                "questions": questions,
                "rubric": f"solutions/{name}/{name}.ipynb",
            }
            with zipfile.ZipFile(target, "a") as bundle:
                bundle.writestr(MANIFEST, json.dumps(manifest, indent=2) + "\n")
            written.append(target)
    return written


class OneLineParser(argparse.ArgumentParser):
    """argparse, with its usage errors on one line and exit status 2 (as ``python -m adaptlab``)."""

    def error(self, message):
        self.exit(2, f"assign.py: error: {message}; see 'assign.py --help'.\n")


def main(argv=None):
    parser = OneLineParser(
        description="Build graded assignments (learner notebook, solution, autograder zip) from "
        "course/assignments/<name>.py with otter assign.",
        epilog="Example: assign.py --exercises exercises --solutions solutions a02_oracle",
    )
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"assignments to build (default: all: {', '.join(available())})")
    parser.add_argument("--sources", type=Path, default=SOURCES, metavar="DIR",
                        help="folder of the sources (default course/assignments)")
    parser.add_argument("--exercises", metavar="DIR", help="write DIR/<name>/<name>.ipynb")
    parser.add_argument("--solutions", metavar="DIR", help="write DIR/<name>/<name>.ipynb")
    parser.add_argument("--autograder", metavar="DIR", help="write DIR/<name>-autograder.zip")
    parser.add_argument("--no-run-tests", action="store_true",
                        help="do not check that the solution gets full marks (faster)")
    args = parser.parse_args(argv)
    if not (args.exercises or args.solutions or args.autograder):
        parser.error("nothing to write: give --exercises, --solutions and/or --autograder")
    if not args.sources.is_dir():
        parser.error(f"--sources {args.sources} is not a folder")
    names = args.names or available(args.sources)
    if not names:
        parser.error(f"no assignment source aNN_name.py in {args.sources}")
    unknown = [name for name in names if name not in available(args.sources)]
    if unknown:
        parser.error(f"no source {args.sources / (unknown[0] + '.py')}; "
                     f"available: {', '.join(available(args.sources)) or 'none'}")
    for name in names:
        try:
            paths = build(name, exercises=args.exercises, solutions=args.solutions,
                          autograder=args.autograder, run_tests=not args.no_run_tests,
                          sources=args.sources)
        except BuildError as error:
            print(f"assign.py: error: {name}: {error}", file=sys.stderr)
            return 2
        except SolutionFails as error:
            print(f"assign.py: {name}: the solution does not get full marks.\n{error}",
                  file=sys.stderr)
            return 1
        shown = ", ".join(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
                          for path in paths)
        print(f"{name}: wrote {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Grade a class's notebooks offline, without Docker, into one CSV.

    python course/grading/grade.py --autograder build/autograder/a02_oracle-autograder.zip \\
        submissions/a02/                      # -> build/grades/a02_oracle.csv

SUBMISSIONS is a folder; every .ipynb in it, at any depth, is one submission (checkpoints are
skipped), so both layouts work: ``submissions/a02/alice.ipynb`` and
``submissions/a02/alice/a02_oracle.ipynb``. Its path relative to the folder names the row.

Each submission is graded by otter's non-containerised grader (``otter.api.grade_submission``)
in its own process, with the tests of the autograder zip (public and hidden):

* the whole submission gets ``--timeout`` seconds; past that its process and kernel are killed,
  the row gets 0 automatic points and the message "timed out after N s", and the batch goes on;
* inside it, a step that runs longer than ``--cell-timeout`` seconds (a cell, or one check's call
  into the learner's function) raises TimeoutError, so an endless loop costs the questions it is
  in, not the whole submission (needs SIGALRM: Linux and macOS; elsewhere only --timeout holds).

The CSV has one row per submission: the automatic total, the score of every question and a
message ("ok", "q3 0/3: raised ZeroDivisionError: division by zero", "timed out after 120 s",
...). Its first row, POINTS POSSIBLE, gives each question's points. Questions graded by hand
(``manual: true`` in the source) get no automatic points: their cells are left empty for you to
fill in with the rubric of the solutions notebook, and the message flags a free-text answer that
was left unwritten.

Exit status: 0 when every submission was graded (whatever its score), 2 for bad input.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = "adaptlab-assignment.json"
ANSWER_TAG = "otter_answer_cell"
ANSWER_PLACEHOLDER = "_Type your answer here, replacing this text._"
MESSAGE_LENGTH = 200  # characters of one question's message kept in the CSV

# Put at the top of every submission before it is graded (see the module docstring).
WATCHDOG = '''\
# Inserted by course/grading/grade.py: a step that runs longer than {seconds} s raises TimeoutError.
def _grading_watchdog(seconds):
    import signal, sys
    if not hasattr(signal, "setitimer"):
        return
    # Installed code (numpy, otter, the standard library), frozen modules ("<frozen ...>") and
    # the course library adaptlab, wherever it is loaded from (a checkout, not site-packages):
    # the timer waits for a frame of the learner's cells or of a check.
    library = {{sys.prefix, sys.base_prefix, sys.exec_prefix, "<"}}
    try:
        import os, adaptlab
        library.add(os.path.dirname(adaptlab.__file__))
    except ImportError:
        pass
    library = tuple(library)

    def expired(signum, frame):
        if frame is not None and frame.f_code.co_filename.startswith(library):
            signal.setitimer(signal.ITIMER_REAL, 0.2)  # try again in a moment
            return
        signal.setitimer(signal.ITIMER_REAL, 0.5)  # each later step of this cell gets 0.5 s
        raise TimeoutError(f"ran longer than {{seconds:g}} s: is there a loop that never ends?")

    signal.signal(signal.SIGALRM, expired)
    shell = get_ipython()
    shell.events.register("pre_run_cell", lambda *_: signal.setitimer(signal.ITIMER_REAL, seconds))
    shell.events.register("post_run_cell", lambda *_: signal.setitimer(signal.ITIMER_REAL, 0))


_grading_watchdog({seconds!r})
del _grading_watchdog
'''


def skip_slow_imports():
    """Spare each grading process seconds of start-up.

    jsonschema (under nbformat) imports rfc3987_syntax when it is installed, and that module
    compiles an Earley grammar at import: seconds of CPU, for IRI formats that the notebook
    schema never uses. Marking it absent makes jsonschema skip that one format check.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


class InputError(Exception):
    """Bad input from the command line; the message says what, in one line."""


# --------------------------------------------------------------------------------------------
# The autograder zip and the submissions folder


def read_manifest(autograder):
    """Assignment name and questions (name, points, manual) of an autograder zip."""
    if not autograder.is_file():
        raise InputError(f"autograder zip {autograder} not found: build it with `make autograder`")
    try:
        with zipfile.ZipFile(autograder) as bundle:
            names = bundle.namelist()
            if MANIFEST in names:
                return json.loads(bundle.read(MANIFEST))
            tests = sorted(Path(n).stem for n in names if re.fullmatch(r"tests/[^/]+\.py", n))
    except zipfile.BadZipFile:
        raise InputError(f"{autograder} is not a zip file: give the autograder zip") from None
    if not tests:
        raise InputError(f"{autograder} holds no tests/: is it an otter autograder zip?")
    # An autograder built by plain `otter assign`: the automatic questions only, points unknown.
    name = autograder.name.split("-autograder")[0]
    return {"assignment": name, "questions": [{"name": t, "points": None, "manual": False}
                                              for t in tests]}


def find_submissions(folder):
    """Every notebook under ``folder`` (any depth), checkpoints excluded, sorted by path."""
    if not folder.is_dir():
        raise InputError(f"submissions folder {folder} does not exist or is not a folder")
    found = sorted(path for path in folder.rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in path.parts and path.is_file())
    if not found:
        raise InputError(f"no .ipynb file in {folder}: put one notebook per learner there")
    return found


# --------------------------------------------------------------------------------------------
# One submission, in its own process (``--child``)


def unanswered(notebook, manifest):
    """Manual questions whose free-text answer is missing.

    otter brackets each manual question of the learner's notebook with the comments
    ``<!-- BEGIN QUESTION -->`` and ``<!-- END QUESTION -->``, in the order of the source; the
    prompt cells inside are locked (``editable: false``). A question is unanswered when every
    editable Markdown cell of its block is empty or still holds otter's placeholder.
    """
    manual = [q["name"] for q in manifest["questions"] if q["manual"]]
    blocks, current = [], None
    for cell in notebook.cells:
        is_markdown = cell.cell_type == "markdown"
        if is_markdown and "<!-- END QUESTION -->" in cell.source and current is not None:
            blocks.append(current)
            current = None
        if is_markdown and "<!-- BEGIN QUESTION -->" in cell.source:
            current = []
        if current is not None and is_markdown and cell.metadata.get("editable", True):
            current.append(cell.source.strip())
    if len(blocks) != len(manual):
        return []  # the markers were edited away: nothing reliable to say
    return [name for name, answers in zip(manual, blocks)
            if all(answer in ("", ANSWER_PLACEHOLDER) for answer in answers)]


def failure_summary(message):
    """The learner-facing line of a failed test case: the assertion's message, or the error."""
    lines = (message or "").strip().splitlines()
    if len(lines) >= 4 and lines[1].startswith("Error at line"):
        text = " ".join(" ".join(lines[3:]).split())  # otter: header, where, code line, error
    else:
        text = " ".join(" ".join(lines).split()) or "failed"
    if text.startswith("AssertionError: "):
        return text[len("AssertionError: "):]
    if text.startswith("TimeoutError: "):
        return "timed out: " + text[len("TimeoutError: "):]
    return "raised " + text


def grade_child(submission, autograder, cell_timeout, result_path):
    """Grade one notebook with otter and write its scores and messages as JSON."""
    skip_slow_imports()
    import nbformat

    manifest = read_manifest(autograder)
    try:
        notebook = nbformat.read(submission, as_version=4)
    except Exception as error:
        detail = " ".join(str(error).split())[:MESSAGE_LENGTH]
        result = {"error": f"not a readable notebook ({type(error).__name__}: {detail})"}
        result_path.write_text(json.dumps(result))
        return
    from otter.api import grade_submission  # seconds to import: after the cheap checks

    result = {"unanswered": unanswered(notebook, manifest)}
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}  # this interpreter's kernel
    if cell_timeout:
        notebook.cells.insert(0, nbformat.v4.new_code_cell(WATCHDOG.format(seconds=cell_timeout)))
    with tempfile.TemporaryDirectory() as tmp:
        # The learner's init cell reads the notebook under the assignment's own name.
        copy = Path(tmp) / f"{manifest['assignment']}.ipynb"
        nbformat.write(notebook, copy)
        try:
            results = grade_submission(str(copy), str(autograder), quiet=True)
        except Exception as error:  # e.g. a notebook of another assignment
            detail = " ".join(str(error).split())[:MESSAGE_LENGTH]
            result["error"] = f"otter could not grade it: {type(error).__name__}: {detail}"
            result_path.write_text(json.dumps(result))
            return
    if results.has_catastrophic_failure():
        result["error"] = f"otter could not grade it: {results.catastrophic_error}"
    else:
        result["scores"] = {name: test.score for name, test in results.results.items()}
        result["possible"] = {name: test.possible for name, test in results.results.items()}
        result["failures"] = {
            name: [failure_summary(case.message) for case in test.test_case_results
                   if not case.passed]
            for name, test in results.results.items()
        }
        errors = []
        for cell in (results.notebook.cells if results.notebook else []):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error" and output.get("ename") not in errors:
                    errors.append(output.get("ename"))
        result["notebook_errors"] = errors
    result_path.write_text(json.dumps(result))


# --------------------------------------------------------------------------------------------
# The batch


def kill_tree(process):
    """Kill a process and everything it started (the kernel runs in a session of its own)."""
    try:
        import psutil

        parent = psutil.Process(process.pid)
        for child in parent.children(recursive=True) + [parent]:
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass
    except ImportError:  # psutil comes with IPython; without it, the process group at least
        os.killpg(process.pid, signal.SIGKILL)
    except Exception:
        pass
    process.wait()


def grade_in_process(submission, args):
    """Run ``--child`` on one submission with a timeout; return its result as a dict."""
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        result_path = Path(tmp) / "result.json"
        command = [sys.executable, str(Path(__file__).resolve()), "--child", str(result_path),
                   "--autograder", str(args.autograder.resolve()),
                   "--cell-timeout", str(args.cell_timeout), str(submission.resolve())]
        env = dict(os.environ, TMPDIR=tmp, JUPYTER_RUNTIME_DIR=tmp, PYTHONWARNINGS="ignore")
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, env=env, cwd=tmp, start_new_session=True)
        try:
            _, stderr = process.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            kill_tree(process)
            return {"timeout": True}
        if result_path.is_file():
            result = json.loads(result_path.read_text())
        else:
            lines = [line for line in stderr.splitlines() if line.strip()]
            result = {"error": f"the grader crashed: {lines[-1] if lines else process.returncode}"}
    return result


def points(value):
    """A score as the CSV shows it: at most 3 decimals, no trailing zeros."""
    return f"{round(value, 3):g}"


def row_for(name, result, manifest, args):
    """One CSV row: submission, automatic total, one score per question, message."""
    questions = manifest["questions"]
    row = {"submission": name}
    messages = []
    if result.get("timeout") or "error" in result:
        for q in questions:
            row[q["name"]] = "" if q["manual"] else "0"
        row["total"] = "0"
        messages.append(f"timed out after {args.timeout:g} s: not graded (an endless loop outside "
                        "any function, or a very slow machine: rerun with a larger --timeout)"
                        if result.get("timeout") else result["error"])
    else:
        total = 0.0
        for q in questions:
            if q["manual"]:
                row[q["name"]] = ""
                continue
            score = result["scores"].get(q["name"], 0.0)
            possible = result["possible"].get(q["name"], q["points"])
            total += score
            row[q["name"]] = points(score)
            if score < possible - 1e-9:
                failures = result["failures"].get(q["name"]) or ["no result"]
                detail = failures[0]
                if len(detail) > MESSAGE_LENGTH:
                    detail = detail[:MESSAGE_LENGTH - 3] + "..."
                more = f" (+{len(failures) - 1} more failed)" if len(failures) > 1 else ""
                messages.append(f"{q['name']} {points(score)}/{points(possible)}: {detail}{more}")
        row["total"] = points(total)
        if result.get("notebook_errors"):
            messages.append("the notebook raised " + ", ".join(result["notebook_errors"]))
        for question in result.get("unanswered", []):
            messages.append(f"{question}: no answer written")
    row["message"] = " | ".join(messages) or "ok"
    return row


def write_csv(path, rows, manifest):
    """The CSV: a POINTS POSSIBLE row, then one row per submission."""
    questions = manifest["questions"]
    manual = [q for q in questions if q["manual"]]
    automatic = sum(q["points"] or 0 for q in questions if not q["manual"])
    header = {"submission": "POINTS POSSIBLE", "total": points(automatic),
              **{q["name"]: "" if q["points"] is None else points(q["points"]) for q in questions}}
    note = "total counts automatic points only"
    if manual:
        note = (f"{', '.join(q['name'] for q in manual)} "
                f"({points(sum(q['points'] for q in manual))} points) are graded by hand with the "
                f"rubric in {manifest.get('rubric', 'the solutions notebook')}; " + note)
    header["message"] = note
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = ["submission", "total", *(q["name"] for q in questions), "message"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerow(header)
        writer.writerows(rows)


def positive(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


class OneLineParser(argparse.ArgumentParser):
    """argparse, with its usage errors on one line and exit status 2 (as ``python -m adaptlab``)."""

    def error(self, message):
        self.exit(2, f"grade.py: error: {message}; see 'grade.py --help'.\n")


def main(argv=None):
    parser = OneLineParser(
        description="Grade every notebook of a folder with an otter autograder zip, each in its "
        "own process with a timeout, without Docker, into one CSV.",
        epilog="Example: grade.py --autograder build/autograder/a02_oracle-autograder.zip "
        "submissions/a02",
    )
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS",
                        help="folder of submitted notebooks (any depth)")
    parser.add_argument("--autograder", type=Path, required=True, metavar="ZIP",
                        help="the autograder zip (make autograder)")
    parser.add_argument("--output", type=Path, metavar="CSV",
                        help="where to write the CSV (default build/grades/<assignment>.csv)")
    parser.add_argument("--timeout", type=positive, default=120.0, metavar="S",
                        help="seconds per submission before it is killed (default 120)")
    parser.add_argument("--cell-timeout", type=positive, default=10.0, metavar="S",
                        help="seconds per cell or check call before it raises TimeoutError "
                        "(default 10)")
    parser.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="submissions graded at the same time (default 1)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        grade_child(args.submissions, args.autograder, args.cell_timeout, args.child)
        return 0
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    try:
        manifest = read_manifest(args.autograder)
        submissions = find_submissions(args.submissions)
    except InputError as error:
        parser.error(str(error))
    output = args.output or ROOT / "build" / "grades" / f"{manifest['assignment']}.csv"
    if output.exists() and output.is_dir():
        parser.error(f"--output {output} is a folder: give a file name")

    from tqdm import tqdm

    started = time.monotonic()
    names = [str(path.relative_to(args.submissions)) for path in submissions]
    rows = {}
    with ThreadPoolExecutor(max_workers=args.jobs) as pool, \
            tqdm(total=len(submissions), desc="grading", unit="notebook") as bar:
        futures = {pool.submit(grade_in_process, path, args): name
                   for path, name in zip(submissions, names)}
        for future in futures:
            name = futures[future]
            rows[name] = row_for(name, future.result(), manifest, args)
            bar.update()
    write_csv(output, [rows[name] for name in names], manifest)
    print(f"graded {len(names)} submissions of {manifest['assignment']} in "
          f"{time.monotonic() - started:.0f} s into {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

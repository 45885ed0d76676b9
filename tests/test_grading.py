"""Grading a class offline: course/grading/grade.py on submissions made here.

Three submissions of assignment 2 go through one run: the committed solution (full marks), the
untouched exercise in a per-learner subfolder (0, with the checks' messages) and a broken one
whose q2 raises ZeroDivisionError and whose q3 loops forever (a score and a message per
question, and the run completes). Timeouts are kept small and can be raised on a slow machine:
ADAPTLAB_GRADING_TIMEOUT (seconds per submission, default 120) and
ADAPTLAB_GRADING_CELL_TIMEOUT (seconds per cell before TimeoutError, default 4).
"""
import csv
import os
import re
import shutil
import time

import nbformat
import pytest

from assignment_build import GRADE, ROOT, built, run

TIMEOUT = float(os.environ.get("ADAPTLAB_GRADING_TIMEOUT", 120))
CELL_TIMEOUT = float(os.environ.get("ADAPTLAB_GRADING_CELL_TIMEOUT", 4))
ZIP = "autograder/a02_oracle-autograder.zip"


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["submission"]: row for row in csv.DictReader(handle)}


def broken_solution(path, *, replacements):
    """The committed solution with some functions' bodies replaced."""
    notebook = nbformat.read(ROOT / "solutions" / "a02_oracle" / "a02_oracle.ipynb", 4)
    for cell in notebook.cells:
        for start, source in replacements.items():
            if cell.cell_type == "code" and cell.source.startswith(start):
                cell.source = source
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    shutil.copy(ROOT / "solutions" / "a02_oracle" / "a02_oracle.ipynb", folder / "solution.ipynb")
    (folder / "untouched").mkdir()
    shutil.copy(ROOT / "exercises" / "a02_oracle" / "a02_oracle.ipynb", folder / "untouched")
    broken_solution(folder / "broken.ipynb", replacements={
        "def oracle_costs": "def oracle_costs(correct, costs):\n    return 1 / 0\n",
        "def two_state_cost": "def two_state_cost(R1, R2, A1, A2, alpha2):\n"
                              "    while True:\n        pass\n",
    })
    output = folder.parent / "grades.csv"
    started = time.monotonic()
    done = run(GRADE, "--autograder", built() / ZIP, "--output", output, "--jobs", 2,
               "--timeout", TIMEOUT, "--cell-timeout", CELL_TIMEOUT, folder)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    return read_csv(output), seconds, output.read_text(encoding="utf-8")


def test_points_possible_row_and_columns(graded):
    rows = graded[0]
    assert list(rows) == ["POINTS POSSIBLE", "broken.ipynb", "solution.ipynb",
                          "untouched/a02_oracle.ipynb"]
    possible = rows["POINTS POSSIBLE"]
    assert list(possible) == ["submission", "total", "q1", "q2", "q3", "q4", "q5", "q6",
                              "message"]
    assert [possible[q] for q in ("total", "q1", "q2", "q3", "q4", "q5", "q6")] == \
        ["11", "2", "3", "3", "3", "2", "2"]
    assert possible["message"].startswith("q5, q6 (4 points) are graded by hand with the rubric")


def test_solution_gets_full_marks(graded):
    row = graded[0]["solution.ipynb"]
    assert (row["total"], row["q1"], row["q2"], row["q3"], row["q4"]) == ("11", "2", "3", "3", "3")
    assert (row["q5"], row["q6"], row["message"]) == ("", "", "ok")


def test_untouched_exercise_gets_zero_and_the_checks_messages(graded):
    row = graded[0]["untouched/a02_oracle.ipynb"]
    assert [row[q] for q in ("total", "q1", "q2", "q3", "q4")] == ["0"] * 5
    for says in ("q1 0/2: oracle_choice returned None", "q2 0/3: selection_cost is still the "
                 "placeholder", "q3 0/3: two_state_cost returned nothing",
                 "q4 0/3: measure_alphas returned None", "q5: no answer written",
                 "q6: no answer written"):
        assert says in row["message"], row["message"]


def test_a_raising_and_a_looping_answer_cost_their_questions_only(graded):
    rows, seconds, _ = graded
    row = rows["broken.ipynb"]
    assert (row["q1"], row["q2"], row["q3"]) == ("2", "0", "0")
    assert row["q4"] == "2.4"  # its last cell calls the broken oracle_costs
    assert row["total"] == "4.4"
    assert "q2 0/3: raised ZeroDivisionError: division by zero" in row["message"]
    assert "q3 0/3: timed out: ran longer than" in row["message"]
    assert "q4 2.4/3: selection_cost is None: did the function it comes from" in row["message"]
    assert seconds < 3 * TIMEOUT


def test_a_submission_past_its_timeout_is_killed_and_the_batch_goes_on(tmp_path):
    """A kernel spinning in the first cell, then a file that is no notebook, then a notebook
    of another assignment: each gets a row and a message."""
    import psutil

    marker = tmp_path / "kernel.pid"
    folder = tmp_path / "class"
    folder.mkdir()
    broken_solution(folder / "a-spins.ipynb", replacements={  # its first cell never ends
        "import numpy as np": f"import os, pathlib\npathlib.Path({str(marker)!r}).write_text("
                              f"str(os.getpid()))\nwhile True:\n    pass\n"})
    (folder / "b-garbage.ipynb").write_text("{ not json", encoding="utf-8")
    other = nbformat.read(ROOT / "exercises" / "a02_oracle" / "a02_oracle.ipynb", 4)
    other.metadata["otter"]["assignment_name"] = "a03_other"
    nbformat.write(other, folder / "c-other.ipynb")
    done = run(GRADE, "--autograder", built() / ZIP, "--output", tmp_path / "grades.csv",
               "--timeout", 15, "--cell-timeout", 1000, folder)
    assert done.returncode == 0, done.stderr
    rows = read_csv(tmp_path / "grades.csv")
    assert rows["a-spins.ipynb"]["total"] == "0"
    assert rows["a-spins.ipynb"]["message"].startswith("timed out after 15 s: not graded")
    assert rows["b-garbage.ipynb"]["total"] == "0"
    assert rows["b-garbage.ipynb"]["message"].startswith("not a readable notebook")
    assert rows["c-other.ipynb"]["message"] == (
        "otter could not grade it: OtterRuntimeError: Received submission for assignment "
        "'a03_other' (this is assignment 'a02_oracle')")
    if not marker.exists():
        pytest.skip("the kernel did not reach the endless loop within 15 s: machine too busy")
    pid = int(marker.read_text())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE, \
        "the spinning kernel outlived its grading"


def test_grade_refuses_bad_input_in_one_line(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "not-a-zip.zip").write_text("hello", encoding="utf-8")
    (tmp_path / "class").mkdir()
    shutil.copy(ROOT / "exercises" / "a02_oracle" / "a02_oracle.ipynb", tmp_path / "class")
    zip_path = built() / ZIP
    cases = [
        (["--autograder", zip_path, tmp_path / "missing"], "does not exist"),
        (["--autograder", zip_path, tmp_path / "empty"], "no .ipynb file in"),
        (["--autograder", tmp_path / "missing.zip", tmp_path / "class"], "make autograder"),
        (["--autograder", tmp_path / "not-a-zip.zip", tmp_path / "class"], "is not a zip file"),
        (["--autograder", zip_path, "--timeout", "0", tmp_path / "class"], "positive number"),
        (["--autograder", zip_path, "--jobs", "0", tmp_path / "class"], "--jobs must be"),
        ([tmp_path / "class"], "--autograder"),
    ]
    for args, says in cases:
        done = run(GRADE, *args, timeout=60)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith("grade.py: error: ") and done.stderr.count("\n") == 1
        assert says in done.stderr and "Traceback" not in done.stderr, done.stderr


@pytest.mark.skipif(CELL_TIMEOUT != 4, reason="the README shows the CSV of --cell-timeout 4")
def test_grading_readme_shows_this_csv(graded):
    readme = (ROOT / "course" / "grading" / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- output: grades -->\s*```text\n(.*?)```", readme, re.S).group(1)
    produced = graded[2].replace("\r\n", "\n")
    assert block == produced, f"course/grading/README.md should show:\n{produced}"

"""The graded assignments: committed as their sources build them, safe to hand out, and teaching.

* Drift: exercises/ and solutions/ must be what ``course/grading/assign.py`` builds from
  ``course/assignments/<name>.py`` today. Compared: the notebook's ``kernelspec`` and ``otter``
  metadata (the tests live there) and, cell by cell, type, source, tags and the locks
  (``editable``/``deletable``). Ignored, because they carry no content and editors rewrite them:
  cell ids (the build derives them from the content; Jupyter may renumber them), execution
  counts and outputs (the committed notebooks must have none, checked separately), and every
  other metadata key (``language_info``, ``collapsed``, ``scrolled``, ... that a save adds).
* Safe: the learner's notebook holds no hidden test, no solution line and no rubric.
* Teaching: the learner's notebook runs top to bottom as shipped and every check fails with its
  teaching message; each usual mistake makes a public check name it; the solution passes every
  test, public and hidden.
"""
import difflib
import re
import shutil

import nbformat
import numpy as np
import pytest

from adaptlab import bounds
from adaptlab.simulate import correlated_models
from assignment_build import ASSIGN, NAMES, ROOT, built, course_env, run
from otter.test_files.exception_test import ExceptionTestFile

KINDS = ("exercises", "solutions")


def read(path):
    return nbformat.read(path, as_version=4)


def committed(kind, name):
    return read(ROOT / kind / name / f"{name}.ipynb")


def comparable_cells(notebook):
    """Per cell, what must not drift (see the module docstring)."""
    return [
        {
            "type": cell.cell_type,
            "source": cell.source,
            "tags": cell.metadata.get("tags", []),
            "editable": cell.metadata.get("editable", True),
            "deletable": cell.metadata.get("deletable", True),
        }
        for cell in notebook.cells
    ]


def first_difference(old, new):
    """A readable account of the first cell where two notebooks differ, or None."""
    for index, (a, b) in enumerate(zip(old, new)):
        if a != b:
            diff = "\n".join(difflib.unified_diff(a["source"].splitlines(),
                                                  b["source"].splitlines(), "committed",
                                                  "built", lineterm=""))
            return f"cell {index} differs: {({k: a[k] for k in a if a[k] != b[k]})}\n{diff}"
    if len(old) != len(new):
        return f"{len(old)} cells committed, {len(new)} built"
    return None


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", NAMES)
def test_committed_notebooks_are_what_the_source_builds(name, kind):
    old, new = committed(kind, name), read(built() / kind / name / f"{name}.ipynb")
    stale = f"{kind}/{name} is stale: run `make assignments` and commit the result. "
    for key in ("kernelspec", "otter"):
        assert old.metadata.get(key) == new.metadata.get(key), stale + f"metadata {key} differs"
    difference = first_difference(comparable_cells(old), comparable_cells(new))
    assert difference is None, stale + difference


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", NAMES)
def test_committed_notebooks_have_no_outputs(name, kind):
    for cell in committed(kind, name).cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, (
                f"{kind}/{name}: outputs committed in {cell.source[:60]!r}")


def solution_lines(name):
    """Distinctive lines of a source's solutions: in SOLUTION blocks or marked # SOLUTION."""
    text = (ROOT / "course" / "assignments" / f"{name}.py").read_text(encoding="utf-8")
    lines, inside = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.endswith("# END SOLUTION"):
            inside = False
        elif stripped.endswith("# BEGIN SOLUTION") and not stripped.startswith("# # "):
            inside = True
        elif (inside or stripped.endswith("# SOLUTION")) and len(stripped) > 20:
            lines.append(stripped.removesuffix("# SOLUTION").strip())
    return lines


def hidden_test_names(solutions):
    """Names of the hidden test functions in a solutions notebook's metadata."""
    names = []
    for text in solutions.metadata["otter"]["tests"].values():
        names += re.findall(r"hidden=True\)\ndef (\w+)", text)
    return names


@pytest.mark.parametrize("name", NAMES)
def test_learner_notebook_holds_no_hidden_test_no_solution_no_rubric(name):
    learner, solution = committed("exercises", name), committed("solutions", name)
    folder = ROOT / "exercises" / name
    text = "\n".join(path.read_text(encoding="utf-8")
                     for path in folder.rglob("*") if path.is_file())
    sources = "\n".join(cell.source for cell in learner.cells)
    tests = "\n".join(learner.metadata["otter"]["tests"].values())
    hidden = hidden_test_names(solution)
    assert hidden, "the solution should hold hidden tests"
    assert "hidden=True" not in text
    for test in hidden:
        assert test not in text, f"hidden test {test} is in exercises/{name}"
    lines = solution_lines(name)
    assert len(lines) >= 10
    for line in lines:
        assert line not in sources and line not in tests, f"solution line in exercises: {line}"
    for marker in ("Rubric", "Model answer", "BEGIN SOLUTION", "# SOLUTION", "# HIDDEN"):
        assert marker not in text, f"{marker!r} in exercises/{name}"


def check_outputs(notebook):
    """The text each ``grader.check("qN")`` cell showed, by question."""
    shown = {}
    for cell in notebook.cells:
        match = re.fullmatch(r'grader\.check\("(\w+)"\)', cell.source.strip())
        if match:
            shown[match.group(1)] = "".join(
                output.get("data", {}).get("text/plain", "") + output.get("text", "")
                for output in cell.outputs)
    return shown


FIRST_MESSAGES = {  # what the first failing check of each question says on the notebook as shipped
    "a02_oracle": {
        "q1": "oracle_choice returned None: did you forget the `return` line?",
        "q2": "selection_cost is still the placeholder `...`: replace it with its formula.",
        "q3": "two_state_cost returned nothing: replace `...` by `return` and your formula.",
        "q4": "measure_alphas returned None: did you forget the `return` line?",
    },
}


@pytest.mark.parametrize("name", NAMES)
def test_learner_notebook_runs_as_shipped_and_every_check_fails_with_its_message(name, tmp_path):
    from nbclient import NotebookClient

    shutil.copy(ROOT / "exercises" / name / f"{name}.ipynb", tmp_path)
    notebook = read(tmp_path / f"{name}.ipynb")
    client = NotebookClient(notebook, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=course_env())  # raises CellExecutionError if any cell fails
    shown = check_outputs(notebook)
    assert sorted(shown) == sorted(committed("exercises", name).metadata["otter"]["tests"])
    for question, output in shown.items():
        assert "❌ Test case failed" in output and "✅" not in output, output
    for question, message in FIRST_MESSAGES.get(name, {}).items():
        assert f"AssertionError: {message}" in shown[question], shown[question]


# ---------------------------------------------------------------------------------------------
# The checks, run in this process on the solution's code with one mistake put in


def notebook_namespace(notebook, replace=None):
    """Run a built notebook's code cells (not otter's) in a fresh namespace, like Run All.

    ``replace`` is ``(old, new)``: a solution line and the mistake put in its place; cells that
    the mistake breaks raise, and the next cells run anyway.
    """
    namespace = {"__name__": "__main__"}
    found = 0
    for cell in notebook.cells:
        source = cell.source
        if cell.cell_type != "code" or "otter" in source or source.startswith("grader."):
            continue
        if replace and replace[0] in source:
            source = source.replace(*replace)
            found += 1
        try:
            exec(compile(source, "<notebook cell>", "exec"), namespace)
        except Exception:
            if replace is None:
                raise
    assert replace is None or found == 1, f"{replace[0]!r} found in {found} cells"
    return namespace


def solution_namespace(name, replace=None):
    """The committed solution of an assignment, run in this process (see notebook_namespace)."""
    return notebook_namespace(committed("solutions", name), replace)


def run_tests(notebook, question, namespace):
    """Run a question's tests from a notebook's metadata; return the failed cases' messages."""
    test = ExceptionTestFile.from_string(notebook.metadata["otter"]["tests"][question],
                                         path=f"{question}.py")
    test.run(namespace)
    return [result.message for result in test.test_case_results if not result.passed]


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_every_test_in_process(name, capsys):
    solution = committed("solutions", name)
    namespace = solution_namespace(name)
    for question in solution.metadata["otter"]["tests"]:
        assert run_tests(solution, question, namespace) == [], question


# Per assignment: question, a line of the solution, the mistake put in its place, and what a
# public check must then say. Every assignment should list the mistakes its checks name.
MISTAKES = {"a02_oracle": [
    ("q1", "choice = np.zeros(n_instances, dtype=int)",
     "choice = np.full(n_instances, n_states - 1)",
     "Did you pick the largest state when no state is right?"),
    ("q1", "choice = np.zeros(n_instances, dtype=int)", "choice = np.zeros(n_instances)",
     "should return integer column indices"),
    ("q1", "    return choice", "    return correct.argmax(axis=0)",
     "one state index per instance (row)"),
    ("q2", "accuracy = correct.any(axis=1).mean()", "accuracy = correct[:, -1].mean()",
     "0.5 is the large state's own accuracy A_N"),
    ("q2", "accuracy = correct.any(axis=1).mean()", "accuracy = 1.0",
     "1.0 would be a label oracle"),
    ("q2", "selection_cost = costs[choice].mean()",
     "selection_cost = np.cumsum(costs)[choice].mean()", "3.5 is the sequential cost"),
    ("q2", "sequential_cost = np.cumsum(costs)[choice].mean()",
     "sequential_cost = costs[choice].mean()", "That is the selection cost"),
    ("q2", "selection_cost = costs[choice].mean()", "selection_cost = costs[choice]",
     "should be one number (an average over the instances)"),
    ("q2", "choice = oracle_choice(correct)",
     "choice = np.where(correct.any(axis=1), correct.argmax(axis=1), correct.shape[1] - 1)",
     "did you pay for the smallest state when no state is right?"),
    ("q3", "return R1 + (R2 - R1) * p_ia", "return (R2 - R1) * p_ia", "You left out R_1"),
    ("q3", "p_ii = alpha2 * (1 - A2)", "p_ii = 1 - A2", "the value for alpha_2 = 1"),
    ("q3", "p_ia = (1 - A1) - p_ii", "p_ia = (1 - A1) + p_ii", "check the sign"),
    ("q3", "return R1 + (R2 - R1) * p_ia", "return R1 + R2 * p_ia",
     "the extra cost is R_2 - R_1"),
    ("q3", "p_ii = alpha2 * (1 - A2)", "p_ii = alpha2 * (1 - A1)",
     "alpha_2 multiplies the large state's error rate"),
    ("q4", "n_all_wrong = wrong[:, : i + 1].all(axis=1).sum()",
     "n_all_wrong = (wrong[:, i - 1] & wrong[:, i]).sum()", "ALL smaller states"),
    ("q4", "alphas[i] = n_all_wrong / n_wrong",
     "alphas[i] = n_all_wrong / wrong[:, :i].all(axis=1).sum()",
     "divide by the count of instances where state i is wrong"),
    ("q4", "alphas[i] = n_all_wrong / n_wrong", "alphas[i] = n_all_wrong / len(wrong)",
     "joint probability"),
    ("q4", "alphas = np.full(n_states, np.nan)", "alphas = np.zeros(n_states)",
     "Entry 0 should be NaN"),
]}
CASES = [(name, *mistake) for name, mistakes in MISTAKES.items() for mistake in mistakes]


@pytest.mark.parametrize("name, question, line, mistake, says", CASES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_public_checks_name_the_usual_mistakes(name, question, line, mistake, says, capsys):
    namespace = solution_namespace(name, replace=(line, mistake))
    failures = run_tests(committed("exercises", name), question, namespace)
    assert failures, f"no public check of {question} catches: {mistake}"
    assert any(says in failure for failure in failures), "\n\n".join(failures)


def test_a02_rubric_quotes_the_numbers_the_notebook_prints():
    costs = np.array([1.0, 4.0, 20.0])
    correct = correlated_models([0.62, 0.78, 0.86], n_instances=5000, correlation=0.7,
                                seed=2).correct
    exact = bounds.oracle(correct, costs)
    gap = exact.sequential_cost - exact.selection_cost
    text = " ".join(" ".join(cell.source.split()) for cell in
                    committed("solutions", "a02_oracle").cells if cell.cell_type == "markdown")
    for quoted in [
        f"(quotes the printed value, about {exact.accuracy:.2f})",
        f"here about {exact.exit_share[1]:.2f} of the instances pay 1 GFLOP more and about "
        f"{exact.exit_share[2]:.2f} pay 5 GFLOPs more, {gap:.2f} GFLOPs in all",
        f"gap about {gap:.2f} GFLOPs",
    ]:
        assert quoted in text, f"the solutions should say: {quoted}"


# ---------------------------------------------------------------------------------------------
# The build tool's command line


def test_assign_refuses_bad_input_in_one_line(tmp_path):
    cases = [
        (["--exercises", tmp_path / "out", "a99_nothing"], "no source"),
        (["a02_oracle"], "nothing to write"),
        (["--sources", tmp_path / "missing", "--exercises", tmp_path / "out"], "is not a folder"),
    ]
    (tmp_path / "bad").mkdir()
    source = (ROOT / "course" / "assignments" / "a02_oracle.py").read_text(encoding="utf-8")
    (tmp_path / "bad" / "a98_nopoints.py").write_text(
        source.replace("# name: q1\n# points: 2\n", "# name: q1\n"), encoding="utf-8")
    cases.append((["--sources", tmp_path / "bad", "--exercises", tmp_path / "out"],
                  "question q1 has no points"))
    for args, says in cases:
        done = run(ASSIGN, *args)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith("assign.py: error: ") and done.stderr.count("\n") == 1
        assert says in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_authoring_guide_example_builds_runs_and_teaches(tmp_path):
    guide = (ROOT / "course" / "assignments" / "README.md").read_text(encoding="utf-8")
    example = re.search(r"<!-- example: a99_example.py -->\s*```python\n(.*?)```", guide, re.S)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a99_example.py").write_text(example.group(1), encoding="utf-8")
    done = run(ASSIGN, "--no-run-tests", "--sources", tmp_path / "sources",
               "--exercises", tmp_path / "exercises", "--solutions", tmp_path / "solutions")
    assert done.returncode == 0, done.stderr
    solution = read(tmp_path / "solutions" / "a99_example" / "a99_example.ipynb")
    learner = read(tmp_path / "exercises" / "a99_example" / "a99_example.ipynb")
    assert run_tests(solution, "q1", notebook_namespace(solution)) == []
    assert hidden_test_names(solution) == ["test_q1_more_values"]
    assert "test_q1_more_values" not in str(learner)
    failures = run_tests(learner, "q1", notebook_namespace(learner))
    assert len(failures) == 1 and "r_ratio returned nothing" in failures[0]
    mistake = notebook_namespace(solution, ("return largest_cost / cost",
                                            "return cost / largest_cost"))
    assert "0.4 is R / R_N" in run_tests(learner, "q1", mistake)[0]

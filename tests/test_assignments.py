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
    # Everything shipped to learners; .OTTER_LOG is the log grader.check writes where a learner
    # (or a test run) works through the notebook, never shipped (.gitignore).
    text = "\n".join(path.read_text(encoding="utf-8")
                     for path in folder.rglob("*") if path.is_file() and path.name != ".OTTER_LOG")
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
    "a03_bounds": {
        "q1": "eq7 returned None: did you forget `return selection_cost, accuracy`?",
        "q2": "eq9_shares returned None: did you forget `return shares`?",
        "q3": "eq8_line returned None: did you forget `return cost_at_0, cost_slope, "
              "accuracy_slope`?",
        "q4": "knob_table's table has no column",
    },
    "a04_state_space": {
        "q1": "pareto_front returned None: did you forget to return the indices you kept?",
        "q3": "n_wrong is still the placeholder `...` (or not defined): count it.",
        "q4": "oracle_selection is still the placeholder `...` (or not defined): measure it.",
        "q5": "removal_costs's table has no column ['exact_at_A_N', 'bound']",
    },
}
FIRST_MESSAGES["a05_torch_states"] = {
    "q1": "conv2d_flops returned None: did you forget to return the count?",
    "q2": "early_exit_costs returned None: did you forget the `return` line?",
    "q3": "oracle_exit_shares returned None: did you forget the `return` line?",
    "q4": "alpha_N_exits is still the placeholder `...` (or not defined): measure it.",
}
FIRST_MESSAGES["a07_design"] = {
    "q1": "two_state_cost returned nothing: replace `...` by `return` and your formula.",
    "q2": "random_first_cost returned None: did you forget the `return` line?",
    "q3": "granularity_savings returned None: did you forget the `return` line?",
    "q4": "best_subset_brute returned None: did you forget the `return` line?",
    "q5": "r_ratio_all is still the placeholder `...` (or not defined): measure it.",
}
FIRST_MESSAGES["a06_routers"] = {
    "q1": "margin_scores returned None: did you forget the `return` line?",
    "q2": "cascade_point returned None: did you forget to return the pair (accuracy, sequential_cost)?",
    "q3": "cheapest_threshold returned None on a target that can be reached",
    "q4": "agreement_share returned None: did you forget the `return` line?",
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
MISTAKES["a03_bounds"] = [
    ("q1", "a[i - 2] * (R[i - 1] - R[i - 2]) * (1 - A[i - 2])",
     "a[i - 1] * (R[i - 1] - R[i - 2]) * (1 - A[i - 1])", "the appendix's slip"),
    ("q1", "a[i - 2] * (R[i - 1]", "a[i - 1] * (R[i - 1]", "both carry the index i - 1"),
    ("q1", "cost_sum -= (R[-1] - R[0]) * p_all_wrong", "cost_sum -= 0.0",
     "You left out the last term"),
    ("q1", "(R[-1] - R[0]) * p_all_wrong", "R[-1] * p_all_wrong", "refunds R_N - R_1"),
    ("q1", "for i in range(3, N + 1):", "for i in range(3, N):", "Your sum added nothing"),
    ("q1", "for i in range(3, N + 1):", "for i in range(2, N + 1):", "your R_oracle is NaN"),
    ("q1", "return cost_sum, 1.0 - p_all_wrong", "return cost_sum, A[-1]", "0.85 is A_N"),
    ("q1", "return cost_sum, 1.0 - p_all_wrong", "return cost_sum, 1.0 - a[-1]",
     "you left out (1 - A_N)"),
    ("q2", "shares[0] = 1.0 - A[-1] + A[0]", "shares[0] = A[0]", "They sum to A_N"),
    ("q2", "shares[0] = 1.0 - A[-1] + A[0]", "shares[0] = 1.0 - A[0]", "not 1 - A_1"),
    ("q2", "    return shares\n", "    return shares[1:]\n", "Did you forget s_1"),
    ("q2", "return R[0] + float(np.sum(R[1:] * run_share))",
     "return R[0] + float(np.sum((R[1:] - R[0]) * np.diff(A)))", "the selection cost, Eq 9"),
    ("q2", "run_share = A[-1] - A[:-1]", "run_share = A[-1] - A[1:]", "Off by one"),
    ("q2", "return R[0] + float(", "return 0 + float(", "You left out R_1"),
    ("q2", "run_share = A[-1] - A[:-1]", "run_share = 1 - A[:-1]", "stop at state 1"),
    ("q3", "optimistic_cost = R[0] + (R[1] - R[0]) * (1 - A[0])", "optimistic_cost = R[0]",
     "still climb to state 2"),
    ("q3", "np.sum((R[2:] - R[1:-1]) * (1 - A[1:-1]))", "np.sum((R[1:] - R[:-1]) * (1 - A[:-1]))",
     "You included (R_2 - R_1)(1 - A_1) in the slope"),
    ("q3", "(1 - A[1:-1]))", "(1 - A[2:]))", "not (1 - A_i)"),
    ("q3", " - (R[-1] - R[0]) * (1 - A[-1])", "", "You left out - (R_N - R_1)(1 - A_N)"),
    ("q3", "(R[-1] - R[0]) * (1 - A[-1])", "R[-1] * (1 - A[-1])", "not R_N (1 - A_N)"),
    ("q3", "float(bracket), -(1 - A[-1])", "float(bracket), (1 - A[-1])", "Check the sign"),
    ("q3", "float(bracket), -(1 - A[-1])", "float(bracket), -A[-1]", "not -A_N"),
    ("q4", "target_accuracy=measured[-1])", "target_accuracy=oracle.accuracy)",
     "That is the oracle at its own accuracy"),
    ("q4", '"exact_cost": oracle.selection_cost', '"exact_cost": oracle.sequential_cost',
     "That is the sequential cost"),
    ("q4", "bounds.conservative(costs, measured).selection_cost",
     "bounds.conservative(costs, measured).sequential_cost", "That is Eq 9's sequential cost"),
    ("q4", '"alpha_N": bounds.alphas(correct)[-1]',
     '"alpha_N": np.nanmean(bounds.alphas(correct)[1:])', "That is the mean alpha"),
    ("q4", 'table["bound_cost"] - table["exact_at_A_N"]', 'table["bound_cost"] - table["exact_cost"]',
     "You compared exact_cost"),
    ("q4", 'gap <= tolerance * table["bound_cost"]', "gap <= tolerance", "absolute tolerance"),
    ("q4", "close.min()", "close.max()", "the last close row"),
    ("q4", 'tolerance * table["bound_cost"]', '0.05 * table["bound_cost"]',
     "Did you use the tolerance argument"),
]
MISTAKES["a04_state_space"] = [
    ("q1", "if accuracies[state] > best_so_far:", "if accuracies[state] >= best_so_far:",
     "Keep a state only if it is MORE accurate"),
    ("q1", "            kept.append(int(state))\n            best_so_far = accuracies[state]",
     "            kept.append(int(state))\n        best_so_far = accuracies[state]",
     "not with the previous state"),
    ("q1", "return np.array(kept, dtype=int)", "return np.isin(np.arange(len(costs)), kept)",
     "boolean array"),
    ("q1", "return np.array(kept, dtype=int)", "return np.array(kept, dtype=float)",
     "integer indices"),
    ("q1", "order = np.lexsort((-accuracies, costs))", "order = np.arange(len(costs))",
     "walk from the cheapest"),
    ("q1", "return np.array(kept, dtype=int)", "return np.sort(np.array(kept, dtype=int))",
     "ordered by index"),
    ("q1", "val_front = pareto_front(family.costs, val_accuracies)",
     "val_front = pareto_front(family.costs, family.accuracies)", "That is the test frontier"),
    ("q3", "n_wrong = wrong.sum(axis=0)", "n_wrong = front_correct.sum(axis=0)",
     "Those are the images each state gets RIGHT"),
    ("q3", "n_wrong = wrong.sum(axis=0)", "n_wrong = wrong.sum(axis=1)", "You counted per image"),
    ("q3", "n_all_wrong = np.logical_and.accumulate(wrong, axis=1).sum(axis=0)",
     "n_all_wrong = np.full(wrong.shape[1], wrong.all(axis=1).sum())",
     "you counted the images ALL states get wrong"),
    ("q3", "n_all_wrong = np.logical_and.accumulate(wrong, axis=1).sum(axis=0)",
     "n_all_wrong = np.concatenate([[wrong[:, 0].sum()], "
     "(wrong[:, 1:] & wrong[:, :-1]).sum(axis=0)])", "only state i - 1 and state i"),
    ("q3", "n_all_wrong[1:] / n_wrong[1:]", "n_wrong[1:] / n_all_wrong[1:]", "above 1"),
    ("q3", "n_all_wrong[1:] / n_wrong[1:]", "n_all_wrong[1:] / len(wrong)",
     "You divided by the number of test images"),
    ("q3", "n_all_wrong[1:] / n_wrong[1:]", "n_all_wrong[1:] / n_all_wrong[:-1]",
     "You divided by the images states 1..i-1 all get wrong"),
    ("q3", "np.concatenate([[np.nan], n_all_wrong[1:] / n_wrong[1:]])", "n_all_wrong / n_wrong",
     "Entry 0 of alpha_counted should be NaN"),
    ("q3", "np.nanmax(alpha_counted) - np.nanmin(alpha_counted)",
     "np.max(alpha_counted) - np.min(alpha_counted)", "It is NaN"),
    ("q4", "bounds.oracle(front_correct, front_costs).selection_cost",
     "bounds.oracle(front_correct, front_costs).sequential_cost", "That is the sequential cost"),
    ("q4", "bounds.oracle(front_correct, front_costs).sequential_cost",
     "bounds.oracle(front_correct, front_costs).selection_cost", "That is the selection cost"),
    ("q4", "front_correct.mean(axis=0)).selection_cost  # SOLUTION",
     "front_correct.mean(axis=0)).sequential_cost  # SOLUTION", "That is Eq 9's sequential cost"),
    ("q4", "target_accuracy=A_N)", "target_accuracy=reachable.accuracy[-1])",
     "That is the oracle at its own accuracy"),
    ("q5", "target_accuracy=target)", "target_accuracy=reduced.accuracy[-1])",
     "own accuracy, 0.8, not at A_N"),
    ("q5", "reduced = oracle_frontier(correct[:, others], costs[others])",
     "reduced = oracle_frontier(correct, costs)", "did you remove the state's column"),
    ("q5", "for removed in range(n_states - 1):", "for removed in range(n_states):",
     "Stop before the last state"),
    ("q5", "correct[:, others].mean(axis=0)).selection_cost,",
     "correct[:, others].mean(axis=0)).sequential_cost,", "Eq 9's sequential costs"),
    ("q5", 'names[int(removal["exact_at_A_N"].idxmax())]',
     'names[int(removal["exact_at_A_N"].idxmin())]', "That removal hurts the least"),
    ("q5", 'names[int(removal["bound"].idxmax())]', 'int(removal["bound"].idxmax())',
     "Give the state's name"),
]
MISTAKES["a05_torch_states"] = [
    ("q1", "return 2 * c_in", "return c_in", "each multiply-add is 2 FLOPs"),
    ("q1", "kernel_size**2 * sizes_out[0]", "kernel_size * sizes_out[0]",
     "square the kernel size"),
    ("q1", "* sizes_out[0] * sizes_out[1]",
     "* sizes_out[0] * sizes_out[1] + c_out * sizes_out[0] * sizes_out[1]",
     "does not count the bias"),
    ("q1", "(size + 2 * padding - kernel_size) // stride + 1", "(size - kernel_size) // stride + 1",
     "You left out the padding"),
    ("q1", "(size + 2 * padding - kernel_size) // stride + 1", "(size + 2 * padding - kernel_size) + 1",
     "You left out the stride"),
    ("q1", "(size + 2 * padding - kernel_size) // stride + 1",
     "(size + 2 * padding - kernel_size) / stride + 1", "use floor division"),
    ("q1", "for size in (height, width)]", "for size in (height, height)]",
     "you used the height for both"),
    ("q2", "return np.cumsum(block_flops) + np.cumsum(head_flops)",
     "return np.cumsum(block_flops) + head_flops", "You added only exit i's own head"),
    ("q2", "return np.cumsum(block_flops) + np.cumsum(head_flops)", "return block_flops + head_flops",
     "add up the blocks"),
    ("q2", "return np.cumsum(block_flops) + np.cumsum(head_flops)", "return np.cumsum(block_flops)",
     "You left out the heads"),
    ("q2", "return costs.copy()", "return np.cumsum(costs)", "That is what separate networks pay"),
    ("q2", "return np.cumsum(costs)", "return costs.copy()", "That is each state's own cost"),
    ("q2", "return np.cumsum(costs)", "return np.cumsum(costs) - costs",
     "You left out the state's own cost"),
    ("q3", "choice = correct.argmax(axis=1)",
     "choice = np.where(correct.any(axis=1), correct.argmax(axis=1), correct.shape[1] - 1)",
     "the oracle still answers, with state 1"),
    ("q3", "choice = correct.argmax(axis=1)",
     "choice = correct.shape[1] - 1 - correct[:, ::-1].argmax(axis=1)",
     "You picked the most expensive right state"),
    ("q3", "minlength=correct.shape[1]) / len(correct)", "minlength=correct.shape[1])",
     "Those are counts"),
    ("q3", "minlength=correct.shape[1]) / len(correct)",
     "minlength=correct.shape[1]) / correct.shape[1]", "not of states"),
    ("q3", "np.bincount(choice, minlength=correct.shape[1])", "np.bincount(choice)", "minlength"),
    ("q3", "C_exits = exit_shares @ exit_costs", "C_exits = exit_shares @ np.cumsum(exit_costs)",
     "the exits share their backbone"),
    ("q3", "C_exits_if_separate = exit_shares @ np.cumsum(exit_costs)",
     "C_exits_if_separate = exit_shares @ exit_costs", "separate networks would pay"),
    ("q3", "C_cnns = cnn_shares @ np.cumsum(cnn_costs)", "C_cnns = cnn_shares @ cnn_costs",
     "That is the CNNs' selection cost"),
    ("q3", "C_cnns = cnn_shares @ np.cumsum(cnn_costs)", "C_cnns = np.sum(cnn_costs)",
     "Every image paid for all four CNNs"),
    ("q3", "C_cnns = cnn_shares @ np.cumsum(cnn_costs)", "C_cnns = cnn_shares * np.cumsum(cnn_costs)",
     "it should be one number"),
    ("q4", "/ (~exits_correct[:, -1]).sum()", "/ (~exits_correct[:, :-1]).all(axis=1).sum()",
     "the number of images the LARGEST state gets wrong"),
    ("q4", "alpha_N_exits = (~exits_correct).all(axis=1).sum()",
     "alpha_N_exits = (~exits_correct[:, -2] & ~exits_correct[:, -1]).sum()",
     "alpha_N needs ALL states wrong"),
    ("q4", "alpha_N_exits = (~exits_correct).all(axis=1).sum() / (~exits_correct[:, -1]).sum()",
     "alpha_N_exits = (~exits_correct).all(axis=1).mean()", "the share of all images"),
    ("q4", "gain_exits = exits_correct.any(axis=1).mean() - exits_correct[:, -1].mean()",
     "gain_exits = 100 * (exits_correct.any(axis=1).mean() - exits_correct[:, -1].mean())",
     "percentage points"),
    ("q4", "gain_exits = exits_correct.any(axis=1).mean() - exits_correct[:, -1].mean()",
     "gain_exits = exits_correct.any(axis=1).mean() - exits_correct[:, 0].mean()",
     "the gain over the smallest state"),
    ("q4", "gain_exits = exits_correct.any(axis=1).mean() - exits_correct[:, -1].mean()",
     "gain_exits = exits_correct.any(axis=1).mean()", "That is A_oracle itself"),
]
EQ10_LINE = "return R[0] + (A[-1] - A[0]) * (R[-1] - R[0])"  # the solution of a07 q1
MISTAKES["a07_design"] = [
    ("q1", EQ10_LINE, "return R[0] + (A[-1] - A[0]) * R[-1]", "the extra cost is R_N - R_1"),
    ("q1", EQ10_LINE, "return R[0] + (1 - A[0]) * (R[-1] - R[0])", "1 - A_1 is the share state 1 gets"),
    ("q1", EQ10_LINE, "return R[0] + (A[1] - A[0]) * (R[1] - R[0])", "You used state 2"),
    ("q1", EQ10_LINE, "return (A[-1] - A[0]) * (R[-1] - R[0])", "You left out R_1"),
    ("q1", EQ10_LINE, "return R[0] + (A[-1] - A[0]) * (R[1] - R[0])", "You used R_2 where Eq 10 has R_N"),
    ("q2", "return fraction * R[1]", "return fraction * R[-1]",
     "That is the main text's Eq 11, with R_N"),
    ("q2", "fraction = (A[0] - 1.0 / n_classes)", "fraction = (A[0])",
     "You left out the chance term 1/C"),
    ("q2", "/ (1.0 - A[-1] + A[0])", "/ (1.0 - A[0])", "not 1 - A_1"),
    ("q2", "/ (1.0 - A[-1] + A[0])", "/ (A[-1] - A[0])", "not A_N - A_1"),
    ("q2", "guess_accuracies = np.concatenate([[1.0 / n_classes], A[1:]])",
     "guess_accuracies = A", "You kept A_1 = 0.6 for the guesser"),
    ("q2", "guess_costs = np.concatenate([[0.0], R[1:]])", "guess_costs = R",
     "You kept R_1 = 1 for the guesser"),
    ("q3", "return np.diff(A) * (R[-1] - R[1:])", "return np.diff(A) * (R[-1] - R[:-1])",
     "You used R_N - R_{i-1}"),
    ("q3", "return np.diff(A) * (R[-1] - R[1:])", "return np.diff(A) * (R[1:] - R[0])",
     "Those are Eq 9's terms"),
    ("q3", "return np.diff(A) * (R[-1] - R[1:])", "return np.sum(np.diff(A) * (R[-1] - R[1:]))",
     "That is their sum"),
    ("q3", "return np.diff(A) * (R[-1] - R[1:])", "return np.diff(A) * (R[1:] - R[-1])",
     "Check the sign"),
    ("q3", "effnet.names[1 + int(np.argmax(effnet_savings))]",
     "effnet.names[int(np.argmax(effnet_savings))]", "Off by one"),
    ("q3", "effnet.names[1 + int(np.argmax(effnet_savings))]",
     "effnet.names[1 + int(np.argmin(effnet_savings))]", "That state saves the LEAST"),
    ("q4", "itertools.combinations(range(last), k - 1):\n        states = list(rest) + [last]",
     "itertools.combinations(range(last + 1), k):\n        states = list(rest)",
     "Your subset drops the largest state"),
    ("q4", "if cost < best_cost:", "if best is None or cost > best_cost:", "the DEAREST"),
    ("q4", "cost = bounds.conservative(R[states], A[states]).selection_cost",
     "cost = bounds.two_state(R[states], A[states]).selection_cost",
     "You ranked the subsets by Eq 10"),
    ("q4", "combinations(range(last), k - 1)", "combinations(range(last), k)", "not k = 2"),
    ("q4", "return np.array(best, dtype=int)", "return np.array(best, dtype=float)",
     "should return integer indices"),
    ("q5", "r_ratio_without_largest = timm.subset(np.arange(len(timm) - 1)).conservative().r_ratio",
     "r_ratio_without_largest = timm.costs[-1] / timm.subset(np.arange(len(timm) - 1))"
     ".conservative().selection_cost", "You divided the OLD R_N"),
    ("q5", "r_ratio_without_largest = timm.subset(np.arange(len(timm) - 1)).conservative().r_ratio",
     "r_ratio_without_largest = timm.subset(np.arange(1, len(timm))).conservative().r_ratio",
     "without its SMALLEST state"),
    ("q5", "top3_part = float(np.sum(point.exit_share[-3:] * timm.costs[-3:]) / point.selection_cost)",
     "top3_part = float(np.sum(point.exit_share[-3:]))", "share of INSTANCES"),
    ("q5", "top3_part = float(np.sum(point.exit_share[-3:] * timm.costs[-3:]) / point.selection_cost)",
     "top3_part = float(timm.costs[-3:].sum() / timm.costs.sum())", "summed COSTS"),
    ("q5", "top3_part = float(np.sum(point.exit_share[-3:] * timm.costs[-3:]) / point.selection_cost)",
     "top3_part = float(np.sum(point.exit_share[:3] * timm.costs[:3]) / point.selection_cost)",
     "the 3 SMALLEST states"),
    ("q5", "top3_part = float(np.sum(point.exit_share[-3:] * timm.costs[-3:]) / point.selection_cost)",
     "top3_part = float(point.exit_share[-1] * timm.costs[-1] / point.selection_cost)",
     "the largest state alone"),
]
MISTAKES["a06_routers"] = [
    ("q1", "return ordered[..., -1] - ordered[..., -2]", "return ordered[..., -1] - ordered[..., 0]",
     "the LOWEST probability"),
    ("q1", "return ordered[..., -1] - ordered[..., -2]", "return ordered[..., -1]",
     "Those are the top probabilities"),
    ("q1", "return ordered[..., -1] - ordered[..., -2]", "return ordered[..., -2] - ordered[..., -1]",
     "Check the sign"),
    ("q1", "return (proba * np.log(safe)).sum(axis=2)", "return (proba * np.log(proba)).sum(axis=2)",
     "You returned NaN"),
    ("q1", "return (proba * np.log(safe)).sum(axis=2)", "return -(proba * np.log(safe)).sum(axis=2)",
     "Check the sign"),
    ("q1", "return (proba * np.log(safe)).sum(axis=2)",
     "return (proba * np.log2(safe)).sum(axis=2)", "log base 2"),
    ("q2", "may_exit = np.column_stack([scores[:, :-1] >= threshold, np.ones(n, dtype=bool)])",
     "may_exit = scores[:, :-1] >= threshold", "argmax of an all-False row is 0"),
    ("q2", "sequential_cost = np.cumsum(costs)[exits].mean()",
     "sequential_cost = costs[exits].mean()", "3.5 is the selection cost"),
    ("q2", "scores[:, :-1] >= threshold, np.ones", "scores[:, :-1] > threshold, np.ones",
     "use >=, not >"),
    ("q2", "accuracy = correct[np.arange(n), exits].mean()", "accuracy = correct[:, -1].mean()",
     "0.75 is the last state's accuracy"),
    ("q3", "if accuracy >= target_accuracy and cost < best_cost:",
     "if accuracy > target_accuracy and cost < best_cost:", "reaching means >="),
    ("q3", "best, best_cost = float(threshold), cost", "best = float(threshold)",
     "keep the cost of the best threshold so far"),
    ("q3", "if accuracy >= target_accuracy and cost < best_cost:", "if cost < best_cost:",
     "misses the target"),
    ("q3", "calibrated = cheapest_threshold(scores_val, correct_val, costs, correct_val[:, -1].mean())",
     "calibrated = cheapest_threshold(scores_test, correct_test, costs, "
     "correct_test[:, -1].mean())", "You calibrated on the test split"),
    ("q3", "test_accuracy = cascade_point(scores_test, correct_test, costs, calibrated)[0]",
     "test_accuracy = cascade_point(scores_val, correct_val, costs, calibrated)[0]",
     "report the calibrated threshold on the test split"),
    ("q4", "return counts.max(axis=1) / member_proba.shape[1]",
     "return counts.max(axis=1) == member_proba.shape[1]", "whether the members are unanimous"),
    ("q4", "return counts.max(axis=1) / member_proba.shape[1]", "return counts.max(axis=1)",
     "Divide the votes"),
    ("q4", "return counts.max(axis=1) / member_proba.shape[1]",
     "return (votes == votes[:, :1]).mean(axis=1)", "agreement with the first member"),
    ("q4", "return counts.max(axis=1) / member_proba.shape[1]",
     "return member_proba.max(axis=2).mean(axis=1)", "mean top probabilities"),
    ("q4", "unanimous_share = float(np.mean(agreement_share(tier_proba) == 1.0))",
     "unanimous_share = float(np.mean(agreement_share(tier_proba) >= 0.6))", "a majority (2 of 3)"),
]
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


def solution_text(name):
    """The Markdown of a committed solution, whitespace collapsed (rubrics wrap lines)."""
    return " ".join(" ".join(cell.source.split()) for cell in committed("solutions", name).cells
                    if cell.cell_type == "markdown")


def test_a03_rubric_quotes_the_numbers_the_notebook_prints():
    from adaptlab.cascade import oracle_frontier
    from adaptlab.metrics import cost_at_accuracy
    from adaptlab.published import table1

    costs, accuracies = np.array([1.0, 3.0, 9.0, 27.0]), np.array([0.55, 0.68, 0.76, 0.80])
    seen = {}
    for correlation in np.round(np.linspace(0, 1, 51), 2):
        correct = correlated_models(accuracies, n_instances=4000, correlation=correlation,
                                    seed=0).correct
        frontier = oracle_frontier(correct, costs)
        seen[correlation] = (bounds.oracle(correct, costs),
                             bounds.conservative(costs, correct.mean(axis=0)),
                             cost_at_accuracy(frontier.cost, frontier.accuracy,
                                              target_accuracy=correct[:, -1].mean()),
                             bounds.alphas(correct)[-1])
    first = min(c for c, (_, bound, at_A_N, _) in seen.items()
                if abs(bound.selection_cost - at_A_N) <= 0.05 * bound.selection_cost)
    exact0, bound0, at0, _ = seen[0.0]
    _, bound9, at9, _ = seen[0.9]
    text = solution_text("a03_bounds")
    for quoted in [
        f"it reaches about {exact0.accuracy:.2f} accuracy ({exact0.selection_cost:.2f} GFLOPs)",
        f"the bound sits at $A_N = {bound0.accuracy:.2f}$ ({bound0.selection_cost:.2f} GFLOPs)",
        f"reaches $A_N$ for {at0:.2f} GFLOPs",
        f"(about {at9:.1f} vs {bound9.selection_cost:.1f} GFLOPs at $A_N$)",
        f"within 5% only at correlation {first:.2f}, with $\\alpha_N$ about {seen[first][3]:.2f}",
        f"(quotes about {at0:.1f} vs {bound0.selection_cost:.1f} GFLOPs at correlation 0)",
    ]:
        assert quoted in text, f"the solutions should say: {quoted}"
    notes = " ".join(table1()["note"])
    for quoted in ["83.95%", "84.12%", "83.79%", "85.3%"]:
        assert quoted in notes and quoted in text, quoted


def test_a04_rubric_quotes_the_numbers_the_notebook_prints():
    from adaptlab.cascade import oracle_frontier
    from adaptlab.data import make_cifar_like, train_val_test_split
    from adaptlab.metrics import cost_at_accuracy
    from adaptlab.sklearn_family import train_sklearn_family
    from adaptlab.statespace import pareto

    splits = train_val_test_split(make_cifar_like(3000, seed=3), val_size=0.2, test_size=0.2,
                                  seed=3)
    family = train_sklearn_family(splits, seed=3, progress=False)
    names, costs = list(family.names), family.costs
    val, test = family.correct_val.mean(axis=0), family.accuracies
    dropped = [names[i] for i in range(len(names)) if i not in pareto(costs, val)]
    assert dropped == ["mlp128-pca32-16x16"], dropped
    assert len(pareto(costs, test)) == len(names)
    a, b = names.index("mlp128-pca32-16x16"), names.index("mlp128-8x8")
    correct = family.correct_test  # the test frontier keeps all six
    exact = bounds.oracle(correct, costs)
    bound = bounds.conservative(costs, test)
    frontier = oracle_frontier(correct, costs)
    A_N = test[-1]
    at_A_N = cost_at_accuracy(frontier.cost, frontier.accuracy, target_accuracy=A_N)
    alphas = bounds.alphas(correct)
    removal = []
    for i in range(len(names) - 1):
        rest = [j for j in range(len(names)) if j != i]
        reduced = oracle_frontier(correct[:, rest], costs[rest])
        removal.append((cost_at_accuracy(reduced.cost, reduced.accuracy, target_accuracy=A_N),
                        bounds.conservative(costs[rest], test[rest]).selection_cost))
    removal = np.array(removal)
    text = solution_text("a04_state_space")
    for quoted in [
        f"({costs[a]:.3f} vs {costs[b]:.3f} MFLOPs)",
        f"less accurate on validation ({val[a]:.3f} vs {val[b]:.3f})",
        f"ahead by {test[a]:.3f} vs {test[b]:.3f}, a single test image "
        f"({1 / len(family.y_test):.2%} of {len(family.y_test)})",
        f"is about {100 * np.sqrt(0.7 * 0.3 / len(family.y_test)):.1f} points",
        f"At $A_N = {A_N:.2f}$ the exact oracle pays about {at_A_N:.4f} MFLOPs where the bound "
        f"says {bound.selection_cost:.4f}",
        f"the bound is about {bound.selection_cost / at_A_N:.1f} times the truth",
        f"from about {alphas[1]:.2f} to {alphas[-1]:.3f}",
        f"about {100 * (exact.accuracy - A_N):.1f} points ({exact.accuracy:.3f} vs {A_N:.2f})",
        f"which state matters most ({names[int(np.argmax(removal[:, 0]))]})",
        f"the bound ranks {names[int(np.argmin(removal[:, 1]))]} as the least useful state",
        f"the exact oracle finds that {names[int(np.argmin(removal[:, 0]))]} can go at no cost",
    ]:
        assert quoted in text, f"the solutions should say: {quoted}"
    assert names[int(np.argmax(removal[:, 1]))] == names[int(np.argmax(removal[:, 0]))]
    assert np.isclose(removal[:, 0].min(), at_A_N)


def test_a05_rubric_quotes_the_numbers_the_notebook_prints():
    exit_costs, cnn_costs = np.array([0.9, 3.2, 5.6]), np.array([0.4, 1.6, 5.6, 11.9])
    exits = correlated_models([0.50, 0.72, 0.87], n_instances=2000, correlation=0.8,
                              seed=5).correct
    cnns = correlated_models([0.54, 0.87, 0.90, 0.93], n_instances=2000, correlation=0.85,
                             seed=5).correct
    shared = bounds.oracle(exits, exit_costs, sequential_costs=exit_costs)
    separate = bounds.oracle(exits, exit_costs)
    cnn = bounds.oracle(cnns, cnn_costs)
    alpha_exits, alpha_cnns = bounds.alphas(exits)[-1], bounds.alphas(cnns)[-1]
    saving = 1 - shared.sequential_cost / separate.sequential_cost
    text = solution_text("a05_torch_states")
    cnn_accuracy = np.round(cnn.accuracy, 3)  # as the notebook's table prints it (pandas rounds)
    for quoted in [
        f"about {saving:.0%} against the same exits run as separate networks "
        f"({shared.sequential_cost:.3f} vs {separate.sequential_cost:.3f} MFLOPs per image)",
        f"costs {cnn.sequential_cost:.3f} MFLOPs and reaches {cnn_accuracy:.3f} accuracy, against "
        f"{shared.sequential_cost:.3f} MFLOPs and {shared.accuracy:.3f} for the early exits",
        f"its first exit costs {exit_costs[0]} MFLOPs for {exits[:, 0].mean():.2f} accuracy where "
        f"the first CNN costs {cnn_costs[0]} for {cnns[:, 0].mean():.2f}",
        f"its last exit reaches only {exits[:, -1].mean():.2f} for {exit_costs[-1]} MFLOPs",
        f"($\\alpha_N$ {alpha_exits:.3f} vs {alpha_cnns:.3f})",
        f"(about {saving:.0%}, or {shared.sequential_cost:.3f} vs {separate.sequential_cost:.3f} "
        "MFLOPs)",
        f"{cnn.sequential_cost:.3f} vs {shared.sequential_cost:.3f} MFLOPs, {cnn_accuracy:.3f} vs "
        f"{shared.accuracy:.3f}",
        f"higher $\\alpha_N$ ({alpha_exits:.3f} vs {alpha_cnns:.3f})",
    ]:
        assert quoted in text, f"the solutions should say: {quoted}"
    assert cnn.sequential_cost < shared.sequential_cost and cnn.accuracy > shared.accuracy


def test_a07_rubric_quotes_the_numbers_the_notebook_prints():
    from adaptlab.published import paper_table1, timm_state_space

    space = timm_state_space()
    full = space.conservative()
    top_off = space.subset(np.arange(len(space) - 1)).conservative()
    bottom_off = space.subset(np.arange(1, len(space))).conservative()
    part = full.exit_share * space.costs / full.selection_cost
    step = space.accuracies[-1] - space.accuracies[-2]
    sota = paper_table1().set_index("family").loc["SOTA"].iloc[0]
    text = solution_text("a07_design")
    for quoted in [
        f"The envelope's $R_{{ratio}}$ is about {full.r_ratio:.1f}×; without its largest state it "
        f"is about {top_off.r_ratio:.1f}×, without its smallest about {bottom_off.r_ratio:.1f}×",
        f"that step is {100 * step:.2f} points, so the largest state alone holds {part[-1]:.3f} of "
        f"$R_{{oracle}}$ (= {step:.4f} × {full.r_ratio:.1f}), and the three largest "
        f"{part[-3:].sum():.3f}",
        f"can never exceed $1/(A_N - A_{{N-1}})$, about {1 / step:.0f}×",
        f"its $R_N$ is {sota.r_n_gflops:,.0f} GFLOPs at {sota.a_n:.2%}",
        f"(quotes about {part[-1]:.2f}, or {part[-3:].sum():.2f} for the top three)",
        f"(about {full.r_ratio:.0f}, {top_off.r_ratio:.0f}, {bottom_off.r_ratio:.0f})",
    ]:
        assert quoted in text, f"the solutions should say: {quoted}"
    assert f"{sota.r_ratio}×" in text  # the paper's 121.77x
    # "cuts R_N by less than a tenth but R_oracle by almost half"
    assert 0.9 < top_off.largest_cost / full.largest_cost < 1
    assert 0.4 < 1 - top_off.selection_cost / full.selection_cost < 0.5


def test_the_exercises_guide_lists_every_assignment():
    guide = (ROOT / "exercises" / "README.md").read_text(encoding="utf-8")
    missing = [name for name in NAMES if f"`{name}/{name}.ipynb`" not in guide]
    assert not missing, f"exercises/README.md does not list {missing}"

"""python -m adaptlab bounds models.csv"""
import re
import subprocess
import sys

import numpy as np
import pytest

from adaptlab import __main__ as cli
from adaptlab.__main__ import bounds_report, main
from adaptlab.statespace import StateSpace

MODELS = (
    "name,cost,accuracy\n"
    "tiny,0.4,0.62\nsmall,1.1,0.71\nclumsy,2.0,0.70\nmedium,4.4,0.80\nlarge,37.7,0.84\n"
)


@pytest.fixture
def models_csv(tmp_path):
    path = tmp_path / "models.csv"
    path.write_text(MODELS)
    return path


@pytest.fixture
def sizes_searched(monkeypatch):
    """The k of every best-subset search the command line runs."""
    searched, search = [], cli.best_subset

    def spy(costs, accuracies, k):
        searched.append(k)
        return search(costs, accuracies, k)

    monkeypatch.setattr(cli, "best_subset", spy)
    return searched


def test_bounds_table(models_csv, capsys):
    assert main(["bounds", str(models_csv), "--alpha", "0.6", "--classes", "10"]) == 0
    out = capsys.readouterr().out
    assert "Dominated, left out: clumsy." in out
    for label in ("conservative (alpha = 1)", "constant alpha = 0.6", "continuous (Eq 13)",
                  "best 1 of 4", "best 4 of 4", "Smallest-state rule"):
        assert label in out
    assert "pays off" in out


def test_single_k_is_the_only_size_searched(models_csv, capsys, sizes_searched):
    main(["bounds", str(models_csv), "--k", "2"])
    out = capsys.readouterr().out
    assert "best 2 of 4" in out and "best 3 of 4" not in out
    assert sizes_searched == [2]


def test_a_large_frontier_shows_k_1_to_5_and_the_states_they_use(tmp_path, capsys, sizes_searched):
    path = tmp_path / "many.csv"
    costs, accuracies = np.geomspace(1, 1000, 40), np.linspace(0.5, 0.9, 40)
    path.write_text("name,cost,accuracy\n" + "".join(
        f"m{i},{cost},{accuracy}\n" for i, (cost, accuracy) in enumerate(zip(costs, accuracies))
    ))
    main(["bounds", str(path)])
    out = capsys.readouterr().out
    assert sizes_searched == [1, 2, 3, 4, 5]
    assert "best 5 of 40" in out and "best 6 of 40" not in out
    assert "Best subsets shown for k = 1..5 of 40 (all 40 is the conservative row); " \
           "ask for another size with --k." in out
    listed = re.findall(r"^(\d+) +m\d+ ", out, flags=re.MULTILINE)
    assert listed[0] == "0" and listed[-1] == "39" and len(listed) < 40


def test_many_dominated_models_are_counted_not_all_named():
    names = [f"m{i}" for i in range(30)]
    space = StateSpace(names, np.arange(1.0, 31.0), [0.9] + [0.5] * 29)
    assert "Dominated, left out: m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12 and 17 more." \
        in bounds_report(space)


def test_a_one_state_frontier_says_the_rule_needs_two():
    space = StateSpace(["only", "worse"], [1.0, 2.0], [0.9, 0.8])
    assert "Smallest-state rule (Eq 11): needs two states on the frontier; there is one." \
        in bounds_report(space, n_classes=10)


@pytest.mark.parametrize("kwargs, message", [
    ({"alpha": 1.5}, "alpha must be in [0, 1], got 1.5."),
    ({"k": 0}, "k must be an integer between 1 and 4, got 0."),
    ({"k": 2.0}, "k must be an integer between 1 and 4"),
    ({"n_classes": 10**400},
     "n_classes must be an integer between 2 and 1,000,000,000, got an integer of 401 digits."),
])
def test_bounds_report_names_the_bad_option(kwargs, message):
    space = StateSpace(["a", "b", "c", "d"], [1.0, 2.0, 3.0, 4.0], [0.5, 0.6, 0.7, 0.8])
    with pytest.raises(ValueError, match=re.escape(message)):
        bounds_report(space, **kwargs)


def test_bounds_report_wants_a_state_space():
    with pytest.raises(ValueError, match="space must be a StateSpace"):
        bounds_report([1.0, 2.0])


def assert_one_line_and_exit_2(argv, capsys, message):
    """main(argv) exits with status 2 and one line on stderr that contains message."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("adaptlab: error: ") and err.count("\n") == 1
    assert message in err


@pytest.fixture
def files(tmp_path):
    """Named bad inputs for MODELS.csv, written on demand."""
    contents = {
        "empty": "",
        "header only": "name,cost,accuracy\n",
        "semicolons": "name;cost;accuracy\na;1;0.5\n",
        "blank cell": "name,cost,accuracy\na,1,0.5\nvit_b_16,3,\n",
        "file": MODELS,
    }

    def make(kind):
        if kind == "folder":
            return str(tmp_path)
        path = tmp_path / f"{kind}.csv"
        path.write_text(contents[kind])
        return str(path)

    return make


@pytest.mark.parametrize("argv, message", [
    (["bounds", "{file}", "--classes", "1" + "0" * 400],
     "--classes must be an integer between 2 and 1,000,000,000, got an integer of 401 digits."),
    (["bounds", "{file}", "--classes", "10**400"],
     "argument --classes: invalid int value: '10**400'"),
    (["bounds", "{file}", "--classes", "1"], "--classes must be an integer between 2 and"),
    (["bounds", "{file}", "--alpha", "1.5"], "--alpha must be in [0, 1], got 1.5."),
    (["bounds", "{file}", "--alpha", "nan"], "--alpha must be in [0, 1], got nan."),
    (["bounds", "{file}", "--k", "0"], "--k must be an integer >= 1, got 0."),
    (["bounds", "{file}", "--k", "9"],
     "k must be an integer between 1 and 4, got 9."),
    (["bounds", "{file}", "--unit", " "], "--unit must name the cost unit"),
    (["bounds", "{file}", "--colour", "red"], "unrecognized arguments: --colour red; see"),
    (["bounds", "{folder}"], "is a directory; give the CSV file inside it."),
    (["bounds", "{empty}"], "is empty; write a header line name,cost,accuracy"),
    (["bounds", "{header only}"], "has a header but no rows"),
    (["bounds", "{semicolons}"], "The file seems to use ';' as the delimiter; use commas."),
    (["bounds", "{blank cell}"], "'vit_b_16' (row 2) has no accuracy; fill it in or drop the row."),
    (["bounds", "https://example.com/models.csv"],
     "path must be a local file, got a URL 'https://example.com/models.csv'"),
    (["tour", "--instances", "0", "--output", "{folder}"], "n_instances"),  # the tour's own checks
    (["tour", "--seed", "-1", "--output", "{folder}"], "seed"),
    (["tour", "--output", "{file}"], "is an existing file; give a folder for the figures."),
])
def test_bad_input_is_one_line_and_exit_2(files, capsys, argv, message):
    argv = [re.sub(r"\{(.+)\}", lambda kind: files(kind.group(1)), word) for word in argv]
    assert_one_line_and_exit_2(argv, capsys, message)


@pytest.mark.parametrize("content, arguments, message", [
    ("name,cost,accuracy\na,1,62\nb,2,80\n", [], "looks like a percentage"),
    ("name;cost;accuracy\na;1,5;0,62\n", [], "seems to use ';' as the delimiter"),
    ("name,cost,accuracy\na,1,0.6\nb,2,0.8\n", ["--classes", "1" + "0" * 400],
     "--classes must be an integer between 2 and"),
])
def test_bad_input_from_a_shell_is_one_line_and_exit_2(tmp_path, content, arguments, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    run = subprocess.run(
        [sys.executable, "-m", "adaptlab", "bounds", str(path), *arguments],
        capture_output=True, text=True,
    )
    assert run.returncode == 2
    assert run.stderr.startswith("adaptlab: error: ") and run.stderr.count("\n") == 1
    assert message in run.stderr and "Traceback" not in run.stderr


def test_help_explains_the_columns():
    run = subprocess.run(
        [sys.executable, "-m", "adaptlab", "bounds", "--help"], capture_output=True, text=True
    )
    assert run.returncode == 0 and "name, cost, accuracy" in run.stdout


# ---------------------------------------------------------------- compare PREDICTIONS.csv

EXAMPLE_PREDICTIONS = "course/examples/predictions.csv"


def predictions_csv(path, n_instances=60):
    """A long-format file: two models, the big one right more often and surer."""
    rng = np.random.default_rng(0)
    lines = ["instance,model,cost,correct,confidence"]
    for x in range(n_instances):
        lines.append(f"i{x},small,1,{int(rng.uniform() < 0.6)},{rng.uniform():.3f}")
        lines.append(f"i{x},big,8,{int(rng.uniform() < 0.9)},{rng.uniform():.3f}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_compare_prints_the_table_and_saves_the_figure(tmp_path, capsys):
    figure = tmp_path / "figure.png"
    argv = ["compare", str(predictions_csv(tmp_path / "p.csv")), "--unit", "ms",
            "--val-share", "0.5", "--seed", "3", "--output", str(figure)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 models, 60 instances, costs in ms; validation 30, test 30.")
    for row in ("largest state alone (big)", "exact oracle (selection)",
                "conservative bound (Eq 9)", "confidence cascade, guarded", "random"):
        assert row in out
    assert f"Figure saved to {figure}." in out
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_help_documents_the_format():
    run = subprocess.run([sys.executable, "-m", "adaptlab", "compare", "--help"],
                         capture_output=True, text=True)
    assert run.returncode == 0
    for words in ("instance", "model", "cost", "correct", "confidence", "1/0 or true/false",
                  "--val-share", "--epsilon", "--delta", "Learn then Test"):
        assert words in run.stdout


@pytest.mark.parametrize("argv, message", [
    (["compare", "{file}", "--val-share", "1.5"], "--val-share must be in [0, 1], got 1.5."),
    (["compare", "{file}", "--val-share", "0.05"], "val_share=0.05 leaves 3 of 60 instances"),
    (["compare", "{file}", "--seed", "-2"], "--seed must be an integer >= 0, got -2."),
    (["compare", "{file}", "--target", "86"], "--target must be in [0, 1], got 86.0."),
    (["compare", "{file}", "--delta", "0"], "--delta must be strictly between 0 and 1"),
    (["compare", "{file}", "--epsilon", "2"], "--epsilon must be in [0, 1], got 2.0."),
    (["compare", "{file}", "--cost-kind", "total"], "argument --cost-kind: invalid choice"),
    (["compare", "{file}", "--output", "{folder}"], "is a folder; give a file name"),
    (["compare", "{file}", "--output", "{folder}/missing/figure.png"], "cannot be written"),
    (["compare", "{models}"], "lacks column(s) ['instance', 'model', 'correct', 'confidence']"),
    (["compare", "{folder}"], "is a directory; give the CSV file inside it."),
    (["compare", "https://example.com/p.csv"], "path must be a local file, got a URL"),
])
def test_compare_bad_input_is_one_line_and_exit_2(tmp_path, capsys, argv, message):
    names = {"file": str(predictions_csv(tmp_path / "p.csv")), "folder": str(tmp_path),
             "models": str(tmp_path / "models.csv")}
    (tmp_path / "models.csv").write_text(MODELS)
    argv = [re.sub(r"\{(\w+)\}", lambda name: names[name.group(1)], word) for word in argv]
    assert_one_line_and_exit_2(argv, capsys, message)


def test_compare_from_a_shell_names_a_malformed_file(tmp_path):
    path = predictions_csv(tmp_path / "p.csv")
    path.write_text(path.read_text().replace("i5,big,8", "i5,big,9"))
    run = subprocess.run([sys.executable, "-m", "adaptlab", "compare", str(path)],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1
    assert "model 'big' has the costs 8 and 9" in run.stderr

"""Per-instance predictions of any models: reading, writing, comparing."""
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from adaptlab import bounds, cascade
from adaptlab.compare import Comparison
from adaptlab.predictions import (
    Predictions,
    compare_predictions,
    read_predictions,
    to_long_format,
)

EXAMPLE = Path(__file__).parents[1] / "course" / "examples" / "predictions.csv"


def long_csv(n_instances=30, models=(("small", 1.0), ("big", 10.0)), seed=0):
    """A valid long-format file's text: the small model right on 60%, the big one on 90%."""
    rng = np.random.default_rng(seed)
    lines = ["instance,model,cost,correct,confidence"]
    for x in range(n_instances):
        for (name, cost), rate in zip(models, (0.6, 0.9, 0.95)):
            lines.append(f"x{x},{name},{cost},{int(rng.uniform() < rate)},{rng.uniform():.3f}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def write(tmp_path):
    def make(text):
        path = tmp_path / "predictions.csv"
        path.write_text(text)
        return path
    return make


def test_reading_orders_models_by_cost_and_keeps_the_instances_order(write):
    text = long_csv(models=(("big", 10.0), ("small", 1.0)))
    predictions = read_predictions(write(text), unit="ms")
    assert predictions.names == ("small", "big") and predictions.unit == "ms"
    assert predictions.instances[:3] == ("x0", "x1", "x2") and len(predictions) == 30
    table = pd.read_csv(io.StringIO(text))
    small = table[table.model == "small"]
    assert predictions.correct[:, 0].tolist() == small.correct.astype(bool).tolist()
    assert np.allclose(predictions.confidence[:, 0], small.confidence)


def test_correct_may_be_true_false_in_any_case(write):
    text = long_csv().replace(",1,", ",True,").replace(",0,", ",false,")
    assert read_predictions(write(text)).correct.dtype == bool


def test_to_long_format_reads_back(family, tmp_path):
    frame = to_long_format(family, confidence="margin")
    assert list(frame.columns) == ["instance", "model", "cost", "correct", "confidence"]
    assert len(frame) == (len(family.y_val) + len(family.y_test)) * len(family)
    path = tmp_path / "family.csv"
    frame.to_csv(path, index=False)
    predictions = read_predictions(path)
    assert predictions.names == family.names
    assert np.array_equal(predictions.correct,
                          np.concatenate([family.correct_val, family.correct_test]))


@pytest.mark.slow
def test_the_example_file_is_the_course_family_regenerated():
    from adaptlab.data import make_cifar_like, train_val_test_split
    from adaptlab.sklearn_family import train_sklearn_family

    splits = train_val_test_split(make_cifar_like(20_000, seed=0), seed=0)
    family = train_sklearn_family(splits, seed=0, progress=False)
    written = to_long_format(family).to_csv(index=False, lineterminator="\n")
    assert written == EXAMPLE.read_text(), "regenerate course/examples/predictions.csv"
    assert EXAMPLE.stat().st_size < 2 * 2**20


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("confidence", "score"), "lacks column(s) ['confidence']"),
    (lambda t: t + "x0,small,1.0,1,0.5\n",
     "instance 'x0' has 2 rows for model 'small' (rows [1, 61]); give each instance one row"),
    (lambda t: "\n".join(l for l in t.splitlines() if not l.startswith("x7,big")) + "\n",
     "model 'big' has no row for 1 of the 30 instances (the first: 'x7')"),
    (lambda t: t.replace("x3,small,1.0", "x3,small,cheap"),
     "column 'cost' must hold numbers, but row 7 has 'cheap'"),
    (lambda t: t.replace("x3,small,1.0", "x3,small,1.5"),
     "model 'small' has the costs 1 and 1.5 (rows [7] differ from the first)"),
    (lambda t: t.replace("small,1.0", "small,-1.0"), "model 'small' has a negative cost, -1"),
    (lambda t: t.replace("x2,big,10.0,1", "x2,big,10.0,yes").replace("x2,big,10.0,0",
                                                                      "x2,big,10.0,yes"),
     "column 'correct' must hold 1/0 or true/false, but row 6 has 'yes'"),
    (lambda t: re.sub(r"(x4,small,1.0,\d),[0-9.]+", r"\1,nan", t),
     "column 'confidence' must hold numbers, but row 9 has 'nan'"),
    (lambda t: re.sub(r"(x4,small,1.0,\d),[0-9.]+", r"\1,inf", t),
     "column 'confidence' must hold numbers, but row 9 has 'inf'"),
    (lambda t: "\n".join(l for l in t.splitlines() if ",big," not in l) + "\n",
     "it holds 1 model ('small'); a comparison needs at least 2"),
    (lambda t: "\n".join(t.splitlines()[:21]) + "\n",
     "it holds 10 instances; a comparison needs at least 20"),
])
def test_every_malformed_file_is_named_in_one_line(write, edit, message):
    path = write(edit(long_csv()))
    with pytest.raises(ValueError) as error:
        read_predictions(path)
    assert message in str(error.value) and "\n" not in str(error.value)
    assert str(error.value).startswith(f"path {str(path)!r}")


@pytest.fixture
def example_predictions(write):
    return read_predictions(write(long_csv(400, (("s", 1.0), ("m", 2.0), ("l", 10.0)))))


def test_compare_predictions_calibrates_on_validation_and_reports_on_test(example_predictions):
    comparison = compare_predictions(example_predictions, val_share=0.5, seed=1)
    assert isinstance(comparison, Comparison)
    assert list(comparison.runs) == ["confidence cascade", "confidence cascade, guarded", "random"]
    models = comparison.family
    assert len(models.correct_val) == len(models.correct_test) == 200
    assert comparison.target_accuracy == models.correct_val[:, -1].mean()
    naive, guarded = comparison.runs["confidence cascade"], comparison.runs[
        "confidence cascade, guarded"]
    assert guarded.threshold >= naive.threshold
    test = (models.confidence_test, models.correct_test, models.costs)
    direct = cascade.operating_point(*test, naive.threshold)
    assert (naive.point.accuracy, naive.point.sequential_cost) == (direct.accuracy,
                                                                   direct.sequential_cost)
    assert comparison.oracle.selection_cost == bounds.oracle(models.correct_test,
                                                             models.costs).selection_cost
    table = comparison.table.set_index("router")
    assert table.loc["confidence cascade", "accuracy"] == naive.point.accuracy


def test_dominated_models_are_left_out_on_validation(write):
    text = long_csv(200, (("s", 1.0), ("m", 2.0), ("l", 10.0)))
    worse = "\n".join(l.replace(",m,2.0,1,", ",m,2.0,0,") for l in text.splitlines()) + "\n"
    comparison = compare_predictions(read_predictions(write(worse)))
    assert comparison.family.names == ("s", "l")


@pytest.mark.parametrize("kwargs, message", [
    ({"val_share": 0.01}, "val_share=0.01 leaves 4 of 400 instances for validation and 396 for "
                          "test; each split needs at least 10."),
    ({"val_share": 2}, "val_share must be in [0, 1]"),
    ({"seed": -1}, "seed must be an integer >= 0"),
    ({"target_accuracy": 90}, "looks like a percentage"),
    ({"delta": 1.0}, "delta must be strictly between 0 and 1"),
    ({"epsilon": 0.99, "target_accuracy": 0.5}, "epsilon must not exceed target_accuracy"),
    ({"cost_kind": "total"}, "cost_kind must be one of"),
])
def test_compare_predictions_names_the_bad_argument(example_predictions, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        compare_predictions(example_predictions, **kwargs)


def test_predictions_check_their_shapes():
    with pytest.raises(ValueError, match="both are \\(instances x models\\)"):
        Predictions(names=("a", "b"), costs=[1.0, 2.0], instances=("x",),
                    correct=[[True, False]], confidence=[[0.1, 0.2], [0.3, 0.4]])
    with pytest.raises(ValueError, match="costs must be sorted"):
        Predictions(names=("a", "b"), costs=[2.0, 1.0], instances=("x",),
                    correct=[[True, False]], confidence=[[0.1, 0.2]])


def test_lecture_8_figures_on_the_example_file():
    """What notebooks/08_capstone.py says in prose about the example file, checked."""
    from adaptlab.risk import resplit_experiment

    predictions = read_predictions(EXAMPLE, unit="MFLOPs")
    assert len(predictions) == 8_000
    experiment = resplit_experiment(predictions.confidence, predictions.correct,
                                    predictions.costs, n_val=1000, n_splits=200,
                                    target_accuracy=0.85, epsilon=0.01, delta=0.1, seed=0)
    pool = {rule: getattr(experiment, rule).violation_rate(experiment.floor, on="pool")
            for rule in ("naive", "guarded")}
    test = {rule: getattr(experiment, rule).violation_rate(experiment.floor, on="test")
            for rule in ("naive", "guarded")}
    assert pool["guarded"] <= experiment.delta < pool["naive"]  # "far more often"
    assert test["guarded"] > pool["guarded"] and test["naive"] > pool["naive"]  # "both miss more"
    assert experiment.cost_ratio > 1
    comparison = compare_predictions(predictions, val_share=0.5, seed=0)
    runs = comparison.runs  # "the naive threshold is certified: one curve and one dot"
    assert runs["confidence cascade"].threshold == runs["confidence cascade, guarded"].threshold
    fewer = compare_predictions(predictions, val_share=0.2, seed=0).runs
    assert fewer["confidence cascade, guarded"].threshold == np.inf  # "nothing certified"

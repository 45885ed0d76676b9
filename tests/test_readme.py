"""Every number the README quotes is computed here, on the same seed: drift fails.

Blocks of program output follow a marker ``<!-- output: NAME -->`` and are
compared whole; numbers in sentences are checked by formatting the sentence
with the computed values. When a test fails, the README is stale: paste what
the test computed (it is in the failure message).
"""
import re
from pathlib import Path

import pytest

from adaptlab import bounds
from adaptlab.__main__ import main
from adaptlab.compare import compare_routers
from adaptlab.data import make_cifar_like, train_val_test_split
from adaptlab.published import family_state_space, table1
from adaptlab.simulate import correlated_models
from adaptlab.sklearn_family import train_sklearn_family

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXCERPT_COLUMNS = ["router", "accuracy", "cost", "R_ratio", "R_ratio at A_N"]


def output_block(name):
    """The fenced block that follows ``<!-- output: name -->`` in the README."""
    match = re.search(rf"<!-- output: {name} -->\s*```text\n(.*?)```", README, re.S)
    assert match, f"README has no block marked <!-- output: {name} -->"
    return match.group(1)


def trimmed(text):
    """Program output as the README holds it: no spaces at the ends of lines."""
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def assert_quoted(sentence):
    assert sentence in " ".join(README.split()), f"README should say: {sentence}"


def excerpt(comparison):
    """The columns of a comparison's table that the README shows."""
    return comparison.table[EXCERPT_COLUMNS].to_string(
        index=False, float_format="{:.3f}".format) + "\n"


def test_start_page_figures():
    # As on the start page: EfficientNet-B0..B4, and 20,000 simulated instances.
    space = family_state_space("EfficientNet").subset([0, 1, 2, 3, 4])
    simulated = correlated_models(space.accuracies, n_instances=20_000, correlation=0.8, seed=0)
    exact = bounds.oracle(simulated.correct, space.costs)
    assert_quoted(
        f"the conservative bound (Eq 9) says an oracle matches B4's accuracy "
        f"{space.conservative().r_ratio:.1f}× cheaper; on simulated correlated errors the "
        f"exact oracle is {exact.r_ratio:.1f}× cheaper **and** {100 * exact.delta_a:.1f} "
        "points more accurate."
    )


def test_table1_figures():
    rows = table1().set_index("family")
    for family in ("EfficientNet", "ViT", "Llama-2"):
        ours, paper = rows.loc[family, "R_ratio"], rows.loc[family, "paper R_ratio"]
        assert_quoted(f"{family} {ours:.2f}× (paper {paper:.2f}×")


def test_bounds_command_output(capsys):
    main(["bounds", "course/examples/vit-imagenet.csv", "--k", "4", "--classes", "1000"])
    assert output_block("bounds") == trimmed(capsys.readouterr().out)


def test_compare_command_output(capsys):
    main(["compare", "course/examples/predictions.csv", "--unit", "MFLOPs"])
    assert output_block("compare") == trimmed(capsys.readouterr().out)


def test_compare_sentences():
    from adaptlab.predictions import compare_predictions, read_predictions

    predictions = read_predictions("course/examples/predictions.csv", unit="MFLOPs")
    runs = compare_predictions(predictions).runs
    assert runs["confidence cascade"].threshold == runs["confidence cascade, guarded"].threshold
    fewer = compare_predictions(predictions, val_share=0.2).runs["confidence cascade, guarded"]
    assert fewer.threshold == float("inf")
    assert_quoted("The example is the scikit-learn family's 8,000 validation and test images")


@pytest.fixture(scope="module")
def sklearn_comparison():
    """The tour's scikit-learn part: 20,000 images, seed 0 everywhere."""
    splits = train_val_test_split(make_cifar_like(20_000, seed=0), seed=0)
    return compare_routers(train_sklearn_family(splits, seed=0, progress=False), seed=0)


def test_tour_excerpt(sklearn_comparison):
    assert output_block("tour-sklearn") == trimmed(excerpt(sklearn_comparison))


def test_tour_sentences(sklearn_comparison):
    table = sklearn_comparison.table.set_index("router")
    oracle = table.loc["exact oracle (selection)", "R_ratio"]
    best = table.loc[["max probability", "margin", "entropy"], "R_ratio"]
    assert_quoted(f"The oracle says {oracle:.1f}× is on the table; the confidence cascades "
                  f"calibrated to the big model's accuracy get {best.min():.2f}-{best.max():.2f}×")
    accuracies = ", ".join(f"{a:.2f}" for a in sklearn_comparison.family.accuracies)
    assert_quoted(f"| scikit-learn family (6 states) | {accuracies} |")

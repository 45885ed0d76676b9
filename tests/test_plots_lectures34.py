"""Lecture 4's figure: accuracy of each state and of the oracle as instances get harder."""
import matplotlib
import numpy as np
import pytest

from adaptlab import bounds
from adaptlab.plots import accuracy_by_difficulty
from adaptlab.simulate import correlated_models

matplotlib.use("Agg")


def _brute_force(correct, difficulty, bins):
    """Per group: mean difficulty, each state's accuracy, and the any-state-right share,
    with the groups made by sorting and slicing (no bincount)."""
    order = np.argsort(difficulty, kind="stable")
    n = len(order)
    edges = [-(-k * n // bins) for k in range(bins + 1)]  # ceil(k n / bins): sizes differ by <= 1
    groups = [order[edges[k]:edges[k + 1]] for k in range(bins)]
    centre = [difficulty[g].mean() for g in groups]
    states = [[correct[g, i].mean() for g in groups] for i in range(correct.shape[1])]
    oracle = [correct[g].any(axis=1).mean() for g in groups]
    return centre, states, oracle


@pytest.mark.parametrize("n, bins", [(1_000, 8), (997, 7), (50, 50), (30, 1)])
def test_lines_are_the_grouped_accuracies(n, bins):
    sim = correlated_models([0.5, 0.7, 0.8], n_instances=n, correlation=0.6, seed=n)
    ax = accuracy_by_difficulty(sim.correct, sim.difficulty, ["a", "b", "c"], bins=bins)
    lines = ax.get_lines()
    centre, states, oracle = _brute_force(sim.correct, sim.difficulty, bins)
    assert [line.get_label() for line in lines[:3]] == ["a", "b", "c"]
    for line, expected in zip(lines, states + [oracle]):
        np.testing.assert_allclose(line.get_xdata(), centre)
        np.testing.assert_allclose(line.get_ydata(), expected)


def test_one_group_gives_the_accuracies_and_the_oracle():
    sim = correlated_models([0.4, 0.6, 0.9], n_instances=500, correlation=0.3, seed=1)
    lines = accuracy_by_difficulty(sim.correct, sim.difficulty, ["a", "b", "c"], bins=1).get_lines()
    np.testing.assert_allclose([line.get_ydata()[0] for line in lines[:3]], [0.4, 0.6, 0.9])
    assert lines[3].get_ydata()[0] == pytest.approx(bounds.oracle(sim.correct, [1, 2, 3]).accuracy)


def test_groups_have_equal_counts_on_a_long_tail():
    difficulty = np.random.default_rng(0).beta(1, 4, 800)
    correct = (difficulty < 0.3)[:, None] & np.ones((1, 2), dtype=bool)
    ax = accuracy_by_difficulty(correct, difficulty, ["a", "b"], bins=4)
    centres = ax.get_lines()[0].get_xdata()
    assert np.all(np.diff(centres) > 0)
    quartiles = np.quantile(difficulty, [0.25, 0.5, 0.75])
    assert centres[0] < quartiles[0] < centres[1] < quartiles[1] < centres[2] < quartiles[2]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"difficulty": [0.1, 0.2]}, "difficulty must hold 4"),
        ({"difficulty": [0.1, np.nan, 0.3, 0.4]}, "NaN or inf"),
        ({"difficulty": ["a", "b", "c", "d"]}, "difficulty must be an array of numbers"),
        ({"names": ["only one"]}, "names must have one entry per state"),
        ({"names": "ab"}, "names must have one entry per state"),
        ({"bins": 0}, "bins must be an integer between 1"),
        ({"bins": 5}, "bins must be an integer between 1"),
        ({"correct": [[2, 1]] * 4}, "correct must be binary"),
    ],
)
def test_bad_input_is_named(kwargs, message):
    arguments = {"correct": [[1, 1], [0, 1], [0, 0], [1, 0]], "difficulty": [0.1, 0.2, 0.8, 0.9],
                 "names": ["small", "large"]} | kwargs
    correct, difficulty, names = (arguments.pop(key) for key in ("correct", "difficulty", "names"))
    with pytest.raises(ValueError, match=message):
        accuracy_by_difficulty(correct, difficulty, names, **arguments)

"""Lecture 2's figures: the four two-state cases and the oracle's cost, priced several ways."""
import matplotlib
import numpy as np
import pytest

from adaptlab import bounds
from adaptlab.plots import exit_cost_bars, two_state_cases
from adaptlab.simulate import correlated_models

matplotlib.use("Agg")


def _cell_shares(ax):
    """The four shares written in the cells, row by row, as fractions."""
    return [float(text.get_text().split(": ")[1].split("%")[0]) / 100 for text in ax.texts]


def test_two_state_cases_shows_the_counted_shares_and_the_oracles_pick():
    correct = np.array([[1, 1]] * 5 + [[1, 0]] * 1 + [[0, 1]] * 3 + [[0, 0]] * 1)
    ax = two_state_cases(correct, names=("s", "L"))
    assert _cell_shares(ax) == pytest.approx([0.5, 0.1, 0.3, 0.1])  # AA, AI, IA, II
    picks = [text.get_text().split("runs ")[1] for text in ax.texts]
    assert picks == ["s", "s", "L", "s"]  # the large state only where it alone is right


def test_two_state_cases_large_share_is_the_oracles_exit_share():
    correct = correlated_models([0.6, 0.8], n_instances=2_000, correlation=0.5, seed=3).correct
    shares = _cell_shares(two_state_cases(correct))
    result = bounds.oracle(correct, [1.0, 5.0])
    assert shares[2] == pytest.approx(result.exit_share[1], abs=5e-4)  # printed to 0.1%


@pytest.mark.parametrize("correct, names, message", [
    (np.ones((4, 3), bool), ("a", "b"), "two columns"),
    (np.ones((4, 2), bool), "ab", "pair of state names"),
    (np.full((4, 2), 2), ("a", "b"), "binary"),
])
def test_two_state_cases_bad_input(correct, names, message):
    with pytest.raises(ValueError, match=message):
        two_state_cases(correct, names=names)


def test_exit_cost_bars_totals_are_the_oracles_two_costs():
    costs = np.array([1.0, 3.0, 10.0, 30.0])
    correct = correlated_models([0.6, 0.7, 0.8, 0.85], n_instances=3_000, correlation=0.7,
                                seed=1).correct
    result = bounds.oracle(correct, costs)
    ax = exit_cost_bars(result.exit_share, {
        "selection": costs, "sequential": bounds.sequential_costs(costs)})
    totals = {}
    for patch in ax.patches:
        x = round(patch.get_x() + patch.get_width() / 2)
        totals[x] = totals.get(x, 0.0) + patch.get_height()
    assert totals[0] == pytest.approx(result.selection_cost)
    assert totals[1] == pytest.approx(result.sequential_cost)
    assert [text.get_text() for text in ax.texts] == [
        f"{result.selection_cost:.3g}", f"{result.sequential_cost:.3g}"]


@pytest.mark.parametrize("share, prices, names, message", [
    ([0.5, 0.5], {}, None, "non-empty dict"),
    ([0.5, -0.1], {"a": [1, 2]}, None, "exit_share"),
    ([0.5, 0.5], {"a": [1, 2, 3]}, None, r"prices\['a'\] has 3 entries"),
    ([0.5, 0.5], {"a": [1, -2]}, None, "non-negative"),
    ([0.5, 0.5], {"a": [1, 2]}, ["only one"], "names must have one entry per state"),
])
def test_exit_cost_bars_bad_input(share, prices, names, message):
    with pytest.raises(ValueError, match=message):
        exit_cost_bars(share, prices, names=names)

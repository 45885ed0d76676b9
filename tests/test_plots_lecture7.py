"""Lecture 7's figures: the best k-subsets (Fig 5), their gains (Fig 6), who pays for the oracle."""
from itertools import combinations

import matplotlib
import numpy as np
import pytest

from adaptlab import bounds
from adaptlab.plots import best_subsets_plane, oracle_cost_by_state, subset_gains
from adaptlab.statespace import StateSpace

matplotlib.use("Agg")

SPACE = StateSpace(["a", "b", "c", "d", "e"], [1.0, 2.0, 5.0, 20.0, 100.0],
                   [0.5, 0.6, 0.75, 0.8, 0.9], unit="GFLOPs")


def brute_best(space, k):
    """The k-subset that keeps the last state with the cheapest Eq 9 oracle, by enumeration."""
    last = len(space) - 1
    rest = min(combinations(range(last), k - 1),
               key=lambda rest: bounds.conservative(space.costs[[*rest, last]],
                                                    space.accuracies[[*rest, last]]).selection_cost)
    return [*rest, last]


def test_fig5_panels_draw_the_brute_force_best_subsets_and_mark_the_new_states():
    sizes = (1, 2, 3, 5)
    figure = best_subsets_plane(SPACE, sizes=sizes)
    panels = [ax for ax in figure.axes if ax.get_visible()]
    assert len(panels) == len(sizes)
    for ax, k in zip(panels, sizes):
        every, chosen, new = ax.get_lines()
        np.testing.assert_array_equal(every.get_xdata(), SPACE.costs)
        best = brute_best(SPACE, k)
        np.testing.assert_array_equal(chosen.get_xdata(), SPACE.costs[best])
        np.testing.assert_array_equal(chosen.get_ydata(), SPACE.accuracies[best])
        before = set(brute_best(SPACE, k - 1)) if k > 1 else set()
        np.testing.assert_array_equal(new.get_xdata(),
                                      SPACE.costs[[i for i in best if i not in before]])
        ratio = SPACE.costs[-1] / bounds.conservative(SPACE.costs[best],
                                                      SPACE.accuracies[best]).selection_cost
        assert f"{ratio:.1f}×" in ax.get_title()


def test_fig6_curves_are_the_best_subsets_ratios_and_claims_are_drawn():
    other = SPACE.subset([0, 2, 4])
    claims = {"a claim at k = 2": (2, 3.0), "a claim for every state": (None, 4.0)}
    ax = subset_gains({"five": SPACE, "three": other}, claims=claims)
    lines = {line.get_label(): line for line in ax.get_lines()}
    for label, space in [("five", SPACE), ("three", other)]:
        np.testing.assert_array_equal(lines[label].get_xdata(), np.arange(1, len(space) + 1))
        want = [SPACE.costs[-1] / bounds.conservative(space.costs[brute_best(space, k)],
                                                      space.accuracies[brute_best(space, k)]
                                                      ).selection_cost
                for k in range(1, len(space) + 1)]
        np.testing.assert_allclose(lines[label].get_ydata(), want)
    assert list(lines["a claim at k = 2"].get_xdata()) == [2]
    assert list(lines["a claim for every state"].get_ydata()) == [4.0, 4.0]


def test_fig6_max_states_cuts_the_curves():
    ax = subset_gains({"five": SPACE}, max_states=3)
    assert list(ax.get_lines()[0].get_xdata()) == [1, 2, 3]


def test_oracle_cost_parts_are_exit_share_times_cost_and_the_running_total_ends_at_one():
    ax = oracle_cost_by_state(SPACE)
    point = SPACE.conservative()
    # With alpha = 1: s_1 = 1 - A_N + A_1, s_i = A_i - A_{i-1} (Eq 9), by hand.
    share = np.r_[1 - 0.9 + 0.5, 0.1, 0.15, 0.05, 0.1]
    want = share * SPACE.costs / point.selection_cost
    heights = [patch.get_height() for patch in ax.patches]
    np.testing.assert_allclose(heights, want)
    np.testing.assert_allclose(sum(heights), 1.0)
    running = ax.get_lines()[0].get_ydata()
    np.testing.assert_allclose(running, np.cumsum(want[::-1])[::-1])


@pytest.mark.parametrize("call, says", [
    (lambda: best_subsets_plane((SPACE.costs, SPACE.accuracies)), "space must be"),
    (lambda: best_subsets_plane(SPACE, sizes=[]), "sizes must be"),
    (lambda: best_subsets_plane(SPACE, sizes=[2, 6]), "sizes must be an integer between 1"),
    (lambda: best_subsets_plane(StateSpace(["x", "y"], [1, 2], [0.8, 0.7])), "dominated"),
    (lambda: subset_gains([SPACE]), "spaces must be a non-empty dict"),
    (lambda: subset_gains({"x": "not a space"}), "spaces['x'] must be"),
    (lambda: subset_gains({"x": SPACE}, claims={"c": 80}), "claims['c'] must be a pair"),
    (lambda: subset_gains({"x": SPACE}, claims={"c": (0, 80)}), "claims['c']'s k"),
    (lambda: subset_gains({"x": SPACE}, claims={"c": (2, "high")}), "claims['c']'s r_ratio"),
    (lambda: subset_gains({"x": SPACE}, max_states=0), "max_states"),
    (lambda: oracle_cost_by_state(StateSpace(["x"], [0.0], [0.5])), "costs 0"),
])
def test_bad_input_is_named(call, says):
    with pytest.raises(ValueError) as raised:
        call()
    assert says in str(raised.value), str(raised.value)

"""Hypothesis strategies for state spaces and correctness matrices."""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Costs on a grid of 1/8 keep sums exact enough to compare with tight tolerances.
cost_values = st.integers(min_value=0, max_value=8_000).map(lambda c: c / 8)


@st.composite
def state_spaces(draw, min_states=1, max_states=7, min_accuracy=0.0):
    """(costs, accuracies): ascending costs, non-decreasing accuracies in [0, 1]."""
    n = draw(st.integers(min_states, max_states))
    costs = np.sort(np.array(draw(st.lists(cost_values, min_size=n, max_size=n))))
    grid = draw(st.lists(st.integers(0, 1000), min_size=n, max_size=n))
    accuracies = min_accuracy + (1 - min_accuracy) * np.sort(np.array(grid)) / 1000
    return costs, accuracies


@st.composite
def correctness(draw, max_instances=40, max_states=6, monotone=False):
    """(correct, costs): a boolean matrix and ascending costs for its columns.

    With ``monotone=True`` the columns are reordered so that accuracy does not
    decrease with cost, as the closed-form bounds require (Eq 3).
    """
    n = draw(st.integers(1, max_instances))
    n_states = draw(st.integers(1, max_states))
    correct = draw(hnp.arrays(bool, (n, n_states)))
    if monotone:
        correct = correct[:, np.argsort(correct.sum(axis=0), kind="stable")]
    costs = np.sort(np.array(draw(st.lists(cost_values, min_size=n_states, max_size=n_states))))
    return correct, costs


@st.composite
def cascades(draw):
    """(scores, correct, costs): scores on a coarse grid, so that ties are common."""
    correct, costs = draw(correctness(max_instances=30, max_states=5))
    grid = hnp.arrays(np.int64, correct.shape, elements=st.integers(0, 6))
    return draw(grid) / 6, correct, costs

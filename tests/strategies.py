"""Hypothesis strategies for state spaces and correctness matrices."""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Costs on a grid of 1/8 keep sums exact enough to compare with tight tolerances.
cost_values = st.integers(min_value=0, max_value=8_000).map(lambda c: c / 8)


@st.composite
def state_spaces(draw, min_states=1, max_states=7, min_accuracy=0.0):
    """(costs, accuracies) on a Pareto frontier: both strictly increasing, accuracies in [0, 1]."""
    n = draw(st.integers(min_states, max_states))
    costs = np.sort(np.array(draw(st.lists(cost_values, min_size=n, max_size=n, unique=True))))
    grid = draw(st.lists(st.integers(0, 1000), min_size=n, max_size=n, unique=True))
    accuracies = min_accuracy + (1 - min_accuracy) * np.sort(np.array(grid)) / 1000
    return costs, accuracies


@st.composite
def correctness(draw, max_instances=40, max_states=6, monotone=False):
    """(correct, costs): a boolean matrix and ascending costs for its columns.

    With ``monotone=True`` the states lie on a Pareto frontier, as the
    closed-form bounds require (Eq 2-3): columns are reordered so that
    accuracy strictly rises with cost, and costs are distinct.
    """
    n = draw(st.integers(1, max_instances))
    n_states = draw(st.integers(1, max_states))
    if monotone:
        # Column i is right on a distinct number of instances, then shuffled.
        counts = np.sort(draw(st.lists(st.integers(0, n), min_size=min(n_states, n + 1),
                                       max_size=min(n_states, n + 1), unique=True)))
        n_states = counts.size
        correct = np.arange(n)[:, None] < counts[None, :]
        for column in range(n_states):
            correct[:, column] = draw(st.permutations(correct[:, column]))
    else:
        correct = draw(hnp.arrays(bool, (n, n_states)))
    costs = np.sort(np.array(draw(st.lists(cost_values, min_size=n_states, max_size=n_states,
                                           unique=monotone))))
    return correct, costs


@st.composite
def cascades(draw):
    """(scores, correct, costs): scores on a coarse grid, so that ties are common."""
    correct, costs = draw(correctness(max_instances=30, max_states=5))
    grid = hnp.arrays(np.int64, correct.shape, elements=st.integers(0, 6))
    return draw(grid) / 6, correct, costs

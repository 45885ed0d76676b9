"""State spaces: the models an adaptive agent chooses between, and how to pick them.

A state space (Section 2.1) is a set of states, each with a cost ``R_i`` and
an accuracy ``A_i``, ordered by cost. This module holds the
:class:`StateSpace` type that every bound accepts, the Pareto frontier that
removes dominated states, and the optimal choice of k states (Section 4.2.1,
Fig 5-6).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import bounds
from ._csvfile import about_file, read_table
from ._validation import (
    check_accuracies,
    check_costs,
    check_positive_int,
    check_state_indices,
    check_state_space,
    frontier_indices,
)

__all__ = ["StateSpace", "pareto", "best_subset", "best_subsets", "read_csv"]


@dataclass(frozen=True)
class StateSpace:
    """Named states with their costs and accuracies, ordered by cost.

    The formulas of :mod:`adaptlab.bounds` take plain arrays; a state space
    has them as methods, so that errors can name its states:
    ``space.conservative()`` is ``bounds.conservative(space.costs,
    space.accuracies)``.

    Parameters
    ----------
    names : sequence of str
        One unique name per state.
    costs : array-like of shape (N,)
        Cost of one inference in each state, non-negative and ascending.
    accuracies : array-like of shape (N,)
        Accuracy of each state, fractions in [0, 1]. Dominated states are
        allowed here (the bounds will name them); :meth:`pareto` drops them.
    unit : str, keyword-only
        Unit of ``costs``, e.g. ``"GFLOPs"``, ``"ms"``, ``"$"``.

    Examples
    --------
    >>> space = StateSpace(["small", "large"], [1.0, 10.0], [0.6, 0.8], unit="GFLOPs")
    >>> round(space.conservative().r_ratio, 4)
    3.5714
    >>> round(space.constant_alpha(0.5).accuracy, 6)
    0.9
    """

    names: tuple
    costs: np.ndarray
    accuracies: np.ndarray
    unit: str = field(default="GFLOPs", kw_only=True)

    def __post_init__(self):
        if isinstance(self.names, str) or not hasattr(self.names, "__len__"):
            raise ValueError(f"names must be a sequence of state names, got {self.names!r}.")
        names = tuple(str(name) for name in self.names)
        costs = check_costs(self.costs, names=names)
        if len(names) != costs.size:
            raise ValueError(f"names has {len(names)} entries but costs has {costs.size}.")
        if len(set(names)) != len(names):
            raise ValueError(f"names must be unique, got {list(names)}.")
        accuracies = check_accuracies(self.accuracies, costs.size)
        if not isinstance(self.unit, str) or not self.unit:
            raise ValueError(f"unit must be a non-empty string, got {self.unit!r}.")
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "costs", costs)
        object.__setattr__(self, "accuracies", accuracies)

    def __len__(self):
        return len(self.names)

    def subset(self, indices):
        """The states at ``indices`` (ascending), as a new state space."""
        indices = check_state_indices(indices, len(self))
        return StateSpace(
            tuple(self.names[i] for i in indices),
            self.costs[indices],
            self.accuracies[indices],
            unit=self.unit,
        )

    def pareto(self):
        """The non-dominated states, as a new state space (see :func:`pareto`)."""
        return self.subset(np.sort(frontier_indices(self.costs, self.accuracies)))

    def to_frame(self):
        """The states as a DataFrame with columns name, cost, accuracy."""
        return pd.DataFrame(
            {"name": self.names, "cost": self.costs, "accuracy": self.accuracies}
        )

    def _arrays(self):
        """Costs and accuracies, checked for dominated states, which are named."""
        return check_state_space(self.costs, self.accuracies, names=self.names)

    # The paper's formulas, each :mod:`adaptlab.bounds`' function of the same name.

    def general(self, alphas):
        """Eq 7 with one alpha per state: :func:`adaptlab.bounds.general`."""
        return bounds.general(*self._arrays(), alphas)

    def constant_alpha(self, alpha):
        """Eq 8 at one alpha: :func:`adaptlab.bounds.constant_alpha`."""
        return bounds.constant_alpha(*self._arrays(), alpha)

    def conservative(self):
        """Eq 9, alpha = 1: :func:`adaptlab.bounds.conservative`."""
        return bounds.conservative(*self._arrays())

    def two_state(self):
        """Eq 10, the dynamic range alone: :func:`adaptlab.bounds.two_state`."""
        return bounds.two_state(*self._arrays())

    def granularity(self):
        """Eq 12, range minus granularity: :func:`adaptlab.bounds.granularity`."""
        return bounds.granularity(*self._arrays())

    def smallest_state_limit(self, n_classes):
        """Eq 11 with R_2: :func:`adaptlab.bounds.smallest_state_limit`."""
        return bounds.smallest_state_limit(*self._arrays(), n_classes)

    def continuous(self):
        """Eq 13, the continuous limit: :func:`adaptlab.bounds.continuous`."""
        return bounds.continuous(*self._arrays())

    def best_subset(self, k):
        """The k states with the cheapest conservative oracle, as a new state space
        (see :func:`best_subset`)."""
        return self.subset(best_subset(*self._arrays(), k))

    def best_subsets(self):
        """:func:`best_subsets`, with the states' names in a column ``names``."""
        table = best_subsets(*self._arrays())
        table["names"] = [tuple(self.names[i] for i in states) for states in table["states"]]
        return table


def read_csv(path, *, unit="GFLOPs"):
    """A state space from a local CSV file with columns ``name``, ``cost``, ``accuracy``.

    Rows may come in any order; they are sorted by cost (ties by accuracy).
    The file is read by ``adaptlab._csvfile.read_table``: a local file
    only (no URL), every cell filled in, one row per name; whitespace after
    the commas is fine.

    Parameters
    ----------
    path : str or path-like
        The CSV file; columns other than the three are ignored.
    unit : str, default="GFLOPs"
        Unit of the ``cost`` column.

    Returns
    -------
    StateSpace
        Every model of the file, dominated ones included.

    Raises
    ------
    ValueError
        Naming ``path``, the file and what is wrong: not a local CSV file, a
        missing column, a blank or non-numeric cell, a repeated name, or costs
        and accuracies no state space accepts (e.g. accuracies in percent).
    """
    table = read_table(
        path, columns=("name", "cost", "accuracy"), numeric=("cost", "accuracy"), key="name"
    )
    table = table.sort_values(["cost", "accuracy"], kind="stable")
    with about_file(path):
        return StateSpace(
            tuple(table["name"]), table["cost"].to_numpy(), table["accuracy"].to_numpy(), unit=unit
        )


def pareto(costs, accuracies):
    """Indices of the non-dominated states, ascending in cost.

    A state is dominated when another state costs no more and is at least as
    accurate, and is not the same point; of identical points the first is
    kept. The states kept have strictly increasing cost and strictly
    increasing accuracy, so every bound accepts them.

    Parameters
    ----------
    costs : array-like of shape (N,)
        Costs in any order.
    accuracies : array-like of shape (N,)

    Returns
    -------
    ndarray of int
        Indices into the inputs, ordered by cost.

    Examples
    --------
    >>> pareto([1, 2, 3, 4], [0.5, 0.4, 0.7, 0.7]).tolist()
    [0, 2]
    """
    costs = check_costs(costs, ascending=False)
    return frontier_indices(costs, check_accuracies(accuracies, costs.size))


_DP_BLOCK_CELLS = 2**17
"""Most cells of the pair-term matrix :func:`_subset_tables` holds at once (1 MiB of floats)."""


def _subset_tables(costs, accuracies, k):
    """Dynamic programme behind :func:`best_subset`.

    With alpha = 1 (Eq 9) a subset ``s_1 < ... < s_k = N`` costs
    ``R_{s_1} (1 - A_N + A_{s_1}) + sum_{j=2}^{k} R_{s_j} (A_{s_j} - A_{s_{j-1}})``:
    a term for the first state plus one term per consecutive pair. So the best
    chain from each state to the last is a shortest path.
    ``tail[m, a]`` is the least pair-sum of a chain of m + 1 states that starts
    at a and ends at the last state; ``step[m, a]`` is its second state.

    The pair terms ``edge[a, b] = R_b (A_b - A_a)`` form an N x N matrix (800 MB
    for N = 10,000), never held whole: each step computes it a block of rows
    at a time, at most ``_DP_BLOCK_CELLS`` cells, and only for ``b > a``.
    Time is O(k N^2); memory is the O(k N) tables and one block.
    """
    n_states = costs.size
    tail = np.full((k, n_states), np.inf)
    step = np.full((k, n_states), -1, dtype=int)
    tail[0, -1] = 0.0
    block = max(1, _DP_BLOCK_CELLS // n_states)
    for m in range(1, k):
        # A chain of m + 1 states from a to the last needs a < N - m and its second
        # state b <= N - m: the other entries stay infinite.
        for start in range(0, n_states - m, block):
            stop = min(start + block, n_states - m)
            rows = np.arange(stop - start)  # a = start + row; b = start + 1 + column
            later = slice(start + 1, n_states - m + 1)
            totals = costs[later] * (accuracies[later] - accuracies[start:stop, None])
            totals += tail[m - 1, later]
            totals[:, : rows.size][np.tri(rows.size, k=-1, dtype=bool)] = np.inf  # b <= a
            best = totals.argmin(axis=1)
            step[m, start:stop] = start + 1 + best
            tail[m, start:stop] = totals[rows, best]
    return tail, step


def _best_chain(costs, accuracies, tail, step, k):
    """Indices of the best k-state subset, given the tables of :func:`_subset_tables`."""
    head = costs * (1.0 - accuracies[-1] + accuracies)
    chain = [int(np.argmin(head + tail[k - 1]))]
    for m in range(k - 1, 0, -1):
        chain.append(int(step[m, chain[-1]]))
    return np.array(chain)


def best_subsets(costs, accuracies):
    """The optimal state subsets of every size, with their conservative cost.

    Parameters
    ----------
    costs : array-like of shape (N,)
        Ascending costs.
    accuracies : array-like of shape (N,)
        Accuracies rising with cost.

    Returns
    -------
    pandas.DataFrame
        One row per size k = 1..N: ``k``, ``states`` (tuple of indices),
        ``cost`` (``R_oracle`` at alpha = 1) and ``r_ratio`` (Fig 6).
    """
    costs, accuracies = check_state_space(costs, accuracies)
    n_states = costs.size
    tail, step = _subset_tables(costs, accuracies, n_states)
    rows = []
    for k in range(1, n_states + 1):
        states = _best_chain(costs, accuracies, tail, step, k)
        cost = bounds.conservative(costs[states], accuracies[states]).selection_cost
        ratio = costs[-1] / cost if cost > 0 else np.nan  # a free oracle has no ratio
        rows.append({"k": k, "states": tuple(states.tolist()), "cost": cost, "r_ratio": ratio})
    return pd.DataFrame(rows)


def best_subset(costs, accuracies, k):
    """The k states whose conservative oracle (Eq 9) is cheapest (Fig 5-6).

    Only subsets that keep the most accurate (last) state are considered, so
    every candidate reaches the same accuracy ``A_N``. Solved exactly in
    ``O(k N^2)`` time by dynamic programming (Section 4.2.1: "polynomial
    time"), not by enumerating the ``C(N-1, k-1)`` subsets.

    Parameters
    ----------
    costs : array-like of shape (N,)
        Ascending costs.
    accuracies : array-like of shape (N,)
        Accuracies rising with cost.
    k : int
        Number of states to keep, 1 <= k <= N.

    Returns
    -------
    ndarray of int, shape (k,)
        Indices of the chosen states, ascending; the last is N - 1.

    Examples
    --------
    >>> best_subset([1, 2, 10, 100], [0.5, 0.6, 0.8, 0.9], 2).tolist()
    [2, 3]
    """
    costs, accuracies = check_state_space(costs, accuracies)
    k = check_positive_int(k, "k")
    if k > costs.size:
        raise ValueError(f"k must be at most the number of states ({costs.size}), got {k}.")
    tail, step = _subset_tables(costs, accuracies, k)
    return _best_chain(costs, accuracies, tail, step, k)


"""The result of training a family of models: one object the bounds and routers take."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_cost_kind, check_state_indices
from .statespace import StateSpace, pareto

__all__ = ["Family"]


@dataclass(frozen=True)
class Family:
    """A trained state space: N models ordered by cost, evaluated on validation and test.

    Attributes
    ----------
    names : tuple of str, length N
        One name per state, cheapest first.
    costs : ndarray of float, shape (N,)
        Inference cost of one instance in each state, ascending, in ``unit``.
    unit : str
        Unit of ``costs``, e.g. ``"MFLOPs"``.
    proba_val, proba_test : ndarray of float, shape (n, N, n_classes)
        Predicted class probabilities of every state on every instance.
    y_val, y_test : ndarray of int, shape (n,)
        True labels.
    latency_ms : ndarray of float, shape (N,), or None
        Measured wall-clock time per instance of each state, in milliseconds.
    sequential_costs : ndarray of float, shape (N,), or None
        What a cascade that runs the states in order and stops at state i has
        paid. None for separate models, which pay ``cumsum(costs)``; the exits
        of one early-exit network share their backbone and pay less.
    """

    names: tuple
    costs: np.ndarray
    unit: str
    proba_val: np.ndarray
    proba_test: np.ndarray
    y_val: np.ndarray
    y_test: np.ndarray
    latency_ms: np.ndarray | None = None
    sequential_costs: np.ndarray | None = None

    @property
    def correct_val(self) -> np.ndarray:
        """Boolean (n_val, N): is state i right on instance x of the validation split."""
        return self.proba_val.argmax(axis=2) == self.y_val[:, None]

    @property
    def correct_test(self) -> np.ndarray:
        """Boolean (n_test, N): is state i right on instance x of the test split."""
        return self.proba_test.argmax(axis=2) == self.y_test[:, None]

    @property
    def accuracies(self) -> np.ndarray:
        """Test accuracy of each state, shape (N,)."""
        return self.correct_test.mean(axis=0)

    def __len__(self) -> int:
        return len(self.names)

    def subset(self, indices):
        """The states at ``indices`` (ascending), as a new family."""
        indices = check_state_indices(indices, len(self))
        return Family(
            names=tuple(self.names[i] for i in indices),
            costs=self.costs[indices],
            unit=self.unit,
            proba_val=self.proba_val[:, indices],
            proba_test=self.proba_test[:, indices],
            y_val=self.y_val,
            y_test=self.y_test,
            latency_ms=None if self.latency_ms is None else self.latency_ms[indices],
            sequential_costs=(
                None if self.sequential_costs is None else self.sequential_costs[indices]
            ),
        )

    @property
    def shares_computation(self):
        """True when states share computation (early exits), so that a cascade pays less."""
        return self.sequential_costs is not None

    def stop_costs(self, cost_kind="sequential"):
        """What stopping at each state costs: the state alone (``"selection"``) or,
        ``"sequential"``, everything a cascade ran to get there."""
        if check_cost_kind(cost_kind) == "selection":
            return self.costs
        return np.cumsum(self.costs) if self.sequential_costs is None else self.sequential_costs

    def pareto(self):
        """The states on the cost-accuracy frontier, judged on validation.

        Validation decides, so that the test split stays unseen; the bounds
        need accuracies that grow with cost (Eq 3).
        """
        return self.subset(pareto(self.costs, self.correct_val.mean(axis=0)))

    def state_space(self):
        """Names, costs and test accuracies as a :class:`~adaptlab.statespace.StateSpace`."""
        return StateSpace(self.names, self.costs, self.accuracies, unit=self.unit)

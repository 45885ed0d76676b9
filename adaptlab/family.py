"""The result of training a family of models: one object the bounds and routers take."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import (
    check_cost_kind,
    check_costs,
    check_proba,
    check_sequential_costs,
    check_state_indices,
)
from .statespace import StateSpace, pareto

__all__ = ["Family"]

def _check_labels(labels, name, proba, proba_name):
    """Integer labels, one per instance of ``proba``, each a class of ``proba``."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype == bool or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"{name} must be a 1-D array of integer class labels, got {labels.dtype} "
                         f"of shape {labels.shape}.")
    if labels.size != proba.shape[0]:
        raise ValueError(f"{name} has {labels.size} labels but {proba_name} has "
                         f"{proba.shape[0]} instances.")
    n_classes = proba.shape[2]
    if labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(f"{name} must be class indices in range({n_classes}) (the classes of "
                         f"{proba_name}), got values from {labels.min()} to {labels.max()}.")
    return labels


@dataclass(frozen=True, kw_only=True)
class Family:
    """A trained state space: N models ordered by cost, evaluated on validation and test.

    Built by :func:`adaptlab.sklearn_family.train_sklearn_family` and
    :mod:`adaptlab.torch_family`, or by hand with keyword arguments; every
    field is checked when the family is made, and a mismatch is a ValueError
    that names the field.

    Attributes
    ----------
    names : tuple of str, length N
        One unique name per state, cheapest first.
    costs : ndarray of float, shape (N,)
        Inference cost of one instance in each state, ascending, in ``unit``.
    unit : str
        Unit of ``costs``, e.g. ``"MFLOPs"``.
    proba_val, proba_test : ndarray of float, shape (n, N, n_classes)
        Predicted class probabilities of every state on every instance; the
        same states and classes in both splits.
    y_val, y_test : ndarray of int, shape (n,)
        True labels, in ``range(n_classes)``.
    latency_ms : ndarray of float, shape (N,), or None
        Measured wall-clock time per instance of each state, in milliseconds.
    sequential_costs : ndarray of float, shape (N,)
        What a cascade that runs the states in order and stops at state i has
        paid. By default ``cumsum(costs)``, as separate models pay; the exits
        of one early-exit network share their backbone and pay less, so their
        trainer passes it.
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

    def __post_init__(self):
        if isinstance(self.names, str) or not hasattr(self.names, "__len__"):
            raise ValueError(f"names must be a sequence of state names, got {self.names!r}.")
        names = tuple(str(name) for name in self.names)
        if len(set(names)) != len(names) or not names:
            raise ValueError(f"names must be unique and non-empty, got {list(names)}.")
        costs = check_costs(self.costs, names=names)
        if costs.size != len(names):
            raise ValueError(f"costs has {costs.size} entries but names has {len(names)}.")
        if not isinstance(self.unit, str) or not self.unit:
            raise ValueError(f"unit must be a non-empty string, got {self.unit!r}.")
        proba_val = check_proba(self.proba_val, "proba_val")
        proba_test = check_proba(self.proba_test, "proba_test")
        for name, proba in (("proba_val", proba_val), ("proba_test", proba_test)):
            if proba.shape[1] != len(names):
                raise ValueError(f"{name} has {proba.shape[1]} states but names has {len(names)}.")
        if proba_val.shape[2] != proba_test.shape[2]:
            raise ValueError(
                f"proba_val covers {proba_val.shape[2]} classes but proba_test covers "
                f"{proba_test.shape[2]}: both splits must be predicted over the same classes."
            )
        fields = {
            "names": names,
            "costs": costs,
            "proba_val": proba_val,
            "proba_test": proba_test,
            "y_val": _check_labels(self.y_val, "y_val", proba_val, "proba_val"),
            "y_test": _check_labels(self.y_test, "y_test", proba_test, "proba_test"),
            "sequential_costs": check_sequential_costs(self.sequential_costs, costs),
        }
        if self.latency_ms is not None:
            latency = check_costs(self.latency_ms, name="latency_ms", ascending=False)
            if latency.size != len(names):
                raise ValueError(f"latency_ms has {latency.size} entries but names has "
                                 f"{len(names)}.")
            fields["latency_ms"] = latency
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    @property
    def n_classes(self) -> int:
        """Number of classes the states predict."""
        return self.proba_val.shape[2]

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
        """The states at ``indices`` (ascending), as a new family.

        A cascade through a subset of early exits still pays each exit's own
        ``sequential_costs``: the backbone runs up to the exit either way.
        """
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
            sequential_costs=self.cascade_costs(indices),
        )

    def cascade_costs(self, indices):
        """What a cascade through the states at ``indices`` (ascending) has paid on stopping at
        each: the running sum of their costs, or, for early exits, each exit's own
        ``sequential_costs`` (the backbone runs up to the exit either way)."""
        indices = check_state_indices(indices, len(self))
        if self.shares_computation:
            return self.sequential_costs[indices]
        return np.cumsum(self.costs[indices])

    @property
    def shares_computation(self):
        """True when a cascade pays less than ``cumsum(costs)`` (early exits share a backbone)."""
        return not np.allclose(self.sequential_costs, np.cumsum(self.costs), rtol=1e-12, atol=0)

    def cost_of(self, cost_kind):
        """What stopping at each state costs: the state alone (``"selection"``) or,
        ``"sequential"``, everything a cascade ran to get there."""
        if check_cost_kind(cost_kind) == "selection":
            return self.costs
        return self.sequential_costs

    def pareto(self):
        """The states on the cost-accuracy frontier, judged on validation.

        Validation decides, so that the test split stays unseen; the bounds
        need accuracies that rise with cost (Eq 3).
        """
        return self.subset(np.sort(pareto(self.costs, self.correct_val.mean(axis=0))))

    def state_space(self):
        """Names, costs and test accuracies as a :class:`~adaptlab.statespace.StateSpace`."""
        return StateSpace(self.names, self.costs, self.accuracies, unit=self.unit)

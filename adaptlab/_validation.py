"""Input checks shared by the theory modules, in scikit-learn's spirit.

Every check raises ``ValueError`` with the argument's name, so a learner who
passes a percentage, an unsorted cost list or a dominated model is told what
to fix, not handed a traceback from deep inside numpy.
"""
from __future__ import annotations

import numpy as np


def _finite_vector(values, name):
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers, got {values!r}.") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}.")
    if array.size == 0:
        raise ValueError(f"{name} is empty: give at least one state.")
    if not np.all(np.isfinite(array)):
        bad = np.flatnonzero(~np.isfinite(array)).tolist()
        raise ValueError(f"{name} must be finite; NaN or inf at positions {bad}.")
    return array


def state_names(names, n_states):
    """Labels for error messages: the given names or ``"state i"`` (0-based)."""
    if names is None:
        return [f"state {i}" for i in range(n_states)]
    return [str(name) for name in names]


def check_costs(costs, name="costs", names=None, ascending=True):
    """Costs as a float array: finite, non-negative and, unless told not to, ascending (Eq 2)."""
    costs = _finite_vector(costs, name)
    if np.any(costs < 0):
        bad = np.flatnonzero(costs < 0).tolist()
        raise ValueError(f"{name} must be non-negative; negative at positions {bad}.")
    unsorted = np.flatnonzero(np.diff(costs) < 0)
    if ascending and unsorted.size:
        labels = state_names(names, costs.size)
        i = unsorted[0]
        raise ValueError(
            f"{name} must be sorted in ascending order (Eq 2): {labels[i + 1]} costs "
            f"{costs[i + 1]:g}, less than {labels[i]} before it ({costs[i]:g}). "
            "Order the states by cost first."
        )
    return costs


def check_accuracies(accuracies, n_states, name="accuracies", names=None, monotone=True):
    """Accuracies as a float array of fractions; non-decreasing (Eq 3) unless told not to."""
    accuracies = _finite_vector(accuracies, name)
    if accuracies.size != n_states:
        raise ValueError(
            f"{name} has {accuracies.size} entries but there are {n_states} states (costs)."
        )
    if np.any(accuracies > 1):
        hint = " It looks like a percentage: divide by 100." if np.all(accuracies <= 100) else ""
        raise ValueError(f"{name} must be fractions in [0, 1], got {accuracies.max():g}.{hint}")
    if np.any(accuracies < 0):
        raise ValueError(f"{name} must be fractions in [0, 1], got {accuracies.min():g}.")
    if monotone:
        best_before = np.maximum.accumulate(accuracies)
        dominated = np.flatnonzero(accuracies[1:] < best_before[:-1]) + 1
        if dominated.size:
            labels = state_names(names, n_states)
            listed = ", ".join(labels[i] for i in dominated)
            raise ValueError(
                f"{name} must not decrease with cost (Eq 3); dominated states: {listed} "
                "(a cheaper state is more accurate). Keep the Pareto frontier: "
                "adaptlab.statespace.pareto(costs, accuracies)."
            )
    return accuracies


def check_accuracy(value, name):
    """A scalar accuracy in [0, 1]; a percentage is rejected with a hint."""
    value = check_number(value, name)
    return float(check_accuracies([value], 1, name=name, monotone=False)[0])


COST_KINDS = ("sequential", "selection")
"""The two prices of a routing: every state run, or only the state that answers."""


def check_cost_kind(kind):
    """``"sequential"`` or ``"selection"``."""
    if kind not in COST_KINDS:
        raise ValueError(f"cost_kind must be one of {COST_KINDS}, got {kind!r}.")
    return kind


def check_fraction(value, name):
    """A scalar in [0, 1]."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}.") from None
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}.")
    return value


def check_correct(correct, name="correct"):
    """A per-instance correctness matrix (n instances x N states) as a bool array."""
    array = np.asarray(correct)
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D matrix (instances x states), got shape {array.shape}."
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{name} is empty, shape {array.shape}: need instances and states.")
    if array.dtype == bool:
        return array
    if not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{name} must hold booleans or 0/1, got dtype {array.dtype}.")
    if not np.all((array == 0) | (array == 1)):
        raise ValueError(
            f"{name} must be binary (True/False or 0/1: was state i right on instance x?); "
            "got other values. Compare predictions to labels first."
        )
    return array.astype(bool)


def check_positive_int(value, name, minimum=1):
    """An integer >= minimum."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def unpack_state_space(costs, accuracies):
    """(costs, accuracies, names) from two arrays or from one state-space object.

    A state space is anything with ``costs`` and ``accuracies`` attributes
    (and, optionally, ``names`` for the error messages); it is passed as
    ``costs`` with ``accuracies`` left as None. Nothing is checked here.
    """
    if accuracies is not None:
        return costs, accuracies, None
    if not (hasattr(costs, "costs") and hasattr(costs, "accuracies")):
        raise ValueError(
            "accuracies is required (or pass a state space with .costs and .accuracies)."
        )
    return costs.costs, costs.accuracies, getattr(costs, "names", None)


def check_state_space(costs, accuracies, monotone=True):
    """Validated (costs, accuracies) from two arrays or from one state-space object."""
    costs, accuracies, names = unpack_state_space(costs, accuracies)
    costs = check_costs(costs, names=names)
    accuracies = check_accuracies(accuracies, costs.size, names=names, monotone=monotone)
    return costs, accuracies


def check_state_indices(indices, n_states, name="indices"):
    """Integer state indices, in range and strictly ascending, so cost order is kept."""
    array = np.asarray(indices)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty list of state indices, got {indices!r}.")
    if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must hold integer state indices, got dtype {array.dtype}.")
    if array.min() < 0 or array.max() >= n_states:
        raise ValueError(f"{name} must be in range({n_states}), got {array.tolist()}.")
    if np.any(np.diff(array) <= 0):
        raise ValueError(
            f"{name} must be strictly ascending (states stay ordered by cost), "
            f"got {array.tolist()}."
        )
    return array


def check_number(value, name, minimum=None):
    """A finite real number (>= minimum when given), as a float."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, got {value!r}.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}.") from None
    if not np.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    if minimum is not None and number < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}.")
    return number


def check_costs_for_states(costs, n_states, name="costs"):
    """Ascending costs with one entry per state (column) of a per-instance matrix."""
    costs = check_costs(costs, name=name)
    if costs.size != n_states:
        raise ValueError(
            f"{name} has {costs.size} entries but there are {n_states} states (columns)."
        )
    return costs

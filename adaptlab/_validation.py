"""Input checks shared by the theory modules, in scikit-learn's spirit.

Every check raises ``ValueError`` with the argument's name, so a learner who
passes a percentage, an unsorted cost list or a dominated model is told what
to fix, not handed a traceback from deep inside numpy.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def check_not_iterator(values, name):
    """Refuse a one-shot iterator (a generator, map, zip...): numpy cannot read one as an array."""
    if isinstance(values, Iterator):
        raise ValueError(
            f"{name} must be an array or a list, got a {type(values).__name__}: "
            "pass list(...) of it."
        )
    return values


def as_float_array(values, name, what="an array of numbers"):
    """``values`` as a float array, or a ValueError naming ``name`` and saying ``what`` it must be."""
    if values is None:
        raise ValueError(f"{name} is required, got None.")
    check_not_iterator(values, name)
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        shown = repr(values) if len(repr(values)) < 80 else type(values).__name__
        raise ValueError(f"{name} must be {what}, got {shown}.") from None


def _finite_vector(values, name):
    array = as_float_array(values, name)
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


def check_accuracies(accuracies, n_states, name="accuracies"):
    """Accuracies as a float array of fractions in [0, 1], one per state."""
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
    return accuracies


def frontier_indices(costs, accuracies):
    """Indices of the non-dominated states of checked arrays, ascending in cost.

    A state is dominated when another costs no more and is at least as
    accurate; of identical states the first is kept.
    """
    # Cheapest first; among equal costs the most accurate first, so it wins.
    order = np.lexsort((-accuracies, costs))
    sorted_accuracies = accuracies[order]
    best_before = np.maximum.accumulate(np.concatenate([[-np.inf], sorted_accuracies[:-1]]))
    return order[sorted_accuracies > best_before]


def check_accuracy(value, name):
    """A scalar accuracy in [0, 1]; a percentage is rejected with a hint."""
    value = check_number(value, name)
    return float(check_accuracies([value], 1, name=name)[0])


COST_KINDS = ("sequential", "selection")
"""The two prices of a routing: every state run, or only the state that answers."""


def check_cost_kind(kind):
    """``"sequential"`` or ``"selection"``."""
    if kind not in COST_KINDS:
        raise ValueError(f"cost_kind must be one of {COST_KINDS}, got {kind!r}.")
    return kind


def check_sequential_costs(sequential_costs, costs):
    """What a cascade that stops at each state has paid: ``cumsum(costs)`` unless given.

    The one place where sequential cost is defined. A cascade of separate
    models pays every state it ran, ``R_1 + ... + R_i``; states that share
    computation (the exits of one early-exit network) pay less, and then
    their own ``sequential_costs`` are given, at least ``costs`` each.
    ``costs`` must be checked already.
    """
    if sequential_costs is None:
        return np.cumsum(costs)
    sequential_costs = check_costs_for_states(sequential_costs, costs.size, name="sequential_costs")
    if np.any(sequential_costs < costs):
        raise ValueError(
            "sequential_costs must be at least costs: stopping at a state pays for it."
        )
    return sequential_costs


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
    array = np.asarray(check_not_iterator(correct, name))
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


PROBA_TOLERANCE = 1e-4
"""How far a row of probabilities may sum from 1 (float32 softmax is well within)."""


def check_proba(proba, name="proba"):
    """Class probabilities (instances x states x classes): finite, in [0, 1], rows summing to 1."""
    proba = as_float_array(proba, name, "an array of probabilities (instances x states x classes)")
    if proba.ndim != 3 or proba.shape[0] == 0 or proba.shape[1] == 0:
        raise ValueError(
            f"{name} must be a non-empty 3-D array (instances x states x classes), "
            f"got shape {proba.shape}."
        )
    if proba.shape[2] < 2:
        raise ValueError(f"{name} must cover at least 2 classes, got {proba.shape[2]}.")
    if not np.all(np.isfinite(proba)):
        raise ValueError(f"{name} must be finite; found NaN or inf.")
    if proba.min() < -PROBA_TOLERANCE or proba.max() > 1 + PROBA_TOLERANCE:
        raise ValueError(
            f"{name} must hold probabilities in [0, 1], got values in "
            f"[{proba.min():.4g}, {proba.max():.4g}]. Apply a softmax to logits first."
        )
    worst = np.abs(proba.sum(axis=2) - 1).max()
    if worst > PROBA_TOLERANCE:
        raise ValueError(
            f"{name} must sum to 1 over classes (axis 2); a row is off by {worst:.3g}."
        )
    return proba


def check_positive_int(value, name, minimum=1, maximum=None):
    """An integer >= minimum (and <= maximum when given)."""
    integer = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if integer and minimum <= value and (maximum is None or value <= maximum):
        return int(value)
    shown = f"an integer of {len(str(abs(value)))} digits" if integer and abs(value) > 10**15 \
        else repr(value)
    allowed = f">= {minimum}" if maximum is None else f"between {minimum:,} and {maximum:,}"
    raise ValueError(f"{name} must be an integer {allowed}, got {shown}.")


def check_state_space(costs, accuracies, names=None):
    """Validated (costs, accuracies) of a state space on its Pareto frontier (Eq 2-3).

    Costs ascend and accuracies are fractions; no state may be dominated, that
    is, matched or beaten in accuracy by a state that costs no more. Eq 3 only
    asks that accuracy not decrease, but a state as accurate as a cheaper one
    is never worth running, and as the largest state it would inflate
    ``R_ratio = R_N / R_oracle``.
    """
    costs = check_costs(costs, names=names)
    accuracies = check_accuracies(accuracies, costs.size)
    kept = frontier_indices(costs, accuracies)
    if kept.size < costs.size:
        labels = state_names(names, costs.size)
        dominated = ", ".join(labels[i] for i in np.setdiff1d(np.arange(costs.size), kept))
        raise ValueError(
            f"accuracies must rise with cost (Eq 2-3); dominated states: {dominated} "
            "(another state costs no more and is at least as accurate). Keep the Pareto "
            "frontier: adaptlab.statespace.pareto(costs, accuracies), or space.pareto()."
        )
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

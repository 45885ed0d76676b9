"""The adaptive oracle and its bounds: Eq 4-13 of Hor, Qian, Pilanci & Arbabian.

An *adaptive oracle* (Definition 2.1) knows, for every input, which states of
the state space answer it correctly, and pays for the cheapest one. Nothing
that routes between the same states can do better, so its cost and accuracy
bound every practical router.

Two entry points:

* from a per-instance correctness matrix, the exact oracle (:func:`oracle`,
  Eq 4-5) and the cross-model error dependence (:func:`alphas`, Eq 6);
* from per-state costs and accuracies alone, the closed forms: the general
  formula (:func:`general`, Eq 7), the constant-alpha line
  (:func:`constant_alpha`, Eq 8), the conservative bound (:func:`conservative`,
  Eq 9, alpha = 1), its two-state and rearranged forms (:func:`two_state`,
  Eq 10; :func:`granularity`, Eq 12), the smallest-state rule
  (:func:`smallest_state_limit`, Eq 11) and the continuous limit
  (:func:`continuous`, Eq 13).

States are indexed from 0 in code and from 1 in the paper: the paper's
``R_1`` is ``costs[0]``.

Two slips in the paper are corrected here and taught in the notebooks:

* the appendix's proof of Eq 7 writes ``alpha_i (1 - A_i)`` inside the sum;
  the expansion it starts from gives ``alpha_{i-1} (1 - A_{i-1})``, as the
  main text prints it;
* Eq 11 in the main text prints ``R_N``; the appendix's own derivation yields
  ``R_2``, the second state's cost.

All functions are pure numpy and know nothing of models. They take plain
arrays, in one order: costs before accuracies, then the formula's own
parameter (``constant_alpha(costs, accuracies, alpha)``). A named state space,
:class:`adaptlab.statespace.StateSpace`, has the same formulas as methods:
``space.constant_alpha(0.5)``.

Every formula returns an :class:`OperatingPoint` that carries both prices of
the same routing (lecture 2): the *selection cost*, the paper's ``R_oracle``,
which pays only the state that answers, and the *sequential cost*, which a
cascade running the states one after another pays. The closed forms of
Eq 7-10 are sums ``R_oracle = sum_i s_i R_i`` over the share ``s_i`` of
instances the oracle answers with state i, so both costs follow from the same
shares, ``exit_share``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import (
    as_float_array,
    check_accuracies,
    check_accuracy,
    check_correct,
    check_cost_kind,
    check_costs,
    check_costs_for_states,
    check_fraction,
    check_number,
    check_positive_int,
    check_sequential_costs,
    check_state_space,
)

__all__ = [
    "OperatingPoint",
    "OracleResult",
    "Granularity",
    "oracle",
    "alphas",
    "error_probabilities",
    "general",
    "constant_alpha",
    "conservative",
    "two_state",
    "granularity",
    "smallest_state_limit",
    "continuous",
    "sequential_costs",
    "MAX_CLASSES",
    "r_ratio",
    "delta_r",
    "delta_a",
]


def r_ratio(largest_cost, cost):
    """Efficiency gain ``R_ratio = R_N / R_oracle`` (Section 3).

    Parameters
    ----------
    largest_cost : float
        ``R_N``, the cost of the largest (most accurate) state.
    cost : float
        The cost of the adaptive agent, e.g. ``R_oracle``.

    Returns
    -------
    float
        How many times cheaper the agent is than always running the largest
        state; below 1 when it costs more.

    Examples
    --------
    >>> r_ratio(10.0, 4.0)
    2.5
    """
    largest_cost = check_number(largest_cost, "largest_cost", minimum=0)
    cost = check_number(cost, "cost", minimum=0)
    if cost == 0:
        raise ValueError("cost must be positive to form a ratio, got 0.")
    return largest_cost / cost


def delta_r(largest_cost, cost):
    """Resources saved, ``Delta R = R_N - R_oracle`` (Section 3).

    Examples
    --------
    >>> delta_r(10.0, 4.0)
    6.0
    """
    return check_number(largest_cost, "largest_cost", minimum=0) - check_number(
        cost, "cost", minimum=0
    )


def delta_a(accuracy, largest_accuracy):
    """Accuracy gained, ``Delta A = A_oracle - A_N`` (Section 3).

    Examples
    --------
    >>> round(delta_a(0.9, 0.85), 6)
    0.05
    """
    return check_accuracy(accuracy, "accuracy") - check_accuracy(
        largest_accuracy, "largest_accuracy"
    )


@dataclass(frozen=True)
class OperatingPoint:
    """Expected accuracy and cost of an adaptive agent on a state space.

    Attributes
    ----------
    accuracy : float
        Expected accuracy, ``A_oracle`` for the oracle.
    selection_cost : float
        Expected cost per instance when only the answering state is paid:
        ``R_oracle`` of the paper (Eq 5), what an ideal selector pays.
    sequential_cost : float
        Expected cost per instance when the states run one after another and
        every state run is paid: what a cascade that reaches the same answers
        pays. NaN where it is not defined (the continuous limit, Eq 13).
    exit_share : ndarray of float, shape (N,), or None
        Share of instances answered by each state; sums to 1. None where it is
        not defined (Eq 13).
    largest_cost, largest_accuracy : float
        ``R_N`` and ``A_N`` of the largest state: the static baseline.

    Examples
    --------
    >>> point = conservative([1.0, 10.0], [0.6, 0.8])
    >>> point.exit_share.round(6).tolist()  # 80% stop at the small state, 20% need the large one
    [0.8, 0.2]
    >>> round(point.selection_cost, 6), round(point.sequential_cost, 6)
    (2.8, 3.0)
    >>> round(point.r_ratio, 4)
    3.5714
    """

    accuracy: float
    selection_cost: float
    sequential_cost: float
    exit_share: np.ndarray | None
    largest_cost: float
    largest_accuracy: float

    def cost_of(self, cost_kind):
        """The ``"selection"`` or the ``"sequential"`` cost."""
        if check_cost_kind(cost_kind) == "selection":
            return self.selection_cost
        return self.sequential_cost

    @property
    def r_ratio(self):
        """``R_N / R_oracle``, the paper's gain: times cheaper than the largest state,
        at the selection cost (``bounds.r_ratio(p.largest_cost, p.sequential_cost)``
        for a cascade's)."""
        return r_ratio(self.largest_cost, self.selection_cost)

    @property
    def delta_r(self):
        """``R_N - R_oracle``: resources saved per instance, at the selection cost."""
        return delta_r(self.largest_cost, self.selection_cost)

    @property
    def delta_a(self):
        """``A_oracle - A_N``: accuracy gained over the largest state."""
        return delta_a(self.accuracy, self.largest_accuracy)


@dataclass(frozen=True)
class OracleResult(OperatingPoint):
    """The exact adaptive oracle on a correctness matrix (Definition 2.1).

    Attributes
    ----------
    choice : ndarray of int, shape (n,)
        The state the oracle picks for each instance: the cheapest correct
        state, else the smallest state (Eq 4). ``exit_share`` counts them.
    """

    choice: np.ndarray


@dataclass(frozen=True)
class Granularity:
    """The rearranged conservative bound, Eq 12.

    ``selection_cost = dynamic_range_cost - savings.sum()``.

    Attributes
    ----------
    dynamic_range_cost : float
        ``R_1 + (A_N - A_1)(R_N - R_1)``: what the smallest and largest states
        alone would cost (Eq 10).
    savings : ndarray, shape (N - 1,)
        ``(A_i - A_{i-1})(R_N - R_i)`` for i = 2..N: how much each further
        state saves. Never negative.
    selection_cost : float
        ``R_oracle`` at alpha = 1, equal to :func:`conservative`'s.
    """

    dynamic_range_cost: float
    savings: np.ndarray
    selection_cost: float


def sequential_costs(costs):
    """Per-state cost of a sequential cascade: ``C_i = R_1 + ... + R_i``.

    A cascade that runs states in order and stops at state i has paid for
    every state up to i. Every :class:`OperatingPoint` already gives this
    price as ``sequential_cost``; the vector itself serves to price exit
    shares by hand (``point.exit_share @ sequential_costs(costs)``).

    Parameters
    ----------
    costs : array-like of shape (N,)
        Cost of each state, ascending.

    Returns
    -------
    ndarray of shape (N,)

    Examples
    --------
    >>> sequential_costs([1.0, 4.0, 10.0]).tolist()
    [1.0, 5.0, 15.0]
    """
    costs = check_costs(costs)
    return check_sequential_costs(None, costs)


def _point(costs, accuracies, share, accuracy):
    """The operating point that answers ``share`` of instances with each state."""
    return OperatingPoint(
        accuracy=float(accuracy),
        selection_cost=float(share @ costs),
        sequential_cost=float(share @ check_sequential_costs(None, costs)),
        exit_share=share,
        largest_cost=float(costs[-1]),
        largest_accuracy=float(accuracies[-1]),
    )


def oracle(correct, costs, *, sequential_costs=None):
    """The exact adaptive oracle on a per-instance correctness matrix (Eq 4-5).

    For every instance the oracle picks the cheapest state that classifies it
    correctly; if no state does, it picks the smallest state (Eq 4). Its
    expected cost and accuracy are Eq 5.

    Parameters
    ----------
    correct : array-like of bool or {0, 1}, shape (n, N)
        ``correct[x, i]`` is whether state i is right on instance x. States are
        ordered by ascending cost.
    costs : array-like of shape (N,)
        Cost of each state, ascending (Eq 2). Accuracies need not rise with
        cost here: Definition 2.1 holds for any state space.
    sequential_costs : array-like of shape (N,), optional
        What a cascade that stops at state i has paid, for the
        ``sequential_cost``. Default ``R_1 + ... + R_i``; the exits of one
        early-exit network, which share computation, pay less.

    Returns
    -------
    OracleResult
        ``selection_cost`` (``R_oracle``), ``sequential_cost``, ``accuracy``
        (``A_oracle``), ``exit_share`` and the ``choice`` per instance.

    Examples
    --------
    >>> correct = [[1, 1], [0, 1], [0, 0], [1, 0]]
    >>> result = oracle(correct, [1.0, 10.0])
    >>> result.choice.tolist(), result.selection_cost, result.accuracy
    ([0, 1, 0, 0], 3.25, 0.75)
    >>> result.sequential_cost  # the instance that needs state 1 ran state 0 first
    3.5
    """
    correct = check_correct(correct)
    n, n_states = correct.shape
    costs = check_costs_for_states(costs, n_states)
    stop_costs = check_sequential_costs(sequential_costs, costs)
    # argmax finds the first True in each row: the cheapest correct state,
    # and 0 (the smallest state) when a row has none, exactly Eq 4.
    choice = correct.argmax(axis=1)
    share = np.bincount(choice, minlength=n_states) / n
    n_failed = np.count_nonzero(~correct[:, 0] & (choice == 0))
    return OracleResult(
        accuracy=float(1.0 - n_failed / n),
        selection_cost=float(share @ costs),
        sequential_cost=float(share @ stop_costs),
        exit_share=share,
        largest_cost=float(costs[-1]),
        largest_accuracy=float(np.count_nonzero(correct[:, -1]) / n),
        choice=choice,
    )


def alphas(correct):
    """Cross-model error dependence, measured (Eq 6).

    ``alpha_i = P(states 1..i-1 all wrong | state i wrong)``: near 1 when the
    larger model's errors are errors of every smaller model too (nothing to
    gain by asking them), near 0 when smaller models can fix them.

    Parameters
    ----------
    correct : array-like of bool or {0, 1}, shape (n, N)
        Per-instance correctness, states ordered by ascending cost.

    Returns
    -------
    ndarray of float, shape (N,)
        ``alpha_i`` per state. Entry 0 is NaN (no smaller state; the paper
        defines alpha for i > 1 only), and so is every state that is never
        wrong (the condition has probability 0).

    Examples
    --------
    >>> alphas([[0, 0], [0, 1], [1, 0], [1, 1]])
    array([nan, 0.5])
    """
    wrong = ~check_correct(correct)
    all_wrong_so_far = np.logical_and.accumulate(wrong, axis=1)
    n_wrong = wrong.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = all_wrong_so_far.sum(axis=0) / n_wrong
    result[n_wrong == 0] = np.nan
    result[0] = np.nan
    return result


def _check_alphas(values, accuracies):
    """Alphas aligned with the states; entry 0 and never-wrong states may be NaN."""
    values = as_float_array(values, "alphas")
    if values.shape != accuracies.shape:
        raise ValueError(
            f"alphas must have one entry per state ({accuracies.size}), got shape {values.shape}."
        )
    needed = np.arange(values.size) > 0
    needed &= accuracies < 1
    missing = needed & ~np.isfinite(values)
    if missing.any():
        raise ValueError(
            f"alphas must be finite where a state can be wrong; NaN or inf at positions "
            f"{np.flatnonzero(missing).tolist()}."
        )
    outside = needed & ((values < 0) | (values > 1))
    if outside.any():
        raise ValueError(
            f"alphas must be probabilities in [0, 1]; outside at positions "
            f"{np.flatnonzero(outside).tolist()}."
        )
    return values


def error_probabilities(accuracies, alphas):
    """``P(e_i)``, the chance that the i smallest states are all wrong (Eq 6).

    ``P(e_1) = 1 - A_1`` and ``P(e_i) = alpha_i (1 - A_i)`` for i > 1.

    Parameters
    ----------
    accuracies : array-like of shape (N,)
    alphas : array-like of shape (N,)
        As returned by :func:`alphas`; entry 0 is ignored.

    Returns
    -------
    ndarray of shape (N,)
        Non-increasing, since each event contains the next.

    Examples
    --------
    >>> error_probabilities([0.6, 0.8], [np.nan, 0.5]).round(6).tolist()
    [0.4, 0.1]
    """
    accuracies = check_accuracies(accuracies, np.size(accuracies))
    alphas = _check_alphas(alphas, accuracies)
    error = 1.0 - accuracies
    p = np.where(error > 0, np.nan_to_num(alphas) * error, 0.0)
    p[0] = error[0]
    rising = np.flatnonzero(np.diff(p) > 1e-12) + 1
    if rising.size:
        raise ValueError(
            "alphas are inconsistent with accuracies: P(e_i) = alpha_i (1 - A_i) must not "
            f"exceed P(e_(i-1)) (every state before i wrong), but it does at states "
            f"{rising.tolist()}."
        )
    return p


def _from_error_probabilities(costs, accuracies, p):
    """The oracle's point from ``P(e_i)``: Eq 7 as a sum over exit shares.

    The oracle answers with state 1 when it is right or when every state is
    wrong, ``s_1 = 1 - P(e_1) + P(e_N)``, and with state i > 1 when states
    1..i-1 are wrong and state i is right, ``s_i = P(e_(i-1)) - P(e_i)``.
    Expanding ``sum_i s_i R_i`` gives Eq 7 term by term.
    """
    share = np.empty_like(p)
    share[0] = 1.0 - p[0] + p[-1]
    share[1:] = p[:-1] - p[1:]
    return _point(costs, accuracies, share, accuracy=1.0 - p[-1])


def general(costs, accuracies, alphas):
    """The adaptive oracle from costs, accuracies and alphas (Eq 7).

    ``R_oracle = R_1 + (R_2 - R_1)(1 - A_1)
    + sum_{i=3}^{N} alpha_{i-1} (R_i - R_{i-1})(1 - A_{i-1})
    - alpha_N (R_N - R_1)(1 - A_N)`` and ``A_oracle = 1 - alpha_N (1 - A_N)``.

    The main text's ``alpha_{i-1}`` inside the sum is right; the appendix's
    proof writes ``alpha_i (1 - A_i)``, a slip. With alphas measured by
    :func:`alphas` on a correctness matrix whose states lie on the Pareto
    frontier, this equals :func:`oracle` on it.

    Parameters
    ----------
    costs : array-like of shape (N,)
        Ascending costs ``R_i``.
    accuracies : array-like of shape (N,)
        Accuracies ``A_i`` in [0, 1], rising with cost: no dominated state.
    alphas : array-like of shape (N,)
        ``alpha_i`` per state, entry 0 ignored (it may be NaN).

    Returns
    -------
    OperatingPoint

    Examples
    --------
    >>> point = general([1.0, 10.0], [0.6, 0.8], [np.nan, 0.5])
    >>> round(point.selection_cost, 6), round(point.accuracy, 6)
    (3.7, 0.9)
    """
    costs, accuracies = check_state_space(costs, accuracies)
    return _from_error_probabilities(costs, accuracies, error_probabilities(accuracies, alphas))


def constant_alpha(costs, accuracies, alpha):
    """The adaptive oracle if every alpha_i equals one alpha (Eq 8).

    ``R_oracle = R_1 + (R_2 - R_1)(1 - A_1) + alpha [sum_{i=3}^{N} (R_i -
    R_{i-1})(1 - A_{i-1}) - (R_N - R_1)(1 - A_N)]``, ``A_oracle = 1 - alpha
    (1 - A_N)``. Cost and accuracy are both linear in alpha: as alpha runs
    from 0 (optimistic) to 1 (conservative, Eq 9) the point moves along a line.
    Not every point of it describes real models: two states are both wrong on
    at least a share ``max(0, 1 - A_1 - A_2)`` of the instances, so
    ``alpha_2 >= max(0, 1 - A_1 - A_2) / (1 - A_2)``; when ``A_1 + A_2 < 1``
    the alpha = 0 end is an extreme to compare with, not a reachable oracle.

    Parameters
    ----------
    costs : array-like of shape (N,)
        Ascending costs ``R_i``.
    accuracies : array-like of shape (N,)
        Accuracies rising with cost.
    alpha : float in [0, 1]

    Returns
    -------
    OperatingPoint

    Examples
    --------
    >>> point = constant_alpha([1.0, 10.0], [0.6, 0.8], 0.5)
    >>> round(point.selection_cost, 6), round(point.accuracy, 6)
    (3.7, 0.9)
    """
    costs, accuracies = check_state_space(costs, accuracies)
    alpha = check_fraction(alpha, "alpha")
    p = alpha * (1.0 - accuracies)
    p[0] = 1.0 - accuracies[0]  # alpha is defined for i > 1 only
    return _from_error_probabilities(costs, accuracies, p)


def conservative(costs, accuracies):
    """The conservative bound, alpha = 1 (Eq 9).

    ``R_oracle = R_1 + sum_{i=2}^{N} (R_i - R_1)(A_i - A_{i-1})``,
    ``A_oracle = A_N``. Needs only each state's cost and accuracy, which are
    published for most model families. The oracle answers a share
    ``A_i - A_{i-1}`` with state i > 1 and the rest, ``1 - A_N + A_1``,
    with state 1.

    Parameters
    ----------
    costs : array-like of shape (N,)
        Ascending costs ``R_i``.
    accuracies : array-like of shape (N,)
        Accuracies rising with cost.

    Returns
    -------
    OperatingPoint

    Examples
    --------
    >>> point = conservative([1.0, 10.0], [0.6, 0.8])
    >>> round(point.selection_cost, 6), point.accuracy, round(point.r_ratio, 4)
    (2.8, 0.8, 3.5714)
    """
    costs, accuracies = check_state_space(costs, accuracies)
    share = np.concatenate([[1.0 - accuracies[-1] + accuracies[0]], np.diff(accuracies)])
    return _point(costs, accuracies, share, accuracy=accuracies[-1])


def two_state(costs, accuracies):
    """The conservative bound with only the smallest and largest states (Eq 10).

    ``R_oracle = R_1 + (A_N - A_1)(R_N - R_1)``, ``A_oracle = A_N``: the
    *dynamic range* alone.

    Parameters
    ----------
    costs : array-like of shape (N,)
        Ascending costs; only the first and last are used.
    accuracies : array-like of shape (N,)
        Accuracies rising with cost.

    Returns
    -------
    OperatingPoint
        On the two-state space ``{1, N}``: ``exit_share`` has two entries,
        and the sequential cost pays ``R_1 + R_N`` for an escalation.

    Examples
    --------
    >>> round(two_state([1.0, 2.0, 10.0], [0.6, 0.7, 0.8]).selection_cost, 6)
    2.8
    """
    costs, accuracies = check_state_space(costs, accuracies)
    ends = [0, -1] if costs.size > 1 else [0]
    return conservative(costs[ends], accuracies[ends])


def granularity(costs, accuracies):
    """The conservative bound rearranged into range and granularity (Eq 12).

    ``R_oracle = R_1 + (A_N - A_1)(R_N - R_1) - sum_{i=2}^{N} (A_i -
    A_{i-1})(R_N - R_i)``: the two-state cost (Eq 10) minus a saving, never
    negative, for every intermediate state.

    Parameters
    ----------
    costs : array-like of shape (N,)
    accuracies : array-like of shape (N,)

    Returns
    -------
    Granularity

    Examples
    --------
    >>> eq12 = granularity([1.0, 2.0, 10.0], [0.6, 0.7, 0.8])
    >>> round(eq12.dynamic_range_cost, 6), np.round(eq12.savings, 6).tolist()
    (2.8, [0.8, 0.0])
    """
    costs, accuracies = check_state_space(costs, accuracies)
    dynamic_range_cost = costs[0] + (accuracies[-1] - accuracies[0]) * (costs[-1] - costs[0])
    savings = np.diff(accuracies) * (costs[-1] - costs[1:])
    return Granularity(
        dynamic_range_cost=float(dynamic_range_cost),
        savings=savings,
        selection_cost=float(dynamic_range_cost - savings.sum()),
    )


def smallest_state_limit(costs, accuracies, n_classes):
    """The largest cost of the smallest state that still pays off (Eq 11).

    The smallest state is worth its cost only if the conservative oracle
    (Eq 9) is cheaper with it than with a free random guess (cost 0, accuracy
    ``1 / C``) in its place. The appendix's derivation gives

    ``R_1 < (A_1 - 1/C) / (1 - A_N + A_1) * R_2``

    with ``R_2``, the second state's cost. The main text prints ``R_N``
    there: a slip, which this function does not copy.

    Parameters
    ----------
    costs : array-like of shape (N,)
        Ascending costs, N >= 2.
    accuracies : array-like of shape (N,)
        Accuracies rising with cost.
    n_classes : int >= 2
        ``C``, the number of classes (a random guess is right 1 / C of the time).

    Returns
    -------
    float
        The limit on ``R_1``; negative when ``A_1`` is below chance, and
        ``-inf`` when ``A_1 = 0`` and ``A_N = 1``: then no cost would do.

    Examples
    --------
    >>> round(smallest_state_limit([4.0, 5.0, 100.0], [0.6, 0.8, 0.9], 10), 4)
    3.5714
    """
    costs, accuracies = check_state_space(costs, accuracies)
    n_classes = check_positive_int(n_classes, "n_classes", minimum=2, maximum=MAX_CLASSES)
    if costs.size < 2:
        raise ValueError("costs must hold at least 2 states: the rule compares R_1 with R_2.")
    chance = 1.0 / n_classes
    with np.errstate(divide="ignore"):  # A_1 = 0, A_N = 1: below chance, so -inf
        return float(
            np.float64(accuracies[0] - chance) / (1.0 - accuracies[-1] + accuracies[0]) * costs[1]
        )


MAX_CLASSES = 10**9
"""More classes than any data set has; beyond it ``1 / C`` loses its meaning."""


def continuous(costs, accuracies):
    """The conservative bound for a continuous state space (Eq 13).

    ``R_oracle = R_1 + A_h (R_h - R_1) - integral_{R_1}^{R_h} A(R) dR`` for the
    curve ``A(R)`` that is linear in cost between the given states (Table 2's
    method). It is the limit of Eq 12 when ever more states are added on the
    curve, so it lies below the discrete bound.

    Parameters
    ----------
    costs : array-like of shape (N,)
        The curve's vertices, ascending in cost.
    accuracies : array-like of shape (N,)
        Accuracies rising with cost.

    Returns
    -------
    OperatingPoint
        ``accuracy`` is ``A_h``, the largest state's. A continuum of states
        has no exit shares and no sequence to run: ``exit_share`` is None and
        ``sequential_cost`` is NaN.

    Examples
    --------
    >>> continuous([0.0, 10.0], [0.5, 1.0]).selection_cost  # A(R) from 0.5 to 1: area 7.5
    2.5
    """
    costs, accuracies = check_state_space(costs, accuracies)
    area = np.diff(costs) @ (accuracies[1:] + accuracies[:-1]) / 2.0
    cost = costs[0] + accuracies[-1] * (costs[-1] - costs[0]) - area
    return OperatingPoint(
        accuracy=float(accuracies[-1]),
        selection_cost=float(cost),
        sequential_cost=float("nan"),
        exit_share=None,
        largest_cost=float(costs[-1]),
        largest_accuracy=float(accuracies[-1]),
    )

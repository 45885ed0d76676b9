"""N-state cascades: route, sweep every threshold at once, calibrate, and the exact oracle.

A cascade runs its states cheapest first. With threshold ``t``, instance x
exits at the first state i whose score reaches the threshold,
``scores[x, i] >= t``; the last state always answers. So ``t = +inf`` sends
everyone to the last state and ``t = -inf`` lets everyone exit at state 0.
Scores come from any rule of :mod:`adaptlab.routers`.

Two prices of the same routing (lecture 2):

* the *selection cost* pays only the state that answers, ``costs[exit]``: what
  an ideal selector such as the adaptive oracle pays (Eq 4-5 of Hor et al.);
* the *sequential cost* pays every state that ran, ``cumsum(costs)[exit]``:
  what a cascade that runs states one after another really pays. States
  that share computation (the exits of one early-exit network) pay less:
  pass their ``sequential_costs``.

The workflow of lecture 6 is *calibrate on validation, report on test*::

    t = calibrate(scores_val, correct_val, costs, target_accuracy=0.9)
    point = operating_point(scores_test, correct_test, costs, t)
    point.sequential_cost, point.accuracy

and :func:`sweep` traces a rule's whole accuracy-cost curve, to set against
:func:`oracle_frontier`, the best any router on the same states can do.

States are indexed from 0 in code and from 1 in the paper.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import (
    as_float_array,
    check_accuracy,
    check_correct,
    check_cost_kind,
    check_costs_for_states,
    check_fraction,
    check_number,
    check_positive_int,
    check_sequential_costs,
)
from .bounds import OperatingPoint

__all__ = [
    "CascadePoint",
    "Curve",
    "OracleFrontier",
    "UnreachableTargetError",
    "calibrate",
    "operating_point",
    "oracle_frontier",
    "route",
    "sweep",
]

# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class CascadePoint(OperatingPoint):
    """A cascade at one threshold, averaged over the instances.

    An :class:`adaptlab.bounds.OperatingPoint` (``accuracy``,
    ``selection_cost``, ``sequential_cost``, ``exit_share``, ``largest_cost``,
    ``largest_accuracy``, ``r_ratio``) with the threshold that gives it.
    ``exit_share[-1]`` is the share of instances that reach the last state.

    Attributes
    ----------
    threshold : float
        Instance x exits at the first state i with ``scores[x, i] >= threshold``.
    """

    threshold: float


@dataclass(frozen=True)
class Curve:
    """A cascade at every threshold that changes its routing: the output of :func:`sweep`.

    Point k, ``curve.point(k)``, is the :class:`CascadePoint` at
    ``thresholds[k]``. Thresholds ascend, so accuracy may go either way but
    both costs and ``last_state_share`` never decrease along the curve.

    Attributes
    ----------
    thresholds : ndarray of float, shape (n_points,)
        The distinct scores at which some instance changes its exit state,
        then ``+inf``. Any threshold at or below ``thresholds[0]`` gives point
        0 (everyone exits at state 0); any threshold in
        ``(thresholds[k - 1], thresholds[k]]`` gives point k.
    accuracy, selection_cost, sequential_cost : ndarray of float, shape (n_points,)
        As in :class:`CascadePoint`.
    exit_share : ndarray of float, shape (n_points, N)
        Fraction of instances exiting at each state.
    largest_cost, largest_accuracy : float
        ``R_N`` and ``A_N`` of the last state, for ratios.
    """

    thresholds: np.ndarray
    accuracy: np.ndarray
    selection_cost: np.ndarray
    sequential_cost: np.ndarray
    exit_share: np.ndarray
    largest_cost: float
    largest_accuracy: float

    def __len__(self) -> int:
        return len(self.thresholds)

    @property
    def last_state_share(self) -> np.ndarray:
        """Fraction of instances that reach the last (strongest) state, per threshold."""
        return self.exit_share[:, -1]

    def cost_of(self, cost_kind):
        """The ``"selection"`` or the ``"sequential"`` cost at every threshold."""
        if check_cost_kind(cost_kind) == "selection":
            return self.selection_cost
        return self.sequential_cost

    def point(self, index):
        """The :class:`CascadePoint` at ``thresholds[index]``."""
        index = check_positive_int(index, "index", minimum=-len(self), maximum=len(self) - 1)
        return CascadePoint(
            accuracy=float(self.accuracy[index]),
            selection_cost=float(self.selection_cost[index]),
            sequential_cost=float(self.sequential_cost[index]),
            exit_share=self.exit_share[index],
            largest_cost=self.largest_cost,
            largest_accuracy=self.largest_accuracy,
            threshold=float(self.thresholds[index]),
        )


@dataclass(frozen=True)
class OracleFrontier:
    """The exact adaptive oracle's minimum cost at every reachable accuracy.

    Attributes
    ----------
    cost : ndarray of float, shape (n_points,)
        The least mean cost with which any router on these states reaches
        ``accuracy``; from ``R_1`` up to ``R_oracle`` (Eq 5).
    accuracy : ndarray of float, shape (n_points,)
        From the smallest state's accuracy ``A_1`` up to ``A_oracle`` (Eq 5),
        in steps of one instance.
    """

    cost: np.ndarray
    accuracy: np.ndarray


class UnreachableTargetError(ValueError):
    """:func:`calibrate`'s target cannot be met on the data given.

    A ``ValueError``, told apart from bad input so that a caller can fall back
    (e.g. to the most accurate threshold) without hiding a mistake.
    """


# ---------------------------------------------------------------- input checks


def _check_scores(scores):
    scores = as_float_array(scores, "scores")
    if scores.ndim != 2 or 0 in scores.shape:
        raise ValueError(
            "scores must be a non-empty 2-D array (instances x states), "
            f"got shape {scores.shape}."
        )
    if not np.all(np.isfinite(scores)):
        raise ValueError("scores must be finite; found NaN or inf.")
    return scores


def _check_threshold(threshold):
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(f"threshold must be a number, got {threshold!r}.") from None
    if np.isnan(threshold):
        raise ValueError("threshold must not be NaN (use -inf or +inf for the extremes).")
    return threshold


def _check_cascade(scores, correct, costs):
    scores = _check_scores(scores)
    correct = check_correct(correct)
    if correct.shape != scores.shape:
        raise ValueError(
            f"correct has shape {correct.shape} but scores has shape {scores.shape}; "
            "both are (instances x states)."
        )
    return scores, correct, check_costs_for_states(costs, scores.shape[1])


# ---------------------------------------------------------------- one threshold


def route(scores, threshold):
    """The state each instance exits at, for one threshold.

    Parameters
    ----------
    scores : array-like of shape (n, N)
        Confidence of state i on instance x; higher means accept sooner.
    threshold : float
        Instance x exits at the first state i with ``scores[x, i] >= threshold``;
        the last state always accepts.

    Returns
    -------
    ndarray of int, shape (n,)

    Examples
    --------
    >>> route([[0.9, 0.1, 0.5], [0.2, 0.8, 0.5], [0.1, 0.2, 0.3]], threshold=0.7).tolist()
    [0, 1, 2]
    """
    scores = _check_scores(scores)
    threshold = _check_threshold(threshold)
    accepts = scores >= threshold
    accepts[:, -1] = True  # the last state always answers
    return accepts.argmax(axis=1)  # the first state that accepts


def operating_point(scores, correct, costs, threshold, *, sequential_costs=None):
    """Accuracy, costs and exit shares of the cascade at one threshold.

    Parameters
    ----------
    scores : array-like of shape (n, N)
        Confidence of state i on instance x (:mod:`adaptlab.routers`).
    correct : array-like of bool, shape (n, N)
        Whether state i is right on instance x.
    costs : array-like of shape (N,)
        Cost of running each state once, ascending (Eq 2).
    threshold : float
        See :func:`route`.
    sequential_costs : array-like of shape (N,), optional
        What a cascade that stops at state i has paid. Default
        ``cumsum(costs)``, right for separate models; states that share
        computation, like the exits of one early-exit network, pay less.

    Returns
    -------
    CascadePoint

    Examples
    --------
    >>> scores = [[0.9, 0.0], [0.3, 0.0]]
    >>> correct = [[True, True], [False, True]]
    >>> point = operating_point(scores, correct, costs=[1.0, 10.0], threshold=0.5)
    >>> point.accuracy, point.selection_cost, point.sequential_cost
    (1.0, 5.5, 6.0)
    """
    scores, correct, costs = _check_cascade(scores, correct, costs)
    stop_costs = check_sequential_costs(sequential_costs, costs)
    exit_state = route(scores, threshold)
    n, n_states = scores.shape
    return CascadePoint(
        accuracy=float(np.count_nonzero(correct[np.arange(n), exit_state]) / n),
        selection_cost=float(costs[exit_state].mean()),
        sequential_cost=float(stop_costs[exit_state].mean()),
        exit_share=np.bincount(exit_state, minlength=n_states) / n,
        largest_cost=float(costs[-1]),
        largest_accuracy=float(np.count_nonzero(correct[:, -1]) / n),
        threshold=_check_threshold(threshold),
    )


# ---------------------------------------------------------------- every threshold


def _exit_moves(scores):
    """Every change of exit state as the threshold rises, as one move per event.

    Instance x exits at the first non-final state whose score reaches t. The
    state that decides is always a *record* of x: a score higher than every
    score before it along x's states. Once t rises above a record's score, x
    stops exiting there and moves on to its next record, or to the last
    state. Scores that are not records never decide: an earlier state with a
    score at least as high catches x first.

    Returns
    -------
    at : ndarray of float, shape (n_moves,)
        The score the threshold must exceed for the move to happen.
    rows, source, target : ndarray of int, shape (n_moves,)
        The instance that moves and the states it moves from and to.
    """
    n, n_states = scores.shape
    last = n_states - 1
    deciding = scores[:, :last]
    best_before = np.maximum.accumulate(deciding, axis=1)
    is_record = np.ones(deciding.shape, dtype=bool)
    is_record[:, 1:] = deciding[:, 1:] > best_before[:, :-1]
    # First record at or after each state (the last state if none), read
    # one position on: the record an instance moves to.
    record_or_last = np.where(is_record, np.arange(last), last)
    first_record_from = np.minimum.accumulate(record_or_last[:, ::-1], axis=1)[:, ::-1]
    next_record = np.concatenate([first_record_from[:, 1:], np.full((n, 1), last)], axis=1)
    rows, source = np.nonzero(is_record)
    return deciding[rows, source], rows, source, next_record[rows, source]


def _totals(start, gains, losses, group, n_groups):
    """A running total per curve point: ``start``, then after each group of moves."""
    gained = np.bincount(group[gains], minlength=n_groups)
    lost = np.bincount(group[losses], minlength=n_groups)
    return start + np.concatenate([[0], np.cumsum(gained - lost)])


def sweep(scores, correct, costs, *, sequential_costs=None):
    """The cascade at every threshold at once: its whole accuracy-cost curve.

    Sort-based, ``O(nN log(nN))``, with no loop over thresholds or instances.
    As the threshold rises an instance's exit state changes only when the
    threshold passes one of its running-maximum scores (``_exit_moves``);
    each such move changes the number of correct answers and of exits per
    state by one. Sorting the moves by score and summing them cumulatively
    gives every operating point; costs follow from the exits per state.

    Parameters
    ----------
    scores : array-like of shape (n, N)
        Confidence of state i on instance x (:mod:`adaptlab.routers`).
    correct : array-like of bool, shape (n, N)
        Whether state i is right on instance x.
    costs : array-like of shape (N,)
        Cost of running each state once, ascending (Eq 2).
    sequential_costs : array-like of shape (N,), optional
        See :func:`operating_point`.

    Returns
    -------
    Curve
        ``curve.point(k)`` equals
        ``operating_point(scores, correct, costs, curve.thresholds[k])``.

    Examples
    --------
    >>> scores = [[0.9, 0.0], [0.3, 0.0]]
    >>> correct = [[True, True], [False, True]]
    >>> curve = sweep(scores, correct, costs=[1.0, 10.0])
    >>> curve.thresholds.tolist(), curve.accuracy.tolist()
    ([0.3, 0.9, inf], [0.5, 1.0, 1.0])
    >>> curve.selection_cost.tolist(), curve.sequential_cost.tolist()
    ([1.0, 5.5, 10.0], [1.0, 6.0, 11.0])
    """
    scores, correct, costs = _check_cascade(scores, correct, costs)
    stop_costs = check_sequential_costs(sequential_costs, costs)
    n, n_states = scores.shape
    at, rows, source, target = _exit_moves(scores)
    values, group = np.unique(at, return_inverse=True)
    n_groups = values.size

    gained = correct[rows, target] & ~correct[rows, source]
    lost = correct[rows, source] & ~correct[rows, target]
    n_correct = _totals(np.count_nonzero(correct[:, 0]), gained, lost, group, n_groups)
    exits = np.empty((n_groups + 1, n_states))  # instances exiting at each state
    for state in range(n_states):
        start = n if state == 0 else 0
        exits[:, state] = _totals(start, target == state, source == state, group, n_groups)
    return Curve(
        thresholds=np.append(values, np.inf),
        accuracy=n_correct / n,
        selection_cost=exits @ costs / n,
        sequential_cost=exits @ stop_costs / n,
        exit_share=exits / n,
        largest_cost=float(costs[-1]),
        largest_accuracy=float(np.count_nonzero(correct[:, -1]) / n),
    )


# ---------------------------------------------------------------- the oracle


def oracle_frontier(correct, costs):
    """The exact oracle's minimum selection cost at every reachable accuracy.

    Every instance pays at least ``costs[0]``, and the instances state 0 gets
    right need nothing more. An instance state 0 gets wrong can be made right
    by paying for its cheapest correct state instead, an extra
    ``costs[first correct] - costs[0]``; if no state is right, nothing helps.
    Buying the cheapest fixes first is optimal, so sorting the extras and
    summing them cumulatively traces the frontier. Its end point is the
    adaptive oracle of Definition 2.1 (Eq 4-5), :func:`adaptlab.bounds.oracle`.

    No router on the same states and instances reaches an accuracy for less
    selection cost than this frontier.

    Parameters
    ----------
    correct : array-like of bool, shape (n, N)
        Whether state i is right on instance x.
    costs : array-like of shape (N,)
        Cost of each state, ascending (Eq 2).

    Returns
    -------
    OracleFrontier

    Examples
    --------
    >>> correct = [[1, 1], [0, 1], [0, 0], [1, 0]]
    >>> frontier = oracle_frontier(correct, costs=[1.0, 10.0])
    >>> frontier.cost.tolist(), frontier.accuracy.tolist()
    ([1.0, 3.25], [0.5, 0.75])
    """
    correct = check_correct(correct)
    n, n_states = correct.shape
    costs = check_costs_for_states(costs, n_states)
    cheapest_correct = correct.argmax(axis=1)
    fixable = ~correct[:, 0] & correct.any(axis=1)
    extra = np.sort(costs[cheapest_correct[fixable]] - costs[0])
    n_correct = np.count_nonzero(correct[:, 0]) + np.arange(extra.size + 1)
    return OracleFrontier(
        cost=costs[0] + np.concatenate([[0.0], np.cumsum(extra)]) / n,
        accuracy=n_correct / n,
    )


# ---------------------------------------------------------------- calibration


def calibrate(
    scores_val,
    correct_val,
    costs,
    *,
    target_accuracy=None,
    budget=None,
    largest_share=None,
    cost_kind="sequential",
    sequential_costs=None,
):
    """Pick a threshold on the validation split; report it on test with :func:`operating_point`.

    Give exactly one target:

    * ``target_accuracy``: the cheapest threshold whose validation accuracy
      reaches it;
    * ``budget``: the most accurate threshold whose mean cost (``cost_kind``)
      stays within it, the cheapest of equally accurate ones;
    * ``largest_share``: the threshold that sends the most instances to the
      last state while the share sent there stays at or below
      ``largest_share`` on validation. Tied scores move together, so the
      share reached can fall short of ``largest_share``, never exceed it.
      RouteLLM's calibration (Ong et al., 2024,
      ``routellm/calibrate_threshold.py``) is close but not the same: it sets
      the threshold at the ``1 - largest_share`` quantile of the scores and
      routes every score at or above it to the strong model, so ties at the
      quantile go up and its share can *exceed* the one asked for.

    Parameters
    ----------
    scores_val : array-like of shape (n, N)
        Scores on the validation split. For a learned router, use honest
        out-of-fold scores (:meth:`adaptlab.routers.LearnedRouter.out_of_fold_scores`).
    correct_val : array-like of bool, shape (n, N)
        Correctness on the validation split.
    costs : array-like of shape (N,)
        Cost of each state, ascending (Eq 2).
    target_accuracy : float in [0, 1], optional
    budget : float, optional
        Largest acceptable mean cost per instance, in the unit of ``costs``.
    largest_share : float in [0, 1], optional
        Largest acceptable share of instances reaching the last state.
    cost_kind : {"sequential", "selection"}
        Which cost ``budget`` limits.
    sequential_costs : array-like of shape (N,), optional
        See :func:`operating_point`.

    Returns
    -------
    float
        The threshold, one of ``sweep(scores_val, correct_val, costs).thresholds``.

    Raises
    ------
    ValueError
        If not exactly one target is given, or a target is not a valid value.
    UnreachableTargetError
        If no threshold meets a valid target (a subclass of ValueError).

    Examples
    --------
    >>> scores = [[0.9, 0.0], [0.3, 0.0]]
    >>> correct = [[True, True], [False, True]]
    >>> calibrate(scores, correct, [1.0, 10.0], target_accuracy=0.9)
    0.9
    >>> calibrate(scores, correct, [1.0, 10.0], budget=2.0)
    0.3
    """
    targets = {
        "target_accuracy": target_accuracy,
        "budget": budget,
        "largest_share": largest_share,
    }
    given = [name for name, value in targets.items() if value is not None]
    cost_kind = check_cost_kind(cost_kind)
    if len(given) != 1:
        raise ValueError(
            "Give exactly one of target_accuracy, budget or largest_share; "
            f"got {', '.join(given) if given else 'none'}."
        )
    if target_accuracy is not None:
        target_accuracy = check_accuracy(target_accuracy, "target_accuracy")
    elif budget is not None and budget != np.inf:  # inf asks for the most accurate threshold
        budget = check_number(budget, "budget", minimum=0)
    elif largest_share is not None:
        largest_share = check_fraction(largest_share, "largest_share")
    curve = sweep(scores_val, correct_val, costs, sequential_costs=sequential_costs)
    if target_accuracy is not None:
        index = _cheapest_reaching(curve, target_accuracy)
    elif budget is not None:
        index = _most_accurate_within(curve.cost_of(cost_kind), curve.accuracy, budget)
    else:
        index = _largest_share_within(curve, largest_share)
    return float(curve.thresholds[index])


def _cheapest_reaching(curve, target_accuracy):
    # Costs never decrease along the curve, so the first point reaching the
    # target is the cheapest.
    reaching = curve.accuracy >= target_accuracy
    if not reaching.any():
        raise UnreachableTargetError(
            f"target_accuracy={target_accuracy:g} is not reached on validation: "
            f"the best threshold gives {curve.accuracy.max():.4g}."
        )
    return int(reaching.argmax())


def _most_accurate_within(cost, accuracy, budget):
    affordable = np.flatnonzero(cost <= budget)
    if affordable.size == 0:
        raise UnreachableTargetError(
            f"budget={budget:g} is below the cheapest threshold's cost {cost.min():.4g}."
        )
    return int(affordable[np.argmax(accuracy[affordable])])


def _largest_share_within(curve, largest_share):
    # The share reaching the last state never decreases along the curve.
    within = np.flatnonzero(curve.last_state_share <= largest_share)
    if within.size == 0:
        raise UnreachableTargetError(
            f"largest_share={largest_share:g} is below the smallest share reaching "
            f"the last state, {curve.last_state_share.min():.4g}."
        )
    return int(within[-1])

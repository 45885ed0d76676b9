"""One number for a whole accuracy-cost curve: the paper's gains, RouteLLM's and RouterBench's.

Every function takes plain arrays, one entry per operating point, so it works
the same on a :class:`adaptlab.cascade.Curve`, an
:class:`adaptlab.cascade.OracleFrontier` or points typed in by hand::

    curve = sweep(scores, correct, costs)
    cost_at_accuracy(curve.sequential_cost, curve.accuracy, target_accuracy=0.9)
    gap = dict(weak_accuracy=curve.accuracy[0], strong_accuracy=curve.accuracy[-1])
    average_performance_gap_recovered(curve.last_state_share, curve.accuracy, **gap)

Arguments come in one order, costs before accuracies, and every option is
keyword-only.

Three families of measures:

* the paper's (Hor et al., Section 3 and Table 1): ``R_ratio = R_N / R`` and
  ``Delta R = R_N - R``, with R the least cost reaching ``A_N``, and
  ``Delta A = A - A_N``;
* RouteLLM's (Ong et al., 2024, *RouteLLM: Learning to Route LLMs with
  Preference Data*, arXiv:2406.18665): performance gap recovered (PGR), the
  call-performance threshold (CPT) and the average PGR (APGR);
* RouterBench's (Hu et al., 2024, *RouterBench: A Benchmark for Multi-LLM
  Routing System*, arXiv:2403.12031): the average improvement in quality
  (AIQ) under the non-decreasing convex hull.

Accuracies and shares are fractions in [0, 1], never percentages. An
accuracy *reaches* a target when it is at least the target less
:data:`REACH_TOLERANCE`: a target computed in floating point, such as
``A_weak + 0.5 (A_strong - A_weak)``, can round a hair above an accuracy that
meets it exactly.
"""
from __future__ import annotations

import numpy as np

from ._validation import (
    as_float_array,
    check_accuracies,
    check_accuracy,
    check_fraction,
    check_number,
)
from .bounds import delta_r, r_ratio

__all__ = [
    "REACH_TOLERANCE",
    "average_improvement_in_quality",
    "average_performance_gap_recovered",
    "call_performance_threshold",
    "cost_at_accuracy",
    "delta_a_best",
    "delta_r_at",
    "nondecreasing_convex_hull",
    "performance_gap_recovered",
    "r_ratio_at",
]


# ---------------------------------------------------------------- input checks


def _check_points(x, y, x_name, y_name):
    """Two finite 1-D arrays of the same, non-zero length."""
    arrays = []
    for values, name in ((x, x_name), (y, y_name)):
        array = as_float_array(values, name)
        if array.ndim != 1 or array.size == 0:
            raise ValueError(f"{name} must be a non-empty 1-D array, got shape {array.shape}.")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} must be finite; found NaN or inf.")
        arrays.append(array)
    if arrays[0].size != arrays[1].size:
        raise ValueError(
            f"{x_name} and {y_name} must have one entry per point, "
            f"got {arrays[0].size} and {arrays[1].size}."
        )
    return arrays


REACH_TOLERANCE = 1e-12
"""How far below a target an accuracy may be and still reach it (rounding only)."""


def _check_fractions(values, name):
    return check_accuracies(values, np.size(values), name=name)


def _least_x_reaching(x, y, target):
    """The smallest x among points with ``y`` reaching ``target``; NaN if there is none."""
    reaching = y >= target - REACH_TOLERANCE
    return float(x[reaching].min()) if reaching.any() else float("nan")


# ---------------------------------------------------------------- the paper's gains


def cost_at_accuracy(cost, accuracy, *, target_accuracy):
    """The least cost among operating points whose accuracy reaches the target.

    Parameters
    ----------
    cost, accuracy : array-like of shape (n_points,)
        Operating points, e.g. ``curve.sequential_cost`` (or
        ``curve.selection_cost``) with ``curve.accuracy``, or an oracle
        frontier's ``cost`` and ``accuracy``.
    target_accuracy : float in [0, 1]

    Returns
    -------
    float
        NaN when no point reaches the target, so that ratios built on it are
        NaN too rather than a misleading number.

    Examples
    --------
    >>> cost_at_accuracy([1.0, 2.0, 5.0], [0.5, 0.7, 0.9], target_accuracy=0.8)
    5.0
    """
    cost, accuracy = _check_points(cost, accuracy, "cost", "accuracy")
    accuracy = _check_fractions(accuracy, "accuracy")
    target_accuracy = check_accuracy(target_accuracy, "target_accuracy")
    return _least_x_reaching(cost, accuracy, target_accuracy)


def r_ratio_at(cost, accuracy, *, target_accuracy, largest_cost):
    """``R_ratio = R_N / R``: times cheaper than the largest state, at an accuracy.

    R is :func:`cost_at_accuracy`; with ``target_accuracy = A_N`` this is the
    paper's efficiency gain (Section 3, Table 1).

    Parameters
    ----------
    cost, accuracy : array-like of shape (n_points,)
    target_accuracy : float in [0, 1]
        Usually ``A_N``, the largest state's accuracy.
    largest_cost : float
        ``R_N``, the cost of the largest state: finite and non-negative.

    Returns
    -------
    float
        NaN when no point reaches the target.

    Examples
    --------
    >>> r_ratio_at([1.0, 2.0, 5.0], [0.5, 0.7, 0.9], target_accuracy=0.7, largest_cost=10.0)
    5.0
    """
    return _gain_at(r_ratio, cost, accuracy, target_accuracy, largest_cost)


def delta_r_at(cost, accuracy, *, target_accuracy, largest_cost):
    """``Delta R = R_N - R``: resources saved per instance, at an accuracy (Section 3).

    Parameters are those of :func:`r_ratio_at`.

    Returns
    -------
    float
        NaN when no point reaches the target.

    Examples
    --------
    >>> delta_r_at([1.0, 2.0, 5.0], [0.5, 0.7, 0.9], target_accuracy=0.7, largest_cost=10.0)
    8.0
    """
    return _gain_at(delta_r, cost, accuracy, target_accuracy, largest_cost)


def _gain_at(gain, cost, accuracy, target_accuracy, largest_cost):
    """``gain(R_N, R)``, R from :func:`cost_at_accuracy`; NaN when no point reaches the target."""
    largest_cost = check_number(largest_cost, "largest_cost", minimum=0)
    least_cost = cost_at_accuracy(cost, accuracy, target_accuracy=target_accuracy)
    return float("nan") if np.isnan(least_cost) else gain(largest_cost, least_cost)


def delta_a_best(accuracy, *, largest_accuracy):
    """``Delta A = A - A_N`` at the best operating point: accuracy gained (Section 3).

    Parameters
    ----------
    accuracy : array-like of shape (n_points,)
    largest_accuracy : float in [0, 1]
        ``A_N``, the largest state's accuracy.

    Returns
    -------
    float
        Negative when no point is as accurate as the largest state.

    Examples
    --------
    >>> round(delta_a_best([0.5, 0.92, 0.9], largest_accuracy=0.9), 6)
    0.02
    """
    accuracy = _check_fractions(accuracy, "accuracy")
    return float(accuracy.max() - check_accuracy(largest_accuracy, "largest_accuracy"))


# ---------------------------------------------------------------- RouteLLM


def _check_gap(weak_accuracy, strong_accuracy):
    weak = check_accuracy(weak_accuracy, "weak_accuracy")
    strong = check_accuracy(strong_accuracy, "strong_accuracy")
    if strong == weak:
        raise ValueError(
            f"strong_accuracy equals weak_accuracy ({strong:g}): there is no gap to recover."
        )
    return weak, strong


def performance_gap_recovered(accuracy, *, weak_accuracy, strong_accuracy):
    """PGR: the share of the weak-to-strong accuracy gap a router recovers.

    ``PGR = (A - A_weak) / (A_strong - A_weak)`` (Ong et al., 2024): 0 for the
    weak model alone, 1 for the strong one, above 1 for a router that beats
    the strong model. In a cascade the weak model is the first state and the
    strong one the last: ``curve.accuracy[0]`` and ``curve.accuracy[-1]``.

    Parameters
    ----------
    accuracy : float or array-like
    weak_accuracy, strong_accuracy : float in [0, 1]

    Returns
    -------
    ndarray of the shape of ``accuracy``

    Examples
    --------
    >>> performance_gap_recovered([0.5, 0.75, 1.0], weak_accuracy=0.5, strong_accuracy=1.0)
    array([0. , 0.5, 1. ])
    """
    weak, strong = _check_gap(weak_accuracy, strong_accuracy)
    accuracy = as_float_array(accuracy, "accuracy")
    _check_fractions(accuracy.ravel(), "accuracy")
    return (accuracy - weak) / (strong - weak)


def call_performance_threshold(
    strong_call_share, accuracy, *, weak_accuracy, strong_accuracy, target_pgr
):
    """CPT(x): the least share of calls to the strong model that recovers x of the gap.

    Ong et al. (2024) define CPT(x%) as the minimum percentage of calls to the
    strong model needed to reach x% PGR. As in RouteLLM's evaluation, the
    comparison is made in accuracy: a point qualifies when its accuracy
    reaches ``A_weak + x (A_strong - A_weak)``. (Comparing PGR ratios instead
    loses points that meet the target exactly: the ratio rounds below it.)
    Here CPT is the least share among the operating points given, without
    interpolation; RouteLLM's evaluation (``routellm/evals/evaluate.py``)
    interpolates between its points with ``np.interp`` instead. On a coarse
    curve the two can differ by the size of a step: with few points, or with
    tied scores (ABC vote shares, say) that move many instances at one
    threshold.

    Parameters
    ----------
    strong_call_share : array-like of shape (n_points,)
        Fraction of instances sent to the strong (last) state, e.g.
        ``curve.last_state_share``.
    accuracy : array-like of shape (n_points,)
        Accuracy at the same points, e.g. ``curve.accuracy``.
    weak_accuracy, strong_accuracy : float in [0, 1]
        The weak (first) and strong (last) state's accuracies.
    target_pgr : float in [0, 1]
        x as a fraction: 0.5 for CPT(50%).

    Returns
    -------
    float
        A share in [0, 1]; NaN when no point reaches the target.

    Examples
    --------
    >>> call_performance_threshold([0, 0.5, 1], [0.6, 0.7, 0.8], weak_accuracy=0.6,
    ...                            strong_accuracy=0.8, target_pgr=0.5)
    0.5
    """
    share, accuracy = _check_points(strong_call_share, accuracy, "strong_call_share", "accuracy")
    share = _check_fractions(share, "strong_call_share")
    accuracy = _check_fractions(accuracy, "accuracy")
    weak, strong = _check_gap(weak_accuracy, strong_accuracy)
    target = weak + check_fraction(target_pgr, "target_pgr") * (strong - weak)
    return _least_x_reaching(share, accuracy, target)


def average_performance_gap_recovered(
    strong_call_share, accuracy, *, weak_accuracy, strong_accuracy
):
    """APGR: the area under the PGR curve over the share of strong calls, from 0 to 1.

    Ong et al. (2024) define ``APGR = integral_0^1 PGR d(strong-call share)``
    and approximate it by averaging PGR at 10 equally spaced call shares.
    Here the integral is exact for the piecewise-linear curve through the
    points (the trapezoid rule), as RouteLLM's own evaluation computes it
    (``np.trapz`` in ``routellm/evals/evaluate.py``); the straight segment
    between two operating points is reachable by mixing their thresholds at
    random. A random router on two states scores 0.5.

    Parameters
    ----------
    strong_call_share : array-like of shape (n_points,)
        Fraction of instances sent to the strong (last) state; must include
        0 and 1. Points are sorted by it, ties kept in the order given.
    accuracy : array-like of shape (n_points,)
        Accuracy at the same points.
    weak_accuracy, strong_accuracy : float in [0, 1]
        The weak (first) and strong (last) state's accuracies.

    Returns
    -------
    float

    Examples
    --------
    >>> share = np.linspace(0, 1, 11)
    >>> apgr = average_performance_gap_recovered(
    ...     share, 0.6 + 0.2 * share, weak_accuracy=0.6, strong_accuracy=0.8)
    >>> round(apgr, 6)
    0.5
    """
    share, accuracy = _check_points(strong_call_share, accuracy, "strong_call_share", "accuracy")
    share = _check_fractions(share, "strong_call_share")
    pgr = performance_gap_recovered(
        accuracy, weak_accuracy=weak_accuracy, strong_accuracy=strong_accuracy
    )
    if share.min() > 0 or share.max() < 1:
        raise ValueError(
            "strong_call_share must run from 0 (all calls to the weak model) to 1 "
            f"(all to the strong one), got [{share.min():g}, {share.max():g}]."
        )
    order = np.argsort(share, kind="stable")
    return float(np.trapezoid(pgr[order], share[order]))


# ---------------------------------------------------------------- RouterBench


def _upper_hull(x, y):
    """Vertices of the upper convex hull of points with strictly increasing x."""
    hull = []
    for point in zip(x, y):
        while len(hull) >= 2 and _does_not_turn_right(hull[-2], hull[-1], point):
            hull.pop()
        hull.append(point)
    return np.array(hull, dtype=float).T


def _does_not_turn_right(a, b, c):
    """True when a -> b -> c turns left or goes straight: b is not an upper-hull vertex."""
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]) >= 0


def nondecreasing_convex_hull(cost, quality):
    """The best quality reachable at each cost by mixing operating points: RouterBench's hull.

    Mixing two operating points at random reaches any point on the segment
    between them, and spending more never has to lower quality. So what a
    router can deliver at cost c is its upper convex hull, kept flat from its
    highest point on (Hu et al., 2024, "non-decreasing convex hull").

    Parameters
    ----------
    cost, quality : array-like of shape (n_points,)

    Returns
    -------
    hull_cost, hull_quality : ndarray of shape (n_vertices,)
        Vertices from the cheapest point (the best of equally cheap ones) up
        the upper hull to the highest quality, then flat to the largest cost.

    Examples
    --------
    >>> hull_cost, hull_quality = nondecreasing_convex_hull(
    ...     cost=[1, 2, 2.5, 3, 4], quality=[0.5, 0.6, 0.55, 0.9, 0.8])
    >>> hull_cost.tolist(), hull_quality.tolist()
    ([1.0, 3.0, 4.0], [0.5, 0.9, 0.9])
    """
    cost, quality = _check_points(cost, quality, "cost", "quality")
    order = np.lexsort((-quality, cost))
    cost, quality = cost[order], quality[order]
    # Only points better than every cheaper point can be vertices of a
    # non-decreasing concave curve; they have distinct costs.
    is_record = np.concatenate([[True], quality[1:] > np.maximum.accumulate(quality)[:-1]])
    hull_cost, hull_quality = _upper_hull(cost[is_record], quality[is_record])
    if cost[-1] > hull_cost[-1]:
        hull_cost = np.append(hull_cost, cost[-1])
        hull_quality = np.append(hull_quality, hull_quality[-1])
    return hull_cost, hull_quality


def average_improvement_in_quality(cost, quality, *, max_cost=None):
    """AIQ: mean quality under the non-decreasing convex hull over the cost range.

    ``AIQ = 1 / (c_max - c_min) * integral_{c_min}^{c_max} hull(c) dc``
    (Hu et al., 2024), with the hull of
    :func:`nondecreasing_convex_hull`. It is in the unit of ``quality``: a
    mean accuracy over budgets.

    Parameters
    ----------
    cost, quality : array-like of shape (n_points,)
    max_cost : float, optional
        Right end of the range: a finite number, at least the largest cost;
        the hull stays flat up to it. To compare routers, give them a common
        ``max_cost``: RouterBench's code (``evaluation/AIQ.py``) extends
        every hull to the largest cost among the routers compared. Default:
        the largest cost.

    Returns
    -------
    float

    Examples
    --------
    >>> aiq = average_improvement_in_quality(
    ...     cost=[1, 2, 2.5, 3, 4], quality=[0.5, 0.6, 0.55, 0.9, 0.8])
    >>> round(aiq, 6)  # ((0.5 + 0.9) / 2 * 2 + 0.9 * 1) / 3
    0.766667
    """
    hull_cost, hull_quality = nondecreasing_convex_hull(cost, quality)
    if max_cost is not None:
        max_cost = check_number(max_cost, "max_cost")
        if max_cost < hull_cost[-1]:
            raise ValueError(
                f"max_cost must be at least the largest cost {hull_cost[-1]:g}, got {max_cost:g}."
            )
        if max_cost > hull_cost[-1]:
            hull_cost = np.append(hull_cost, max_cost)
            hull_quality = np.append(hull_quality, hull_quality[-1])
    cost_range = hull_cost[-1] - hull_cost[0]
    if cost_range <= 0:
        raise ValueError("cost must span a range (two different costs) to average over it.")
    return float(np.trapezoid(hull_quality, hull_cost) / cost_range)

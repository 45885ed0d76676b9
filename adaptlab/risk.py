"""Thresholds with a finite-sample guarantee: risk control for cascades (lecture 8).

:func:`adaptlab.cascade.calibrate` takes the cheapest threshold whose
*validation* accuracy reaches a target. On new data that threshold often falls
short: among many thresholds it picks the first whose noisy validation
accuracy touches the target, so it is biased towards those that got lucky on
validation (the winner's curse). :func:`calibrate_guarded` adds a certificate:

    with probability at least ``1 - delta`` over the draw of the validation
    set, the chosen threshold's accuracy on new data from the same
    distribution is at least ``target_accuracy - epsilon``.

It follows *Learn then Test* (LTT; Angelopoulos, Bates, Candès, Jordan & Lei,
2021, *Learn then Test: Calibrating Predictive Algorithms to Achieve Risk
Control*, arXiv:2110.01052): each threshold is a hypothesis test, "this
threshold's accuracy is below ``target - epsilon``", with a p-value from the
validation set (:func:`accuracy_p_value`), and a family-wise error control
picks the thresholds whose null is rejected. Here the control is *fixed-sequence
testing* (LTT's Section 3): thresholds are tested from the safest (``+inf``,
everyone escalated to the last state) down to the cheapest, and testing stops
at the first threshold whose p-value exceeds ``delta``. Every threshold
tested before the stop is certified, all at once.

:func:`resplit_experiment` measures what the guarantee buys and costs: it
redraws the validation/test split many times and compares the naive and the
guarded threshold on each split.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from . import cascade
from ._validation import (
    as_float_array,
    check_accuracy,
    check_cost_kind,
    check_fraction,
    check_positive_int,
)

__all__ = [
    "BOUNDS",
    "ResplitExperiment",
    "SplitResults",
    "accuracy_p_value",
    "calibrate_guarded",
    "resplit_experiment",
]

BOUNDS = ("binomial", "hoeffding")
"""The p-values :func:`accuracy_p_value` offers: the exact binomial tail, or Hoeffding's bound."""


# ---------------------------------------------------------------- input checks


def _check_bound(bound):
    if bound not in BOUNDS:
        raise ValueError(f"bound must be one of {BOUNDS}, got {bound!r}.")
    return bound


def _check_delta(delta):
    delta = check_fraction(delta, "delta")
    if not 0 < delta < 1:
        raise ValueError(f"delta must be strictly between 0 and 1, got {delta!r}.")
    return delta


def _check_floor(target_accuracy, epsilon):
    """``target_accuracy - epsilon``, the accuracy the guarantee is about, after checking both."""
    target_accuracy = check_accuracy(target_accuracy, "target_accuracy")
    epsilon = check_fraction(epsilon, "epsilon")
    if epsilon > target_accuracy:
        raise ValueError(
            f"epsilon must not exceed target_accuracy, got epsilon={epsilon:g} > "
            f"target_accuracy={target_accuracy:g}: an accuracy of at least "
            f"{target_accuracy - epsilon:g} guarantees nothing."
        )
    return target_accuracy, epsilon, target_accuracy - epsilon


# ---------------------------------------------------------------- one test


def accuracy_p_value(n_correct, n, *, floor, bound="binomial"):
    """p-value of the null "the accuracy on new data is below ``floor``", from a validation count.

    A threshold whose instances are right ``n_correct`` times out of ``n``
    independent validation instances is certified at level ``delta`` when
    this p-value is at most ``delta``.

    * ``"binomial"`` (the default): the exact tail
      ``P(Binomial(n, floor) >= n_correct)``. Under the null the count of
      correct answers is binomial with a success rate below ``floor``, so
      this tail is the largest chance the null gives to a count as high as
      the one seen: the p-value is exact for 0/1 losses, which accuracy is,
      and the least conservative valid one.
    * ``"hoeffding"``: ``exp(-2 n (n_correct / n - floor)_+^2)``, Hoeffding's
      (1963) bound on that tail. It holds for any loss in [0, 1], and is never
      below the binomial tail: kept to show what a distribution-free bound
      costs (LTT, Angelopoulos et al. 2021, Section 4, lists both).

    Parameters
    ----------
    n_correct : int or array-like of int
        Correct validation answers, ``0 <= n_correct <= n``.
    n : int
        Validation instances, at least 1.
    floor : float in [0, 1]
        The accuracy to certify, ``target_accuracy - epsilon``.
    bound : {"binomial", "hoeffding"}

    Returns
    -------
    float or ndarray of float
        One p-value per count, in [0, 1].

    Examples
    --------
    >>> round(accuracy_p_value(95, 100, floor=0.9), 4)  # 95/100 right: accuracy >= 0.9?
    0.0576
    >>> round(accuracy_p_value(95, 100, floor=0.9, bound="hoeffding"), 4)
    0.6065
    """
    n = check_positive_int(n, "n")
    floor = check_fraction(floor, "floor")
    bound = _check_bound(bound)
    counts = as_float_array(n_correct, "n_correct")
    if not np.all(np.isfinite(counts)) or np.any((counts < 0) | (counts > n)) \
            or np.any(counts != np.round(counts)):
        raise ValueError(f"n_correct must hold whole numbers between 0 and n={n}.")
    if bound == "binomial":
        p = stats.binom.sf(counts - 1, n, floor)  # P(X >= n_correct) = P(X > n_correct - 1)
    else:
        excess = np.maximum(counts / n - floor, 0.0)
        p = np.exp(-2 * n * excess**2)
    return float(p) if p.ndim == 0 else p


# ---------------------------------------------------------------- the guarded threshold


def _certified(curve, p_by_count, *, delta):
    """Fixed-sequence testing along a validation curve: which points are certified, which p-values.

    ``p_by_count[k]`` is the p-value of k correct answers out of the
    ``len(p_by_count) - 1`` validation instances. Points are tested from the
    last (threshold ``+inf``, everyone at the last state) to the first; the
    points before the first p-value above ``delta`` are certified.
    """
    n = p_by_count.size - 1
    p_values = p_by_count[np.rint(curve.accuracy * n).astype(int)]
    passed_from_safest = p_values[::-1] <= delta
    n_certified = passed_from_safest.size if passed_from_safest.all() \
        else int(passed_from_safest.argmin())
    certified = np.zeros(len(curve), dtype=bool)
    certified[len(curve) - n_certified:] = True
    return certified, p_values


def _guarded_index(curve, p_by_count, *, target_accuracy, floor, delta):
    certified, p_values = _certified(curve, p_by_count, delta=delta)
    eligible = certified & (curve.accuracy >= target_accuracy)
    if eligible.any():
        return int(eligible.argmax())  # costs never decrease along the curve: the cheapest
    if not certified.any():
        raise cascade.UnreachableTargetError(
            f"no threshold is certified: even sending every instance to the last state "
            f"(validation accuracy {curve.accuracy[-1]:.4g}) gives p = {p_values[-1]:.3g} > "
            f"delta = {delta:g} for an accuracy of at least {floor:.4g}; give more validation "
            "instances, a larger epsilon or delta, or a lower target."
        )
    raise cascade.UnreachableTargetError(
        f"no certified threshold reaches target_accuracy={target_accuracy:g} on validation: "
        f"the best certified one gives {curve.accuracy[certified].max():.4g}."
    )


def calibrate_guarded(scores_val, correct_val, costs, *, target_accuracy, epsilon=0.01,
                      delta=0.1, bound="binomial"):
    """The cheapest threshold that reaches the target on validation and is certified on new data.

    With probability at least ``1 - delta`` over the draw of the validation
    set (independent instances from the distribution the cascade will serve),
    the returned threshold's accuracy on that distribution is at least
    ``target_accuracy - epsilon``.

    How: Learn then Test (Angelopoulos et al., 2021, arXiv:2110.01052). Each
    threshold ``t`` of :func:`adaptlab.cascade.sweep` carries the null
    hypothesis "accuracy(t) < target - epsilon" and the p-value of
    :func:`accuracy_p_value` from its validation count. Thresholds are tested
    in a fixed sequence, from ``+inf`` (every instance goes to the last
    state, the safest) down to the cheapest, and testing stops at the first
    p-value above ``delta``. A bad threshold is certified only if the first
    bad one in the sequence is (all before it were tested and passed), and
    that single test errs with probability at most ``delta``: so with
    probability ``1 - delta`` *every* certified threshold is good, and any
    rule may choose among them. This one takes the cheapest certified
    threshold whose validation accuracy also reaches ``target_accuracy``,
    the one :func:`adaptlab.cascade.calibrate` would take if it were
    certified, so it never costs less than the naive threshold at the same
    target; when ``epsilon`` is wide enough to certify the naive threshold,
    the two are the same and the guarantee is free.

    The candidates are the validation scores themselves, not a grid fixed in
    advance. That is allowed here: the validation accuracy only changes at
    those scores, so testing them is testing every threshold, and the
    argument above only needs the first bad threshold of the population,
    which the data do not choose.

    Parameters
    ----------
    scores_val : array-like of shape (n, N)
        Scores on the validation split, as for :func:`adaptlab.cascade.calibrate`.
    correct_val : array-like of bool, shape (n, N)
        Correctness on the validation split.
    costs : array-like of shape (N,)
        Cost of each state, ascending (Eq 2).
    target_accuracy : float in [0, 1]
        The accuracy asked for on validation, as in :func:`adaptlab.cascade.calibrate`.
    epsilon : float in [0, target_accuracy], default=0.01
        The accuracy you accept to lose on new data: the guarantee is about
        ``target_accuracy - epsilon`` (1 percentage point by default).
    delta : float in (0, 1), default=0.1
        How often the guarantee may fail, over draws of the validation set.
    bound : {"binomial", "hoeffding"}, default="binomial"
        The p-value (see :func:`accuracy_p_value`); the exact binomial tail
        certifies more thresholds with the same guarantee.

    Returns
    -------
    float
        The threshold, one of ``sweep(scores_val, correct_val, costs).thresholds``.

    Raises
    ------
    ValueError
        If an argument is invalid.
    adaptlab.cascade.UnreachableTargetError
        If no certified threshold reaches ``target_accuracy`` on validation,
        or no threshold is certified at all. A caller may fall back to
        ``+inf`` (every instance to the last state), said so.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> confidence = rng.uniform(size=2000)  # the small model is right when it is confident
    >>> correct = np.column_stack([rng.uniform(size=2000) < confidence, np.ones(2000, bool)])
    >>> scores = np.column_stack([confidence, np.zeros(2000)])
    >>> naive = cascade.calibrate(scores, correct, [1.0, 10.0], target_accuracy=0.9)
    >>> guarded = calibrate_guarded(scores, correct, [1.0, 10.0], target_accuracy=0.9)
    >>> bool(guarded >= naive)  # the guarded threshold escalates at least as much
    True
    """
    _, _, floor = _check_floor(target_accuracy, epsilon)
    delta = _check_delta(delta)
    bound = _check_bound(bound)
    curve = cascade.sweep(scores_val, correct_val, costs)
    n = np.shape(scores_val)[0]
    p_by_count = accuracy_p_value(np.arange(n + 1), n, floor=floor, bound=bound)
    index = _guarded_index(curve, p_by_count, target_accuracy=target_accuracy, floor=floor,
                           delta=delta)
    return float(curve.thresholds[index])


# ---------------------------------------------------------------- many re-splits


@dataclass(frozen=True)
class SplitResults:
    """One calibration rule over many re-splits: what it chose and what that gave.

    Attributes
    ----------
    threshold : ndarray of float, shape (n_splits,)
        Chosen on each split's validation instances.
    accuracy : ndarray of float, shape (n_splits,)
        Accuracy of that threshold on the split's test instances: what a
        practitioner measures, with test noise.
    pool_accuracy : ndarray of float, shape (n_splits,)
        Accuracy of that threshold on the whole pool: the accuracy on the
        distribution the validation set was drawn from, which the guarantee
        is about, without test noise.
    cost : ndarray of float, shape (n_splits,)
        Mean cost per test instance, in the experiment's ``cost_kind``.
    met : ndarray of bool, shape (n_splits,)
        Whether the rule found its threshold; where not, it fell back (the
        naive rule to the most accurate threshold on validation, the guarded
        rule to ``+inf``, every instance to the last state).
    """

    threshold: np.ndarray
    accuracy: np.ndarray
    pool_accuracy: np.ndarray
    cost: np.ndarray
    met: np.ndarray

    def violation_rate(self, floor, *, on="test"):
        """Share of splits whose accuracy ``on`` the ``"test"`` split or the ``"pool"`` is below ``floor``."""
        if on not in ("test", "pool"):
            raise ValueError(f"on must be 'test' or 'pool', got {on!r}.")
        accuracy = self.accuracy if on == "test" else self.pool_accuracy
        return float(np.mean(accuracy < floor))


@dataclass(frozen=True)
class ResplitExperiment:
    """Naive and guarded thresholds over many validation/test re-splits of one pool.

    Attributes
    ----------
    naive, guarded : SplitResults
        :func:`adaptlab.cascade.calibrate` to ``target_accuracy``, and
        :func:`calibrate_guarded`, on the same splits.
    target_accuracy, epsilon, delta : float
        The guarded rule promises accuracy ``>= target_accuracy - epsilon``
        with probability ``>= 1 - delta``.
    bound : str
        The p-value used, ``"binomial"`` or ``"hoeffding"``.
    n_val, n_test : int
        Instances per validation and per test split.
    cost_kind : str
        ``"sequential"`` or ``"selection"``: what :attr:`SplitResults.cost` prices.
    """

    naive: SplitResults
    guarded: SplitResults
    target_accuracy: float
    epsilon: float
    delta: float
    bound: str
    n_val: int
    n_test: int
    cost_kind: str

    @property
    def floor(self):
        """``target_accuracy - epsilon``: an accuracy below it is a violation."""
        return self.target_accuracy - self.epsilon

    @property
    def test_noise(self):
        """Standard deviation of a test accuracy at the floor, ``sqrt(A (1 - A) / n_test)``."""
        return float(np.sqrt(self.floor * (1 - self.floor) / self.n_test))

    @property
    def cost_ratio(self):
        """Mean over splits of guarded cost / naive cost: what the guarantee costs (>= 1)."""
        return float(np.mean(self.guarded.cost / self.naive.cost))

    @property
    def table(self):
        """One row per rule: violation rates (pool, test), test accuracy, cost and fallbacks."""
        rows = []
        for name, results in (("naive", self.naive), ("guarded", self.guarded)):
            rows.append({
                "rule": name,
                "violations (pool)": results.violation_rate(self.floor, on="pool"),
                "violations (test)": results.violation_rate(self.floor, on="test"),
                "mean test accuracy": results.accuracy.mean(),
                "5th percentile": np.percentile(results.accuracy, 5),
                "mean cost": results.cost.mean(),
                "fell back": 1 - results.met.mean(),
            })
        return pd.DataFrame(rows).set_index("rule")


def _calibrate_both(curve, p_by_count, *, target_accuracy, floor, delta):
    """Indices into a validation curve, and whether each rule met its target: naive, guarded."""
    reaching = curve.accuracy >= target_accuracy
    naive_met = bool(reaching.any())
    naive = int(reaching.argmax()) if naive_met else int(curve.accuracy.argmax())
    try:
        guarded = _guarded_index(curve, p_by_count, target_accuracy=target_accuracy,
                                 floor=floor, delta=delta)
        guarded_met = True
    except cascade.UnreachableTargetError:
        guarded, guarded_met = len(curve) - 1, False  # +inf: everyone to the last state
    return (naive, naive_met), (guarded, guarded_met)


def resplit_experiment(scores, correct, costs, *, n_val, n_splits=200, target_accuracy=None,
                       epsilon=0.01, delta=0.1, bound="binomial", cost_kind="sequential",
                       sequential_costs=None, seed=0):
    """Naive against guarded thresholds, over many random validation/test splits of one pool.

    Each split draws ``n_val`` instances of the pool for validation, without
    replacement, and keeps the other ``n_test`` for test. On validation, the
    naive rule (:func:`adaptlab.cascade.calibrate` to ``target_accuracy``)
    and the guarded rule (:func:`calibrate_guarded`) each pick a threshold.
    A split *violates* when the threshold's accuracy is below
    ``target_accuracy - epsilon``. Two accuracies are recorded, because the
    guarantee and a practitioner's measurement differ:

    * **on the pool** (all instances): the validation set is a draw from the
      pool, so the pool is the distribution the guarantee is about, and its
      accuracy is known exactly. The guarded rule must violate here in at
      most a share ``delta`` of the splits, up to the Monte Carlo error
      ``sqrt(delta (1 - delta) / n_splits)`` (2 percentage points for 200
      splits at ``delta = 0.1``). Drawing without replacement only tightens
      the validation estimates (Hoeffding, 1963, Section 6).
    * **on the test split** (the instances not drawn): what one would measure
      in practice. It adds two effects the guarantee does not cover: test
      noise, about ``sqrt(A (1 - A) / n_test)``
      (:attr:`ResplitExperiment.test_noise`), so a threshold truly just above
      the floor reads below it on about half the test splits; and, in a
      finite pool, the test split is what validation left, so a lucky
      validation draw leaves a slightly unlucky test split (by a factor
      ``n_val / n_test``). Keep ``n_test`` several times ``n_val`` (e.g.
      1,000 against 7,000: 0.4 percentage points of test noise at 85%
      accuracy) and both stay small; expect more test violations than
      ``delta`` otherwise.

    Vectorised: the pool's whole curve is swept once, each split sweeps its
    validation instances once, and test figures follow by subtraction (test
    = pool minus validation); 200 splits of 8,000 instances and 6 states take
    about a second.

    Parameters
    ----------
    scores : array-like of shape (n, N)
        The router's scores on the whole pool, e.g.
        :func:`adaptlab.routers.max_probability` of validation and test
        probabilities stacked.
    correct : array-like of bool, shape (n, N)
        Correctness on the pool.
    costs : array-like of shape (N,)
        Cost of each state, ascending (Eq 2).
    n_val : int
        Validation instances per split, between 1 and ``n - 1``; the other
        ``n - n_val`` are the test split.
    n_splits : int, default=200
        Number of re-splits.
    target_accuracy : float in [0, 1], optional
        Defaults to the last state's accuracy on the whole pool: "as good as
        the big model".
    epsilon, delta, bound
        As in :func:`calibrate_guarded`.
    cost_kind : {"sequential", "selection"}
        What a test instance costs: every state run, or the answering one.
    sequential_costs : array-like of shape (N,), optional
        See :func:`adaptlab.cascade.operating_point`.
    seed : int
        Seed of the splits, an integer >= 0.

    Returns
    -------
    ResplitExperiment
    """
    scores, correct, costs = cascade._check_cascade(scores, correct, costs)
    n = scores.shape[0]
    if n < 2:
        raise ValueError(f"scores must hold at least 2 instances to split, got {n}.")
    n_val = check_positive_int(n_val, "n_val", maximum=n - 1)
    n_test = n - n_val
    n_splits = check_positive_int(n_splits, "n_splits")
    if target_accuracy is None:
        target_accuracy = float(correct[:, -1].mean())
    target_accuracy, epsilon, floor = _check_floor(target_accuracy, epsilon)
    delta = _check_delta(delta)
    bound = _check_bound(bound)
    cost_kind = check_cost_kind(cost_kind)
    seed = check_positive_int(seed, "seed", minimum=0)

    pool = cascade.sweep(scores, correct, costs, sequential_costs=sequential_costs)
    p_by_count = accuracy_p_value(np.arange(n_val + 1), n_val, floor=floor, bound=bound)
    rng = np.random.default_rng(seed)
    chosen = np.empty((2, n_splits, 4))  # rule, split: threshold, val accuracy, val cost, met
    for split in range(n_splits):
        val = rng.permutation(n)[:n_val]
        curve = cascade.sweep(scores[val], correct[val], costs, sequential_costs=sequential_costs)
        rules = _calibrate_both(curve, p_by_count, target_accuracy=target_accuracy, floor=floor,
                                delta=delta)
        for rule, (index, met) in enumerate(rules):
            chosen[rule, split] = (curve.thresholds[index], curve.accuracy[index],
                                   curve.cost_of(cost_kind)[index], met)
    results = []
    for threshold, val_accuracy, val_cost, met in chosen.transpose(0, 2, 1):
        # Any threshold in (thresholds[k - 1], thresholds[k]] gives point k of a curve.
        on_pool = np.searchsorted(pool.thresholds, threshold, side="left")
        pool_accuracy = pool.accuracy[on_pool]
        results.append(SplitResults(
            threshold=threshold,
            accuracy=(n * pool_accuracy - n_val * val_accuracy) / n_test,
            pool_accuracy=pool_accuracy,
            cost=(n * pool.cost_of(cost_kind)[on_pool] - n_val * val_cost) / n_test,
            met=met.astype(bool),
        ))
    naive, guarded = results
    return ResplitExperiment(naive=naive, guarded=guarded, target_accuracy=target_accuracy,
                             epsilon=epsilon, delta=delta, bound=bound, n_val=n_val,
                             n_test=n_test, cost_kind=cost_kind)

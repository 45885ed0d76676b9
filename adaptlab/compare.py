"""Practical routers against the oracle and the bounds, on one trained family.

Every router is calibrated on the validation split and reported on the test
split, next to what no router can beat: the exact adaptive oracle
(Definition 2.1) and the conservative bound (Eq 9). This is lecture 6's
experiment and the heart of ``python -m adaptlab tour``.

:func:`design_cascade` is the practical counterpart of
:func:`adaptlab.statespace.best_subset` (lecture 7): it searches state
subsets, routers and thresholds on validation, pruned by the exact oracle,
for the cheapest cascade that keeps the accuracy asked for.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from . import bounds, cascade, metrics, routers
from ._validation import (
    check_accuracy, check_cost_kind, check_costs, check_fraction, check_positive_int,
)
from .family import Family

__all__ = [
    "RouterRun", "RouterStates", "Comparison", "default_tiers", "compare_routers",
    "CascadeDesign", "design_cascade", "CONFIDENCE_RULES",
]

#: The confidence scores a router can threshold, by the name tables show.
CONFIDENCE_RULES = {
    "max probability": routers.max_probability,
    "margin": routers.margin,
    "entropy": routers.negative_entropy,
}


@dataclass(frozen=True)
class RouterStates:
    """What one router routes between, on both splits: its scores, correctness and costs.

    Most rules route between the family's states; ABC routes between tiers of
    states, each tier an ensemble that answers with its majority vote.

    Attributes
    ----------
    scores_val, scores_test : ndarray of float, shape (n, T)
        The router's score of each of its T states (or tiers) per instance.
    correct_val, correct_test : ndarray of bool, shape (n, T)
        Whether each state's (or tier's) answer is right.
    costs : ndarray of float, shape (T,)
        Cost of running each state (or tier) once.
    sequential_costs : ndarray of float, shape (T,)
        What a cascade stopping at each state (or tier) has paid.
    """

    scores_val: np.ndarray
    scores_test: np.ndarray
    correct_val: np.ndarray
    correct_test: np.ndarray
    costs: np.ndarray
    sequential_costs: np.ndarray


@dataclass(frozen=True)
class RouterRun:
    """One router, calibrated on validation and measured on test.

    Attributes
    ----------
    name : str
    states : RouterStates
        What the router routes between (states, or ABC tiers).
    curve : cascade.Curve
        The router's whole test curve, every threshold.
    threshold : float
        Chosen on validation.
    point : cascade.CascadePoint
        The test operating point at ``threshold``.
    note : str
        Anything the reader should know, e.g. a target not reached on validation.
    """

    name: str
    states: RouterStates
    curve: cascade.Curve
    threshold: float
    point: cascade.CascadePoint
    note: str = ""


@dataclass(frozen=True)
class Comparison:
    """Routers, oracle and bounds on one family; :attr:`table` sums it up.

    Attributes
    ----------
    family : Family or adaptlab.predictions.SplitPredictions
        The state space compared (its Pareto frontier on validation); for
        models known only by their per-instance results, a SplitPredictions.
    runs : dict of str to RouterRun
    oracle : bounds.OracleResult
        The exact oracle on test; its ``sequential_cost`` is priced with the
        family's own ``sequential_costs`` (early exits pay once).
    frontier : cascade.OracleFrontier
        The oracle's least cost at every accuracy on test, priced in
        ``cost_kind``: for a sequential cascade, the oracle that runs states
        in order and stops at the cheapest correct one.
    alphas : ndarray
        alpha_i measured on test (Eq 6).
    cost_kind : str
        ``"sequential"`` (every state run is paid) or ``"selection"``.
    target_accuracy : float
        What routers were calibrated to reach on validation.
    skipped : dict of str to str
        Routers left out, with the reason (e.g. ABC on early exits).
    """

    family: Family
    runs: dict
    oracle: bounds.OracleResult
    frontier: cascade.OracleFrontier
    alphas: np.ndarray
    cost_kind: str
    target_accuracy: float
    skipped: dict

    @property
    def conservative(self):
        """The conservative bound (Eq 9) from the states' test accuracies.

        States were chosen on validation; on test a cheaper state may come out
        at least as accurate as a dearer one, so the bound is taken over the
        test Pareto frontier of the chosen states (Eq 3 requires it).
        """
        return self.family.state_space().pareto().conservative()

    @property
    def table(self):
        """One row per router and per reference, on test.

        Columns: accuracy and cost (in ``cost_kind``) of the operating point
        calibrated on validation, its ``R_ratio = R_N / cost`` and
        ``Delta A``; the share of instances reaching the largest state; from
        the router's whole test curve, ``R_ratio at A_N`` (the cheapest point
        as accurate as the largest state), ``APGR`` (RouteLLM: PGR from the
        smallest to the largest state's accuracy, averaged over the share of
        calls to the largest) and ``AIQ`` (RouterBench: mean accuracy under
        the hull of the curve, over a cost range common to all routers).
        """
        costs, accuracies = self.family.costs, self.family.accuracies
        largest_cost, largest_accuracy = costs[-1], accuracies[-1]
        conservative = self.conservative
        rows = [
            _reference_row(f"largest state alone ({self.family.names[-1]})",
                           largest_cost, largest_accuracy, largest_cost, largest_accuracy),
            _reference_row("exact oracle (selection)", self.oracle.selection_cost,
                           self.oracle.accuracy, largest_cost, largest_accuracy),
            _reference_row("exact oracle as a cascade", self.oracle.sequential_cost,
                           self.oracle.accuracy, largest_cost, largest_accuracy),
            _reference_row("conservative bound (Eq 9)", conservative.selection_cost,
                           conservative.accuracy, largest_cost, largest_accuracy),
        ]
        common_max_cost = max(run.curve.cost_of(self.cost_kind).max() for run in self.runs.values())
        for run in self.runs.values():
            cost = run.point.cost_of(self.cost_kind)
            curve_cost = run.curve.cost_of(self.cost_kind)
            rows.append({
                "router": run.name,
                "accuracy": run.point.accuracy,
                "cost": cost,
                "R_ratio": bounds.r_ratio(largest_cost, cost),
                "Delta A": run.point.accuracy - largest_accuracy,
                "share to largest": run.point.exit_share[-1],
                "R_ratio at A_N": metrics.r_ratio_at(
                    curve_cost, run.curve.accuracy,
                    target_accuracy=largest_accuracy, largest_cost=largest_cost,
                ),
                "APGR": self._apgr(run.curve),
                "AIQ": metrics.average_improvement_in_quality(
                    curve_cost, run.curve.accuracy, max_cost=common_max_cost
                ),
                "note": run.note,
            })
        return pd.DataFrame(rows)

    def _apgr(self, curve):
        """RouteLLM's APGR from the smallest to the largest state's test accuracy;
        NaN when the two tie (no gap to recover)."""
        weak, strong = self.family.accuracies[0], self.family.accuracies[-1]
        if weak == strong:
            return np.nan
        return metrics.average_performance_gap_recovered(
            curve.last_state_share, curve.accuracy, weak_accuracy=weak, strong_accuracy=strong
        )


def _reference_row(name, cost, accuracy, largest_cost, largest_accuracy):
    return {
        "router": name,
        "accuracy": accuracy,
        "cost": cost,
        "R_ratio": bounds.r_ratio(largest_cost, cost),
        "Delta A": accuracy - largest_accuracy,
        "share to largest": np.nan,
        "R_ratio at A_N": np.nan,
        "APGR": np.nan,
        "AIQ": np.nan,
        "note": "",
    }


def default_tiers(costs):
    """ABC tiers on N states: ensembles of cheaper states that cost less than the states after them.

    The cheapest three states vote together, the next ones in pairs, and the
    largest state answers alone. A tier must cost (the sum of its members')
    no more than the tier after it, and a voting tier needs two members or
    more (one member always agrees with itself); where a split breaks the
    order, the offending tier is merged with the next one.

    Parameters
    ----------
    costs : array-like of shape (N,)
        Ascending costs of the states.

    Returns
    -------
    list of list of int, or None
        Tiers of state indices, cheapest first; None when no such tiers exist
        (fewer than three states, or cheaper states that together cost more
        than the largest one).

    Examples
    --------
    >>> default_tiers([1, 1, 1, 2, 2, 10])
    [[0, 1, 2], [3, 4], [5]]
    >>> default_tiers([1, 1, 1, 1.2, 1.2, 10])  # the pair would cost 2.4 < 3: merged
    [[0, 1, 2, 3, 4], [5]]
    >>> default_tiers([10, 20, 30, 50]) is None  # the three together cost 60 > 50
    True
    """
    costs = check_costs(costs)
    n_voting = costs.size - 1
    if n_voting < 2:
        return None
    sizes = [min(3, n_voting)]
    while sum(sizes) < n_voting:
        sizes.append(2)
    if sum(sizes) > n_voting:  # one state left over: it joins the tier before it
        sizes[-2:] = [sizes[-2] + 1]
    edges = np.cumsum([0] + sizes)
    tiers = [list(range(start, stop)) for start, stop in zip(edges, edges[1:])]
    tiers.append([costs.size - 1])
    while True:
        tier_costs = [costs[tier].sum() for tier in tiers]
        rising = np.flatnonzero(np.diff(tier_costs) < 0)
        if not rising.size:
            return tiers
        i = int(rising[0])
        if i + 1 == len(tiers) - 1:  # the voting states together cost more than the largest
            return None
        tiers[i:i + 2] = [tiers[i] + tiers[i + 1]]


def _agreement_states(family, tiers):
    """ABC's :class:`RouterStates`: its tiers' agreement, majority-vote correctness and costs."""
    abc_val = routers.agreement(family.proba_val, tiers, family.costs)
    abc_test = routers.agreement(family.proba_test, tiers, family.costs)
    return RouterStates(
        scores_val=abc_val.scores,
        scores_test=abc_test.scores,
        correct_val=abc_val.predictions == family.y_val[:, None],
        correct_test=abc_test.predictions == family.y_test[:, None],
        costs=abc_test.costs,
        sequential_costs=np.cumsum(abc_test.costs),
    )


def _router_states(family, tiers, seed):
    """Per router, what it routes between: :class:`RouterStates` on both splits.

    ABC routes between tiers, every other rule between states.
    """
    same = dict(correct_val=family.correct_val, correct_test=family.correct_test,
                costs=family.costs, sequential_costs=family.sequential_costs)
    states = {
        name: RouterStates(scores_val=rule(family.proba_val), scores_test=rule(family.proba_test),
                           **same)
        for name, rule in CONFIDENCE_RULES.items()
    }
    learned = routers.LearnedRouter()
    scores_val = learned.out_of_fold_scores(family.proba_val, family.correct_val)
    learned.fit(family.proba_val, family.correct_val)
    states["learned router"] = RouterStates(
        scores_val=scores_val, scores_test=learned.scores(family.proba_test), **same
    )
    if tiers is not None:
        states["ABC agreement"] = _agreement_states(family, tiers)
    n_val, n_test, n_states = len(family.y_val), len(family.y_test), len(family)
    states["random"] = RouterStates(
        scores_val=routers.random_scores(n_val, n_states, seed=seed),
        scores_test=routers.random_scores(n_test, n_states, seed=seed + 1),
        **same,
    )
    return states


def _run(name, states, target_accuracy, cost_kind):
    """Calibrate one router on validation, measure it on test."""
    calibrate = partial(cascade.calibrate, states.scores_val, states.correct_val, states.costs,
                        cost_kind=cost_kind, sequential_costs=states.sequential_costs)
    note = ""
    try:
        threshold = calibrate(target_accuracy=target_accuracy)
    except cascade.UnreachableTargetError:
        threshold = calibrate(budget=np.inf)
        note = "target not reached on validation: most accurate threshold"
    test = (states.scores_test, states.correct_test, states.costs)
    return RouterRun(
        name=name,
        states=states,
        curve=cascade.sweep(*test, sequential_costs=states.sequential_costs),
        threshold=threshold,
        point=cascade.operating_point(*test, threshold, sequential_costs=states.sequential_costs),
        note=note,
    )


def _check_family(family):
    if not isinstance(family, Family):
        raise ValueError(f"family must be an adaptlab.family.Family, got {type(family).__name__}.")
    return family


def compare_routers(family, *, target_accuracy=None, cost_kind="sequential", tiers=None, seed=0):
    """Calibrate every router on validation, report it on test, beside the oracle.

    Parameters
    ----------
    family : Family
        A trained family; its Pareto frontier on validation is used, so that
        accuracy rises with cost as the bounds require (Eq 3).
    target_accuracy : float in [0, 1], optional
        The validation accuracy routers are calibrated to reach at the least
        cost. Defaults to the largest state's validation accuracy: "as good as
        the big model, for less". A router that cannot reach it on validation
        takes its most accurate threshold, and says so in its note.
    cost_kind : {"sequential", "selection"}
        Price of a routing: every state run (a real cascade) or only the
        answering one (an ideal selector).
    tiers : list of list of int, optional
        ABC's ensembles, indices into the frontier; :func:`default_tiers` of
        the frontier's costs if omitted. ABC is left out, and says why in
        ``skipped``, for families whose states share computation (early
        exits: its ensembles are separate models) and frontiers with no valid
        default tiers.
    seed : int
        Seed of the random router, an integer >= 0.

    Returns
    -------
    Comparison
    """
    family = _check_family(family)
    cost_kind = check_cost_kind(cost_kind)
    seed = check_positive_int(seed, "seed", minimum=0)
    if target_accuracy is not None:
        target_accuracy = check_accuracy(target_accuracy, "target_accuracy")
    family = family.pareto()
    if len(family) < 2:
        raise ValueError("family must keep at least 2 states on its Pareto frontier to route.")
    if target_accuracy is None:
        target_accuracy = float(family.correct_val[:, -1].mean())
    skipped = {}
    if family.shares_computation:
        tiers = None
        skipped["ABC agreement"] = "states share computation (early exits): no ensembles"
    elif tiers is None:
        tiers = default_tiers(family.costs)
        if tiers is None:
            skipped["ABC agreement"] = "no tiers of two or more cheaper states cost less than the largest"
    runs = {
        name: _run(name, states, target_accuracy, cost_kind)
        for name, states in _router_states(family, tiers, seed).items()
    }
    return Comparison(
        family=family,
        runs=runs,
        oracle=bounds.oracle(family.correct_test, family.costs,
                             sequential_costs=family.sequential_costs),
        frontier=cascade.oracle_frontier(family.correct_test, family.cost_of(cost_kind)),
        alphas=bounds.alphas(family.correct_test),
        cost_kind=cost_kind,
        target_accuracy=target_accuracy,
        skipped=skipped,
    )


LEARNED_ROUTER = "learned router"


@dataclass(frozen=True)
class CascadeDesign:
    """A cascade designed on validation by :func:`design_cascade`, measured on test.

    Attributes
    ----------
    states : tuple of str
        The states the cascade runs, cheapest first.
    indices : tuple of int
        Their positions in the family's validation Pareto frontier.
    router : str
        The score the cascade thresholds (a key of :data:`CONFIDENCE_RULES`,
        or ``"learned router"``); ``"none (one state)"`` when one state
        alone is cheapest.
    threshold : float
        Chosen on validation: an instance leaves at the first state whose
        score reaches it.
    target_accuracy : float
        The validation accuracy the design had to reach.
    val_accuracy, val_cost : float
        The design on validation; cost sequential (every state run is paid).
    point : cascade.CascadePoint
        The design on test.
    largest_cost, largest_accuracy : float
        The family's largest state alone: ``R_N`` and its test accuracy.
    oracle_cost : float
        The least sequential cost of the exact oracle over all the family's
        states at the design's test accuracy: what a perfect router would pay.
    candidates : pandas.DataFrame
        Every subset and router considered, cheapest bound first: ``states``,
        ``oracle bound`` (the exact oracle's least validation cost at the
        target, a lower bound for any router on that subset), ``router``,
        ``val cost``, ``val accuracy`` and ``status``.
    unit : str
        The unit of every cost.
    """

    states: tuple
    indices: tuple
    router: str
    threshold: float
    target_accuracy: float
    val_accuracy: float
    val_cost: float
    point: cascade.CascadePoint
    largest_cost: float
    largest_accuracy: float
    oracle_cost: float
    candidates: pd.DataFrame
    unit: str

    @property
    def test_accuracy(self):
        """Accuracy on test."""
        return self.point.accuracy

    @property
    def test_cost(self):
        """Mean sequential cost per instance on test."""
        return self.point.sequential_cost

    @property
    def relative_accuracy(self):
        """Test accuracy as a fraction of the largest state's."""
        return self.test_accuracy / self.largest_accuracy

    @property
    def r_ratio(self):
        """``R_N / test_cost``: times cheaper than the largest state alone, on test."""
        return bounds.r_ratio(self.largest_cost, self.test_cost)

    @property
    def oracle_r_ratio(self):
        """``R_N / oracle_cost``: what a perfect router would gain at the same accuracy."""
        return bounds.r_ratio(self.largest_cost, self.oracle_cost)

    def summary(self):
        """The design in one readable paragraph."""
        return (
            f"{' -> '.join(self.states)} with the {self.router} router "
            f"(threshold {self.threshold:.4g}): test accuracy {self.test_accuracy:.4f} "
            f"({self.relative_accuracy:.1%} of the largest state's {self.largest_accuracy:.4f}) "
            f"at {self.test_cost:.4g} {self.unit} per instance, R_ratio {self.r_ratio:.2f}; "
            f"the exact oracle at that accuracy: R_ratio {self.oracle_r_ratio:.2f}."
        )


def _check_router_names(names):
    known = (*CONFIDENCE_RULES, LEARNED_ROUTER)
    if isinstance(names, str) or not hasattr(names, "__iter__"):
        raise ValueError(f"routers must be a list of names from {known}, got {names!r}.")
    names = tuple(names)
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise ValueError(f"routers must be names from {known}; got {unknown or 'none'}.")
    return names


def _design_target(family, target_accuracy, relative_target):
    """The validation accuracy to reach: absolute, or relative to the largest state's."""
    if target_accuracy is not None and relative_target is not None:
        raise ValueError("Give target_accuracy or relative_target, not both.")
    if target_accuracy is not None:
        return check_accuracy(target_accuracy, "target_accuracy")
    relative_target = check_fraction(0.99 if relative_target is None else relative_target,
                                     "relative_target")
    return relative_target * float(family.correct_val[:, -1].mean())


class _Search:
    """The family's arrays, computed once, that every subset of the search slices."""

    def __init__(self, family, router_names):
        self.family = family
        self.correct_val, self.correct_test = family.correct_val, family.correct_test
        self.scores = {
            name: (CONFIDENCE_RULES[name](family.proba_val), CONFIDENCE_RULES[name](family.proba_test))
            for name in router_names if name != LEARNED_ROUTER
        }

    def oracle_bound(self, indices, target_accuracy):
        """The exact oracle's least sequential cost at the target on validation (NaN if out of
        reach): no router can pay less on these states."""
        frontier = cascade.oracle_frontier(self.correct_val[:, indices],
                                           self.family.cascade_costs(indices))
        return metrics.cost_at_accuracy(frontier.cost, frontier.accuracy,
                                        target_accuracy=target_accuracy)

    def scores_of(self, indices, router):
        """A router's scores on the states at ``indices``: (validation, test); validation
        scores of a learned router are out of fold."""
        if len(indices) == 1:  # nothing to route: the state answers every instance
            return np.ones((len(self.correct_val), 1)), np.ones((len(self.correct_test), 1))
        if router == LEARNED_ROUTER:
            proba_val = self.family.proba_val[:, indices]
            learned = routers.LearnedRouter()
            scores_val = learned.out_of_fold_scores(proba_val, self.correct_val[:, indices])
            learned.fit(proba_val, self.correct_val[:, indices])
            return scores_val, learned.scores(self.family.proba_test[:, indices])
        scores_val, scores_test = self.scores[router]
        return scores_val[:, indices], scores_test[:, indices]


def design_cascade(family, *, target_accuracy=None, relative_target=None, max_states=None,
                   routers=("max probability", "margin", "entropy")):
    """The cheapest cascade found on validation: states subset x router x threshold.

    The practical counterpart of :func:`adaptlab.statespace.best_subset`
    (Fig 5-6). A cascade through every state pays for every state it runs
    and, calibrated to a strict target, sends most instances to the end, so
    it can cost more than the largest state alone (lecture 6). A cascade
    through a few well-chosen states often costs far less. This search tries
    every subset of the family's validation Pareto frontier (up to
    ``max_states`` states) with every router, calibrates each on validation
    to the cheapest threshold reaching the target
    (:func:`adaptlab.cascade.calibrate`), and keeps the cheapest.

    The exact oracle prunes it: on a subset, no router can pay less than the
    oracle that runs its states in order and stops at the first correct one
    (:func:`adaptlab.cascade.oracle_frontier`). Subsets are visited in the
    order of that bound, and a subset whose bound is already above the best
    cascade found is skipped without calibrating a router. The test split is
    used once, to measure the design chosen.

    Parameters
    ----------
    family : Family
        A trained family; its Pareto frontier on validation is searched.
    target_accuracy : float in [0, 1], optional
        The validation accuracy to reach.
    relative_target : float in [0, 1], optional
        Or the target as a fraction of the largest state's validation
        accuracy; 0.99 when neither is given.
    max_states : int, optional
        Largest subset tried (default: every state). The search grows as
        ``2 ** N``; the pruning keeps most subsets cheap.
    routers : sequence of str
        Router names: keys of :data:`CONFIDENCE_RULES` and, slower (one
        classifier per state of every subset tried, fitted out of fold),
        ``"learned router"``.

    Returns
    -------
    CascadeDesign

    Raises
    ------
    cascade.UnreachableTargetError
        If no subset reaches the target on validation, not even with the
        oracle.

    Examples
    --------
    >>> from adaptlab.compare import design_cascade
    >>> design = design_cascade(family)  # doctest: +SKIP
    >>> design.states, design.router, round(design.r_ratio, 2)  # doctest: +SKIP
    """
    family = _check_family(family).pareto()
    target_accuracy = _design_target(family, target_accuracy, relative_target)
    max_states = check_positive_int(len(family) if max_states is None else max_states,
                                    "max_states")
    router_names = _check_router_names(routers)
    search = _Search(family, router_names)
    subsets = [
        list(indices)
        for size in range(1, min(max_states, len(family)) + 1)
        for indices in itertools.combinations(range(len(family)), size)
    ]
    bounds_ = [search.oracle_bound(indices, target_accuracy) for indices in subsets]
    order = sorted(range(len(subsets)), key=lambda i: (np.nan_to_num(bounds_[i], nan=np.inf),
                                                       len(subsets[i])))
    rows, best = [], None
    for i in order:
        indices, bound = subsets[i], bounds_[i]
        row = {"states": tuple(family.names[j] for j in indices), "oracle bound": bound}
        if np.isnan(bound):
            rows.append({**row, "status": "target out of reach, even for the oracle"})
            continue
        if best is not None and bound >= best["val cost"]:
            rows.append({**row, "status": "pruned: oracle bound above the best cascade"})
            continue
        costs, sequential_costs = family.costs[indices], family.cascade_costs(indices)
        for router in router_names if len(indices) > 1 else ("none (one state)",):
            scores_val, scores_test = search.scores_of(indices, router)
            correct_val = search.correct_val[:, indices]
            try:
                threshold = cascade.calibrate(scores_val, correct_val, costs,
                                              target_accuracy=target_accuracy,
                                              sequential_costs=sequential_costs)
            except cascade.UnreachableTargetError:
                rows.append({**row, "router": router, "status": "router misses the target"})
                continue
            val = cascade.operating_point(scores_val, correct_val, costs, threshold,
                                          sequential_costs=sequential_costs)
            result = {**row, "router": router, "val cost": val.sequential_cost,
                      "val accuracy": val.accuracy, "status": "calibrated"}
            rows.append(result)
            if best is None or val.sequential_cost < best["val cost"]:
                best = {**result, "indices": indices, "threshold": threshold,
                        "scores_test": scores_test}
    if best is None:
        raise cascade.UnreachableTargetError(
            f"No subset of states reaches the validation target {target_accuracy:.4f}."
        )
    indices = best["indices"]
    point = cascade.operating_point(best["scores_test"], search.correct_test[:, indices],
                                    family.costs[indices], best["threshold"],
                                    sequential_costs=family.cascade_costs(indices))
    frontier = cascade.oracle_frontier(search.correct_test, family.sequential_costs)
    return CascadeDesign(
        states=best["states"],
        indices=tuple(indices),
        router=best["router"],
        threshold=best["threshold"],
        target_accuracy=target_accuracy,
        val_accuracy=best["val accuracy"],
        val_cost=best["val cost"],
        point=point,
        largest_cost=float(family.costs[-1]),
        largest_accuracy=float(family.accuracies[-1]),
        oracle_cost=metrics.cost_at_accuracy(frontier.cost, frontier.accuracy,
                                             target_accuracy=point.accuracy),
        candidates=pd.DataFrame(rows, columns=["states", "oracle bound", "router", "val cost",
                                               "val accuracy", "status"]),
        unit=family.unit,
    )

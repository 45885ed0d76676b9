"""Practical routers against the oracle and the bounds, on one trained family.

Every router is calibrated on the validation split and reported on the test
split, next to what no router can beat: the exact adaptive oracle
(Definition 2.1) and the conservative bound (Eq 9). This is lecture 6's
experiment and the heart of ``python -m adaptlab tour``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from . import bounds, cascade, metrics, routers
from ._validation import check_accuracy, check_cost_kind, check_costs, check_positive_int
from .family import Family

__all__ = ["RouterRun", "RouterStates", "Comparison", "default_tiers", "compare_routers"]


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
    family : Family
        The state space compared (its Pareto frontier on validation).
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
    confidence_rules = {
        "max probability": routers.max_probability,
        "margin": routers.margin,
        "entropy": routers.negative_entropy,
    }
    states = {
        name: RouterStates(scores_val=rule(family.proba_val), scores_test=rule(family.proba_test),
                           **same)
        for name, rule in confidence_rules.items()
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
    if not isinstance(family, Family):
        raise ValueError(f"family must be an adaptlab.family.Family, got {type(family).__name__}.")
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

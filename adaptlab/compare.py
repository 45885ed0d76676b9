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
from .family import Family

__all__ = ["RouterRun", "Comparison", "default_tiers", "compare_routers"]


@dataclass(frozen=True)
class RouterRun:
    """One router, calibrated on validation and measured on test.

    Attributes
    ----------
    name : str
    stage_costs : ndarray
        Cost of each stage the router routes between (states, or ABC tiers).
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
    stage_costs: np.ndarray
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
        The exact oracle on test.
    frontier : cascade.OracleFrontier
        The oracle's least cost at every accuracy on test, priced in
        ``cost_kind``: for a sequential cascade, the oracle that runs states
        in order and stops at the cheapest correct one.
    alphas : ndarray
        alpha_i measured on test (Eq 6).
    cost_kind : str
        ``"sequential"`` (every stage run is paid) or ``"selection"``.
    target_accuracy : float
        What routers were calibrated to reach on validation.
    """

    family: object
    runs: dict
    oracle: bounds.OracleResult
    frontier: cascade.OracleFrontier
    alphas: np.ndarray
    cost_kind: str
    target_accuracy: float

    @property
    def conservative(self):
        """The conservative bound (Eq 9) from the states' test accuracies.

        States were chosen on validation; on test a cheaper state may come out
        more accurate than a dearer one, so the bound is taken over the test
        Pareto frontier of the chosen states (Eq 3 requires it).
        """
        return bounds.conservative(self.family.state_space().pareto())

    @property
    def table(self):
        """One row per router and per reference, on test.

        Columns: accuracy and cost of the operating point calibrated on
        validation, its ``R_ratio = R_N / cost`` and ``Delta A``; the share
        of instances reaching the largest state; from the router's whole test
        curve, ``R_ratio at A_N`` (the cheapest point as accurate as the
        largest state), ``APGR`` (RouteLLM: PGR from the smallest to the
        largest state's accuracy, averaged over the share of calls to the
        largest) and ``AIQ`` (RouterBench: mean accuracy under the hull of
        the curve, over a cost range common to all routers).
        """
        costs, accuracies = self.family.costs, self.family.accuracies
        largest_cost, largest_accuracy = costs[-1], accuracies[-1]
        conservative = self.conservative
        rows = [
            _reference_row(f"largest state alone ({self.family.names[-1]})",
                           largest_cost, largest_accuracy, largest_cost, largest_accuracy),
            _reference_row("exact oracle (selection)", self.oracle.cost, self.oracle.accuracy,
                           largest_cost, largest_accuracy),
            _reference_row("exact oracle as a cascade",
                           float(self.oracle.shares @ self.family.stop_costs("sequential")),
                           self.oracle.accuracy, largest_cost, largest_accuracy),
            _reference_row("conservative bound (Eq 9)", conservative.cost, conservative.accuracy,
                           largest_cost, largest_accuracy),
        ]
        common_max_cost = max(run.curve.cost(self.cost_kind).max() for run in self.runs.values())
        for run in self.runs.values():
            cost = self.point_cost(run.point)
            curve_cost = run.curve.cost(self.cost_kind)
            rows.append({
                "router": run.name,
                "accuracy": run.point.accuracy,
                "cost": cost,
                "R_ratio": bounds.r_ratio(largest_cost, cost),
                "Delta A": run.point.accuracy - largest_accuracy,
                "share to largest": run.point.exit_share[-1],
                "R_ratio at A_N": metrics.r_ratio_at(
                    run.curve.accuracy, curve_cost, largest_accuracy, largest_cost
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
        pgr = metrics.performance_gap_recovered(curve.accuracy, weak, strong)
        return metrics.average_performance_gap_recovered(curve.last_stage_share, pgr)

    def point_cost(self, point):
        """The cost of a :class:`cascade.CascadePoint` in this comparison's ``cost_kind``."""
        return point.sequential_cost if self.cost_kind == "sequential" else point.selection_cost


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


def default_tiers(n_states):
    """ABC tiers for N states: the cheapest three vote together, the rest in pairs, the largest alone.

    Parameters
    ----------
    n_states : int
        N >= 2.

    Returns
    -------
    list of list of int

    Examples
    --------
    >>> default_tiers(6)
    [[0, 1, 2], [3, 4], [5]]
    >>> default_tiers(3)
    [[0, 1], [2]]
    """
    if not isinstance(n_states, (int, np.integer)) or n_states < 2:
        raise ValueError(f"n_states must be an integer >= 2, got {n_states!r}.")
    middle = list(range(min(3, n_states - 1), n_states - 1))
    tiers = [list(range(min(3, n_states - 1)))]
    tiers += [middle[i:i + 2] for i in range(0, len(middle), 2)]
    return tiers + [[n_states - 1]]


def _stages(family, tiers, seed):
    """Per router: validation and test scores and correctness, and the stage costs.

    Each value is ``(scores_val, scores_test, correct_val, correct_test, costs,
    sequential_costs)``; ABC routes between tiers, every other rule between states.
    """
    confidence_rules = {
        "max probability": routers.max_probability,
        "margin": routers.margin,
        "entropy": routers.negative_entropy,
    }
    same = (family.correct_val, family.correct_test, family.costs, family.stop_costs())
    stages = {
        name: (rule(family.proba_val), rule(family.proba_test), *same)
        for name, rule in confidence_rules.items()
    }
    learned = routers.LearnedRouter()
    scores_val = learned.out_of_fold_scores(family.proba_val, family.correct_val)
    learned.fit(family.proba_val, family.correct_val)
    stages["learned router"] = (scores_val, learned.scores(family.proba_test), *same)
    if not family.shares_computation:  # ABC's ensembles are separate models
        abc_val = routers.agreement(family.proba_val, tiers, family.costs)
        abc_test = routers.agreement(family.proba_test, tiers, family.costs)
        stages["ABC agreement"] = (
            abc_val.scores,
            abc_test.scores,
            abc_val.predictions == family.y_val[:, None],
            abc_test.predictions == family.y_test[:, None],
            abc_test.costs,
            None,
        )
    n_val, n_test, n_states = len(family.y_val), len(family.y_test), len(family)
    stages["random"] = (
        routers.random_scores(n_val, n_states, seed=seed),
        routers.random_scores(n_test, n_states, seed=seed + 1),
        *same,
    )
    return stages


def compare_routers(family, target_accuracy=None, cost_kind="sequential", tiers=None, seed=0):
    """Calibrate every router on validation, report it on test, beside the oracle.

    Parameters
    ----------
    family : Family
        A trained family; its Pareto frontier on validation is used, so that
        accuracy grows with cost as the bounds require (Eq 3).
    target_accuracy : float, optional
        The validation accuracy routers are calibrated to reach at the least
        cost. Defaults to the largest state's validation accuracy: "as good as
        the big model, for less".
    cost_kind : {"sequential", "selection"}
        Price of a routing: every stage run (a real cascade) or only the
        answering one (an ideal selector).
    tiers : list of list of int, optional
        ABC's ensembles, indices into the frontier; :func:`default_tiers` if
        omitted. ABC is left out for families whose states share computation
        (early exits): its ensembles are separate models.
    seed : int
        Seed of the random router.

    Returns
    -------
    Comparison
    """
    if not isinstance(family, Family):
        raise ValueError(f"family must be an adaptlab.family.Family, got {type(family).__name__}.")
    family.stop_costs(cost_kind)  # validates cost_kind
    family = family.pareto()
    if len(family) < 2:
        raise ValueError("family must keep at least 2 states on its Pareto frontier to route.")
    if target_accuracy is None:
        target_accuracy = float(family.correct_val[:, -1].mean())
    tiers = default_tiers(len(family)) if tiers is None else tiers
    runs = {}
    for name, stage in _stages(family, tiers, seed).items():
        scores_val, scores_test, correct_val, correct_test, costs, sequential_costs = stage
        calibrate = partial(cascade.calibrate, scores_val, correct_val, costs,
                            cost_kind=cost_kind, sequential_costs=sequential_costs)
        note = ""
        try:
            threshold = calibrate(target_accuracy=target_accuracy)
        except ValueError:
            threshold = calibrate(budget=np.inf)
            note = "target not reached on validation: most accurate threshold"
        runs[name] = RouterRun(
            name=name,
            stage_costs=costs,
            curve=cascade.sweep(scores_test, correct_test, costs, sequential_costs),
            threshold=threshold,
            point=cascade.operating_point(
                scores_test, correct_test, costs, threshold, sequential_costs
            ),
            note=note,
        )
    return Comparison(
        family=family,
        runs=runs,
        oracle=bounds.oracle(family.correct_test, family.costs),
        frontier=cascade.oracle_frontier(family.correct_test, family.stop_costs(cost_kind)),
        alphas=bounds.alphas(family.correct_test),
        cost_kind=cost_kind,
        target_accuracy=target_accuracy,
    )

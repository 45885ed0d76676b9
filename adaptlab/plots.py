"""Figures of the course: the cost-accuracy plane with its bounds (Fig 3-4)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from . import bounds

__all__ = ["cost_accuracy_plane"]


def cost_accuracy_plane(space, oracle=None, alpha=None, ax=None, log_cost=True, title=None):
    """Draw a state space and what an adaptive agent could reach on it.

    Draws each state, the constant-alpha line of Eq 8 from alpha = 0
    (optimistic) to alpha = 1 (conservative, Eq 9), the continuous-state
    bound of Eq 13 and, when given, an exact oracle and a measured alpha.

    Parameters
    ----------
    space : StateSpace
        States with names, costs, accuracies and a unit; dominated states are
        drawn hollow and left out of the bounds.
    oracle : OperatingPoint, optional
        The exact oracle measured on data (:func:`adaptlab.bounds.oracle`).
    alpha : float, optional
        Mark the constant-alpha point at this alpha (e.g. a measured one).
    ax : matplotlib Axes, optional
        Where to draw; a new figure if omitted.
    log_cost : bool
        Log-scale the cost axis, as the paper's figures do.
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
    frontier = space.pareto()
    dominated = [i for i, name in enumerate(space.names) if name not in frontier.names]
    ax.plot(frontier.costs, frontier.accuracies, "o-", color="0.35", label="states (static models)")
    ax.plot(space.costs[dominated], space.accuracies[dominated], "o", mfc="none", color="0.35")
    for name, cost, accuracy in zip(space.names, space.costs, space.accuracies):
        ax.annotate(name, (cost, accuracy), textcoords="offset points", xytext=(4, -10), fontsize=8)

    line = [bounds.constant_alpha(frontier, alpha=a) for a in np.linspace(0, 1, 21)]
    ax.plot([p.cost for p in line], [p.accuracy for p in line], "--", color="tab:blue",
            label="constant-alpha oracle, alpha 0 to 1 (Eq 8)")
    safe = bounds.conservative(frontier)
    ax.plot(safe.cost, safe.accuracy, "s", color="tab:blue", ms=8,
            label=f"conservative, alpha = 1 (Eq 9): {safe.r_ratio:.1f}x cheaper")
    continuous = bounds.continuous(frontier)
    ax.plot(continuous.cost, continuous.accuracy, "v", color="tab:purple", ms=8,
            label=f"continuous states (Eq 13): {continuous.r_ratio:.1f}x")
    if alpha is not None:
        point = bounds.constant_alpha(frontier, alpha=alpha)
        ax.plot(point.cost, point.accuracy, "D", color="tab:orange", ms=7,
                label=f"constant alpha = {alpha:.2f}")
    if oracle is not None:
        ax.plot(oracle.cost, oracle.accuracy, "*", color="tab:red", ms=14,
                label=f"exact oracle: {oracle.r_ratio:.1f}x, {oracle.delta_a:+.1%} accuracy")
    if log_cost and np.all(space.costs > 0):
        ax.set_xscale("log")
    ax.set_xlabel(f"cost per instance ({space.unit})")
    ax.set_ylabel("accuracy")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1))
    if title:
        ax.set_title(title)
    return ax

"""Figures of the course: the cost-accuracy plane with its bounds (Fig 3-4)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .compare import Comparison
from .statespace import StateSpace

__all__ = ["cost_accuracy_plane", "router_plane", "alphas_per_state", "image_grid"]


def _label_states(ax, names, costs, accuracies):
    for name, cost, accuracy in zip(names, costs, accuracies):
        ax.annotate(name, (cost, accuracy), textcoords="offset points", xytext=(4, -11), fontsize=8)


def _finish_plane(ax, costs, xlabel, ylabel, log_cost, title, legend_title=None):
    """Log cost axis (when every cost is positive), labels, grid, legend outside, title."""
    if log_cost and np.all(np.asarray(costs) > 0):
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1),
              title=legend_title, title_fontsize=8)
    if title:
        ax.set_title(title)


def _as_state_space(space):
    """A StateSpace, or one made from a pair ``(costs, accuracies)``."""
    if isinstance(space, StateSpace):
        return space
    if isinstance(space, (tuple, list)) and len(space) == 2:
        costs, accuracies = space
        names = [f"state {i + 1}" for i in range(np.size(costs))]
        return StateSpace(names, costs, accuracies, unit="cost")
    raise ValueError(
        "space must be an adaptlab.statespace.StateSpace or a pair (costs, accuracies), "
        f"got {type(space).__name__}."
    )


def cost_accuracy_plane(space, *, oracle=None, alpha=None, ax=None, log_cost=True, title=None):
    """Draw a state space and what an adaptive agent could reach on it.

    Draws each state, the constant-alpha line of Eq 8 from alpha = 0
    (optimistic) to alpha = 1 (conservative, Eq 9), the continuous-state
    bound of Eq 13 and, when given, an exact oracle and a measured alpha.

    Parameters
    ----------
    space : StateSpace or (costs, accuracies)
        States with names, costs, accuracies and a unit (a pair of arrays
        gets names "state 1", ... and the unit "cost"); dominated states are
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
    space = _as_state_space(space)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
    frontier = space.pareto()
    dominated = [i for i, name in enumerate(space.names) if name not in frontier.names]
    ax.plot(frontier.costs, frontier.accuracies, "o-", color="0.35", label="states (static models)")
    ax.plot(space.costs[dominated], space.accuracies[dominated], "o", mfc="none", color="0.35")
    _label_states(ax, space.names, space.costs, space.accuracies)

    line = [frontier.constant_alpha(a) for a in np.linspace(0, 1, 21)]
    ax.plot([p.selection_cost for p in line], [p.accuracy for p in line], "--", color="tab:blue",
            label="constant-alpha oracle, alpha 0 to 1 (Eq 8)")
    safe = frontier.conservative()
    ax.plot(safe.selection_cost, safe.accuracy, "s", color="tab:blue", ms=8,
            label=f"conservative, alpha = 1 (Eq 9): {safe.r_ratio:.1f}x cheaper")
    continuous = frontier.continuous()
    ax.plot(continuous.selection_cost, continuous.accuracy, "v", color="tab:purple", ms=8,
            label=f"continuous states (Eq 13): {continuous.r_ratio:.1f}x")
    if alpha is not None:
        point = frontier.constant_alpha(alpha)
        ax.plot(point.selection_cost, point.accuracy, "D", color="tab:orange", ms=7,
                label=f"constant alpha = {alpha:.2f}")
    if oracle is not None:
        ax.plot(oracle.selection_cost, oracle.accuracy, "*", color="tab:red", ms=14,
                label=f"exact oracle: {oracle.r_ratio:.1f}x, {oracle.delta_a:+.1%} accuracy")
    _finish_plane(ax, space.costs, f"cost per instance ({space.unit})", "accuracy", log_cost, title)
    return ax


def router_plane(comparison, *, ax=None, log_cost=True, title=None):
    """Router curves on test against the oracle frontier and the bounds (lecture 6).

    Parameters
    ----------
    comparison : adaptlab.compare.Comparison
    ax : matplotlib Axes, optional
    log_cost : bool
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(comparison, Comparison):
        raise ValueError(
            "comparison must be an adaptlab.compare.Comparison (from compare_routers), "
            f"got {type(comparison).__name__}."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    family = comparison.family
    ax.plot(family.costs, family.accuracies, "o", color="0.3", ms=7, label="states")
    _label_states(ax, family.names, family.costs, family.accuracies)
    frontier = comparison.frontier
    ax.plot(frontier.cost, frontier.accuracy, color="tab:red", lw=2.5,
            label=f"exact oracle frontier, {comparison.cost_kind} (no router crosses it)")
    ax.plot(comparison.oracle.selection_cost, comparison.oracle.accuracy, "*", color="tab:red",
            ms=13, label="exact oracle, selection (Eq 4-5)")
    safe = comparison.conservative
    ax.plot(safe.selection_cost, safe.accuracy, "s", color="tab:blue", ms=8,
            label="conservative bound (Eq 9)")
    colors = plt.cm.tab10(np.linspace(0, 1, 10))[[1, 2, 4, 5, 6, 7]]
    for color, run in zip(colors, comparison.runs.values()):
        cost = run.curve.cost_of(comparison.cost_kind)
        ax.plot(cost, run.curve.accuracy, color=color, lw=1.2, alpha=0.9, label=run.name)
        ax.plot(run.point.cost_of(comparison.cost_kind), run.point.accuracy, "o", color=color,
                mec="black", ms=7)
    _finish_plane(ax, family.costs, f"{comparison.cost_kind} cost per instance ({family.unit})",
                  "test accuracy", log_cost, title, legend_title="dots: calibrated on validation")
    return ax


def alphas_per_state(alphas, names, *, ax=None, title=None):
    """Measured alpha_i per state (Fig 2 of the paper).

    Parameters
    ----------
    alphas : array-like of shape (N,)
        From :func:`adaptlab.bounds.alphas`; entry 0 is NaN and not drawn.
    names : sequence of str
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    alphas = np.asarray(alphas, dtype=float)
    if alphas.ndim != 1 or isinstance(names, str) or len(names) != alphas.size:
        raise ValueError(
            f"alphas and names must have one entry per state, got shapes {alphas.shape} "
            f"and {np.shape(names)}."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    ax.plot(range(1, len(alphas)), alphas[1:], "o-", color="tab:blue")
    ax.axhline(np.nanmean(alphas[1:]), ls="--", color="0.5",
               label=f"mean alpha = {np.nanmean(alphas[1:]):.2f}")
    ax.set_xticks(range(1, len(alphas)), list(names)[1:], rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel(r"$\alpha_i$ = P(all smaller wrong | state i wrong)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def image_grid(dataset, *, per_class=8, title=None):
    """Examples of every class, easiest to hardest from left to right.

    Parameters
    ----------
    dataset : adaptlab.data.Dataset
        Ordered by ``difficulty`` when the data set has one, else as stored.
    per_class : int
        Images per row.
    title : str, optional

    Returns
    -------
    matplotlib Figure
    """
    if not isinstance(per_class, (int, np.integer)) or per_class < 1:
        raise ValueError(f"per_class must be a positive integer, got {per_class!r}.")
    n_classes = dataset.n_classes
    figure, axes = plt.subplots(n_classes, per_class, squeeze=False,
                                figsize=(per_class * 0.9, n_classes * 0.95), layout="constrained")
    grey = dataset.images.shape[-1] == 1
    for label, row in enumerate(axes):
        members = np.flatnonzero(dataset.labels == label)
        if dataset.difficulty is not None:
            members = members[np.argsort(dataset.difficulty[members], kind="stable")]
        picks = members[np.linspace(0, len(members) - 1, per_class).astype(int)] if len(members) else []
        for ax in row:
            ax.set_xticks([])
            ax.set_yticks([])
        for ax, index in zip(row, picks):
            ax.imshow(dataset.images[index].squeeze() if grey else dataset.images[index],
                      cmap="gray" if grey else None)
        row[0].set_ylabel(dataset.class_names[label], fontsize=8)
    if dataset.difficulty is not None:
        axes[0, 0].set_title("easiest", fontsize=8, loc="left")
        axes[0, -1].set_title("hardest", fontsize=8, loc="right")
    if title:
        figure.suptitle(title)
    return figure


# ------------------------------------------------- lecture 4: accuracy by difficulty
# Kept self-contained (own imports and __all__ entry) so that it merges cleanly.

from ._validation import check_correct as _check_correct  # noqa: E402
from ._validation import check_positive_int as _check_positive_int  # noqa: E402

__all__ += ["accuracy_by_difficulty"]


def accuracy_by_difficulty(correct, difficulty, names, *, bins=8, ax=None, title=None):
    """Accuracy of every state, and of the best of them, as instances get harder (lecture 4).

    The instances are cut into ``bins`` groups of (nearly) equal size by
    their difficulty, so that a long-tailed difficulty still gets as many
    instances in its hard groups as in its easy ones. Each state is drawn as
    its accuracy in each group against the group's mean difficulty; a dashed
    line shows the share of the group that at least one state gets right:
    the exact oracle's accuracy (Eq 5) in that group.

    Parameters
    ----------
    correct : array-like of bool or {0, 1}, shape (n, N)
        ``correct[x, i]``: is state i right on instance x (e.g.
        ``family.correct_test``).
    difficulty : array-like of float, shape (n,)
        One difficulty per instance, larger is harder (e.g.
        ``splits.test.difficulty``).
    names : sequence of str, length N
        One name per state.
    bins : int, default=8
        Number of equal-count difficulty groups, between 1 and n.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if omitted.
    title : str, optional

    Returns
    -------
    matplotlib Axes
        One line per state, labelled with its name, then the oracle's line.

    Examples
    --------
    >>> correct = [[1, 1], [0, 1], [0, 0], [1, 0]]
    >>> ax = accuracy_by_difficulty(correct, [0.1, 0.2, 0.8, 0.9], ["small", "large"], bins=2)
    >>> [line.get_ydata().tolist() for line in ax.get_lines()]  # small, large, oracle
    [[0.5, 0.5], [1.0, 0.0], [1.0, 0.5]]
    """
    correct = _check_correct(correct)
    n, n_states = correct.shape
    try:
        difficulty = np.asarray(difficulty, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"difficulty must be an array of numbers, got {difficulty!r}.") from None
    if difficulty.shape != (n,) or not np.all(np.isfinite(difficulty)):
        raise ValueError(
            f"difficulty must hold {n} finite numbers, one per row of correct; got shape "
            f"{difficulty.shape}{'' if difficulty.shape != (n,) else ' with NaN or inf'}."
        )
    if isinstance(names, str) or not hasattr(names, "__len__") or len(names) != n_states:
        raise ValueError(
            f"names must have one entry per state (column of correct: {n_states}), got {names!r}."
        )
    bins = _check_positive_int(bins, "bins", maximum=n)
    # Equal-count groups: sort by difficulty and cut the order into `bins` parts.
    group = np.empty(n, dtype=int)
    group[np.argsort(difficulty, kind="stable")] = np.arange(n) * bins // n
    size = np.bincount(group, minlength=bins)
    centre = np.bincount(group, weights=difficulty, minlength=bins) / size
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4), layout="constrained")
    colors = plt.cm.viridis(np.linspace(0, 0.9, n_states))
    for state, (name, color) in enumerate(zip(names, colors)):
        accuracy = np.bincount(group, weights=correct[:, state], minlength=bins) / size
        ax.plot(centre, accuracy, "o-", color=color, ms=4, label=str(name))
    best = np.bincount(group, weights=correct.any(axis=1), minlength=bins) / size
    ax.plot(centre, best, "--", color="black", label="some state right (exact oracle)")
    ax.set_xlabel(f"difficulty (mean of each of {bins} equal-count groups)")
    ax.set_ylabel("accuracy in the group")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1))
    if title:
        ax.set_title(title)
    return ax

"""Figures of the course: the cost-accuracy plane with its bounds (Fig 3-4).

Every figure, and the widgets, draw with one colour-blind-safe palette
(Okabe & Ito, *Color Universal Design*, 2008): each reference (states, exact
oracle, each bound) and each router keeps one colour, marker and line style
from lecture to lecture (:data:`COLORS`, :func:`router_style`).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter

from ._validation import (
    as_float_array,
    check_correct,
    check_costs,
    check_number,
    check_positive_int,
)
from .compare import Comparison
from .ensembles import EqualCost
from .statespace import StateSpace

__all__ = [
    "cost_accuracy_plane",
    "router_plane",
    "alphas_per_state",
    "image_grid",
    "two_state_cases",
    "exit_cost_bars",
    "accuracy_by_difficulty",
    "best_subsets_plane",
    "subset_gains",
    "oracle_cost_by_state",
    "abc_vs_confidence",
    "COLORS",
    "router_style",
]

#: The course's colours, Okabe & Ito's colour-blind-safe palette plus greys: one per reference
#: and per router, the same in every figure and widget.
COLORS = {
    "states": "#3A3A3A",
    "exact oracle": "#D55E00",  # vermillion
    "conservative bound": "#0072B2",  # blue: Eq 9, and the constant-alpha line it ends
    "two-state bound": "#56B4E9",  # sky blue: Eq 10
    "continuous bound": "#CC79A7",  # reddish purple: Eq 13
    "best subset": "#E69F00",  # orange
    "limit": "#000000",  # Eq 11's smallest-state limit
    "max probability": "#E69F00",  # orange
    "margin": "#009E73",  # bluish green
    "entropy": "#56B4E9",  # sky blue
    "learned router": "#CC79A7",  # reddish purple
    "ABC agreement": "#8C510A",  # brown, drawn dashed with diamonds
    "random": "#000000",  # black, dotted, crosses: never a dot that looks like a model
}

_ROUTER_SHAPES = {"ABC agreement": ("D", "--"), "random": ("X", ":")}


def router_style(name):
    """Colour, marker and line style of a router, the same in every figure.

    Routers the course names keep their :data:`COLORS` entry; any other name
    (e.g. from your own predictions) gets a colour from its position among
    the palette's router colours, so it stays the same across calls.

    Parameters
    ----------
    name : str

    Returns
    -------
    dict
        ``color``, ``marker`` and ``linestyle``, ready for ``ax.plot(**style)``.

    Examples
    --------
    >>> router_style("margin")
    {'color': '#009E73', 'marker': 'o', 'linestyle': '-'}
    >>> router_style("random")["linestyle"]
    ':'
    """
    if not isinstance(name, str):
        raise ValueError(f"name must be a router's name (str), got {name!r}.")
    routers = ["max probability", "margin", "entropy", "learned router", "ABC agreement"]
    if name in COLORS:
        color = COLORS[name]
    else:  # a stable colour from the name, not from the order of the calls
        color = COLORS[routers[sum(name.encode()) % len(routers)]]
    marker, linestyle = _ROUTER_SHAPES.get(name, ("o", "-"))
    return {"color": color, "marker": marker, "linestyle": linestyle}


def _label_states(ax, names, costs, accuracies):
    """Each state's name beside its point, kept inside the axes.

    Below and to the right, except the cheapest state (the bottom-left
    corner: above and to the right) and the dearest (the right edge, near
    the legend: above and to the left, clear of its neighbour's name).
    """
    costs = np.asarray(costs, dtype=float)
    cheapest, dearest = np.argmin(costs), np.argmax(costs)
    for i, (name, cost, accuracy) in enumerate(zip(names, costs, accuracies)):
        offset, align = ((4, 5), "left") if i == cheapest else ((4, -11), "left")
        if i == dearest and i != cheapest:
            offset, align = (-6, 6), "right"
        ax.annotate(name, (cost, accuracy), textcoords="offset points", xytext=offset,
                    ha=align, fontsize=8)


def _finish_plane(ax, costs, xlabel, ylabel, log_cost, title, legend_title=None):
    """Log cost axis (when every cost is positive), labels, grid, legend outside, title."""
    if log_cost and np.all(np.asarray(costs) > 0):
        ax.set_xscale("log")
        # Plain numbers at 1, 2 and 5 per decade (0.5, 2, 10), not 5x10^-1.
        ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.xaxis.set_minor_formatter(NullFormatter())
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
    ax.plot(frontier.costs, frontier.accuracies, "o-", color=COLORS["states"],
            label="states (static models)")
    ax.plot(space.costs[dominated], space.accuracies[dominated], "o", mfc="none",
            color=COLORS["states"])
    _label_states(ax, space.names, space.costs, space.accuracies)

    line = [frontier.constant_alpha(a) for a in np.linspace(0, 1, 21)]
    ax.plot([p.selection_cost for p in line], [p.accuracy for p in line], "--",
            color=COLORS["conservative bound"], label="constant-α oracle, α from 0 to 1 (Eq 8)")
    safe = frontier.conservative()
    ax.plot(safe.selection_cost, safe.accuracy, "s", color=COLORS["conservative bound"], ms=8,
            label=f"conservative, α = 1 (Eq 9): {safe.r_ratio:.1f}× cheaper")
    continuous = frontier.continuous()
    ax.plot(continuous.selection_cost, continuous.accuracy, "v", color=COLORS["continuous bound"],
            ms=8,
            label=f"continuous states (Eq 13): {continuous.r_ratio:.1f}×")
    if alpha is not None:
        point = frontier.constant_alpha(alpha)
        ax.plot(point.selection_cost, point.accuracy, "D", color=COLORS["best subset"], ms=7,
                label=f"constant α = {alpha:.2f}")
    if oracle is not None:
        ax.plot(oracle.selection_cost, oracle.accuracy, "*", color=COLORS["exact oracle"], ms=14,
                label=f"exact oracle: {oracle.r_ratio:.1f}×, {100 * oracle.delta_a:+.1f} pp accuracy")
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
    ax.plot(family.costs, family.accuracies, "s", color=COLORS["states"], mfc="white", mew=1.5,
            ms=7, label="states (models alone)")
    _label_states(ax, family.names, family.costs, family.accuracies)
    frontier = comparison.frontier
    ax.plot(frontier.cost, frontier.accuracy, color=COLORS["exact oracle"], lw=2.5,
            label=f"exact oracle frontier, {comparison.cost_kind} (no router crosses it)")
    ax.plot(comparison.oracle.selection_cost, comparison.oracle.accuracy, "*",
            color=COLORS["exact oracle"], ms=13, label="exact oracle, selection (Eq 4-5)")
    safe = comparison.conservative
    ax.plot(safe.selection_cost, safe.accuracy, "s", color=COLORS["conservative bound"], ms=8,
            label="conservative bound (Eq 9)")
    for run in comparison.runs.values():
        style = router_style(run.name)
        cost = run.curve.cost_of(comparison.cost_kind)
        ax.plot(cost, run.curve.accuracy, color=style["color"], ls=style["linestyle"], lw=1.3,
                alpha=0.9, label=run.name)
        ax.plot(run.point.cost_of(comparison.cost_kind), run.point.accuracy, style["marker"],
                color=style["color"], mec="black", ms=8)
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
    alphas = as_float_array(alphas, "alphas")
    if alphas.ndim != 1 or isinstance(names, str) or len(names) != alphas.size:
        raise ValueError(
            f"alphas and names must have one entry per state, got shapes {alphas.shape} "
            f"and {np.shape(names)}."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    ax.plot(range(1, len(alphas)), alphas[1:], "o-", color=COLORS["exact oracle"])
    ax.axhline(np.nanmean(alphas[1:]), ls="--", color="0.5",
               label=f"mean α = {np.nanmean(alphas[1:]):.2f}")
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


# ---------------------------------------------------------------- lecture 2: cases and costs


def two_state_cases(correct, *, names=("small", "large"), ax=None, title=None):
    """The four cases of a two-state problem and what the oracle pays in each (Fig 1).

    A 2x2 table: rows say whether the small state is right, columns whether
    the large one is. Each cell shows its share of the instances and the
    state the adaptive oracle (Definition 2.1) runs there: the large state
    only where the small one is wrong and the large one right (the paper's
    IA case), the small one everywhere else.

    Parameters
    ----------
    correct : array-like of bool or {0, 1}, shape (n, 2)
        Per-instance correctness of the small (column 0) and the large
        (column 1) state, e.g. ``correlated_models(...).correct``.
    names : pair of str
        Names of the small and the large state.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if omitted.
    title : str, optional

    Returns
    -------
    matplotlib Axes
        The cell shares are in the text of ``ax.texts``, row by row.
    """
    correct = check_correct(correct)
    if correct.shape[1] != 2:
        raise ValueError(
            f"correct must have two columns (small state, large state), got {correct.shape[1]}."
        )
    if isinstance(names, str) or len(names) != 2:
        raise ValueError(f"names must be a pair of state names, got {names!r}.")
    small, large = (str(name) for name in names)
    if ax is None:
        _, ax = plt.subplots(figsize=(5.6, 4.2), layout="constrained")
    letters = {True: "A", False: "I"}  # the paper's accurate / inaccurate
    rows = (True, False)
    shares = np.array([[np.mean((correct[:, 0] == s) & (correct[:, 1] == l)) for l in rows]
                       for s in rows])
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=max(shares.max(), 1e-12) * 1.6)
    for r, small_right in enumerate(rows):
        for c, large_right in enumerate(rows):
            pays = large if (not small_right and large_right) else small
            case = letters[small_right] + letters[large_right]
            ax.text(c, r, f"{case}: {shares[r, c]:.1%}\noracle runs {pays}",
                    ha="center", va="center", fontsize=10,
                    fontweight="bold" if pays == large else "normal")
            if pays == large:
                ax.add_patch(plt.Rectangle((c - 0.48, r - 0.48), 0.96, 0.96, fill=False,
                                           edgecolor=COLORS["exact oracle"], linewidth=2.5))
    ax.set_xticks([0, 1], [f"{large} right", f"{large} wrong"])
    ax.set_yticks([0, 1], [f"{small} right", f"{small} wrong"])
    ax.tick_params(length=0)
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title or f"The four cases on {len(correct):,} instances", pad=12)
    return ax


def exit_cost_bars(exit_share, prices, *, names=None, unit=None, ax=None, title=None):
    """The same exit shares priced several ways: one stacked bar per price.

    Each bar stacks ``exit_share[i] * price[i]`` over the states i, so its
    height is the expected cost per instance under that price, e.g. an
    oracle's ``selection_cost`` (each state pays ``R_i``) or its
    ``sequential_cost`` (a cascade that stops at state i has paid
    ``R_1 + ... + R_i``, :func:`adaptlab.bounds.sequential_costs`).

    Parameters
    ----------
    exit_share : array-like of float, shape (N,)
        Share of instances answered by each state, e.g. ``result.exit_share``.
    prices : dict of str to array-like of shape (N,)
        One entry per bar: its label and the cost of exiting at each state.
    names : sequence of str, length N, optional
        State names for the legend; "state 1", ... if omitted.
    unit : str, optional
        Unit of the prices, for the axis label.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
        Each bar's total is written above it.
    """
    share = np.asarray(exit_share, dtype=float)
    if share.ndim != 1 or share.size == 0 or not np.all(np.isfinite(share)) or np.any(share < 0):
        raise ValueError(
            f"exit_share must be a non-empty 1-D array of shares >= 0, got {exit_share!r}."
        )
    if not isinstance(prices, dict) or not prices:
        raise ValueError("prices must be a non-empty dict of label -> per-state costs.")
    checked = {}
    for label, price in prices.items():
        price = check_costs(price, name=f"prices[{label!r}]", ascending=False)
        if price.size != share.size:
            raise ValueError(
                f"prices[{label!r}] has {price.size} entries but exit_share has {share.size}."
            )
        checked[str(label)] = price
    names = [f"state {i + 1}" for i in range(share.size)] if names is None else list(names)
    if len(names) != share.size:
        raise ValueError(f"names must have one entry per state ({share.size}), got {len(names)}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.2), layout="constrained")
    colors = plt.cm.viridis(np.linspace(0.1, 0.9, share.size))
    positions = np.arange(len(checked))
    bottoms = np.zeros(len(checked))
    for i, (name, color) in enumerate(zip(names, colors)):
        heights = np.array([share[i] * price[i] for price in checked.values()])
        ax.bar(positions, heights, bottom=bottoms, color=color, width=0.6,
               label=f"{name} (exit share {share[i]:.1%})")
        bottoms += heights
    for x, total in zip(positions, bottoms):
        ax.annotate(f"{total:.3g}", (x, total), textcoords="offset points", xytext=(0, 3),
                    ha="center", fontsize=9)
    ax.set_xticks(positions, list(checked))
    ax.set_ylim(0, bottoms.max() * 1.12 if bottoms.max() > 0 else 1)
    ax.set_ylabel(f"expected cost per instance{f' ({unit})' if unit else ''}")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1),
              title="per state: exit share × cost", title_fontsize=8, reverse=True)
    if title:
        ax.set_title(title)
    return ax


# ---------------------------------------------------------------- lecture 4: difficulty


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
    correct = check_correct(correct)
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
    bins = check_positive_int(bins, "bins", maximum=n)
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


# ---------------------------------------------------------------- lecture 7: designing states


def _check_space(space, name="space"):
    """A StateSpace on its Pareto frontier, or a ValueError naming ``name``."""
    if not isinstance(space, StateSpace):
        raise ValueError(
            f"{name} must be an adaptlab.statespace.StateSpace, got {type(space).__name__}."
        )
    space.conservative()  # raises naming the dominated states, if any
    return space


def best_subsets_plane(space, *, sizes=(2, 3, 4, 7), log_cost=True, title=None):
    """The best k-state subsets of a state space, one panel per k (Fig 5 of the paper).

    Each panel draws every state in grey and the k states whose conservative
    oracle (Eq 9) is cheapest
    (:meth:`adaptlab.statespace.StateSpace.best_subsets`) in colour;
    those not in the best (k - 1)-state subset are orange (the paper's red
    dot). The panel's title gives ``R_ratio`` of the subset.

    Parameters
    ----------
    space : StateSpace
        On its Pareto frontier (``space.pareto()``).
    sizes : sequence of int
        The subset sizes k to draw, each between 1 and ``len(space)``.
    log_cost : bool, default=True
        Log-scaled cost axis.
    title : str, optional

    Returns
    -------
    matplotlib Figure
    """
    space = _check_space(space)
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) == 0:
        raise ValueError(f"sizes must be a non-empty sequence of subset sizes, got {sizes!r}.")
    sizes = [check_positive_int(k, "sizes", maximum=len(space)) for k in sizes]
    table = space.best_subsets().set_index("k")
    columns = min(len(sizes), 4)
    rows = -(-len(sizes) // columns)
    figure, axes = plt.subplots(rows, columns, squeeze=False, sharex=True, sharey=True,
                                figsize=(3.2 * columns, 2.9 * rows), layout="constrained")
    for ax, k in zip(axes.flat, sizes):
        chosen = list(table.loc[k, "states"])
        before = set(table.loc[k - 1, "states"]) if k > 1 else set()
        new = [i for i in chosen if i not in before]
        ax.plot(space.costs, space.accuracies, ".", color="0.7", label="every state")
        ax.plot(space.costs[chosen], space.accuracies[chosen], "o-", color=COLORS["conservative bound"], ms=5,
                label=f"best {k}")
        ax.plot(space.costs[new], space.accuracies[new], "o", color=COLORS["best subset"], ms=6,
                label=f"not in the best {k - 1}" if k > 1 else None)
        ax.set_title(f"k = {k}: $R_{{ratio}}$ = {table.loc[k, 'r_ratio']:.1f}×", fontsize=9)
        ax.grid(alpha=0.3)
        if log_cost and np.all(space.costs > 0):
            ax.set_xscale("log")
            ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
            ax.xaxis.set_minor_formatter(NullFormatter())
    for ax in axes.flat[len(sizes):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel(f"cost ({space.unit} per instance)")
    for ax in axes[:, 0]:
        ax.set_ylabel("accuracy")
    handles, labels = axes.flat[len(sizes) - 1].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=8)
    if title:
        figure.suptitle(title)
    return figure


def subset_gains(spaces, *, claims=None, max_states=None, ax=None, title=None):
    """``R_ratio`` of the best k-state subset against k, per state space (Fig 6 of the paper).

    Parameters
    ----------
    spaces : dict of str to StateSpace
        One curve per entry, labelled by its key; each on its Pareto frontier.
    claims : dict of str to (int or None, float), optional
        Figures to set beside the curves, e.g. a paper's: ``(k, r_ratio)``
        draws a marker at k, ``(None, r_ratio)`` a horizontal line (a gain
        claimed for the whole state space).
    max_states : int, optional
        Largest k drawn; every k by default.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
        One line per state space, its points at k = 1, 2, ...
    """
    if not isinstance(spaces, dict) or not spaces:
        raise ValueError("spaces must be a non-empty dict of label -> StateSpace.")
    checked = {str(label): _check_space(space, f"spaces[{label!r}]")
               for label, space in spaces.items()}
    if max_states is not None:
        max_states = check_positive_int(max_states, "max_states")
    claims = {} if claims is None else claims
    if not isinstance(claims, dict):
        raise ValueError(f"claims must be a dict of label -> (k, r_ratio), got {claims!r}.")
    for label, claim in claims.items():
        if not (isinstance(claim, tuple) and len(claim) == 2):
            raise ValueError(
                f"claims[{label!r}] must be a pair (k or None, r_ratio), got {claim!r}."
            )
        if claim[0] is not None:
            check_positive_int(claim[0], f"claims[{label!r}]'s k")
        check_number(claim[1], f"claims[{label!r}]'s r_ratio", minimum=0)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.2), layout="constrained")
    for label, space in checked.items():
        table = space.best_subsets()
        if max_states is not None:
            table = table[table["k"] <= max_states]
        ax.plot(table["k"], table["r_ratio"], "o-", ms=4, label=label)
    for (label, (k, value)), color in zip(claims.items(), plt.cm.Greys(np.linspace(0.5, 0.9, 9))):
        if k is None:
            ax.axhline(value, color=color, ls="--", lw=1, label=label)
        else:
            ax.plot(k, value, "^", color=color, ms=9, label=label)
    ax.set_xlabel("number of states k (the best k-subset, largest state kept)")
    ax.set_ylabel(r"$R_{ratio} = R_N / R_{oracle}$ ($\alpha$ = 1)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1))
    if title:
        ax.set_title(title)
    return ax


def oracle_cost_by_state(space, *, ax=None, title=None):
    """Each state's part of the conservative oracle's cost (Eq 9), summed from the top down.

    With alpha = 1 the oracle answers a share ``s_i`` of instances with state
    i and pays ``R_oracle = sum_i s_i R_i``; state i's part is ``s_i R_i /
    R_oracle``. A few large states at the top of an envelope usually hold most
    of it, which is why ``R_ratio`` is ruled by them.

    Parameters
    ----------
    space : StateSpace
        On its Pareto frontier.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
        Bars: each state's part, states 1..N from left to right; line: the
        sum of the parts of state i and every state above it.
    """
    space = _check_space(space)
    point = space.conservative()
    if point.selection_cost <= 0:
        raise ValueError("space's conservative oracle costs 0: no state has a part of it.")
    part = point.exit_share * space.costs / point.selection_cost
    from_top = np.cumsum(part[::-1])[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.8), layout="constrained")
    positions = np.arange(1, len(space) + 1)
    ax.bar(positions, part, color=COLORS["conservative bound"], label=r"state i's part, $s_i R_i / R_{oracle}$")
    ax.step(positions, from_top, where="mid", color=COLORS["exact oracle"],
            label="states i..N together (from the top down)")
    ax.set_xlabel(f"state i, by cost ({space.costs[0]:g} to {space.costs[-1]:g} {space.unit})")
    ax.set_ylabel(r"share of $R_{oracle}$ ($\alpha$ = 1)")
    ax.set_ylim(0, 1.05)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="center left")
    if title:
        ax.set_title(title)
    return ax


# ---------------------------------------------------------------- lecture 6: ABC at equal cost


def abc_vs_confidence(result, *, ax=None, log_cost=True, title=None):
    """ABC's test points against each confidence rule's whole test curve (lecture 6).

    Each rule is a line (every threshold on test); ABC, whose agreement takes a
    few values, is a few points joined by a dashed line. Circled markers are
    the thresholds calibrated on validation; the grey square is the largest
    model alone. At any cost, the higher curve is the better router there.

    Parameters
    ----------
    result : adaptlab.ensembles.EqualCost
        From :func:`adaptlab.ensembles.compare_at_equal_cost`.
    ax : matplotlib Axes, optional
    log_cost : bool, default=True
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(result, EqualCost):
        raise ValueError(
            "result must be an adaptlab.ensembles.EqualCost (from compare_at_equal_cost), "
            f"got {type(result).__name__}."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
    kind = result.cost_kind
    for run in result.runs.values():
        color = router_style(run.name)["color"]
        ax.plot(run.curve.cost_of(kind), run.curve.accuracy, color=color, lw=1.3,
                label=f"{run.name} over single models")
        ax.plot(run.point.cost_of(kind), run.point.accuracy, "o", color=color, mec="black", ms=8)
    abc = result.abc
    color = COLORS["ABC agreement"]
    ax.plot(abc.curve.cost_of(kind), abc.curve.accuracy, "D--", color=color, ms=6,
            label="ABC over ensemble tiers")
    ax.plot(abc.point.cost_of(kind), abc.point.accuracy, "D", color=color, mec="black", ms=10)
    ax.plot(result.largest_cost, result.largest_accuracy, "s", color=COLORS["states"],
            mfc="white", mew=1.5, ms=8, label="largest model alone")
    ax.axhline(result.largest_accuracy, color="0.5", lw=0.8, ls=":")
    costs = np.concatenate([abc.curve.cost_of(kind), [result.largest_cost]])
    _finish_plane(ax, costs, f"{kind} cost per instance ({result.unit})", "test accuracy",
                  log_cost, title, legend_title="circled: calibrated on validation")
    return ax

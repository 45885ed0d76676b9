"""ipywidgets explorers: move a knob, watch the operating point move under the bounds.

Three explorers, each a VBox of controls, a readout and one figure:

* :func:`threshold_explorer` (lecture 6): a router's threshold, its operating
  point against the oracle frontier and the bounds;
* :func:`alpha_explorer` (lecture 3): the simulator's correlation and the
  constant α of Eq 8, the exact oracle and the constant-α point side by side;
* :func:`state_space_designer` (lecture 7): tick states and choose k, the
  bounds of Eq 9-13 and the best k-subset follow.

Each figure is drawn once, on an ipympl canvas (matplotlib's own Jupyter
widget, a course requirement). A move of a knob repaints only the artists
that move, over the saved picture of the rest (blitting: a full draw of these
figures takes hundreds of milliseconds, mostly text); a change that moves
still artists (a router's highlight, a state space's axes) asks for one full
draw. What each explorer shows is a pure function returning a small frozen
dataclass, tested without a browser: :func:`describe_point`,
:func:`describe_alpha`, :func:`describe_design`.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.figure import Figure

from . import bounds, plots, simulate
from ._validation import check_fraction, check_positive_int, check_state_space
from .statespace import StateSpace

__all__ = ["INFINITE_THRESHOLD", "RouterPoint", "describe_point", "threshold_options",
           "ThresholdExplorer", "threshold_explorer",
           "AlphaPoint", "describe_alpha", "AlphaExplorer", "alpha_explorer",
           "Design", "describe_design", "StateSpaceDesigner", "state_space_designer"]

#: How the threshold ``+inf``, the last point of every curve, reads.
INFINITE_THRESHOLD = "∞ (every input reaches the largest state)"


class _Readout:
    """A result whose ``str`` is its readout, :meth:`describe`."""

    def __str__(self):
        return self.describe()


@dataclass(frozen=True)
class RouterPoint(_Readout):
    """One router at one point of its test curve, against the largest state.

    ``(cost, accuracy)`` is where the explorer's marker sits; ``str(point)``
    is its readout.

    Attributes
    ----------
    router : str
        A key of ``comparison.runs``.
    index : int
        The point's index into the router's test curve.
    threshold : float
        ``curve.thresholds[index]``; ``inf`` sends every input to the largest state.
    accuracy : float
        Test accuracy at this threshold.
    cost : float
        Mean cost per input, in ``cost_kind``.
    cost_kind : {"sequential", "selection"}
        The comparison's price of a routing.
    unit : str
        The family's cost unit, e.g. ``"MFLOPs"``.
    r_ratio : float
        ``R_N / cost``: above 1 the point is cheaper than the largest state,
        below 1 dearer (a cascade pays for every state it runs).
    share_to_largest : float
        Share of test inputs that reach the largest state.
    largest_cost, largest_accuracy : float
        ``R_N`` and ``A_N``, the largest state's cost and test accuracy.
    """

    router: str
    index: int
    threshold: float
    accuracy: float
    cost: float
    cost_kind: str
    unit: str
    r_ratio: float
    share_to_largest: float
    largest_cost: float
    largest_accuracy: float

    def describe(self):
        """The readout: one sentence of plain text.

        Returns
        -------
        str
        """
        if np.isinf(self.threshold):
            threshold = INFINITE_THRESHOLD
        else:
            threshold = f"{self.threshold:.3f}"
        largest = f"the largest state ({self.largest_cost:.3g} {self.unit})"
        if f"{self.r_ratio:.2f}" == f"{1 / self.r_ratio:.2f}" == "1.00":
            price = f"as costly as {largest}"
        elif self.r_ratio > 1:
            price = f"{self.r_ratio:.2f}× cheaper than {largest}"
        else:
            price = f"{1 / self.r_ratio:.2f}× more expensive than {largest}"
            if self.cost_kind == "sequential":
                price += ": it pays for every state it runs"
        gap = 100 * (self.accuracy - self.largest_accuracy)
        return (
            f"{self.router} at threshold {threshold}: test accuracy {self.accuracy:.1%} "
            f"({gap:+.1f} pp against the largest state's {self.largest_accuracy:.1%}); "
            f"{self.cost_kind} cost {self.cost:.3g} {self.unit} per input, {price}; "
            f"{self.share_to_largest:.0%} of inputs reach the largest state."
        )


def _check_router(comparison, router):
    if router not in comparison.runs:
        raise ValueError(f"router must be one of {list(comparison.runs)}, got {router!r}.")
    return router


def _calibrated_index(run):
    """Index of the test-curve point that the validation threshold ``run.threshold`` gives.

    Threshold ``t`` gives point k for ``t`` in ``(thresholds[k - 1], thresholds[k]]``.
    """
    return int(np.searchsorted(run.curve.thresholds, run.threshold, side="left"))


def describe_point(comparison, router, index):
    """What the explorer shows for ``router`` at point ``index`` of its test curve.

    Parameters
    ----------
    comparison : adaptlab.compare.Comparison
    router : str
        A key of ``comparison.runs``.
    index : int
        Index into the router's test curve, in ``range(len(curve))``: 0 is its
        lowest threshold (every input exits at the first state), the last is
        ``+inf`` (every input runs to the largest state).

    Returns
    -------
    RouterPoint
        Compared with the family's largest state, in the comparison's cost kind,
        as in ``comparison.table``.
    """
    curve = comparison.runs[_check_router(comparison, router)].curve
    index = check_positive_int(index, "index", minimum=0, maximum=len(curve) - 1)
    point = curve.point(index)
    cost = point.cost_of(comparison.cost_kind)
    family = comparison.family
    return RouterPoint(
        router=router,
        index=index,
        threshold=point.threshold,
        accuracy=point.accuracy,
        cost=cost,
        cost_kind=comparison.cost_kind,
        unit=family.unit,
        r_ratio=bounds.r_ratio(family.costs[-1], cost),
        share_to_largest=float(point.exit_share[-1]),
        largest_cost=float(family.costs[-1]),
        largest_accuracy=float(family.accuracies[-1]),
    )


def _distinct_labels(values, decimals=3, most_decimals=17):
    """Each value with 3 decimals, or more where a neighbour would read the same."""
    def text(i, places):
        return f"{values[i]:.{places}f}" if 0 <= i < len(values) else None

    labels = []
    for i in range(len(values)):
        places = decimals
        while places < most_decimals and text(i, places) in (text(i - 1, places),
                                                              text(i + 1, places)):
            places += 1
        labels.append(text(i, places))
    return labels


def threshold_options(comparison, router, *, positions=301):
    """The threshold slider's stops for ``router``: its real test-curve thresholds.

    Parameters
    ----------
    comparison : adaptlab.compare.Comparison
    router : str
        A key of ``comparison.runs``.
    positions : int
        At most this many stops (plus the calibrated one), evenly spaced along
        the curve's indices; a curve of many thousands of points is subsampled
        so that the slider stays responsive. An integer >= 2.

    Returns
    -------
    list of (str, int)
        ``(label, index)`` pairs in ascending threshold: the first point, the
        last (``+inf``, labelled ``∞ (every input reaches the largest
        state)``) and the point calibrated on validation, labelled
        ``(calibrated)``, are always among them. Labels have 3 decimals, more
        where two neighbouring stops would read the same.
    """
    run = comparison.runs[_check_router(comparison, router)]
    positions = check_positive_int(positions, "positions", minimum=2)
    thresholds = run.curve.thresholds
    calibrated = _calibrated_index(run)
    indices = np.union1d(np.linspace(0, len(thresholds) - 1, positions).round().astype(int),
                         [calibrated])
    finite = indices[np.isfinite(thresholds[indices])]
    labels = dict(zip(finite.tolist(), _distinct_labels(thresholds[finite])))
    labels[len(thresholds) - 1] = INFINITE_THRESHOLD
    labels[calibrated] += " (calibrated)"
    return [(labels[i], i) for i in indices.tolist()]


def _ipympl_canvas(caller, *, figsize):
    """A new figure on an ipympl canvas (a widget), kept out of pyplot.

    Importing ipympl makes it pyplot's backend, which would turn every later
    figure of the notebook into a widget (and drop it from static copies);
    the backend in use before is restored.
    """
    backend = matplotlib.get_backend()
    try:
        from ipympl.backend_nbagg import Canvas, FigureManager
    except ImportError as error:
        raise ImportError(
            f"{caller} draws on an ipympl canvas: `pip install ipympl` "
            "(it is in the course's requirements.txt), then reload JupyterLab."
        ) from error
    if matplotlib.get_backend() != backend:
        matplotlib.use(backend)
    canvas = Canvas(Figure(figsize=figsize, layout="constrained"))
    FigureManager(canvas, 0)  # the canvas answers the browser's messages through its manager
    canvas.header_visible = False
    return canvas


class _Blitter:
    """Repaints a figure's moving artists over the saved picture of the rest (blitting).

    The artists must be ``animated``: a full draw leaves them out, saves the
    picture, then paints them. :meth:`repaint` restores the picture and
    paints them again, which costs a few milliseconds where a full draw of a
    figure with text costs hundreds.
    """

    def __init__(self, canvas, artists):
        self._canvas = canvas
        self._artists = list(artists)
        self._background = None  # (renderer, the figure without the artists)
        canvas.mpl_connect("draw_event", self._on_draw)

    def _on_draw(self, event):
        self._background = (event.renderer, event.renderer.copy_from_bbox(event.canvas.figure.bbox))
        self._paint()

    def _paint(self):
        for artist in self._artists:
            self._canvas.figure.draw_artist(artist)

    def forget(self):
        """A still artist changed: the saved picture is stale, the next repaint draws in full."""
        self._background = None

    def repaint(self):
        """Show the artists as they are now: over the saved picture, or by one full draw."""
        renderer = self._canvas.get_renderer()
        if self._background is None or self._background[0] is not renderer:
            self._canvas.draw_idle()  # nothing saved yet, or saved at another size
            return
        renderer.restore_region(self._background[1])
        self._paint()
        self._canvas.blit(self._canvas.figure.bbox)


class ThresholdExplorer(widgets.VBox):
    """A router picker, a threshold slider, a readout and the router-vs-oracle figure.

    Build it with :func:`threshold_explorer`. The figure is drawn once. A
    change of threshold moves :attr:`marker` and repaints it over the saved
    picture of the rest of the figure (the picture is saved after every full
    draw, which leaves the marker out as an animated artist); a change of
    router brings a slider over its thresholds, restyles the curves and asks
    for one full draw.

    Attributes
    ----------
    picker : ipywidgets.Dropdown
        The router.
    slider : ipywidgets.SelectionSlider
        The threshold; its value is an index into the router's test curve. A
        change of router puts a new slider in its place.
    stop_label : ipywidgets.Label
        The slider's stop: the real threshold, ``(calibrated)`` at the one
        calibrated on validation.
    readout : ipywidgets.HTML
        ``str(point)``.
    canvas : ipympl.backend_nbagg.Canvas
        The figure's canvas, a widget.
    figure : matplotlib.figure.Figure
    marker : matplotlib.lines.Line2D
        The circled operating point.
    curves : dict of str to matplotlib.lines.Line2D
        Each router's test curve.
    point : RouterPoint
        What the marker and the readout show now.
    """

    def __init__(self, comparison, *, router, positions, canvas):
        self._comparison = comparison
        self._positions = positions
        self.canvas = canvas
        self.figure = canvas.figure
        self._ax = self.figure.subplots()
        plots.router_plane(comparison, ax=self._ax)
        self.curves = {line.get_label(): line for line in self._ax.get_lines()
                       if line.get_label() in comparison.runs}
        self.marker, = self._ax.plot([], [], "o", ms=16, mfc="none", mec="black", mew=2.5,
                                     label="the slider's operating point", animated=True)
        self._ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1),
                        title="dots: calibrated on validation", title_fontsize=8)
        self._blitter = _Blitter(canvas, [self.marker])
        self.picker = widgets.Dropdown(options=list(comparison.runs), value=router,
                                       description="router")
        self.slider = self._threshold_slider(router)
        self.stop_label = widgets.Label(self.slider.label,
                                        layout=widgets.Layout(margin="0 0 0 1em"))
        self._slider_row = widgets.HBox([self.slider, self.stop_label])
        self.readout = widgets.HTML()
        self._highlight(router)
        self._show(router, self.slider.value)
        self.picker.observe(self._on_router, names="value")
        super().__init__([self.picker, self._slider_row, self.readout, canvas])

    def _threshold_slider(self, router):
        """A slider over the router's thresholds, at the calibrated one, wired to the marker.

        Its stop's label shows in :attr:`stop_label`: the slider's own readout
        is too narrow for ``∞ (every input reaches the largest state)``.
        """
        slider = widgets.SelectionSlider(
            options=threshold_options(self._comparison, router, positions=self._positions),
            value=_calibrated_index(self._comparison.runs[router]), description="threshold",
            continuous_update=True, readout=False, layout=widgets.Layout(width="60%"),
            style={"description_width": "initial"},
        )
        slider.observe(self._on_threshold, names="value")
        return slider

    def _show(self, router, index):
        """Move the marker to the point, rewrite the readout, repaint the marker."""
        self.point = describe_point(self._comparison, router, index)
        self.marker.set_data([self.point.cost], [self.point.accuracy])
        self.readout.value = html.escape(str(self.point))
        self._blitter.repaint()

    def _highlight(self, router):
        """Draw the router's curve bold over the others, faded."""
        for name, line in self.curves.items():
            chosen = name == router
            line.set(linewidth=3.0 if chosen else 1.0, alpha=1.0 if chosen else 0.35,
                     zorder=4 if chosen else 2)
        self._blitter.forget()  # the saved picture shows the old styles

    def _on_threshold(self, change):
        self.stop_label.value = self.slider.label
        self._show(self.picker.value, change["new"])

    def _on_router(self, change):
        # A new slider: given new stops and a new value in quick succession, the
        # browser's slider (ipywidgets 8.1) can keep its old range and clip the value.
        # Only the slider's row changes: the canvas keeps its one view.
        router, old = change["new"], self.slider
        self.slider = self._threshold_slider(router)
        self._slider_row.children = (self.slider, self.stop_label)
        self.stop_label.value = self.slider.label
        old.close()
        self._highlight(router)
        self._show(router, self.slider.value)


def threshold_explorer(comparison, *, router="max probability", positions=301):
    """The router explorer: pick a router, slide its threshold, watch its operating point.

    The slider runs over the router's real test-curve thresholds and starts
    at the one calibrated on validation; the readout gives the point's
    accuracy, cost and ``R_ratio`` against the largest state, to set against
    the exact oracle frontier, which no router crosses. The figure is drawn
    once and updated in place while the slider is dragged.

    Parameters
    ----------
    comparison : adaptlab.compare.Comparison
    router : str
        The router selected at first, a key of ``comparison.runs``.
    positions : int
        Most stops of the slider (see :func:`threshold_options`).

    Returns
    -------
    ThresholdExplorer
        An ipywidgets VBox: display it as the last expression of a cell. It
        needs no ``%matplotlib widget``: its canvas is its own ipympl widget,
        never shown by pyplot (so never twice).

    Raises
    ------
    ImportError
        If ipympl is not installed (it is in the course's requirements.txt);
        there is no slower fallback. In JupyterLab, reload the page after
        installing it, so that its front end loads.
    """
    _check_router(comparison, router)
    positions = check_positive_int(positions, "positions", minimum=2)
    canvas = _ipympl_canvas("threshold_explorer", figsize=(9, 5))
    return ThresholdExplorer(comparison, router=router, positions=positions, canvas=canvas)


# ---------------------------------------------------------------- the α explorer (lecture 3)


@dataclass(frozen=True)
class AlphaPoint(_Readout):
    """The constant-α bound and the exact oracle of simulated models, side by side.

    ``str(point)`` is the α explorer's readout. Both points are measured
    against the largest state at the accuracy the simulation realises,
    ``round(A_N n) / n``.

    Attributes
    ----------
    correlation : float
        The simulator's knob ``rho`` (:func:`adaptlab.simulate.correlated_models`).
    alpha : float
        The constant α of the bound (Eq 8).
    n_instances : int
        Instances simulated.
    measured_alphas : tuple of float
        ``alpha_2 .. alpha_N`` measured on the simulated correctness (Eq 6);
        NaN for a state that is never wrong.
    oracle_cost, oracle_accuracy : float
        The exact oracle on the simulated correctness (Eq 4-5): ``R_oracle``
        (selection cost) and ``A_oracle``.
    oracle_r_ratio, oracle_delta_a : float
        Its ``R_N / R_oracle`` and ``A_oracle - A_N``.
    bound_cost, bound_accuracy, bound_r_ratio, bound_delta_a : float
        The same four of the constant-α oracle at ``alpha`` (Eq 8).
    largest_cost, largest_accuracy : float
        ``R_N`` and ``A_N``.
    unit : str
        The state space's cost unit.
    """

    correlation: float
    alpha: float
    n_instances: int
    measured_alphas: tuple
    oracle_cost: float
    oracle_accuracy: float
    oracle_r_ratio: float
    oracle_delta_a: float
    bound_cost: float
    bound_accuracy: float
    bound_r_ratio: float
    bound_delta_a: float
    largest_cost: float
    largest_accuracy: float
    unit: str

    def describe(self):
        """The readout: two sentences of plain text.

        Returns
        -------
        str
        """
        measured = np.array(self.measured_alphas)
        return (
            f"Simulated at correlation {self.correlation:.2f} ({self.n_instances:,} instances): "
            f"measured α_2..α_N from {np.nanmin(measured):.2f} to {np.nanmax(measured):.2f} "
            f"(mean {np.nanmean(measured):.2f}, α_N = {measured[-1]:.2f}); the exact oracle "
            f"(Eq 4-5) costs {self.oracle_cost:.3g} {self.unit}, R_ratio "
            f"{self.oracle_r_ratio:.2f}×, ΔA {100 * self.oracle_delta_a:+.2f} pp. "
            f"Constant α = {self.alpha:.2f} (Eq 8): {self.bound_cost:.3g} {self.unit}, R_ratio "
            f"{self.bound_r_ratio:.2f}×, ΔA {100 * self.bound_delta_a:+.2f} pp."
        )


def _simulated_space(space, n_instances):
    """``space`` (or a pair of arrays) with the accuracies a simulation of n instances realises."""
    space = plots._as_state_space(space)
    check_state_space(space.costs, space.accuracies, names=space.names)
    if len(space) < 2:
        raise ValueError(f"space must hold at least 2 states to have an alpha, got {len(space)}.")
    realised = np.rint(space.accuracies * n_instances) / n_instances
    try:
        check_state_space(space.costs, realised, names=space.names)
    except ValueError:
        raise ValueError(
            f"n_instances = {n_instances:,} is too few: rounded to whole instances, some "
            "states' accuracies no longer rise with cost. Simulate more instances."
        ) from None
    return StateSpace(space.names, space.costs, realised, unit=space.unit)


def _simulate(space, correlation, n_instances, seed):
    """The exact oracle and the measured alphas of one simulation of ``space``."""
    correct = simulate.correlated_models(space.accuracies, n_instances=n_instances,
                                         correlation=correlation, seed=seed).correct
    return bounds.oracle(correct, space.costs), bounds.alphas(correct)


def _alpha_point(space, correlation, alpha, n_instances, oracle, measured):
    bound = space.constant_alpha(alpha)
    return AlphaPoint(
        correlation=correlation,
        alpha=alpha,
        n_instances=n_instances,
        measured_alphas=tuple(measured[1:].tolist()),
        oracle_cost=oracle.selection_cost,
        oracle_accuracy=oracle.accuracy,
        oracle_r_ratio=oracle.r_ratio,
        oracle_delta_a=oracle.delta_a,
        bound_cost=bound.selection_cost,
        bound_accuracy=bound.accuracy,
        bound_r_ratio=bound.r_ratio,
        bound_delta_a=bound.delta_a,
        largest_cost=bound.largest_cost,
        largest_accuracy=bound.largest_accuracy,
        unit=space.unit,
    )


def describe_alpha(space, correlation, alpha, *, n_instances=20_000, seed=0):
    """What the α explorer shows at one correlation and one constant α.

    Simulates the states' correctness with
    :func:`adaptlab.simulate.correlated_models` at ``correlation``, measures
    the alphas (Eq 6) and the exact oracle (Eq 4-5) on it, and sets the
    constant-α oracle (Eq 8) at ``alpha`` beside them. Both use the
    accuracies the simulation realises, ``round(A_i n) / n``, as lecture 3
    does, so that both are measured against the same ``A_N``.

    Parameters
    ----------
    space : StateSpace or (costs, accuracies)
        At least 2 states, accuracies rising with cost (no dominated state:
        ``space.pareto()`` drops them).
    correlation : float in [0, 1]
        The simulator's knob: 0 independent errors, 1 nested errors (every α is 1).
    alpha : float in [0, 1]
        The constant α of Eq 8: 1 is the conservative bound (Eq 9).
    n_instances : int
        Instances simulated.
    seed : int
        Seed of the simulation, an integer >= 0.

    Returns
    -------
    AlphaPoint

    Examples
    --------
    >>> point = describe_alpha(([1.0, 10.0], [0.6, 0.8]), 1.0, 1.0, n_instances=1000)
    >>> round(point.oracle_cost, 6), round(point.bound_cost, 6)  # nested errors: Eq 9 is exact
    (2.8, 2.8)
    """
    n_instances = check_positive_int(n_instances, "n_instances")
    space = _simulated_space(space, n_instances)
    correlation = check_fraction(correlation, "correlation")
    alpha = check_fraction(alpha, "alpha")
    seed = check_positive_int(seed, "seed", minimum=0)
    return _alpha_point(space, correlation, alpha, n_instances,
                        *_simulate(space, correlation, n_instances, seed))


class AlphaExplorer(widgets.VBox):
    """Two sliders (the simulator's correlation, the constant α), a readout, one figure.

    Build it with :func:`alpha_explorer`. The simulations are made once, one
    per stop of the correlation slider, when the explorer is built; a move of
    either slider is a look-up, then the moving artists are repainted over the
    saved picture of the rest of the figure (blitting).

    Attributes
    ----------
    correlation_slider : ipywidgets.SelectionSlider
        The simulator's knob, over the correlations simulated.
    alpha_slider : ipywidgets.FloatSlider
        The constant α of Eq 8, from 0 to 1.
    readout : ipywidgets.HTML
        ``str(point)``.
    canvas : ipympl.backend_nbagg.Canvas
        The figure's canvas, a widget.
    figure : matplotlib.figure.Figure
        Above, the cost-accuracy plane of :func:`adaptlab.plots.cost_accuracy_plane`
        with the exact oracle's path over the correlations; below, the measured α_i.
    bound_marker : matplotlib.lines.Line2D
        The constant-α oracle at the slider's α (Eq 8), on the dashed line.
    oracle_marker : matplotlib.lines.Line2D
        The exact oracle of the simulated models (Eq 4-5).
    alpha_line : matplotlib.lines.Line2D
        The measured ``alpha_2 .. alpha_N``, one point per state.
    alpha_level : matplotlib.lines.Line2D
        The slider's constant α, across the states.
    point : AlphaPoint
        What the markers and the readout show now.
    """

    def __init__(self, space, *, correlation, alpha, n_instances, correlation_steps, seed,
                 canvas):
        self._space = space
        self._n_instances = n_instances
        stops = np.arange(correlation_steps) / (correlation_steps - 1)
        self._simulations = {c: _simulate(space, c, n_instances, seed) for c in stops.tolist()}
        self.canvas = canvas
        self.figure = canvas.figure
        plane, panel = self.figure.subplots(2, 1, height_ratios=[3, 1.3])
        plots.cost_accuracy_plane(space, ax=plane)
        path = [oracle for oracle, _ in self._simulations.values()]
        plane.plot([p.selection_cost for p in path], [p.accuracy for p in path], ".-",
                   color=plots.COLORS["exact oracle"], alpha=0.3,
                   label="exact oracle as correlation runs 0 to 1")
        self.bound_marker, = plane.plot([], [], "D", color=plots.COLORS["conservative bound"], ms=9,
                                            animated=True,
                                        label="constant α of the slider (Eq 8)")
        self.oracle_marker, = plane.plot([], [], "*", color=plots.COLORS["exact oracle"], ms=16,
                                             mec="black",
                                         animated=True, label="exact oracle of the simulation")
        plane.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1))
        states = np.arange(1, len(space))
        self.alpha_line, = panel.plot(states, np.zeros(states.size), "o-", color=plots.COLORS["exact oracle"],
                                      animated=True, label="measured α_i (Eq 6)")
        self.alpha_level = panel.axhline(0, ls="--", color=plots.COLORS["conservative bound"],
                                      animated=True,
                                         label="constant α of the slider")
        panel.set_xticks(states, space.names[1:], rotation=20, ha="right", fontsize=8)
        panel.set_ylim(-0.03, 1.05)
        panel.set_ylabel("α_i")
        panel.grid(alpha=0.3)
        panel.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1))
        self._blitter = _Blitter(canvas, [self.bound_marker, self.oracle_marker,
                                          self.alpha_line, self.alpha_level])
        self.correlation_slider = widgets.SelectionSlider(
            options=[(f"{c:.2f}", c) for c in stops.tolist()], value=correlation,
            description="correlation", continuous_update=True,
            style={"description_width": "initial"}, layout=widgets.Layout(width="60%"))
        self.alpha_slider = widgets.FloatSlider(
            value=alpha, min=0.0, max=1.0, step=0.01, description="constant α",
            continuous_update=True, style={"description_width": "initial"},
            layout=widgets.Layout(width="60%"))
        self.readout = widgets.HTML()
        self._show()
        self.correlation_slider.observe(self._show, names="value")
        self.alpha_slider.observe(self._show, names="value")
        super().__init__([self.correlation_slider, self.alpha_slider, self.readout, canvas])

    def _show(self, change=None):
        """Look the point up, move the artists, rewrite the readout, repaint."""
        correlation = self.correlation_slider.value
        oracle, measured = self._simulations[correlation]
        self.point = _alpha_point(self._space, correlation, float(self.alpha_slider.value),
                                  self._n_instances, oracle, measured)
        self.bound_marker.set_data([self.point.bound_cost], [self.point.bound_accuracy])
        self.oracle_marker.set_data([self.point.oracle_cost], [self.point.oracle_accuracy])
        self.alpha_line.set_ydata(self.point.measured_alphas)
        self.alpha_level.set_ydata([self.point.alpha] * 2)
        self.readout.value = html.escape(str(self.point))
        self._blitter.repaint()


def alpha_explorer(space, *, correlation=0.8, alpha=1.0, n_instances=20_000,
                   correlation_steps=21, seed=0):
    """The α explorer: turn the simulator's correlation and the constant α, compare.

    One slider sets how much the states' errors share
    (:func:`adaptlab.simulate.correlated_models`), and with it the measured
    α_i (Eq 6) and the exact oracle (Eq 4-5); the other sets the constant α
    of Eq 8, which moves the bound's point along the dashed line from α = 0
    to the conservative bound, α = 1 (Eq 9). The readout gives both points'
    ``R_ratio`` and ``ΔA`` (:func:`describe_alpha`). Lecture 3.

    Parameters
    ----------
    space : StateSpace or (costs, accuracies)
        At least 2 states, accuracies rising with cost.
    correlation : float
        The correlation at first: one of the slider's stops.
    alpha : float in [0, 1]
        The constant α at first.
    n_instances : int
        Instances per simulation.
    correlation_steps : int
        Stops of the correlation slider, evenly spaced from 0 to 1, an
        integer >= 2. Each is simulated when the explorer is built (21
        simulations of 20,000 instances of 8 states take about a second), so
        that a move is a look-up.
    seed : int
        Seed of every simulation, an integer >= 0.

    Returns
    -------
    AlphaExplorer
        An ipywidgets VBox: display it as the last expression of a cell.

    Raises
    ------
    ImportError
        If ipympl is not installed (it is in the course's requirements.txt).
    """
    n_instances = check_positive_int(n_instances, "n_instances")
    space = _simulated_space(space, n_instances)
    correlation_steps = check_positive_int(correlation_steps, "correlation_steps", minimum=2)
    stops = np.arange(correlation_steps) / (correlation_steps - 1)
    correlation = check_fraction(correlation, "correlation")
    on_stop = np.isclose(stops, correlation, rtol=0, atol=1e-9)
    if not on_stop.any():
        raise ValueError(
            f"correlation must be one of the slider's {correlation_steps} stops "
            f"(multiples of {1 / (correlation_steps - 1):.4g} from 0 to 1), got {correlation!r}."
        )
    alpha = check_fraction(alpha, "alpha")
    seed = check_positive_int(seed, "seed", minimum=0)
    canvas = _ipympl_canvas("alpha_explorer", figsize=(9, 6.5))
    return AlphaExplorer(space, correlation=float(stops[on_stop][0]), alpha=alpha,
                         n_instances=n_instances, correlation_steps=correlation_steps,
                         seed=seed, canvas=canvas)


# ---------------------------------------------------------------- state-space designer (lecture 7)


@dataclass(frozen=True)
class Design(_Readout):
    """The bounds of a ticked set of states, its best k-subset and the smallest-state rule.

    ``str(design)`` is the state-space designer's readout. Every cost is a
    selection cost ``R_oracle`` at α = 1 and every ``R_ratio`` is ``R_N /
    R_oracle`` against ``against``, the largest ticked state.

    Attributes
    ----------
    states : tuple of str
        The ticked states the bounds see, by cost: their Pareto frontier.
    dominated : tuple of str
        Ticked states left out of the bounds: another ticked state costs no
        more and is at least as accurate.
    against : str
        The largest ticked state, ``N``.
    most_accurate : str
        The most accurate state of the whole space; ``against`` unless it was unticked.
    unit : str
    largest_cost, largest_accuracy : float
        ``R_N`` and ``A_N`` of ``against``.
    conservative_cost, conservative_r_ratio : float
        Every ticked state, α = 1 (Eq 9).
    two_state_cost, two_state_r_ratio : float
        Only the smallest and largest ticked states (Eq 10).
    continuous_cost, continuous_r_ratio : float
        The continuous limit along the ticked states (Eq 13).
    k : int
        Size of the best subset.
    best : tuple of str
        The k ticked states whose conservative oracle is cheapest, the
        largest among them (:func:`adaptlab.statespace.best_subset`, Fig 5-6).
    best_cost, best_r_ratio : float
        Their conservative bound (Eq 9).
    n_classes : int or None
        Classes of the task, for Eq 11.
    smallest_cost : float
        ``R_1``, the smallest ticked state's cost.
    smallest_limit : float
        Eq 11 with ``R_2``: the smallest state pays off if ``R_1`` is below
        it. NaN without ``n_classes`` or with a single state.
    """

    states: tuple
    dominated: tuple
    against: str
    most_accurate: str
    unit: str
    largest_cost: float
    largest_accuracy: float
    conservative_cost: float
    conservative_r_ratio: float
    two_state_cost: float
    two_state_r_ratio: float
    continuous_cost: float
    continuous_r_ratio: float
    k: int
    best: tuple
    best_cost: float
    best_r_ratio: float
    n_classes: int | None
    smallest_cost: float
    smallest_limit: float

    def describe(self):
        """The readout: one line per finding, plain text.

        Returns
        -------
        str
        """
        unit = self.unit
        against = f"measured against {self.against} ({self.largest_cost:.3g} {unit}, " \
                  f"{self.largest_accuracy:.2%})"
        if self.against != self.most_accurate:
            against += f", not {self.most_accurate}, the space's most accurate state (unticked)"
        lines = [f"{len(self.states)} states, {against}."]
        if self.dominated:
            lines.append(f"Left out, dominated among the ticked: {', '.join(self.dominated)}.")
        lines.append(
            f"Every ticked state, α = 1 (Eq 9): {self.conservative_cost:.3g} {unit}, R_ratio "
            f"{self.conservative_r_ratio:.2f}×. Smallest and largest only (Eq 10): "
            f"{self.two_state_r_ratio:.2f}×. Continuous limit (Eq 13): "
            f"{self.continuous_r_ratio:.2f}×."
        )
        lines.append(
            f"Best {self.k} of them (Eq 9): {', '.join(self.best)}: {self.best_cost:.3g} {unit}, "
            f"R_ratio {self.best_r_ratio:.2f}×."
        )
        if self.n_classes is None:
            lines.append("Smallest-state limit (Eq 11): give n_classes.")
        elif len(self.states) < 2:
            lines.append("Smallest-state limit (Eq 11): needs 2 states.")
        else:
            pays = "it pays off" if self.smallest_cost < self.smallest_limit else \
                "it does not pay off: a free random guess does better"
            lines.append(
                f"Smallest-state limit (Eq 11 with R_2, {self.n_classes} classes): "
                f"R_1 < {self.smallest_limit:.3g} {unit}; {self.states[0]} costs "
                f"{self.smallest_cost:.3g}: {pays}."
            )
        return "\n".join(lines)


def _check_ticked(space, ticked):
    """Indices of the ticked states, by cost."""
    if isinstance(ticked, str) or not hasattr(ticked, "__iter__"):
        raise ValueError(f"ticked must be a list of state names, got {ticked!r}.")
    ticked = set(ticked)
    unknown = sorted(str(name) for name in ticked - set(space.names))
    if unknown:
        raise ValueError(f"ticked names states the space does not have: {unknown}.")
    if not ticked:
        raise ValueError("ticked must name at least one state.")
    return [i for i, name in enumerate(space.names) if name in ticked]


def describe_design(space, ticked, k, *, n_classes=None):
    """What the state-space designer shows for a ticked set of states and k.

    Parameters
    ----------
    space : StateSpace
        Every state on offer.
    ticked : collection of str
        Names of the states to design with, at least one. Dominated ones are
        left out of the bounds, and named.
    k : int
        Size of the best subset, from 1 to the number of non-dominated ticked states.
    n_classes : int, optional
        Classes of the task (1000 for ImageNet, 10 for the course's data),
        for the smallest-state limit (Eq 11).

    Returns
    -------
    Design
        The conservative bound (Eq 9), the two-state bound (Eq 10), the
        continuous limit (Eq 13), the best k-subset with its bound (Fig 5-6)
        and the smallest-state limit (Eq 11, with ``R_2``), all against the
        largest ticked state.

    Examples
    --------
    >>> space = StateSpace(["s", "m", "l"], [1.0, 2.0, 10.0], [0.6, 0.75, 0.8])
    >>> design = describe_design(space, ["s", "m", "l"], 2, n_classes=10)
    >>> design.best, round(design.best_cost, 6), round(design.conservative_cost, 6)
    (('m', 'l'), 2.4, 1.6)
    >>> round(design.smallest_limit, 6)  # (0.6 - 1/10) / (1 - 0.8 + 0.6) * R_2
    1.25
    """
    if not isinstance(space, StateSpace):
        raise ValueError(
            f"space must be an adaptlab.statespace.StateSpace, got {type(space).__name__}."
        )
    chosen = space.subset(_check_ticked(space, ticked))
    frontier = chosen.pareto()
    k = check_positive_int(k, "k", maximum=len(frontier))
    if n_classes is not None:
        n_classes = check_positive_int(n_classes, "n_classes", minimum=2,
                                       maximum=bounds.MAX_CLASSES)
    safe, ends, limit = frontier.conservative(), frontier.two_state(), frontier.continuous()
    best = frontier.best_subset(k)
    best_bound = best.conservative()
    smallest_limit = np.nan
    if n_classes is not None and len(frontier) > 1:
        smallest_limit = frontier.smallest_state_limit(n_classes)
    return Design(
        states=frontier.names,
        dominated=tuple(name for name in chosen.names if name not in frontier.names),
        against=frontier.names[-1],
        most_accurate=space.pareto().names[-1],
        unit=space.unit,
        largest_cost=safe.largest_cost,
        largest_accuracy=safe.largest_accuracy,
        conservative_cost=safe.selection_cost,
        conservative_r_ratio=safe.r_ratio,
        two_state_cost=ends.selection_cost,
        two_state_r_ratio=ends.r_ratio,
        continuous_cost=limit.selection_cost,
        continuous_r_ratio=limit.r_ratio,
        k=k,
        best=best.names,
        best_cost=best_bound.selection_cost,
        best_r_ratio=best_bound.r_ratio,
        n_classes=n_classes,
        smallest_cost=float(frontier.costs[0]),
        smallest_limit=smallest_limit,
    )


def _margins(values, log):
    """Axis limits around ``values``, a little wider than they span."""
    low, high = np.min(values), np.max(values)
    if log:
        return low / 1.4, high * 1.4
    pad = 0.08 * (high - low) or 0.01
    return low - pad, high + pad


def _check_spaces(spaces, n_classes):
    """``spaces`` as a dict name -> StateSpace, and ``n_classes`` as a dict over the same names."""
    if isinstance(spaces, StateSpace):
        spaces = {"state space": spaces}
    if not isinstance(spaces, dict) or not spaces or not all(
            isinstance(space, StateSpace) for space in spaces.values()):
        raise ValueError(
            "spaces must be a StateSpace or a non-empty dict of name -> StateSpace, "
            f"got {type(spaces).__name__}."
        )
    if not isinstance(n_classes, dict):
        n_classes = dict.fromkeys(spaces, n_classes)
    if set(n_classes) != set(spaces):
        raise ValueError(
            f"n_classes must give one number per space, {list(spaces)}; got {list(n_classes)}."
        )
    for name, classes in n_classes.items():
        if classes is not None:
            check_positive_int(classes, f"n_classes[{name!r}]", minimum=2,
                               maximum=bounds.MAX_CLASSES)
    return {str(name): space for name, space in spaces.items()}, \
        {str(name): classes for name, classes in n_classes.items()}


class StateSpaceDesigner(widgets.VBox):
    """A state-space picker, the states to tick, a k slider, a readout and one figure.

    Build it with :func:`state_space_designer`. A tick or a move of k
    computes :func:`describe_design` and repaints the moving artists over
    the saved picture of the rest (blitting); a change of state space moves
    the still ones too (every state, the axes' limits) and asks for one full draw.

    Attributes
    ----------
    picker : ipywidgets.Dropdown
        The state space; hidden when there is only one.
    ticks : ipywidgets.SelectMultiple
        The ticked states (Ctrl- or Shift-click to tick several); a change of
        space puts a new one in its place, every state ticked.
    k_slider : ipywidgets.IntSlider
        Size of the best subset, up to the number of non-dominated ticked states.
    readout : ipywidgets.HTML
        ``str(design)``, one line per finding.
    canvas : ipympl.backend_nbagg.Canvas
    figure : matplotlib.figure.Figure
    artists : dict of str to matplotlib.artist.Artist
        ``"ticked"`` (the frontier of the ticked states), ``"best"`` (the best
        k-subset, circled), ``"conservative"`` (Eq 9), ``"two_state"`` (Eq 10),
        ``"continuous"`` (Eq 13), ``"best_bound"`` (Eq 9 on the best subset)
        and ``"smallest_limit"`` (Eq 11, a vertical line at the limit on ``R_1``).
    design : Design
        What the figure and the readout show now.
    """

    def __init__(self, spaces, *, n_classes, k, canvas):
        self._spaces = spaces
        self._n_classes = n_classes
        self._fitting_k = False
        self.canvas = canvas
        self.figure = canvas.figure
        self._ax = ax = self.figure.subplots()
        self._every_state, = ax.plot([], [], "o", mfc="none", color="0.6", ms=6,
                                     label="states on offer")
        self.artists = {
            "ticked": ax.plot([], [], "o-", color=plots.COLORS["states"], ms=6,
                               label="ticked states")[0],
            "best": ax.plot([], [], "o", ms=15, mfc="none", mec=plots.COLORS["best subset"], mew=2.5,
                            label="best k-subset (Fig 5-6)")[0],
            "conservative": ax.plot([], [], "s", color=plots.COLORS["conservative bound"], ms=9,
                                    label="every ticked state, α = 1 (Eq 9)")[0],
            "two_state": ax.plot([], [], "^", color=plots.COLORS["two-state bound"], ms=9,
                                 label="smallest and largest only (Eq 10)")[0],
            "continuous": ax.plot([], [], "v", color=plots.COLORS["continuous bound"], ms=9,
                                  label="continuous limit (Eq 13)")[0],
            "best_bound": ax.plot([], [], "D", color=plots.COLORS["best subset"], ms=8,
                                  label="best k-subset, α = 1 (Eq 9)")[0],
            "smallest_limit": ax.axvline(1.0, color=plots.COLORS["limit"], ls=":",
                                         label="most R_1 may cost (Eq 11)"),
        }
        for artist in self.artists.values():
            artist.set_animated(True)
        every_cost = np.concatenate([space.costs for space in spaces.values()])
        plots._finish_plane(ax, every_cost, "cost per instance", "accuracy", True, title=None)
        self._blitter = _Blitter(canvas, self.artists.values())
        first = next(iter(spaces))
        self.picker = widgets.Dropdown(options=list(spaces), value=first,
                                       description="state space",
                                       style={"description_width": "initial"})
        if len(spaces) == 1:
            self.picker.layout.display = "none"
        self.k_slider = widgets.IntSlider(value=1, min=1, max=1, description="k",
                                          continuous_update=True)
        self.ticks = self._tick_box(first)
        self._ticks_row = widgets.HBox([self.ticks])
        self.readout = widgets.HTML()
        self._change_space(first, k)
        self.picker.observe(lambda change: self._change_space(change["new"], self.k_slider.value),
                            names="value")
        self.k_slider.observe(self._on_k, names="value")
        super().__init__([self.picker, self._ticks_row, self.k_slider, self.readout, canvas])

    def _on_k(self, change):
        if not self._fitting_k:
            self._show()

    def _tick_box(self, name):
        names = self._spaces[name].names
        box = widgets.SelectMultiple(options=names, value=names, rows=min(len(names), 10),
                                     description="ticked", layout=widgets.Layout(width="60%"))
        box.observe(lambda change: self._show(), names="value")
        return box

    def _change_space(self, name, k):
        """Every state of the space ticked, its states and limits drawn, one full draw."""
        if self.ticks.options != self._spaces[name].names:
            old, self.ticks = self.ticks, self._tick_box(name)
            self._ticks_row.children = (self.ticks,)
            old.close()
        space = self._spaces[name]
        self._every_state.set_data(space.costs, space.accuracies)
        self._ax.set_xlim(*_margins(space.costs, self._ax.get_xscale() == "log"))
        self._ax.set_ylim(*_margins(space.accuracies, False))
        self._ax.set_xlabel(f"cost per instance ({space.unit})")
        self._ax.set_title(name)
        self._blitter.forget()
        self._show(k)

    def _show(self, k=None):
        """Describe the ticked states, move the artists, rewrite the readout, repaint."""
        space = self._spaces[self.picker.value]
        if not self.ticks.value:
            self.readout.value = "Tick at least one state."
            return
        ticked = space.subset(_check_ticked(space, self.ticks.value)).pareto()
        k = min(self.k_slider.value if k is None else k, len(ticked))
        self._fitting_k = True  # the slider's own changes here are not moves of k
        self.k_slider.max = len(ticked)
        self.k_slider.value = k
        self._fitting_k = False
        self.design = describe_design(space, self.ticks.value, k,
                                      n_classes=self._n_classes[self.picker.value])
        design = self.design
        self.artists["ticked"].set_data(ticked.costs, ticked.accuracies)
        best = space.subset([space.names.index(name) for name in design.best])
        self.artists["best"].set_data(best.costs, best.accuracies)
        for key in ("conservative", "two_state", "continuous"):
            self.artists[key].set_data([getattr(design, f"{key}_cost")], [design.largest_accuracy])
        self.artists["best_bound"].set_data([design.best_cost], [design.largest_accuracy])
        limit = design.smallest_limit
        self.artists["smallest_limit"].set_xdata([limit, limit])
        self.artists["smallest_limit"].set_visible(bool(limit > 0))
        self.readout.value = "<br>".join(html.escape(line) for line in str(design).splitlines())
        self._blitter.repaint()


def state_space_designer(spaces, *, n_classes=None, k=3):
    """The state-space designer: tick states, choose k, watch the bounds and the best subset.

    The figure shows the ticked states on the cost-accuracy plane with their
    conservative bound (Eq 9), the two-state bound (Eq 10), the continuous
    limit (Eq 13), the best k-subset circled with its own bound (Fig 5-6) and
    the most the smallest state may cost (Eq 11, with ``R_2``); the readout
    gives each ``R_ratio`` (:func:`describe_design`). Lecture 7.

    Parameters
    ----------
    spaces : StateSpace or dict of str to StateSpace
        The state spaces to design from, e.g. ``{"ours": family.state_space(),
        "EfficientNet": published.family_state_space("EfficientNet"),
        "timm envelope": published.timm_state_space()}``; a picker chooses
        between several.
    n_classes : int or dict of str to int, optional
        Classes of the task, for Eq 11 (1000 for ImageNet, 10 for the
        course's data); a dict gives one per space (None for a space without).
    k : int
        Size of the best subset at first (at most the number of states).

    Returns
    -------
    StateSpaceDesigner
        An ipywidgets VBox: display it as the last expression of a cell.

    Raises
    ------
    ImportError
        If ipympl is not installed (it is in the course's requirements.txt).
    """
    spaces, n_classes = _check_spaces(spaces, n_classes)
    k = check_positive_int(k, "k")
    canvas = _ipympl_canvas("state_space_designer", figsize=(9, 5))
    return StateSpaceDesigner(spaces, n_classes=n_classes, k=k, canvas=canvas)

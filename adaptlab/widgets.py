"""ipywidgets explorers: move a knob, watch the operating point move under the bounds.

The figure is drawn once, on an ipympl canvas (matplotlib's own Jupyter
widget, a course requirement). A change of threshold moves one marker and
repaints only it over the saved picture of the rest (blitting: a full draw of
this figure takes hundreds of milliseconds, mostly text); a change of router
restyles the curves in place and redraws the figure. The pure part, what the
marker and the readout show for a router and a point of its curve, is
:func:`describe_point`.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from . import bounds, plots
from ._validation import check_positive_int

__all__ = ["INFINITE_THRESHOLD", "RouterPoint", "describe_point", "threshold_options",
           "ThresholdExplorer", "threshold_explorer"]

#: How the threshold ``+inf``, the last point of every curve, reads.
INFINITE_THRESHOLD = "∞ (every input reaches the largest state)"


@dataclass(frozen=True)
class RouterPoint:
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

    def __str__(self):
        return self.describe()


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
        self._background = None  # (renderer, the figure without the marker)
        canvas.mpl_connect("draw_event", self._on_draw)
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

    def _on_draw(self, event):
        """After a full draw: save the picture without the marker, then paint the marker."""
        self._background = (event.renderer, event.renderer.copy_from_bbox(self.figure.bbox))
        self._ax.draw_artist(self.marker)

    def _show(self, router, index):
        """Move the marker to the point, rewrite the readout, repaint the marker."""
        self.point = describe_point(self._comparison, router, index)
        self.marker.set_data([self.point.cost], [self.point.accuracy])
        self.readout.value = html.escape(str(self.point))
        renderer = self.canvas.get_renderer()
        if self._background is None or self._background[0] is not renderer:
            self.canvas.draw_idle()  # nothing saved yet, or saved at another size
            return
        renderer.restore_region(self._background[1])
        self._ax.draw_artist(self.marker)
        self.canvas.blit(self.figure.bbox)

    def _highlight(self, router):
        """Draw the router's curve bold over the others, faded."""
        for name, line in self.curves.items():
            chosen = name == router
            line.set(linewidth=3.0 if chosen else 1.0, alpha=1.0 if chosen else 0.35,
                     zorder=4 if chosen else 2)
        self._background = None  # the saved picture shows the old styles

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
    try:
        from ipympl.backend_nbagg import Canvas, FigureManager
    except ImportError as error:
        raise ImportError(
            "threshold_explorer draws on an ipympl canvas: `pip install ipympl` "
            "(it is in the course's requirements.txt), then reload JupyterLab."
        ) from error
    canvas = Canvas(Figure(figsize=(9, 5), layout="constrained"))
    FigureManager(canvas, 0)  # the canvas answers the browser's messages through its manager
    canvas.header_visible = False
    return ThresholdExplorer(comparison, router=router, positions=positions, canvas=canvas)

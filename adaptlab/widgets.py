"""ipywidgets explorers: move a knob, watch the operating point move under the bounds."""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from . import bounds, plots

__all__ = ["threshold_explorer", "describe_point"]


def describe_point(comparison, router, position):
    """The operating point of ``router`` at ``position`` percent along its test curve.

    Parameters
    ----------
    comparison : adaptlab.compare.Comparison
    router : str
        A key of ``comparison.runs``.
    position : float in [0, 100]
        0 is the lowest threshold (everyone exits at the first stage), 100 the
        highest (everyone runs to the last).

    Returns
    -------
    dict
        ``index`` into the curve, ``threshold``, ``accuracy``, ``cost``,
        ``r_ratio`` and ``share_to_largest``.
    """
    if router not in comparison.runs:
        raise ValueError(f"router must be one of {list(comparison.runs)}, got {router!r}.")
    if not 0 <= position <= 100:
        raise ValueError(f"position must be a percentage in [0, 100], got {position!r}.")
    curve = comparison.runs[router].curve
    index = int(round(position / 100 * (len(curve) - 1)))
    cost = float(curve.cost_of(comparison.cost_kind)[index])
    return {
        "index": index,
        "threshold": float(curve.thresholds[index]),
        "accuracy": float(curve.accuracy[index]),
        "cost": cost,
        "r_ratio": bounds.r_ratio(comparison.family.costs[-1], cost),
        "share_to_largest": float(curve.last_state_share[index]),
    }


def threshold_explorer(comparison, router="max probability"):
    """A router picker and a threshold slider over the router-vs-oracle figure.

    Moving the slider moves the router's operating point along its test curve;
    the readout gives its accuracy, cost and ``R_ratio``, to set against the
    exact oracle frontier, which no router crosses.

    Parameters
    ----------
    comparison : adaptlab.compare.Comparison
    router : str
        The router selected at first.

    Returns
    -------
    ipywidgets.VBox
        Display it as the last expression of a notebook cell.
    """
    if router not in comparison.runs:
        raise ValueError(f"router must be one of {list(comparison.runs)}, got {router!r}.")
    picker = widgets.Dropdown(options=list(comparison.runs), value=router, description="router")
    slider = widgets.FloatSlider(value=50, min=0, max=100, step=0.5, description="threshold",
                                 readout=False, continuous_update=False,
                                 layout=widgets.Layout(width="60%"))
    readout = widgets.HTML()
    figure = widgets.Output()

    def redraw(*_):
        point = describe_point(comparison, picker.value, slider.value)
        readout.value = (
            f"<b>{picker.value}</b> at threshold {point['threshold']:.3g}: "
            f"test accuracy <b>{point['accuracy']:.3f}</b>, cost <b>{point['cost']:.3g} "
            f"{comparison.family.unit}</b> ({point['r_ratio']:.2f}x cheaper than the largest "
            f"state), {point['share_to_largest']:.0%} of inputs reach the largest state"
        )
        with figure:
            figure.clear_output(wait=True)
            ax = plots.router_plane(comparison)
            ax.plot(point["cost"], point["accuracy"], "o", ms=16, mfc="none", mec="black", mew=2.5,
                    label="the slider's operating point")
            ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1))
            plt.show()

    picker.observe(redraw, names="value")
    slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([picker, slider]), readout, figure])


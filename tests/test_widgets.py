"""The router explorer: real thresholds, honest readout, a figure updated in place."""
import dataclasses
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest

from adaptlab.compare import compare_routers
from adaptlab.widgets import (
    INFINITE_THRESHOLD,
    RouterPoint,
    describe_point,
    threshold_explorer,
    threshold_options,
)

# ipympl 0.10's toolbar hands traitlets an argument it does not take; not ours to fix.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Passing unrecognized arguments to super\\(Toolbar\\):DeprecationWarning")


@pytest.fixture(scope="module")
def comparison(family):
    return compare_routers(family)


def calibrated_index(comparison, router):
    """The test-curve point that the router's validation threshold gives."""
    run = comparison.runs[router]
    return next(k for k in range(len(run.curve))
                if np.array_equal(run.curve.exit_share[k], run.point.exit_share))


def test_a_point_is_a_frozen_dataclass_read_off_the_curve(comparison):
    curve = comparison.runs["margin"].curve
    point = describe_point(comparison, "margin", 3)
    assert isinstance(point, RouterPoint)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.index = 4
    assert point.threshold == curve.thresholds[3]
    assert point.accuracy == curve.accuracy[3] and point.cost == curve.sequential_cost[3]
    assert point.share_to_largest == curve.last_state_share[3]
    assert point.r_ratio == pytest.approx(comparison.family.costs[-1] / point.cost)
    assert (point.largest_cost, point.largest_accuracy) == (
        comparison.family.costs[-1], comparison.family.accuracies[-1])


def test_the_ends_of_the_curve_read_honestly(comparison):
    costs = comparison.family.costs
    first = describe_point(comparison, "max probability", 0)
    assert first.cost == costs[0] and first.share_to_largest == 0.0
    assert f"{costs[-1] / costs[0]:.2f}× cheaper than the largest state" in str(first)
    last_index = len(comparison.runs["max probability"].curve) - 1
    last = describe_point(comparison, "max probability", last_index)
    assert last.threshold == np.inf and last.share_to_largest == 1.0
    assert last.cost == costs.sum()  # a sequential cascade through every state
    text = str(last)
    assert "cheaper" not in text
    assert (f"{costs.sum() / costs[-1]:.2f}× more expensive than the largest state "
            f"({costs[-1]:.3g} MFLOPs): it pays for every state it runs") in text
    assert f"threshold {INFINITE_THRESHOLD}" in text
    assert "+0.0 pp against the largest state's" in text
    assert "100% of inputs reach the largest state" in text


def test_selecting_the_largest_state_costs_what_it_costs(family):
    selection = compare_routers(family, cost_kind="selection")
    curve = selection.runs["entropy"].curve
    text = describe_point(selection, "entropy", len(curve) - 1).describe()
    assert "selection cost" in text and "as costly as the largest state" in text
    assert "pays for every state" not in text


def test_the_readout_gives_the_accuracy_gap_in_points(comparison):
    point = describe_point(comparison, "entropy", 0)
    gap = 100 * (point.accuracy - point.largest_accuracy)
    assert gap < 0 and f"({gap:.1f} pp against the largest state's" in str(point)
    assert f"threshold {point.threshold:.3f}:" in str(point)


@pytest.mark.parametrize("router", ["max probability", "ABC agreement", "random"])
def test_slider_stops_are_real_thresholds(comparison, router):
    curve = comparison.runs[router].curve
    options = threshold_options(comparison, router, positions=50)
    labels, indices = zip(*options)
    calibrated = calibrated_index(comparison, router)
    assert indices[0] == 0 and indices[-1] == len(curve) - 1 and calibrated in indices
    assert list(indices) == sorted(set(indices)) and len(indices) <= 51
    assert len(set(labels)) == len(labels)
    assert labels[-1].startswith(INFINITE_THRESHOLD)
    assert labels[indices.index(calibrated)].endswith(" (calibrated)")
    for label, index in options[:-1]:
        number = label.removesuffix(" (calibrated)")
        places = len(number.split(".")[1])
        assert places >= 3 and float(number) == pytest.approx(curve.thresholds[index],
                                                               abs=0.5 * 10**-places)


def test_a_long_curve_gets_a_few_hundred_stops(comparison):
    curve = comparison.runs["max probability"].curve
    assert len(curve) > 1000
    assert 300 <= len(threshold_options(comparison, "max probability")) <= 302


@pytest.mark.parametrize("router, index, name", [
    ("oracle", 0, "router must be one of \\['max probability'"),
    ("margin", -1, "index must be an integer between 0 and "),
    ("margin", 10**6, "index must be an integer between 0 and "),
    ("margin", 1.0, "index must be an integer"),
    ("margin", True, "index must be an integer"),
])
def test_bad_points(comparison, router, index, name):
    with pytest.raises(ValueError, match=name):
        describe_point(comparison, router, index)


def test_bad_explorers(comparison, monkeypatch):
    with pytest.raises(ValueError, match="router must be one of"):
        threshold_explorer(comparison, router="oracle")
    with pytest.raises(ValueError, match="positions must be an integer >= 2"):
        threshold_explorer(comparison, positions=1)
    monkeypatch.setitem(sys.modules, "ipympl.backend_nbagg", None)
    with pytest.raises(ImportError, match="pip install ipympl"):
        threshold_explorer(comparison)


@pytest.fixture
def explorer(comparison):
    return threshold_explorer(comparison)


def test_the_explorer_starts_at_the_calibrated_point(comparison, explorer):
    run = comparison.runs["max probability"]
    assert explorer.slider.value == calibrated_index(comparison, "max probability")
    assert explorer.stop_label.value.endswith(" (calibrated)")
    marker = explorer.marker.get_data()
    assert np.allclose(marker, [[run.point.sequential_cost], [run.point.accuracy]])
    assert explorer.readout.value.startswith("max probability at threshold")
    assert explorer.children[-1] is explorer.canvas and explorer.canvas.figure is explorer.figure


def test_its_figure_is_left_out_of_pyplot(comparison):
    before = plt.get_fignums()
    threshold_explorer(comparison)
    assert plt.get_fignums() == before  # so no backend shows it a second time


def test_a_threshold_change_moves_the_marker_in_place(comparison, explorer):
    curve = comparison.runs["max probability"].curve
    explorer.canvas.draw()
    full_draws = []
    explorer.canvas.mpl_connect("draw_event", full_draws.append)
    pixels = np.asarray(explorer.canvas.get_renderer().buffer_rgba()).copy()
    figure, readout = explorer.figure, explorer.readout.value
    index = explorer.slider.options[5][1]
    explorer.slider.value = index
    assert explorer.marker.get_data() == ([curve.sequential_cost[index]], [curve.accuracy[index]])
    assert explorer.point == describe_point(comparison, "max probability", index)
    assert explorer.readout.value != readout
    assert f"threshold {curve.thresholds[index]:.3f}:" in explorer.readout.value
    assert explorer.stop_label.value == explorer.slider.options[5][0]
    assert explorer.figure is figure and not full_draws  # repainted, not redrawn
    assert (np.asarray(explorer.canvas.get_renderer().buffer_rgba()) != pixels).any()


def test_a_router_change_swaps_the_stops_and_the_highlight(comparison, explorer):
    figure, old_slider = explorer.figure, explorer.slider
    explorer.picker.value = "entropy"
    assert explorer.slider is not old_slider
    assert explorer.children[1].children == (explorer.slider, explorer.stop_label)
    assert explorer.stop_label.value == explorer.slider.label
    assert explorer.children[-1] is explorer.canvas
    assert explorer.slider.options == tuple(threshold_options(comparison, "entropy"))
    assert explorer.slider.value == calibrated_index(comparison, "entropy")
    run = comparison.runs["entropy"]
    marker = explorer.marker.get_data()
    assert np.allclose(marker, [[run.point.sequential_cost], [run.point.accuracy]])
    assert explorer.readout.value.startswith("entropy at threshold")
    widths = {name: line.get_linewidth() for name, line in explorer.curves.items()}
    assert set(widths) == set(comparison.runs)
    assert widths.pop("entropy") > max(widths.values())
    assert explorer.figure is figure and figure.axes == [explorer.marker.axes]
    explorer.slider.value = explorer.slider.options[0][1]
    assert explorer.point == describe_point(comparison, "entropy", 0)

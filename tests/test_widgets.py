"""The threshold explorer: the slider moves the operating point along the curve."""
import matplotlib
import pytest

from adaptlab.compare import compare_routers
from adaptlab.widgets import describe_point, threshold_explorer

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def comparison(family):
    return compare_routers(family)


def test_positions_run_from_first_stage_to_last(comparison):
    run = comparison.runs["max probability"]
    low, high = describe_point(comparison, "max probability", 0), describe_point(
        comparison, "max probability", 100)
    assert low["index"] == 0 and high["index"] == len(run.curve) - 1
    assert high["share_to_largest"] == 1.0 and low["share_to_largest"] == 0.0
    assert low["cost"] == comparison.family.costs[0]
    assert high["r_ratio"] <= 1.0  # a sequential cascade through all states costs more


def test_slider_and_picker_update_the_readout(comparison):
    explorer = threshold_explorer(comparison)
    controls, readout, _ = explorer.children
    picker, slider = controls.children
    before = readout.value
    slider.value = 90
    assert readout.value != before and "max probability" in readout.value
    picker.value = "random"
    assert "<b>random</b>" in readout.value


@pytest.mark.parametrize("router, position, name", [
    ("oracle", 50, "router"), ("margin", 120, "position"),
])
def test_bad_input(comparison, router, position, name):
    with pytest.raises(ValueError, match=name):
        describe_point(comparison, router, position)
    with pytest.raises(ValueError, match="router"):
        threshold_explorer(comparison, router="oracle")

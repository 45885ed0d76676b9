"""The α explorer and the state-space designer: library values, figures updated in place."""
import dataclasses
import itertools
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adaptlab import bounds
from adaptlab.published import family_state_space, timm_state_space
from adaptlab.simulate import correlated_models
from adaptlab.statespace import StateSpace
from adaptlab.widgets import (
    AlphaPoint,
    Design,
    alpha_explorer,
    describe_alpha,
    describe_design,
    state_space_designer,
)

from strategies import state_spaces

# ipympl 0.10's toolbar hands traitlets an argument it does not take; not ours to fix.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Passing unrecognized arguments to super\\(Toolbar\\):DeprecationWarning")

SPACE = StateSpace(["s", "m", "l", "xl"], [1.0, 3.0, 9.0, 30.0], [0.6, 0.7, 0.78, 0.8],
                   unit="MFLOPs")
N = 2000


def pixels(explorer):
    return np.asarray(explorer.canvas.get_renderer().buffer_rgba()).copy()


def full_draws(explorer):
    """A list that grows at every full draw of the explorer's figure, after a first one."""
    explorer.canvas.draw()
    draws = []
    explorer.canvas.mpl_connect("draw_event", draws.append)
    return draws


# ---------------------------------------------------------------- describe_alpha


@pytest.mark.parametrize("correlation, alpha", [(0.0, 0.0), (0.6, 0.35), (0.9, 1.0)])
def test_an_alpha_point_is_the_library_on_one_simulation(correlation, alpha):
    point = describe_alpha(SPACE, correlation, alpha, n_instances=N, seed=3)
    correct = correlated_models(SPACE.accuracies, n_instances=N, correlation=correlation,
                                seed=3).correct
    exact = bounds.oracle(correct, SPACE.costs)
    bound = bounds.constant_alpha(SPACE.costs, correct.mean(axis=0), alpha)
    assert isinstance(point, AlphaPoint)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.alpha = 0.5
    assert (point.correlation, point.alpha, point.n_instances) == (correlation, alpha, N)
    assert np.allclose(point.measured_alphas, bounds.alphas(correct)[1:], equal_nan=True)
    assert (point.oracle_cost, point.oracle_accuracy) == (exact.selection_cost, exact.accuracy)
    assert point.oracle_r_ratio == pytest.approx(30.0 / exact.selection_cost)
    assert point.oracle_delta_a == pytest.approx(exact.accuracy - correct[:, -1].mean())
    assert point.bound_cost == pytest.approx(bound.selection_cost)
    assert point.bound_accuracy == pytest.approx(1 - alpha * (1 - correct[:, -1].mean()))
    assert point.bound_r_ratio == pytest.approx(bound.r_ratio)
    assert point.bound_delta_a == pytest.approx(bound.delta_a)
    assert (point.largest_cost, point.unit) == (30.0, "MFLOPs")


def test_nested_errors_make_the_conservative_bound_exact():
    point = describe_alpha(SPACE, 1.0, 1.0, n_instances=N)
    assert point.measured_alphas == (1.0, 1.0, 1.0)
    assert point.oracle_cost == pytest.approx(point.bound_cost)
    assert point.oracle_delta_a == point.bound_delta_a == 0.0
    assert point.bound_cost == pytest.approx(SPACE.conservative().selection_cost)


def test_a_pair_of_arrays_is_a_state_space():
    pair = describe_alpha((SPACE.costs, SPACE.accuracies), 0.5, 0.5, n_instances=N)
    named = describe_alpha(SPACE, 0.5, 0.5, n_instances=N)
    assert dataclasses.replace(pair, unit="MFLOPs") == named and pair.unit == "cost"


def test_the_alpha_readout_gives_both_ratios_and_gains():
    point = describe_alpha(family_state_space("EfficientNet"), 0.8, 0.5)
    text = str(point)
    assert text.startswith("Simulated at correlation 0.80 (20,000 instances): measured α_2..α_N")
    assert f"α_N = {point.measured_alphas[-1]:.2f}" in text
    assert (f"the exact oracle (Eq 4-5) costs {point.oracle_cost:.3g} GFLOPs, R_ratio "
            f"{point.oracle_r_ratio:.2f}×, ΔA {100 * point.oracle_delta_a:+.2f} pp") in text
    assert (f"Constant α = 0.50 (Eq 8): {point.bound_cost:.3g} GFLOPs, R_ratio "
            f"{point.bound_r_ratio:.2f}×, ΔA {100 * point.bound_delta_a:+.2f} pp.") in text
    assert point.oracle_delta_a > 0 and point.bound_r_ratio > point.oracle_r_ratio


@pytest.mark.parametrize("space, correlation, alpha, options, message", [
    (SPACE, 1.5, 0.5, {}, "correlation must be in \\[0, 1\\]"),
    (SPACE, 0.5, -0.1, {}, "alpha must be in \\[0, 1\\]"),
    (SPACE, 0.5, 0.5, {"n_instances": 0}, "n_instances must be an integer >= 1"),
    (SPACE, 0.5, 0.5, {"seed": -1}, "seed must be an integer >= 0"),
    (SPACE, 0.5, 0.5, {"n_instances": 10}, "n_instances = 10 is too few"),
    ("EfficientNet", 0.5, 0.5, {}, "space must be an adaptlab.statespace.StateSpace or a pair"),
    (([1.0, 2.0], [0.7, 0.6]), 0.5, 0.5, {}, "dominated states: state 2"),
    (([1.0], [0.7]), 0.5, 0.5, {}, "space must hold at least 2 states"),
])
def test_bad_alpha_points(space, correlation, alpha, options, message):
    with pytest.raises(ValueError, match=message):
        describe_alpha(space, correlation, alpha, **options)


# ---------------------------------------------------------------- alpha_explorer


@pytest.fixture(scope="module")
def alpha_widget():
    return alpha_explorer(SPACE, correlation=0.5, alpha=0.3, n_instances=N,
                          correlation_steps=5, seed=2)


def test_the_alpha_explorer_starts_where_it_is_told(alpha_widget):
    assert alpha_widget.point == describe_alpha(SPACE, 0.5, 0.3, n_instances=N, seed=2)
    assert [value for _, value in alpha_widget.correlation_slider.options] == [
        0.0, 0.25, 0.5, 0.75, 1.0]
    assert alpha_widget.oracle_marker.get_data() == (
        [alpha_widget.point.oracle_cost], [alpha_widget.point.oracle_accuracy])
    assert alpha_widget.readout.value.startswith("Simulated at correlation 0.50")
    assert alpha_widget.children[-1] is alpha_widget.canvas


@pytest.mark.parametrize("slider, value", [("alpha_slider", 0.9), ("correlation_slider", 1.0)])
def test_a_slider_move_repaints_the_markers_in_place(alpha_widget, slider, value):
    draws, before = full_draws(alpha_widget), pixels(alpha_widget)
    getattr(alpha_widget, slider).value = value
    point = alpha_widget.point
    assert point == describe_alpha(SPACE, alpha_widget.correlation_slider.value,
                                   alpha_widget.alpha_slider.value, n_instances=N, seed=2)
    assert getattr(point, slider.removesuffix("_slider")) == value
    assert alpha_widget.bound_marker.get_data() == ([point.bound_cost], [point.bound_accuracy])
    assert alpha_widget.oracle_marker.get_data() == ([point.oracle_cost],
                                                     [point.oracle_accuracy])
    assert np.allclose(alpha_widget.alpha_line.get_ydata(), point.measured_alphas)
    assert list(alpha_widget.alpha_level.get_ydata()) == [point.alpha] * 2
    assert not draws and (pixels(alpha_widget) != before).any()  # repainted, not redrawn


@pytest.mark.parametrize("options, error, message", [
    ({"correlation": 0.8, "correlation_steps": 5}, ValueError,
     "correlation must be one of the slider's 5 stops \\(multiples of 0.25"),
    ({"correlation_steps": 1}, ValueError, "correlation_steps must be an integer >= 2"),
    ({"alpha": 2}, ValueError, "alpha must be in \\[0, 1\\]"),
    ({"n_instances": 1.5}, ValueError, "n_instances must be an integer"),
])
def test_bad_alpha_explorers(options, error, message):
    with pytest.raises(error, match=message):
        alpha_explorer(SPACE, **options)


def test_explorers_need_ipympl_and_stay_out_of_pyplot(monkeypatch):
    before = plt.get_fignums()
    alpha_explorer(SPACE, n_instances=N, correlation_steps=2, correlation=1.0)
    state_space_designer(SPACE)
    assert plt.get_fignums() == before  # so no backend shows them a second time
    monkeypatch.setitem(sys.modules, "ipympl.backend_nbagg", None)
    with pytest.raises(ImportError, match="alpha_explorer draws on an ipympl canvas"):
        alpha_explorer(SPACE, n_instances=N)
    with pytest.raises(ImportError, match="state_space_designer draws on an ipympl canvas"):
        state_space_designer(SPACE)


# ---------------------------------------------------------------- describe_design


def test_a_design_of_every_state_is_the_library_on_the_space():
    space = family_state_space("EfficientNet")
    design = describe_design(space, space.names, 3, n_classes=1000)
    assert isinstance(design, Design)
    with pytest.raises(dataclasses.FrozenInstanceError):
        design.k = 2
    assert design.states == space.names and design.dominated == ()
    assert design.against == design.most_accurate == "efficientnet_b7"
    assert design.conservative_cost == space.conservative().selection_cost
    assert design.conservative_r_ratio == pytest.approx(59.74, abs=0.005)  # COURSE.md: ≈ 59.7×
    assert design.two_state_r_ratio == space.two_state().r_ratio
    assert design.continuous_r_ratio == space.continuous().r_ratio
    best = space.best_subset(3)
    assert design.best == best.names and design.best_cost == best.conservative().selection_cost
    assert design.smallest_limit == space.smallest_state_limit(1000)
    assert design.smallest_cost == space.costs[0]


def test_the_timm_envelope_designs_against_its_37_states():
    design = describe_design(timm_state_space(), timm_state_space().names, 5, n_classes=1000)
    assert len(design.states) == 37 and round(design.conservative_r_ratio, 1) == 69.3
    assert design.unit == "GMACs" and len(design.best) == 5


def test_unticking_the_largest_state_says_what_is_measured_against():
    design = describe_design(SPACE, ["s", "m", "l"], 2, n_classes=10)
    assert (design.against, design.most_accurate) == ("l", "xl")
    assert design.largest_cost == 9.0
    assert design.conservative_cost == SPACE.subset([0, 1, 2]).conservative().selection_cost
    assert str(design).startswith(
        "3 states, measured against l (9 MFLOPs, 78.00%), not xl, the space's most accurate "
        "state (unticked).")


def test_dominated_ticked_states_are_named_and_left_out():
    space = StateSpace(["a", "b", "c", "d"], [1.0, 2.0, 3.0, 4.0], [0.5, 0.45, 0.7, 0.8])
    design = describe_design(space, ["d", "b", "a", "c"], 3)
    assert design.states == ("a", "c", "d") and design.dominated == ("b",)
    assert "Left out, dominated among the ticked: b." in str(design)
    assert design.conservative_cost == space.subset([0, 2, 3]).conservative().selection_cost


def test_the_readout_follows_the_smallest_state_rule():
    text = str(describe_design(SPACE, SPACE.names, 2, n_classes=10))
    limit = SPACE.smallest_state_limit(10)
    assert (f"Smallest-state limit (Eq 11 with R_2, 10 classes): R_1 < {limit:.3g} MFLOPs; "
            f"s costs 1: it pays off.") in text
    costly = StateSpace(["s", "l"], [9.0, 10.0], [0.15, 0.8])
    assert "it does not pay off: a free random guess does better" in str(
        describe_design(costly, costly.names, 1, n_classes=10))
    unknown = describe_design(SPACE, SPACE.names, 2)
    assert np.isnan(unknown.smallest_limit) and "(Eq 11): give n_classes." in str(unknown)
    alone = describe_design(SPACE, ["l"], 1, n_classes=10)
    assert "(Eq 11): needs 2 states." in str(alone) and alone.conservative_r_ratio == 1.0


@given(state_spaces(min_states=2, max_states=7, min_accuracy=0.3), st.data())
def test_the_best_subset_beats_every_other_subset_of_the_ticked(pair, data):
    costs, accuracies = pair
    costs = costs + 0.125  # the ratio needs a positive cost
    space = StateSpace([f"s{i}" for i in range(costs.size)], costs, accuracies)
    ticked = data.draw(st.sets(st.sampled_from(space.names), min_size=1))
    order = sorted(space.names.index(name) for name in ticked)
    k = data.draw(st.integers(1, len(order)))
    design = describe_design(space, ticked, k)
    ratios = [bounds.conservative(costs[[*rest, order[-1]]], accuracies[[*rest, order[-1]]]).r_ratio
              for rest in itertools.combinations(order[:-1], k - 1)]
    assert design.best_r_ratio == pytest.approx(max(ratios))
    assert design.best_r_ratio <= design.conservative_r_ratio * (1 + 1e-9)
    assert design.states == tuple(space.names[i] for i in order)


@pytest.mark.parametrize("space, ticked, k, n_classes, message", [
    (SPACE, "s", 1, None, "ticked must be a list of state names, got 's'"),
    (SPACE, ["s", "huge"], 1, None, "ticked names states the space does not have: \\['huge'\\]"),
    (SPACE, [], 1, None, "ticked must name at least one state"),
    (SPACE, ["s", "m"], 3, None, "k must be an integer between 1 and 2, got 3"),
    (SPACE, ["s", "m"], 0, None, "k must be an integer between 1 and 2, got 0"),
    (SPACE, ["s", "m"], 1, 1, "n_classes must be an integer between 2 and"),
    ((SPACE.costs, SPACE.accuracies), ["s"], 1, None, "space must be an adaptlab.statespace"),
])
def test_bad_designs(space, ticked, k, n_classes, message):
    with pytest.raises(ValueError, match=message):
        describe_design(space, ticked, k, n_classes=n_classes)


# ---------------------------------------------------------------- state_space_designer


@pytest.fixture
def designer():
    spaces = {"toy": SPACE, "EfficientNet": family_state_space("EfficientNet")}
    return state_space_designer(spaces, n_classes={"toy": 10, "EfficientNet": 1000}, k=3)


def test_the_designer_starts_with_every_state_ticked(designer):
    assert designer.picker.value == "toy" and designer.ticks.value == SPACE.names
    assert designer.design == describe_design(SPACE, SPACE.names, 3, n_classes=10)
    assert designer.k_slider.value == 3 and designer.k_slider.max == 4
    assert designer.artists["conservative"].get_data() == (
        [designer.design.conservative_cost], [0.8])
    assert designer.readout.value.startswith("4 states, measured against xl")
    assert designer.children[-1] is designer.canvas


def test_a_tick_repaints_the_bounds_in_place(designer):
    draws, before = full_draws(designer), pixels(designer)
    designer.ticks.value = ("s", "l", "xl")
    assert designer.design == describe_design(SPACE, ["s", "l", "xl"], 3, n_classes=10)
    assert designer.k_slider.max == 3
    ticked = designer.artists["ticked"].get_data()
    assert list(ticked[0]) == [1.0, 9.0, 30.0]
    limit = SPACE.subset([0, 2, 3]).smallest_state_limit(10)
    assert list(designer.artists["smallest_limit"].get_xdata()) == [limit, limit]
    designer.ticks.value = ("m", "l")
    assert designer.k_slider.value == designer.k_slider.max == 2 and designer.design.k == 2
    assert "measured against l (9 MFLOPs, 78.00%), not xl, the space" in designer.readout.value
    designer.k_slider.value = 1
    assert designer.design.best == ("l",)
    assert designer.artists["best"].get_data() == ([9.0], [0.78])
    assert not draws and (pixels(designer) != before).any()  # repainted, not redrawn


def test_a_space_change_ticks_its_states_and_draws_once(designer):
    draws, old_box = full_draws(designer), designer.ticks
    designer.picker.value = "EfficientNet"
    space = family_state_space("EfficientNet")
    assert designer.ticks is not old_box and designer.ticks.value == space.names
    assert designer.children[1].children == (designer.ticks,)
    assert designer.design == describe_design(space, space.names, 3, n_classes=1000)
    assert designer.figure.axes[0].get_xlabel() == "cost per instance (GFLOPs)"
    low, high = designer.figure.axes[0].get_xlim()
    assert low < space.costs[0] and high > space.costs[-1]
    designer.canvas.draw()  # what the browser asks for after the still artists changed
    assert len(draws) == 1
    designer.ticks.value = ()
    assert designer.readout.value == "Tick at least one state."


def test_one_space_hides_the_picker():
    designer = state_space_designer(SPACE, k=10)
    assert designer.picker.layout.display == "none"
    assert designer.k_slider.value == 4  # k at most the number of states


@pytest.mark.parametrize("spaces, options, message", [
    ([SPACE], {}, "spaces must be a StateSpace or a non-empty dict"),
    ({}, {}, "spaces must be a StateSpace or a non-empty dict"),
    ({"toy": (SPACE.costs, SPACE.accuracies)}, {}, "spaces must be a StateSpace"),
    ({"toy": SPACE}, {"n_classes": {"other": 10}}, "n_classes must give one number per space"),
    ({"toy": SPACE}, {"n_classes": {"toy": 1}}, "n_classes\\['toy'\\] must be an integer"),
    (SPACE, {"n_classes": 2.5}, "n_classes\\['state space'\\] must be an integer"),
    (SPACE, {"k": 0}, "k must be an integer >= 1"),
])
def test_bad_designers(spaces, options, message):
    with pytest.raises(ValueError, match=message):
        state_space_designer(spaces, **options)


def test_an_explorer_leaves_pyplots_backend_as_it_was():
    """Later figures of the notebook stay pictures, not widgets (and reach static copies)."""
    import subprocess
    import sys

    code = (
        "import matplotlib; matplotlib.use('module://matplotlib_inline.backend_inline')\n"
        "import matplotlib.pyplot as plt\n"
        "from adaptlab.widgets import alpha_explorer\n"
        "alpha_explorer(([1.0, 4.0, 16.0], [0.6, 0.75, 0.85]), n_instances=2000,\n"
        "               correlation=0.5, correlation_steps=3)\n"
        "print(matplotlib.get_backend())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "module://matplotlib_inline.backend_inline"

"""N-state cascades: hand-worked cases, and the sweep against one threshold at a time."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adaptlab import bounds
from adaptlab.cascade import (
    UnreachableTargetError,
    calibrate,
    operating_point,
    oracle_frontier,
    route,
    sweep,
)
from adaptlab.metrics import cost_at_accuracy

from strategies import cascades, correctness

# Three instances, three states costing 1, 2, 4 (cumulative 1, 3, 7).
SCORES = np.array(
    [
        [0.9, 0.2, 0.0],  # sure at state 0
        [0.4, 0.8, 0.0],  # sure at state 1
        [0.1, 0.3, 0.0],  # never sure
    ]
)
CORRECT = np.array(
    [
        [True, True, True],
        [False, True, True],
        [False, False, True],
    ]
)
COSTS = np.array([1.0, 2.0, 4.0])




# ---------------------------------------------------------------- route


def test_route_exits_at_first_confident_state():
    assert route(SCORES, 0.7).tolist() == [0, 1, 2]
    assert route(SCORES, 0.35).tolist() == [0, 0, 2]


def test_route_extreme_thresholds():
    assert route(SCORES, np.inf).tolist() == [2, 2, 2]
    assert route(SCORES, -np.inf).tolist() == [0, 0, 0]


def test_route_ties_accept():
    assert route([[0.5, 0.0]], 0.5).tolist() == [0]


def test_last_state_always_answers_whatever_its_score():
    assert route([[0.1, -5.0]], 0.5).tolist() == [1]


# ---------------------------------------------------------------- operating point


def test_selection_and_sequential_cost_by_hand():
    point = operating_point(SCORES, CORRECT, COSTS, threshold=0.7)
    # Exits 0, 1, 2: selection pays 1, 2, 4; sequential pays 1, 3, 7.
    assert point.accuracy == 1.0
    assert point.selection_cost == pytest.approx(7 / 3)
    assert point.sequential_cost == pytest.approx(11 / 3)
    assert point.exit_share.tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3])


def test_operating_point_below_every_score_is_state_zero():
    point = operating_point(SCORES, CORRECT, COSTS, threshold=-np.inf)
    assert point.accuracy == pytest.approx(1 / 3)
    assert point.selection_cost == point.sequential_cost == 1.0
    assert point.exit_share.tolist() == [1.0, 0.0, 0.0]


# ---------------------------------------------------------------- sweep


def test_sweep_by_hand():
    curve = sweep(SCORES, CORRECT, COSTS)
    # Records: x0 has 0.9; x1 has 0.4 then 0.8; x2 has 0.1 then 0.3.
    assert curve.thresholds.tolist() == [0.1, 0.3, 0.4, 0.8, 0.9, np.inf]
    assert curve.exit_share.tolist() == pytest.approx(
        np.array([[3, 0, 0], [2, 1, 0], [2, 0, 1], [1, 1, 1], [1, 0, 2], [0, 0, 3]]) / 3
    )
    assert curve.accuracy.tolist() == pytest.approx([1 / 3, 1 / 3, 2 / 3, 1, 1, 1])
    assert curve.selection_cost.tolist() == pytest.approx(np.array([3, 4, 6, 7, 9, 12]) / 3)
    assert curve.sequential_cost.tolist() == pytest.approx(np.array([3, 5, 9, 11, 15, 21]) / 3)
    assert len(curve) == 6


def test_sweep_with_a_single_state():
    curve = sweep([[0.2], [0.9]], [[True], [False]], [3.0])
    assert curve.thresholds.tolist() == [np.inf]
    assert curve.accuracy.tolist() == [0.5]
    assert curve.sequential_cost.tolist() == [3.0]


@given(cascades())
def test_sweep_equals_one_threshold_at_a_time(case):
    scores, correct, costs = case
    curve = sweep(scores, correct, costs)
    for k, threshold in enumerate(curve.thresholds):
        point = operating_point(scores, correct, costs, threshold)
        assert curve.accuracy[k] == pytest.approx(point.accuracy, abs=1e-12)
        assert curve.selection_cost[k] == pytest.approx(point.selection_cost, rel=1e-9, abs=1e-9)
        assert curve.sequential_cost[k] == pytest.approx(point.sequential_cost, rel=1e-9, abs=1e-9)
        np.testing.assert_allclose(curve.exit_share[k], point.exit_share, atol=1e-12)
        assert curve.point(k).threshold == point.threshold
        assert curve.point(k).r_ratio == pytest.approx(point.r_ratio) if point.selection_cost else True


@given(cascades(), st.floats(-0.5, 1.5))
def test_any_threshold_lands_on_the_next_curve_point(case, threshold):
    scores, correct, costs = case
    curve = sweep(scores, correct, costs)
    k = np.searchsorted(curve.thresholds, threshold, side="left")
    point = operating_point(scores, correct, costs, threshold)
    assert curve.accuracy[k] == pytest.approx(point.accuracy, abs=1e-12)
    np.testing.assert_allclose(curve.exit_share[k], point.exit_share, atol=1e-12)


@given(cascades())
def test_sweep_runs_from_first_state_to_last(case):
    scores, correct, costs = case
    curve = sweep(scores, correct, costs)
    accuracies = correct.mean(axis=0)
    assert curve.accuracy[0] == pytest.approx(accuracies[0])
    assert curve.accuracy[-1] == pytest.approx(accuracies[-1])
    assert curve.exit_share[0, 0] == pytest.approx(1.0)
    assert curve.last_state_share[-1] == pytest.approx(1.0)
    assert np.all(np.diff(curve.thresholds) > 0)
    for monotone in (curve.selection_cost, curve.sequential_cost, curve.last_state_share):
        assert np.all(np.diff(monotone) >= -1e-9)
    assert np.all(curve.sequential_cost >= curve.selection_cost - 1e-9)


# ---------------------------------------------------------------- oracle frontier


def test_oracle_frontier_by_hand():
    correct = [[1, 1, 1], [0, 0, 1], [0, 1, 1], [0, 0, 0]]
    frontier = oracle_frontier(correct, [1.0, 2.0, 5.0])
    # Fixes cost 1 extra (instance 2, at state 1) then 4 (instance 1, at state 2).
    assert frontier.accuracy.tolist() == [0.25, 0.5, 0.75]
    assert frontier.cost.tolist() == [1.0, 1.25, 2.25]


@given(correctness())
def test_oracle_frontier_ends_at_definition_2_1(case):
    correct, costs = case
    frontier = oracle_frontier(correct, costs)
    # Definition 2.1, one instance at a time: cheapest correct state, else the smallest.
    paid = [costs[row.argmax()] if row.any() else costs[0] for row in correct]
    assert frontier.cost[-1] == pytest.approx(np.mean(paid), rel=1e-9, abs=1e-9)
    assert frontier.accuracy[-1] == pytest.approx(correct.any(axis=1).mean())
    oracle = bounds.oracle(correct, costs)
    assert frontier.cost[-1] == pytest.approx(oracle.selection_cost)
    assert frontier.accuracy[-1] == pytest.approx(oracle.accuracy)
    assert frontier.cost[0] == costs[0]
    assert np.all(np.diff(frontier.cost) >= 0)


@given(cascades())
def test_no_router_beats_the_oracle_frontier(case):
    scores, correct, costs = case
    curve = sweep(scores, correct, costs)
    frontier = oracle_frontier(correct, costs)
    for accuracy, cost in zip(curve.accuracy, curve.selection_cost):
        least = cost_at_accuracy(frontier.cost, frontier.accuracy, target_accuracy=accuracy)
        assert cost >= least - 1e-9


# ---------------------------------------------------------------- calibration


@pytest.fixture
def validation():
    rng = np.random.default_rng(0)
    n = 400
    difficulty = rng.random(n)
    correct = np.column_stack([difficulty < p for p in (0.55, 0.75, 0.9)])
    scores = np.clip(1 - difficulty[:, None] + 0.2 * rng.standard_normal((n, 3)), 0, 1)
    return scores, correct, np.array([1.0, 3.0, 10.0])


@pytest.mark.parametrize("target", [0.6, 0.7, 0.8, 0.85])
def test_calibrate_reaches_target_accuracy_as_cheaply_as_possible(validation, target):
    scores, correct, costs = validation
    threshold = calibrate(scores, correct, costs, target_accuracy=target)
    point = operating_point(scores, correct, costs, threshold)
    assert point.accuracy >= target
    curve = sweep(scores, correct, costs)
    cheaper = curve.sequential_cost < point.sequential_cost
    assert np.all(curve.accuracy[cheaper] < target)


@pytest.mark.parametrize("cost_kind", ["sequential", "selection"])
@pytest.mark.parametrize("budget", [1.0, 2.0, 5.0, 14.0])
def test_calibrate_is_most_accurate_within_budget(validation, budget, cost_kind):
    scores, correct, costs = validation
    threshold = calibrate(scores, correct, costs, budget=budget, cost_kind=cost_kind)
    point = operating_point(scores, correct, costs, threshold)
    assert point.cost_of(cost_kind) <= budget
    curve = sweep(scores, correct, costs)
    assert point.accuracy == curve.accuracy[curve.cost_of(cost_kind) <= budget].max()


@pytest.mark.parametrize("share", [0.0, 0.1, 0.25, 0.5, 1.0])
def test_calibrate_to_a_share_of_last_state_calls(validation, share):
    scores, correct, costs = validation
    threshold = calibrate(scores, correct, costs, largest_share=share)
    point = operating_point(scores, correct, costs, threshold)
    assert point.exit_share[-1] <= share
    assert point.exit_share[-1] > share - 0.02  # one step of a few instances


def test_calibrated_threshold_reports_on_test(validation):
    scores, correct, costs = validation
    threshold = calibrate(scores[:200], correct[:200], costs, target_accuracy=0.8)
    point = operating_point(scores[200:], correct[200:], costs, threshold)
    assert 0.7 < point.accuracy <= 1.0


def test_calibrate_unreachable_targets(validation):
    scores, correct, costs = validation
    with pytest.raises(UnreachableTargetError, match="target_accuracy"):
        calibrate(scores, correct, costs, target_accuracy=0.99)
    with pytest.raises(UnreachableTargetError, match="budget"):
        calibrate(scores, correct, costs, budget=0.5)
    with pytest.raises(UnreachableTargetError, match="largest_share"):  # one state: all reach it
        calibrate(scores[:, :1], correct[:, :1], costs[:1], largest_share=0.5)


def test_bad_targets_are_not_mistaken_for_unreachable_ones():
    for target in (85, "abc", np.nan, -0.5):
        with pytest.raises(ValueError) as error:
            calibrate(SCORES, CORRECT, COSTS, target_accuracy=target)
        assert not isinstance(error.value, UnreachableTargetError)
        assert "target_accuracy" in str(error.value)


def test_largest_share_never_exceeds_the_share_asked_for_even_on_ties():
    # Four instances tie at 0.5: RouteLLM's quantile rule would send all four
    # up for a share of 0.25; here the share stays at or below it.
    scores = [[0.5, 0.0]] * 4 + [[0.9, 0.0]] * 4
    correct = [[True, True]] * 8
    threshold = calibrate(scores, correct, [1.0, 10.0], largest_share=0.25)
    assert operating_point(scores, correct, [1.0, 10.0], threshold).exit_share[-1] == 0.0


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({}, "none"),
        ({"target_accuracy": 0.8, "budget": 2.0}, "target_accuracy, budget"),
        ({"target_accuracy": 80}, "percentage"),
        ({"largest_share": 1.5}, "largest_share"),
        ({"budget": 2.0, "cost_kind": "flops"}, "cost_kind"),
    ],
)
def test_calibrate_rejects_bad_targets(kwargs, name):
    with pytest.raises(ValueError, match=name):
        calibrate(SCORES, CORRECT, COSTS, **kwargs)


@pytest.mark.parametrize(
    "scores, correct, costs, name",
    [
        (SCORES[0], CORRECT, COSTS, "scores"),
        (np.where(SCORES > 0.5, np.nan, SCORES), CORRECT, COSTS, "scores"),
        (SCORES, CORRECT[:, :2], COSTS, "correct"),
        (SCORES, CORRECT * 2, COSTS, "correct"),
        (SCORES, CORRECT, COSTS[::-1], "costs"),
        (SCORES, CORRECT, COSTS[:2], "costs"),
        (SCORES, CORRECT, -COSTS, "costs"),
    ],
)
def test_sweep_rejects_bad_input(scores, correct, costs, name):
    with pytest.raises(ValueError, match=name):
        sweep(scores, correct, costs)
    with pytest.raises(ValueError, match=name):
        operating_point(scores, correct, costs, 0.5)


def test_route_rejects_nan_threshold():
    with pytest.raises(ValueError, match="threshold"):
        route(SCORES, np.nan)


def test_oracle_frontier_rejects_mismatched_costs():
    with pytest.raises(ValueError, match="costs"):
        oracle_frontier(CORRECT, COSTS[:2])


# ---------------------------------------------------------------- shared computation


@given(cascades(), st.floats(-0.5, 1.5))
def test_shared_computation_prices_the_exit_state_only(case, threshold):
    scores, correct, costs = case
    shared = costs + 0.5  # e.g. an early-exit network: stopping at i pays up to i once
    point = operating_point(scores, correct, costs, threshold, sequential_costs=shared)
    exit_state = route(scores, threshold)
    assert point.sequential_cost == pytest.approx(shared[exit_state].mean())
    curve = sweep(scores, correct, costs, sequential_costs=shared)
    row = np.searchsorted(curve.thresholds, threshold)
    assert curve.sequential_cost[row] == pytest.approx(point.sequential_cost)


def test_sequential_costs_default_to_the_running_sum():
    scores, correct, costs = [[0.9, 0.0], [0.3, 0.0]], [[1, 1], [0, 1]], [1.0, 10.0]
    explicit = operating_point(scores, correct, costs, 0.5, sequential_costs=[1.0, 11.0])
    assert explicit.sequential_cost == operating_point(scores, correct, costs, 0.5).sequential_cost


@pytest.mark.parametrize("bad, message", [
    ([0.5, 11.0], "sequential_costs must be at least costs"),
    ([1.0], "costs has 1 entries but there are 2 states"),
    ([2.0, 1.0], "must be sorted"),
])
def test_bad_sequential_costs(bad, message):
    with pytest.raises(ValueError, match=message):
        sweep([[0.9, 0.0]], [[1, 1]], [1.0, 10.0], sequential_costs=bad)


@pytest.mark.parametrize("budget", [np.nan, "cheap", -1.0])
def test_calibrate_names_a_bad_budget(budget):
    with pytest.raises(ValueError, match="budget must"):
        calibrate([[0.9, 0.0]], [[1, 1]], [1.0, 10.0], budget=budget)


def test_bad_sequential_costs_are_named():
    with pytest.raises(ValueError, match="sequential_costs must be sorted"):
        sweep([[0.9, 0.0]], [[1, 1]], [1.0, 10.0], sequential_costs=[12.0, 11.0])


@pytest.mark.parametrize("index", [6, -7, 1.0, True])
def test_curve_point_names_a_bad_index(index):
    curve = sweep(SCORES, CORRECT, COSTS)  # 6 points
    with pytest.raises(ValueError, match="index must be an integer between -6 and 5"):
        curve.point(index)
    assert curve.point(-1).threshold == np.inf

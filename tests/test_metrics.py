"""Curve metrics on hand-made curves whose answers are known."""
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from adaptlab.cascade import oracle_frontier, sweep
from adaptlab.metrics import (
    average_improvement_in_quality,
    average_performance_gap_recovered,
    call_performance_threshold,
    cost_at_accuracy,
    delta_a_best,
    delta_r_at,
    nondecreasing_convex_hull,
    performance_gap_recovered,
    r_ratio_at,
)
from adaptlab.routers import random_scores

from strategies import cascades

ACCURACY = np.array([0.5, 0.7, 0.9])
COST = np.array([1.0, 2.0, 5.0])
LINEAR_SHARE = np.linspace(0, 1, 11)


# ---------------------------------------------------------------- the paper's gains


@pytest.mark.parametrize(
    "target, expected", [(0.0, 1.0), (0.5, 1.0), (0.6, 2.0), (0.7, 2.0), (0.9, 5.0)]
)
def test_cost_at_accuracy_takes_the_cheapest_point_reaching_it(target, expected):
    assert cost_at_accuracy(COST, ACCURACY, target_accuracy=target) == expected


def test_cost_at_accuracy_ignores_order_and_dominated_points():
    assert cost_at_accuracy([5.0, 2.0, 3.0], [0.9, 0.7, 0.6], target_accuracy=0.65) == 2.0


def test_cost_at_an_unreachable_accuracy_is_nan():
    assert np.isnan(cost_at_accuracy(COST, ACCURACY, target_accuracy=0.95))
    assert np.isnan(r_ratio_at(COST, ACCURACY, target_accuracy=0.95, largest_cost=10.0))
    assert np.isnan(delta_r_at(COST, ACCURACY, target_accuracy=0.95, largest_cost=10.0))


def test_paper_gains_by_hand():
    # R_N = 10 and A_N = 0.7: the curve reaches 0.7 for 2, five times cheaper.
    assert r_ratio_at(COST, ACCURACY, target_accuracy=0.7, largest_cost=10.0) == 5.0
    assert delta_r_at(COST, ACCURACY, target_accuracy=0.7, largest_cost=10.0) == 8.0
    assert delta_a_best(ACCURACY, largest_accuracy=0.7) == pytest.approx(0.2)


def test_oracle_frontier_gains_match_the_exact_oracle():
    correct = [[1, 1], [0, 1], [0, 0], [1, 0]]  # A_N = 0.5, R_N = 10
    frontier = oracle_frontier(correct, [1.0, 10.0])
    assert r_ratio_at(frontier.cost, frontier.accuracy, target_accuracy=0.5,
                      largest_cost=10.0) == 10.0
    assert delta_a_best(frontier.accuracy, largest_accuracy=0.5) == 0.25


# ---------------------------------------------------------------- RouteLLM

GAP = dict(weak_accuracy=0.6, strong_accuracy=0.8)
LINEAR_ACCURACY = 0.6 + 0.2 * LINEAR_SHARE  # a router whose PGR equals its share


def test_pgr_by_hand():
    np.testing.assert_allclose(
        performance_gap_recovered([0.5, 0.6, 0.9], weak_accuracy=0.5, strong_accuracy=0.9),
        [0, 0.25, 1])
    # A router can beat the strong model.
    assert performance_gap_recovered(
        0.95, weak_accuracy=0.5, strong_accuracy=0.9) == pytest.approx(1.125)


def test_linear_pgr_curve():
    assert average_performance_gap_recovered(
        LINEAR_SHARE, LINEAR_ACCURACY, **GAP) == pytest.approx(0.5)
    for target in (0.5, 0.8):
        assert call_performance_threshold(
            LINEAR_SHARE, LINEAR_ACCURACY, **GAP, target_pgr=target) == pytest.approx(target)


def test_cpt_counts_a_point_that_meets_the_target_exactly():
    # PGR of 0.7 between 0.6 and 0.8 rounds to 0.4999...: compared as a ratio,
    # the point at share 0.5 was skipped and CPT(50%) came out 1.0.
    assert performance_gap_recovered(0.7, **GAP) < 0.5
    assert call_performance_threshold([0, 0.5, 1], [0.6, 0.7, 0.8], **GAP, target_pgr=0.5) == 0.5


@given(st.integers(2, 60), st.data())
def test_cpt_agrees_with_exact_rational_arithmetic(n, data):
    # Accuracies k / n, as measured on n instances; the target in fractions.
    counts = sorted(data.draw(st.lists(st.integers(0, n), min_size=3, max_size=8)))
    assume(counts[0] < counts[-1])
    shares = np.linspace(0, 1, len(counts))
    x = Fraction(data.draw(st.integers(0, 20)), 20)
    target = Fraction(counts[0], n) + x * Fraction(counts[-1] - counts[0], n)
    expected = min(s for s, k in zip(shares, counts) if Fraction(k, n) >= target)
    accuracy = np.array(counts) / n
    cpt = call_performance_threshold(shares, accuracy, weak_accuracy=accuracy[0],
                                     strong_accuracy=accuracy[-1], target_pgr=float(x))
    assert cpt == expected


def test_cpt_takes_the_next_operating_point_without_interpolating():
    assert call_performance_threshold(
        LINEAR_SHARE, LINEAR_ACCURACY, **GAP, target_pgr=0.45) == pytest.approx(0.5)
    assert call_performance_threshold(
        [0.0, 0.2, 1.0], [0.6, 0.78, 0.8], **GAP, target_pgr=0.5) == 0.2


def test_cpt_on_tied_scores_is_a_whole_step_from_routellms_interpolation():
    # A three-member tier's vote shares take three values, so the curve takes
    # steps of many instances, not of one.
    rng = np.random.default_rng(0)
    n = 300
    votes = rng.integers(1, 4, n) / 3
    correct = np.column_stack([rng.random(n) < votes, np.ones(n, bool)])
    curve = sweep(np.column_stack([votes, np.zeros(n)]), correct, [1.0, 10.0])
    gap = dict(weak_accuracy=curve.accuracy[0], strong_accuracy=curve.accuracy[-1])
    pgr = performance_gap_recovered(curve.accuracy, **gap)
    share = curve.last_state_share
    cpt = call_performance_threshold(share, curve.accuracy, **gap, target_pgr=0.5)
    assert cpt == share[np.argmax(pgr >= 0.5)]
    routellm = np.interp(0.5, pgr, share)  # as routellm/evals/evaluate.py
    assert cpt - routellm > 10 / n


def test_cpt_of_an_unreachable_pgr_is_nan():
    assert np.isnan(call_performance_threshold(
        [0.0, 0.5, 1.0], [0.6, 0.7, 0.76], **GAP, target_pgr=0.9))


def test_apgr_of_a_router_that_recovers_the_gap_early():
    # PGR 0, 0.9, 1 at shares 0, 0.2, 1. Trapezoids: 0.2 * 0.9 / 2 + 0.8 * 1.9 / 2.
    apgr = average_performance_gap_recovered([0, 0.2, 1], [0.6, 0.78, 0.8], **GAP)
    assert apgr == pytest.approx(0.85)


def test_apgr_keeps_tied_shares_in_the_order_given():
    # A vertical step at share 0.5 adds no area: 0.5 * 0.1 + 0.5 * 0.9.
    apgr = average_performance_gap_recovered([0, 0.5, 0.5, 1], [0.6, 0.64, 0.76, 0.8], **GAP)
    assert apgr == pytest.approx(0.5)


def test_random_router_scores_half_an_apgr():
    rng = np.random.default_rng(1)
    correct = rng.random((20_000, 2)) < [0.6, 0.8]
    curve = sweep(random_scores(20_000, 2, seed=2), correct, [1.0, 10.0])
    gap = dict(weak_accuracy=curve.accuracy[0], strong_accuracy=curve.accuracy[-1])
    share = curve.last_state_share
    assert average_performance_gap_recovered(
        share, curve.accuracy, **gap) == pytest.approx(0.5, abs=0.02)
    assert call_performance_threshold(
        share, curve.accuracy, **gap, target_pgr=0.5) == pytest.approx(0.5, abs=0.05)


# ---------------------------------------------------------------- RouterBench


def test_hull_drops_points_under_a_chord_and_stays_flat_after_the_best():
    cost, quality = nondecreasing_convex_hull([1, 2, 2.5, 3, 4], [0.5, 0.6, 0.55, 0.9, 0.8])
    assert cost.tolist() == [1.0, 3.0, 4.0]
    assert quality.tolist() == [0.5, 0.9, 0.9]


def test_hull_keeps_a_concave_curve_whole():
    cost, quality = nondecreasing_convex_hull([3, 1, 2], [0.9, 0.5, 0.8])  # any order
    assert cost.tolist() == [1.0, 2.0, 3.0]
    assert quality.tolist() == [0.5, 0.8, 0.9]


def test_hull_of_equally_cheap_points_starts_at_the_best():
    cost, quality = nondecreasing_convex_hull([1, 1, 2], [0.3, 0.6, 0.5])
    assert cost.tolist() == [1.0, 2.0]
    assert quality.tolist() == [0.6, 0.6]


def test_hull_drops_collinear_points():
    cost, quality = nondecreasing_convex_hull([0, 1, 2], [0.0, 0.5, 1.0])
    assert cost.tolist() == [0.0, 2.0]
    assert quality.tolist() == [0.0, 1.0]


def test_aiq_by_hand():
    points = dict(cost=[1, 2, 2.5, 3, 4], quality=[0.5, 0.6, 0.55, 0.9, 0.8])
    # Hull (1, 0.5) -> (3, 0.9) -> (4, 0.9): area 1.4 + 0.9 over a range of 3.
    assert average_improvement_in_quality(**points) == pytest.approx(2.3 / 3)
    # Flat on to a common max_cost of 5: area 1.4 + 1.8 over a range of 4.
    assert average_improvement_in_quality(**points, max_cost=5) == pytest.approx(0.8)


def test_aiq_of_a_flat_curve_is_its_quality():
    assert average_improvement_in_quality([1, 2, 3], [0.7, 0.7, 0.7]) == pytest.approx(0.7)


@given(cascades())
def test_oracle_frontier_has_the_largest_aiq(case):
    scores, correct, costs = case
    assume(costs[-1] > costs[0])
    curve = sweep(scores, correct, costs)
    frontier = oracle_frontier(correct, costs)
    max_cost = max(curve.selection_cost.max(), frontier.cost.max())
    assume(max_cost > costs[0])
    router = average_improvement_in_quality(curve.selection_cost, curve.accuracy, max_cost=max_cost)
    oracle = average_improvement_in_quality(frontier.cost, frontier.accuracy, max_cost=max_cost)
    assert oracle >= router - 1e-9


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: cost_at_accuracy(COST, ACCURACY, target_accuracy=90), "percentage"),
        (lambda: cost_at_accuracy(COST, ACCURACY * 100, target_accuracy=0.9), "percentage"),
        (lambda: cost_at_accuracy(COST[:2], ACCURACY, target_accuracy=0.9), "cost and accuracy"),
        (lambda: cost_at_accuracy([], [], target_accuracy=0.9), "cost"),
        (lambda: cost_at_accuracy([1.0, np.nan, 2.0], ACCURACY, target_accuracy=0.9), "cost"),
        (lambda: performance_gap_recovered(0.7, weak_accuracy=0.8, strong_accuracy=0.8),
         "no gap"),
        (lambda: performance_gap_recovered(70, **GAP), "percentage"),
        (lambda: call_performance_threshold(LINEAR_SHARE, LINEAR_ACCURACY, **GAP, target_pgr=50),
         "target_pgr"),
        (lambda: average_performance_gap_recovered([0.1, 1.0], [0.6, 0.8], **GAP),
         "strong_call_share"),
        (lambda: average_performance_gap_recovered([0, 50, 100], [0.6, 0.7, 0.8], **GAP),
         "percentage"),
        (lambda: average_improvement_in_quality([1, 1], [0.5, 0.6]), "cost"),
        (lambda: average_improvement_in_quality([1, 2], [0.5, 0.6], max_cost=1.5), "max_cost"),
        (lambda: average_improvement_in_quality([1, 2], [0.5, 0.6], max_cost="x"), "max_cost"),
        (lambda: average_improvement_in_quality([1, 2], [0.5, 0.6], max_cost=np.inf), "max_cost"),
        (lambda: r_ratio_at(COST, ACCURACY, target_accuracy=0.7, largest_cost=None),
         "largest_cost"),
        (lambda: r_ratio_at(COST, ACCURACY, target_accuracy=0.7, largest_cost="ten"),
         "largest_cost"),
        (lambda: r_ratio_at(COST, ACCURACY, target_accuracy=0.7, largest_cost=-1.0),
         "largest_cost"),
        (lambda: delta_r_at(COST, ACCURACY, target_accuracy=0.7, largest_cost=np.nan),
         "largest_cost"),
        (lambda: nondecreasing_convex_hull([[1, 2]], [[0.5, 0.6]]), "cost"),
    ],
)
def test_bad_input_is_named(call, name):
    with pytest.raises(ValueError, match=name):
        call()

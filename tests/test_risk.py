"""Risk-controlled thresholds: p-values against brute force, the guarantee measured on re-splits."""
import math
import re

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from adaptlab import cascade, routers
from adaptlab.risk import accuracy_p_value, calibrate_guarded, resplit_experiment

from strategies import cascades


def binomial_tail(n_correct, n, floor):
    """P(Binomial(n, floor) >= n_correct), summed term by term with exact integers."""
    return sum(math.comb(n, k) * floor**k * (1 - floor) ** (n - k) for k in range(n_correct, n + 1))


@given(n=st.integers(1, 60), data=st.data(), floor=st.floats(0, 1))
def test_binomial_p_value_is_the_tail_summed_by_hand(n, data, floor):
    n_correct = data.draw(st.integers(0, n))
    assert accuracy_p_value(n_correct, n, floor=floor) == pytest.approx(
        binomial_tail(n_correct, n, floor), abs=1e-12)


@given(n=st.integers(1, 500), data=st.data(), floor=st.floats(0, 1))
def test_hoeffding_is_never_below_the_exact_tail(n, data, floor):
    n_correct = data.draw(st.integers(0, n))
    exact = accuracy_p_value(n_correct, n, floor=floor)
    assert accuracy_p_value(n_correct, n, floor=floor, bound="hoeffding") >= exact - 1e-12


def test_p_values_come_as_an_array_for_an_array_of_counts():
    p = accuracy_p_value(np.arange(11), 10, floor=0.5)
    assert p.shape == (11,) and p[0] == 1.0 and np.all(np.diff(p) <= 0)


@pytest.fixture(scope="module")
def pool(family):
    """The simulated family's validation and test instances, pooled: scores, correct, costs."""
    proba = np.concatenate([family.proba_val, family.proba_test])
    y = np.concatenate([family.y_val, family.y_test])
    return routers.max_probability(proba), proba.argmax(axis=2) == y[:, None], family.costs


def test_guarded_threshold_moves_towards_cheaper_as_delta_and_epsilon_grow(pool):
    scores, correct, costs = pool
    val = slice(0, 800)
    target = 0.8

    def threshold(**kwargs):
        return calibrate_guarded(scores[val], correct[val], costs, target_accuracy=target,
                                 **kwargs)

    by_delta = [threshold(delta=delta) for delta in (0.01, 0.05, 0.1, 0.2, 0.4)]
    by_epsilon = [threshold(epsilon=epsilon) for epsilon in (0.0, 0.01, 0.02, 0.04, 0.08)]
    assert by_delta == sorted(by_delta, reverse=True) and by_delta[0] > by_delta[-1]
    assert by_epsilon == sorted(by_epsilon, reverse=True) and by_epsilon[0] > by_epsilon[-1]
    naive = cascade.calibrate(scores[val], correct[val], costs, target_accuracy=target)
    assert by_epsilon[-1] == naive  # a wide epsilon certifies the naive threshold: free


@given(cascades(), st.floats(0, 1), st.floats(0, 0.2), st.floats(0.01, 0.49),
       st.sampled_from(["binomial", "hoeffding"]))
def test_guarded_is_never_cheaper_than_naive_at_the_same_target(case, target, epsilon, delta,
                                                                bound):
    scores, correct, costs = case
    assume(epsilon <= target)
    try:
        guarded = calibrate_guarded(scores, correct, costs, target_accuracy=target,
                                    epsilon=epsilon, delta=delta, bound=bound)
    except cascade.UnreachableTargetError:
        return
    naive = cascade.calibrate(scores, correct, costs, target_accuracy=target)
    assert guarded >= naive
    at = lambda t: cascade.operating_point(scores, correct, costs, t)
    assert at(guarded).sequential_cost >= at(naive).sequential_cost
    assert at(guarded).accuracy >= target


def test_nothing_certified_is_unreachable_and_says_why(pool):
    scores, correct, costs = pool
    with pytest.raises(cascade.UnreachableTargetError, match="no threshold is certified"):
        calibrate_guarded(scores[:50], correct[:50], costs, target_accuracy=0.84, epsilon=0)


def test_guarded_violations_stay_within_delta_over_200_resplits(pool):
    scores, correct, costs = pool
    experiment = resplit_experiment(scores, correct, costs, n_val=500, n_splits=200,
                                    target_accuracy=0.8, epsilon=0.01, delta=0.1, seed=0)
    floor = experiment.floor
    assert experiment.n_test == 2500 and floor == pytest.approx(0.79)
    guarded = experiment.guarded.violation_rate(floor, on="pool")
    naive = experiment.naive.violation_rate(floor, on="pool")
    assert guarded <= experiment.delta < naive
    assert experiment.cost_ratio >= 1
    assert np.all(experiment.guarded.threshold >= experiment.naive.threshold)
    table = experiment.table
    assert table.loc["guarded", "violations (pool)"] == guarded


def test_resplit_test_figures_match_a_direct_measurement(pool):
    scores, correct, costs = pool
    experiment = resplit_experiment(scores, correct, costs, n_val=700, n_splits=1,
                                    target_accuracy=0.8, seed=3)
    val = np.random.default_rng(3).permutation(len(scores))[:700]
    test = np.setdiff1d(np.arange(len(scores)), val)
    for results in (experiment.naive, experiment.guarded):
        on_test = cascade.operating_point(scores[test], correct[test], costs, results.threshold[0])
        on_pool = cascade.operating_point(scores, correct, costs, results.threshold[0])
        assert results.accuracy[0] == pytest.approx(on_test.accuracy, abs=1e-12)
        assert results.cost[0] == pytest.approx(on_test.sequential_cost, rel=1e-12)
        assert results.pool_accuracy[0] == pytest.approx(on_pool.accuracy, abs=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    ({"target_accuracy": 85}, "looks like a percentage"),
    ({"target_accuracy": 0.8, "epsilon": 0.9}, "epsilon must not exceed target_accuracy"),
    ({"target_accuracy": 0.8, "epsilon": -0.1}, "epsilon must be in [0, 1]"),
    ({"target_accuracy": 0.8, "delta": 0}, "delta must be strictly between 0 and 1"),
    ({"target_accuracy": 0.8, "delta": 1.5}, "delta must be in [0, 1]"),
    ({"target_accuracy": 0.8, "bound": "chernoff"}, "bound must be one of ('binomial', 'hoeffding')"),
])
def test_calibrate_guarded_names_the_bad_argument(pool, kwargs, message):
    scores, correct, costs = pool
    with pytest.raises(ValueError, match=re.escape(message)):
        calibrate_guarded(scores[:100], correct[:100], costs, **kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"n_val": 0}, "n_val must be an integer between 1 and 2,999"),
    ({"n_val": 3000}, "n_val must be an integer between 1 and 2,999"),
    ({"n_val": 100, "n_splits": 0}, "n_splits must be an integer >= 1"),
    ({"n_val": 100, "seed": -1}, "seed must be an integer >= 0"),
    ({"n_val": 100, "cost_kind": "total"}, "cost_kind must be one of"),
])
def test_resplit_experiment_names_the_bad_argument(pool, kwargs, message):
    scores, correct, costs = pool
    with pytest.raises(ValueError, match=re.escape(message)):
        resplit_experiment(scores, correct, costs, **kwargs)


@pytest.mark.parametrize("args, kwargs, message", [
    ((11, 10), {"floor": 0.5}, "n_correct must hold whole numbers between 0 and n=10"),
    ((2.5, 10), {"floor": 0.5}, "n_correct must hold whole numbers"),
    ((5, 0), {"floor": 0.5}, "n must be an integer >= 1"),
    ((5, 10), {"floor": 1.2}, "floor must be in [0, 1]"),
])
def test_accuracy_p_value_names_the_bad_argument(args, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        accuracy_p_value(*args, **kwargs)


def test_a_one_instance_pool_cannot_be_split():
    with pytest.raises(ValueError, match="at least 2 instances"):
        resplit_experiment([[0.5, 0.1]], [[True, True]], [1.0, 2.0], n_val=1)

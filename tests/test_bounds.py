"""The paper's formulas (Eq 4-13) against brute-force per-instance computations."""
import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from adaptlab import bounds
from adaptlab.simulate import correlated_models
from adaptlab.statespace import StateSpace

from strategies import correctness, state_spaces

close = dict(rel=1e-9, abs=1e-9)


def brute_force_oracle(correct, costs):
    """Definition 2.1, one instance at a time."""
    choices, paid, right, cascade = [], [], [], []
    for row in correct:
        correct_states = [i for i, ok in enumerate(row) if ok]
        choice = correct_states[0] if correct_states else 0
        choices.append(choice)
        paid.append(costs[choice])
        right.append(bool(row[choice]))
        cascade.append(sum(costs[: choice + 1]))
    return np.array(choices), np.mean(paid), np.mean(right), np.mean(cascade)


@given(correctness())
def test_oracle_matches_per_instance_definition(case):
    correct, costs = case
    choice, cost, accuracy, cascade_cost = brute_force_oracle(correct, costs)
    result = bounds.oracle(correct, costs)
    np.testing.assert_array_equal(result.choice, choice)
    assert result.selection_cost == pytest.approx(cost, **close)
    assert result.accuracy == pytest.approx(accuracy, **close)
    assert result.sequential_cost == pytest.approx(cascade_cost, **close)
    np.testing.assert_allclose(result.exit_share, np.bincount(choice, minlength=len(costs)) / len(choice))
    assert result.largest_accuracy == pytest.approx(correct[:, -1].mean())


@given(correctness())
def test_oracle_takes_zero_one_integers(case):
    correct, costs = case
    as_ints, as_bools = bounds.oracle(correct.astype(int), costs), bounds.oracle(correct, costs)
    np.testing.assert_array_equal(as_ints.choice, as_bools.choice)
    assert as_ints.selection_cost == as_bools.selection_cost


@given(correctness())
def test_alphas_are_conditional_probabilities(case):
    correct, _ = case
    measured = bounds.alphas(correct)
    assert np.isnan(measured[0])
    for i in range(1, correct.shape[1]):
        wrong_here = [row for row in correct if not row[i]]
        if not wrong_here:
            assert np.isnan(measured[i])
            continue
        all_before_wrong = [row for row in wrong_here if not any(row[:i])]
        assert measured[i] == pytest.approx(len(all_before_wrong) / len(wrong_here), **close)


@given(correctness(monotone=True))
def test_general_with_measured_alphas_equals_exact_oracle(case):
    correct, costs = case
    accuracies = correct.mean(axis=0)
    exact = bounds.oracle(correct, costs)
    formula = bounds.general(costs, accuracies, bounds.alphas(correct))
    assert formula.selection_cost == pytest.approx(exact.selection_cost, **close)
    assert formula.sequential_cost == pytest.approx(exact.sequential_cost, **close)
    assert formula.accuracy == pytest.approx(exact.accuracy, **close)
    np.testing.assert_allclose(formula.exit_share, exact.exit_share, atol=1e-12)


def appendix_eq7(costs, accuracies, alphas):
    """Eq 7 as the appendix's proof writes it: alpha_i (1 - A_i) inside the sum."""
    error = 1 - accuracies
    total = costs[0] + (costs[1] - costs[0]) * error[0]
    for i in range(2, len(costs)):
        total += (costs[i] - costs[i - 1]) * alphas[i] * error[i]
    return total - alphas[-1] * (costs[-1] - costs[0]) * error[-1]


def test_appendix_slip_in_eq7_disagrees_with_the_oracle():
    # Three states whose alphas differ: the appendix's index shift matters.
    correct = np.array(
        [[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1], [1, 0, 1], [0, 1, 1], [1, 1, 1], [0, 0, 1]],
        dtype=bool,
    )
    costs = np.array([1.0, 4.0, 10.0])
    accuracies, alphas = correct.mean(axis=0), bounds.alphas(correct)
    exact = bounds.oracle(correct, costs).selection_cost
    assert bounds.general(costs, accuracies, alphas).selection_cost == pytest.approx(exact)
    assert appendix_eq7(costs, accuracies, alphas) != pytest.approx(exact)


@given(correctness(monotone=True))
def test_sequential_cost_prices_the_same_choices_with_running_sums(case):
    correct, costs = case
    result = bounds.oracle(correct, costs)
    as_selection = bounds.oracle(correct, bounds.sequential_costs(costs))
    assert as_selection.selection_cost == pytest.approx(result.sequential_cost, **close)
    np.testing.assert_array_equal(as_selection.choice, result.choice)
    assert result.sequential_cost >= result.selection_cost - 1e-9


def test_shared_computation_prices_the_oracle_once():
    correct = [[0, 1, 1], [1, 1, 1], [0, 0, 1]]
    result = bounds.oracle(correct, [1.0, 3.0, 6.0], sequential_costs=[1.0, 3.0, 6.0])
    assert result.sequential_cost == result.selection_cost == pytest.approx((3 + 1 + 6) / 3)
    with pytest.raises(ValueError, match="sequential_costs must be at least costs"):
        bounds.oracle(correct, [1.0, 3.0, 6.0], sequential_costs=[1.0, 2.0, 6.0])


@given(state_spaces(min_states=2), st.floats(0, 1))
def test_closed_forms_are_sums_over_exit_shares(space, alpha):
    costs, accuracies = space
    for point in (bounds.conservative(costs, accuracies),
                  bounds.constant_alpha(costs, accuracies, alpha)):
        assert point.exit_share.sum() == pytest.approx(1.0, **close)
        assert np.all(point.exit_share >= -1e-12)
        assert point.selection_cost == pytest.approx(point.exit_share @ costs, **close)
        assert point.sequential_cost == pytest.approx(
            point.exit_share @ np.cumsum(costs), **close)
        assert point.cost_of("sequential") == point.sequential_cost
        assert point.cost_of("selection") == point.selection_cost


@given(state_spaces())
def test_conservative_equals_constant_alpha_one_and_eq12(space):
    costs, accuracies = space
    eq9 = bounds.conservative(costs, accuracies)
    eq8 = bounds.constant_alpha(costs, accuracies, 1.0)
    eq12 = bounds.granularity(costs, accuracies)
    assert eq9.selection_cost == pytest.approx(eq8.selection_cost, **close)
    assert eq9.selection_cost == pytest.approx(eq12.selection_cost, **close)
    assert eq9.accuracy == accuracies[-1]
    assert eq8.accuracy == pytest.approx(accuracies[-1], **close)
    assert np.all(eq12.savings >= 0)
    assert eq12.dynamic_range_cost == pytest.approx(
        bounds.two_state(costs, accuracies).selection_cost)


@given(state_spaces(), st.floats(0, 1))
def test_constant_alpha_is_general_with_equal_alphas_and_a_line(space, alpha):
    costs, accuracies = space
    point = bounds.constant_alpha(costs, accuracies, alpha)
    same = bounds.general(costs, accuracies, np.full(costs.size, alpha))
    assert point.selection_cost == pytest.approx(same.selection_cost, **close)
    assert point.accuracy == pytest.approx(same.accuracy, **close)
    optimistic = bounds.constant_alpha(costs, accuracies, 0.0)
    conservative = bounds.constant_alpha(costs, accuracies, 1.0)
    line = optimistic.selection_cost + alpha * (conservative.selection_cost - optimistic.selection_cost)
    assert point.selection_cost == pytest.approx(line, rel=1e-9, abs=1e-6)
    assert optimistic.accuracy == pytest.approx(1.0 if costs.size > 1 else accuracies[0], **close)


@given(state_spaces(min_states=2))
def test_two_state_is_conservative_on_the_end_states(space):
    costs, accuracies = space
    ends = [0, -1]
    two = bounds.two_state(costs, accuracies)
    ends_only = bounds.conservative(costs[ends], accuracies[ends])
    assert two.selection_cost == pytest.approx(ends_only.selection_cost, **close)
    # An escalation runs the smallest state, then the largest: R_1 + R_N.
    assert two.sequential_cost == pytest.approx(
        costs[0] + two.exit_share[1] * costs[-1], **close)


@pytest.mark.parametrize("n_states", [2, 4, 6])
@pytest.mark.parametrize("seed", range(3))
def test_nested_errors_make_the_conservative_bound_exact(n_states, seed):
    accuracies = np.sort(np.random.default_rng(seed).uniform(0.3, 0.95, n_states))
    sim = correlated_models(accuracies, n_instances=2000, correlation=1.0, seed=seed)
    costs = np.geomspace(1, 100, n_states)
    measured = sim.correct.mean(axis=0)
    assert np.allclose(bounds.alphas(sim.correct)[1:], 1.0)
    exact = bounds.oracle(sim.correct, costs)
    bound = bounds.conservative(costs, measured)
    assert bound.selection_cost == pytest.approx(exact.selection_cost, **close)
    assert bound.sequential_cost == pytest.approx(exact.sequential_cost, **close)


def random_guess_space(costs, accuracies, n_classes):
    """The appendix's S': the smallest state replaced by a free random guess."""
    return np.r_[0.0, costs[1:]], np.r_[1.0 / n_classes, accuracies[1:]]


@settings(max_examples=300)
@given(state_spaces(min_states=2, min_accuracy=0.5), st.integers(2, 20))
def test_smallest_state_limit_is_where_a_random_guess_stops_being_better(space, n_classes):
    costs, accuracies = space
    limit = bounds.smallest_state_limit(costs, accuracies, n_classes)
    assume(costs[0] > 0 and accuracies[0] > 1.0 / n_classes)  # the guess stays on the frontier
    with_state = bounds.conservative(costs, accuracies).selection_cost
    with_guess = bounds.conservative(*random_guess_space(costs, accuracies, n_classes)).selection_cost
    assume(abs(costs[0] - limit) > 1e-6)  # strictly on one side
    assert (with_state < with_guess) == (costs[0] < limit)


def test_smallest_state_limit_uses_r2_not_rn():
    # Main text prints R_N: it would call state 0 worthwhile here, yet a free
    # random guess in its place gives a cheaper oracle.
    costs, accuracies, n_classes = np.array([4.0, 5.0, 100.0]), np.array([0.6, 0.8, 0.9]), 10
    printed = (accuracies[0] - 1 / n_classes) / (1 - accuracies[-1] + accuracies[0]) * costs[-1]
    derived = bounds.smallest_state_limit(costs, accuracies, n_classes)
    assert derived == pytest.approx(0.5 / 0.7 * 5)
    assert derived < costs[0] < printed
    with_guess = bounds.conservative(*random_guess_space(costs, accuracies, n_classes))
    assert bounds.conservative(costs, accuracies).selection_cost > with_guess.selection_cost


def refine(costs, accuracies, pieces):
    """Each segment of the piecewise-linear curve cut into ``pieces`` equal steps."""
    t = np.linspace(0, 1, pieces + 1)[:-1]
    fine_costs = np.concatenate([c0 + t * (c1 - c0) for c0, c1 in zip(costs, costs[1:])])
    fine_accuracies = np.concatenate(
        [a0 + t * (a1 - a0) for a0, a1 in zip(accuracies, accuracies[1:])]
    )
    return np.r_[fine_costs, costs[-1]], np.r_[fine_accuracies, accuracies[-1]]


@given(state_spaces(min_states=2))
def test_continuous_is_the_limit_of_eq12_on_finer_interpolations(space):
    costs, accuracies = space
    limit = bounds.continuous(costs, accuracies).selection_cost
    # On a linear segment cut into m pieces, Eq 12 exceeds Eq 13 by
    # sum(dA * dR) / (2 m): the gap shrinks as 1 / m.
    excess = np.diff(accuracies) @ np.diff(costs) / 2
    previous = np.inf
    for pieces in (1, 2, 8, 64):
        fine = bounds.granularity(*refine(costs, accuracies, pieces)).selection_cost
        assert fine - limit == pytest.approx(excess / pieces, rel=1e-6, abs=1e-7)
        assert fine <= previous + 1e-9
        previous = fine


def test_continuous_worked_example():
    # A(R) rises linearly from 0.5 at R = 0 to 1 at R = 10: area 7.5.
    point = bounds.continuous([0.0, 10.0], [0.5, 1.0])
    assert point.selection_cost == pytest.approx(0 + 1.0 * 10 - 7.5)
    assert np.isnan(point.sequential_cost) and point.exit_share is None


@given(state_spaces(min_states=2))
def test_ratio_helpers(space):
    costs, accuracies = space
    assume(costs[0] > 0)
    point = bounds.conservative(costs, accuracies)
    assert point.r_ratio == pytest.approx(costs[-1] / point.selection_cost)
    assert point.delta_r == pytest.approx(costs[-1] - point.selection_cost)
    assert point.delta_a == 0.0
    assert point.r_ratio >= 1 - 1e-9  # the oracle never costs more than R_N


def test_state_space_methods_are_the_array_formulas():
    space = StateSpace(["a", "b", "c"], [1.0, 5.0, 20.0], [0.5, 0.7, 0.8])
    arrays = (space.costs, space.accuracies)
    same = lambda p, q: (p.selection_cost, p.sequential_cost, p.accuracy) == (
        q.selection_cost, q.sequential_cost, q.accuracy)
    assert same(space.conservative(), bounds.conservative(*arrays))
    assert same(space.constant_alpha(0.3), bounds.constant_alpha(*arrays, 0.3))
    assert same(space.general([np.nan, 0.4, 0.2]), bounds.general(*arrays, [np.nan, 0.4, 0.2]))
    assert same(space.two_state(), bounds.two_state(*arrays))
    assert space.continuous().selection_cost == bounds.continuous(*arrays).selection_cost
    assert space.granularity().selection_cost == bounds.granularity(*arrays).selection_cost
    assert space.smallest_state_limit(10) == bounds.smallest_state_limit(*arrays, 10)


def test_a_state_space_is_not_an_array_of_costs():
    space = StateSpace(["a", "b"], [1.0, 5.0], [0.5, 0.7])
    with pytest.raises(ValueError, match="costs must be an array of numbers"):
        bounds.constant_alpha(space, 0.5, 0.5)


def test_single_state_space_is_its_own_oracle():
    point = bounds.conservative([3.0], [0.7])
    assert (point.selection_cost, point.sequential_cost, point.accuracy) == (3.0, 3.0, 0.7)
    assert bounds.general([3.0], [0.7], [np.nan]).selection_cost == 3.0
    assert bounds.constant_alpha([3.0], [0.7], 0.0).selection_cost == 3.0
    assert bounds.continuous([3.0], [0.7]).selection_cost == 3.0


# ---- bad input: each a ValueError that names the argument -------------------------------

BAD_STATE_SPACES = [
    (([1.0, 2.0], [0.5]), "accuracies has 1 entries"),
    (([], []), "costs is empty"),
    (([1.0, np.nan], [0.5, 0.6]), "costs must be finite"),
    (([1.0, np.inf], [0.5, 0.6]), "costs must be finite"),
    (([1.0, 2.0], [0.5, np.nan]), "accuracies must be finite"),
    (([-1.0, 2.0], [0.5, 0.6]), "costs must be non-negative"),
    (([2.0, 1.0], [0.5, 0.6]), "costs must be sorted"),
    (([1.0, 2.0], [50.0, 60.0]), "looks like a percentage"),
    (([1.0, 2.0], [-0.1, 0.6]), "accuracies must be fractions"),
    (([1.0, 2.0, 3.0], [0.5, 0.7, 0.6]), "dominated states: state 2"),
    (([1.0, 10.0, 100.0], [0.5, 0.9, 0.9]), "dominated states: state 2"),  # a tie costs more
    (([1.0, 1.0, 3.0], [0.5, 0.6, 0.9]), "dominated states: state 0"),  # as cheap, less accurate
    (([[1.0, 2.0]], [0.5, 0.6]), "costs must be one-dimensional"),
    ((["a", "b"], [0.5, 0.6]), "costs must be an array of numbers"),
]


@pytest.mark.parametrize("function", [
    bounds.conservative, bounds.two_state, bounds.granularity, bounds.continuous,
])
@pytest.mark.parametrize("arguments, message", BAD_STATE_SPACES)
def test_bad_state_spaces_are_named(function, arguments, message):
    with pytest.raises(ValueError, match=message):
        function(*arguments)


def test_dominated_states_are_named_by_their_names():
    space = StateSpace(["tiny", "small", "large"], [1.0, 2.0, 3.0], [0.6, 0.5, 0.9])
    with pytest.raises(ValueError, match="dominated states: small"):
        space.conservative()


def test_a_tied_largest_state_would_inflate_r_ratio_and_is_refused():
    # [1, 10, 100] with [.5, .9, .9]: the 100-cost state adds nothing; measured
    # against it the bound would claim 21.7x. Against the real frontier: 2.2x.
    with pytest.raises(ValueError, match="dominated states: state 2"):
        bounds.conservative([1.0, 10.0, 100.0], [0.5, 0.9, 0.9])
    assert bounds.conservative([1.0, 10.0], [0.5, 0.9]).r_ratio == pytest.approx(10 / 4.6)


@pytest.mark.parametrize("alpha", [-0.1, 1.5, np.nan, "high", None])
def test_alpha_outside_unit_interval(alpha):
    with pytest.raises(ValueError, match="alpha"):
        bounds.constant_alpha([1.0, 2.0], [0.5, 0.6], alpha)


@pytest.mark.parametrize("alphas, message", [
    ([np.nan, 1.2], "alphas must be probabilities"),
    ([np.nan, np.nan], "alphas must be finite"),
    ([np.nan], "alphas must have one entry per state"),
    ([np.nan, 0.9, 0.1, 1.0], "alphas are inconsistent"),
])
def test_bad_alphas(alphas, message):
    n = len(alphas) if len(alphas) > 2 else 2
    costs, accuracies = np.arange(1.0, n + 1), np.linspace(0.5, 0.6, n)
    with pytest.raises(ValueError, match=message):
        bounds.general(costs, accuracies, alphas)


def test_never_wrong_states_may_have_nan_alpha():
    point = bounds.general([1.0, 2.0], [0.5, 1.0], [np.nan, np.nan])
    assert point.accuracy == 1.0


@pytest.mark.parametrize("correct, message", [
    ([[0, 2], [1, 0]], "correct must be binary"),
    ([0, 1, 1], "correct must be a 2-D matrix"),
    (np.zeros((0, 2)), "correct is empty"),
    ([["yes", "no"]], "correct must hold booleans"),
])
def test_bad_correctness_matrix(correct, message):
    with pytest.raises(ValueError, match=message):
        bounds.oracle(correct, [1.0, 2.0])
    with pytest.raises(ValueError, match=message):
        bounds.alphas(correct)


def test_costs_must_match_the_matrix():
    with pytest.raises(ValueError, match="costs has 3 entries but there are 2 states"):
        bounds.oracle([[1, 0]], [1.0, 2.0, 3.0])


@pytest.mark.parametrize("n_classes", [1, 0, 2.5, None, True, 10**400])
def test_bad_n_classes(n_classes):
    with pytest.raises(ValueError, match="n_classes"):
        bounds.smallest_state_limit([1.0, 2.0], [0.5, 0.6], n_classes)


def test_smallest_state_limit_needs_two_states():
    with pytest.raises(ValueError, match="at least 2 states"):
        bounds.smallest_state_limit([1.0], [0.5], 10)


def test_required_arguments_are_required():
    with pytest.raises(TypeError):
        bounds.conservative([1.0, 2.0])
    with pytest.raises(TypeError):
        bounds.constant_alpha([1.0, 2.0], [0.5, 0.6])


def test_ratio_of_a_free_oracle_is_refused():
    with pytest.raises(ValueError, match="cost must be positive"):
        bounds.r_ratio(10.0, 0.0)


@pytest.mark.parametrize("seed", range(3))
def test_conservative_bound_on_every_subset_is_the_nested_oracle_on_it(seed):
    # With nested errors (alpha = 1) Eq 9 is exact on every subset that keeps
    # the largest state: checked against Definition 2.1, instance by instance.
    costs = np.array([0.4, 0.7, 1.1, 1.8, 4.4])
    sim = correlated_models([0.777, 0.786, 0.806, 0.820, 0.834], n_instances=1000,
                            correlation=1.0, seed=seed)
    accuracies = sim.correct.mean(axis=0)
    for k in range(1, 6):
        for subset in itertools.combinations(range(4), k - 1):
            states = list(subset) + [4]
            eq9 = bounds.conservative(costs[states], accuracies[states])
            _, cost, accuracy, cascade = brute_force_oracle(sim.correct[:, states], costs[states])
            assert eq9.selection_cost == pytest.approx(cost, **close)
            assert eq9.sequential_cost == pytest.approx(cascade, **close)
            assert eq9.accuracy == pytest.approx(accuracy, **close)


@pytest.mark.parametrize("call, name", [
    (lambda: bounds.r_ratio(10, "a"), "cost"),
    (lambda: bounds.r_ratio(10, np.nan), "cost"),
    (lambda: bounds.r_ratio(None, 2), "largest_cost"),
    (lambda: bounds.delta_r(10, None), "cost"),
    (lambda: bounds.delta_a(1.5, 0.8), "accuracy"),
])
def test_ratio_helpers_name_bad_arguments(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_smallest_state_that_is_never_right_never_pays_off():
    with np.errstate(all="raise"):  # no divide-by-zero warning escapes
        assert bounds.smallest_state_limit([1.0, 10.0], [0.0, 1.0], n_classes=2) == -np.inf

"""What lecture 5's prose says about the tour's torch families holds on the same seed.

The lecture prints every number from code; these are its qualitative claims,
which would silently turn false if training changed.
"""
import numpy as np
import pytest

from adaptlab import bounds, cascade, metrics

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cnn(tour_torch_families):
    return tour_torch_families["torch CNNs"]


@pytest.fixture(scope="module")
def exits(tour_torch_families):
    return tour_torch_families["torch early exits"]


def test_the_cnns_alpha_falls_with_the_state(cnn):
    alphas = bounds.alphas(cnn.correct_test)[1:]
    assert np.all(np.diff(alphas) < 0), f"alpha per CNN: {alphas}"


def test_the_cnn_oracle_beats_the_largest_cnn_and_the_bound(cnn):
    oracle = bounds.oracle(cnn.correct_test, cnn.costs)
    assert oracle.accuracy > cnn.accuracies[-1]
    frontier = cascade.oracle_frontier(cnn.correct_test, cnn.costs)
    at_a_n = metrics.cost_at_accuracy(frontier.cost, frontier.accuracy,
                                      target_accuracy=cnn.accuracies[-1])
    assert at_a_n < cnn.state_space().pareto().conservative().selection_cost


def test_each_exit_is_less_accurate_than_a_cnn_of_its_cost(cnn, exits):
    assert exits.costs[0] > cnn.costs[0]  # exit 1 costs more than cnn-4-8
    assert exits.names[-1] == "exit-3" and cnn.names[2] == "cnn-16-32-64"
    assert exits.accuracies[-1] < cnn.accuracies[2]  # the same architecture, shared training
    for cost, accuracy in zip(exits.costs, exits.accuracies):
        no_dearer = cnn.costs <= cost * 1.01
        assert accuracy < cnn.accuracies[no_dearer].max()


def test_heads_are_negligible_next_to_blocks(cnn, exits):
    assert (exits.costs[-1] - cnn.costs[2]) / cnn.costs[2] < 0.01


def test_the_exits_errors_are_more_dependent(cnn, exits):
    cnn_alphas, exit_alphas = bounds.alphas(cnn.correct_test), bounds.alphas(exits.correct_test)
    assert exit_alphas[-1] > cnn_alphas[-1]
    assert np.nanmean(exit_alphas) > np.nanmean(cnn_alphas)


def test_the_cnn_oracle_as_a_cascade_beats_the_early_exit_oracle(cnn, exits):
    cnns = bounds.oracle(cnn.correct_test, cnn.costs)
    shared = bounds.oracle(exits.correct_test, exits.costs, sequential_costs=exits.sequential_costs)
    assert cnns.sequential_cost < shared.sequential_cost
    assert cnns.accuracy > shared.accuracy

"""The correlated-models simulator: exact accuracies, alpha moved by one knob."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adaptlab import bounds
from adaptlab.simulate import correlated_models


@settings(max_examples=30)
@given(
    st.lists(st.floats(0, 1), min_size=1, max_size=5),
    st.integers(1, 300),
    st.floats(0, 1),
    st.integers(0, 2**16),
)
def test_accuracies_are_exact(accuracies, n, correlation, seed):
    sim = correlated_models(accuracies, n_instances=n, correlation=correlation, seed=seed)
    assert sim.correct.shape == (n, len(accuracies)) and sim.correct.dtype == bool
    np.testing.assert_array_equal(sim.correct.sum(axis=0), np.rint(np.array(accuracies) * n))
    assert sim.difficulty.shape == (n,)


def test_same_seed_same_matrix():
    a = correlated_models([0.5, 0.8], n_instances=500, correlation=0.5, seed=3)
    b = correlated_models([0.5, 0.8], n_instances=500, correlation=0.5, seed=3)
    c = correlated_models([0.5, 0.8], n_instances=500, correlation=0.5, seed=4)
    np.testing.assert_array_equal(a.correct, b.correct)
    assert not np.array_equal(a.correct, c.correct)


def test_alpha_grows_with_correlation_from_independent_to_nested():
    accuracies = [0.5, 0.6, 0.7, 0.8]
    measured = [
        np.nanmean(bounds.alphas(correlated_models(accuracies, n_instances=20_000, correlation=rho).correct))
        for rho in (0.0, 0.3, 0.6, 0.9, 1.0)
    ]
    assert np.all(np.diff(measured) > 0)
    assert measured[-1] == 1.0
    # Independent errors: alpha_i = product of the smaller states' error rates.
    independent = bounds.alphas(correlated_models(accuracies, n_instances=50_000, correlation=0.0).correct)
    expected = np.cumprod(1 - np.array(accuracies))[:-1]
    np.testing.assert_allclose(independent[1:], expected, atol=0.01)


def test_harder_instances_are_wrong_more_often():
    sim = correlated_models([0.6, 0.7, 0.8], n_instances=5000, correlation=0.8)
    n_right = sim.correct.sum(axis=1)
    assert np.corrcoef(sim.difficulty, n_right)[0, 1] < -0.5


@pytest.mark.parametrize("kwargs, message", [
    (dict(accuracies=[0.5, 1.5]), "accuracies must be fractions"),
    (dict(accuracies=[]), "accuracies is empty"),
    (dict(accuracies=[0.5], correlation=2.0), "correlation must be in"),
    (dict(accuracies=[0.5], n_instances=0), "n_instances must be an integer"),
    (dict(accuracies=[0.5], seed=None), "seed must be an integer"),  # determinism
])
def test_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        correlated_models(**kwargs)

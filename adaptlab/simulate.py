"""A simulator of N classifiers whose errors are correlated by a knob.

Real model families make correlated mistakes: an image that fools a small
network often fools a large one too, which is what alpha (Eq 6) measures.
This module draws a per-instance correctness matrix with exactly the requested
accuracies and a tunable amount of shared difficulty, so that alpha can be
moved from near 0 (independent errors) to 1 (nested errors) and the bounds
watched as it moves.

The model: every instance x has a latent difficulty ``d(x) ~ N(0, 1)``; state
i scores it ``s_i(x) = -sqrt(rho) d(x) + sqrt(1 - rho) eps_i(x)`` with
independent noise ``eps_i(x) ~ N(0, 1)``, and is right on the ``A_i n``
instances it scores highest. With ``rho = 1`` all states rank instances alike
and every error of a larger state is an error of each smaller one (alpha = 1);
with ``rho = 0`` errors are independent.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_accuracies, check_fraction, check_positive_int

__all__ = ["Simulation", "correlated_models"]


@dataclass(frozen=True)
class Simulation:
    """A simulated correctness matrix and the difficulty behind it.

    Attributes
    ----------
    correct : ndarray of bool, shape (n, N)
        Whether state i is right on instance x.
    difficulty : ndarray of float, shape (n,)
        The latent difficulty ``d(x)``: larger is harder.
    """

    correct: np.ndarray
    difficulty: np.ndarray


def correlated_models(accuracies, *, n_instances=10_000, correlation=0.8, seed=0):
    """Correctness of N classifiers with given accuracies and correlated errors.

    Parameters
    ----------
    accuracies : array-like of shape (N,)
        Accuracy of each state, fractions in [0, 1] (any order). Each column
        of the result has exactly ``round(A_i * n_instances)`` correct entries.
    n_instances : int
        Number of instances n.
    correlation : float in [0, 1]
        ``rho``: how much of each state's score is the shared difficulty.
        0 gives independent errors, 1 gives nested errors (alpha = 1).
    seed : int
        Seed of the random draws, an integer >= 0; the same seed gives the
        same matrix.

    Returns
    -------
    Simulation

    Examples
    --------
    >>> sim = correlated_models([0.6, 0.9], n_instances=1000, correlation=1.0)
    >>> sim.correct.mean(axis=0).tolist()
    [0.6, 0.9]
    >>> bool(np.all(sim.correct[:, 0] <= sim.correct[:, 1]))  # nested: alpha = 1
    True
    """
    accuracies = check_accuracies(accuracies, np.size(accuracies))
    n_instances = check_positive_int(n_instances, "n_instances")
    rho = check_fraction(correlation, "correlation")
    seed = check_positive_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    difficulty = rng.standard_normal(n_instances)
    noise = rng.standard_normal((n_instances, accuracies.size))
    scores = -np.sqrt(rho) * difficulty[:, None] + np.sqrt(1.0 - rho) * noise
    # Rank within each state; the top round(A_i n) scores are the correct ones.
    ranks = np.argsort(np.argsort(-scores, axis=0, kind="stable"), axis=0, kind="stable")
    n_correct = np.rint(accuracies * n_instances).astype(int)
    return Simulation(correct=ranks < n_correct[None, :], difficulty=difficulty)

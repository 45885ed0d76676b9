"""Test settings and shared fixtures.

Hypothesis runs derandomised under CI, with no per-example deadline.
"""
import os

import numpy as np
import pytest
from hypothesis import settings

from adaptlab.family import Family
from adaptlab.simulate import correlated_models

settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


ACCURACIES = [0.45, 0.6, 0.7, 0.78, 0.84]


def simulated_proba(n, seed, n_classes=10):
    """Probabilities whose argmax is right exactly where the simulator says,
    and whose confidence is higher on easier instances (so confidence routes)."""
    rng = np.random.default_rng(seed)
    sim = correlated_models(ACCURACIES, n_instances=n, correlation=0.8, seed=seed)
    y = rng.integers(0, n_classes, n)
    wrong_label = (y + rng.integers(1, n_classes, n)) % n_classes
    easiness = 1 / (1 + np.exp(sim.difficulty))  # in (0, 1), high for easy instances
    proba = np.empty((n, len(ACCURACIES), n_classes))
    for state, right in enumerate(sim.correct.T):
        top = 0.35 + 0.6 * np.clip(easiness + rng.normal(0, 0.1, n), 0, 1)
        proba[:, state] = ((1 - top) / (n_classes - 1))[:, None]
        proba[np.arange(n), state, np.where(right, y, wrong_label)] = top
    return proba, y


@pytest.fixture(scope="session")
def family():
    """Five simulated states (Family) whose confidence tracks difficulty."""
    proba_val, y_val = simulated_proba(1500, seed=1)
    proba_test, y_test = simulated_proba(1500, seed=2)
    names = tuple(f"m{i}" for i in range(len(ACCURACIES)))
    return Family(names=names, costs=np.geomspace(1, 200, len(ACCURACIES)), unit="MFLOPs",
                  proba_val=proba_val, proba_test=proba_test, y_val=y_val, y_test=y_test)


@pytest.fixture(scope="session")
def tour_splits():
    """The tour's data, as the lectures and the README use it: 20,000 images, seed 0."""
    from adaptlab.data import make_cifar_like, train_val_test_split

    return train_val_test_split(make_cifar_like(20_000, seed=0), seed=0)


@pytest.fixture(scope="session")
def tour_sklearn_family(tour_splits):
    """The tour's scikit-learn family (seed 0), trained once per test session."""
    from adaptlab.sklearn_family import train_sklearn_family

    return train_sklearn_family(tour_splits, seed=0, progress=False)


@pytest.fixture(scope="session")
def tour_torch_families(tour_splits):
    """The tour's CNN family and early-exit network (seed 0), from the weight cache."""
    pytest.importorskip("torch")
    from adaptlab.torch_family import train_cnn_family, train_early_exit

    return {"torch CNNs": train_cnn_family(tour_splits, seed=0, progress=False),
            "torch early exits": train_early_exit(tour_splits, seed=0, progress=False)}


_NOTEBOOK_REPORT = []


@pytest.fixture(scope="session")
def notebook_report():
    """(name, seconds, peak bytes) of every notebook run, printed at the end of the session."""
    return _NOTEBOOK_REPORT


def pytest_terminal_summary(terminalreporter):
    if not _NOTEBOOK_REPORT:
        return
    terminalreporter.section("notebooks: wall time and kernel peak memory")
    for name, seconds, peak in _NOTEBOOK_REPORT:
        memory = "" if peak is None else f"{peak / 1e6:8.0f} MB"
        terminalreporter.write_line(f"{name:40s} {seconds:6.1f} s {memory}")

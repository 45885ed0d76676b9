"""State spaces, the Pareto frontier and optimal k-subsets (Fig 5-6)."""
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adaptlab import bounds, statespace
from adaptlab.statespace import StateSpace, best_subset, best_subsets, pareto, read_csv

from strategies import state_spaces


def brute_force_pareto(costs, accuracies):
    keep = []
    for j, (cost, accuracy) in enumerate(zip(costs, accuracies)):
        dominated = any(
            costs[i] <= cost and accuracies[i] >= accuracy
            and (costs[i], accuracies[i]) != (cost, accuracy)
            for i in range(len(costs))
        )
        duplicate_before = any(
            (costs[i], accuracies[i]) == (cost, accuracy) for i in range(j)
        )
        if not dominated and not duplicate_before:
            keep.append(j)
    return sorted(keep, key=lambda j: costs[j])


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=12))
def test_pareto_matches_pairwise_dominance(points):
    costs = np.array([c for c, _ in points], dtype=float)
    accuracies = np.array([a for _, a in points], dtype=float) / 20
    kept = pareto(costs, accuracies)
    assert kept.tolist() == brute_force_pareto(costs, accuracies)
    # What is kept is a valid state space for every bound.
    bounds.conservative(costs[kept], accuracies[kept])


@given(state_spaces(min_states=1, max_states=8), st.data())
def test_best_subset_matches_enumeration(space, data):
    costs, accuracies = space
    k = data.draw(st.integers(1, costs.size))
    chosen = best_subset(costs, accuracies, k)
    assert chosen[-1] == costs.size - 1 and len(chosen) == k
    assert np.all(np.diff(chosen) > 0)
    assert bounds.conservative(costs[chosen], accuracies[chosen]).selection_cost == pytest.approx(
        enumerated_best(costs, accuracies, k), abs=1e-9)


def enumerated_best(costs, accuracies, k):
    """The least Eq 9 cost over every k-subset that keeps the largest state."""
    last = costs.size - 1
    return min(
        bounds.conservative(costs[list(s) + [last]], accuracies[list(s) + [last]]).selection_cost
        for s in itertools.combinations(range(last), k - 1)
    )


@pytest.mark.parametrize("rows_per_block", [1, 2, 3, 4])
def test_best_subset_is_exact_across_block_boundaries(monkeypatch, rows_per_block):
    # The programme takes its N x N pair terms a few rows at a time: with 9 states
    # and blocks of 1-4 rows, chains cross block edges at every step.
    rng = np.random.default_rng(rows_per_block)
    costs = np.sort(rng.choice(np.arange(1, 100), 9, replace=False)).astype(float)
    accuracies = np.sort(rng.choice(np.arange(100), 9, replace=False)) / 100
    monkeypatch.setattr(statespace, "_DP_BLOCK_CELLS", rows_per_block * costs.size)
    for k in range(1, costs.size + 1):
        chosen = best_subset(costs, accuracies, k)
        assert bounds.conservative(costs[chosen], accuracies[chosen]).selection_cost == pytest.approx(
            enumerated_best(costs, accuracies, k), abs=1e-12
        )


@given(state_spaces(min_states=1, max_states=7))
def test_best_subsets_table_is_the_enumerated_optimum_for_every_k(space):
    costs, accuracies = space
    table = best_subsets(costs, accuracies)
    assert table["k"].tolist() == list(range(1, costs.size + 1))
    for row in table.itertuples():
        assert row.cost == pytest.approx(enumerated_best(costs, accuracies, row.k), abs=1e-9)
        assert row.r_ratio == pytest.approx(costs[-1] / row.cost) if row.cost > 0 else True
    assert np.all(np.diff(table["cost"]) <= 1e-9)  # more states never hurt (Eq 12)


def test_state_space_best_subset_is_a_named_state_space():
    space = StateSpace(["a", "b", "c", "d"], [1, 2, 10, 100], [0.5, 0.6, 0.8, 0.9])
    assert space.best_subset(2).names == ("c", "d")
    assert space.best_subsets().loc[1, "names"] == ("c", "d")


def test_best_subset_worked_example():
    # Paying 10 for a 0.8 state beats paying 2 for 0.6 when the large state costs 100.
    assert best_subset([1, 2, 10, 100], [0.5, 0.6, 0.8, 0.9], 2).tolist() == [2, 3]


@pytest.mark.parametrize("k, message", [(0, "k must be an integer >= 1"), (5, "k must be at most"), (None, "k must be an integer")])
def test_best_subset_bad_k(k, message):
    with pytest.raises(ValueError, match=message):
        best_subset([1, 2, 3], [0.5, 0.6, 0.7], k)


def test_state_space_validates_and_keeps_dominated_states_until_asked():
    space = StateSpace(["a", "b", "c"], [1, 2, 3], [0.5, 0.4, 0.9], unit="ms")
    assert space.costs.dtype == float and len(space) == 3
    assert space.pareto().names == ("a", "c")
    assert space.subset([0, 2]).unit == "ms"
    assert list(space.to_frame().columns) == ["name", "cost", "accuracy"]


@pytest.mark.parametrize("arguments, message", [
    ((["a"], [1, 2], [0.5, 0.6]), "names has 1 entries"),
    ((["a", "a"], [1, 2], [0.5, 0.6]), "names must be unique"),
    ((["a", "b"], [2, 1], [0.5, 0.6]), "b costs 1, less than a"),
    ((["a", "b"], [1, 2], [50, 60]), "looks like a percentage"),
])
def test_state_space_bad_input(arguments, message):
    with pytest.raises(ValueError, match=message):
        StateSpace(*arguments)


def test_unit_is_keyword_only():
    with pytest.raises(TypeError, match="positional"):
        StateSpace(["a", "b"], [1, 2], [0.5, 0.6], "ms")


def test_state_space_bad_unit():
    with pytest.raises(ValueError, match="unit"):
        StateSpace(["a"], [1], [0.5], unit="")


def test_read_csv_sorts_rows(tmp_path):
    path = tmp_path / "models.csv"
    path.write_text("name,cost,accuracy\nbig,10,0.9\nsmall,1,0.6\n")
    space = read_csv(path, unit="ms")
    assert space.names == ("small", "big") and space.unit == "ms"


@pytest.mark.parametrize("text, message", [
    ("name,cost\na,1\n", "lacks column"),
    ("name,cost,accuracy\na,x,0.5\n", "must hold numbers"),
    ("", "is empty"),
])
def test_read_csv_bad_files(tmp_path, text, message):
    path = tmp_path / "models.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        read_csv(path)


def test_read_csv_missing_file(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        read_csv(tmp_path / "nope.csv")


@pytest.mark.parametrize("names", [None, "ab"])
def test_state_space_names_must_be_a_sequence(names):
    with pytest.raises(ValueError, match="names must be a sequence"):
        StateSpace(names, [1, 2], [0.5, 0.6])


@pytest.mark.parametrize("indices, message", [
    ([0, 5], "must be in range"),
    ([True, False, True], "integer state indices"),
    ([2, 0], "strictly ascending"),
    ([], "non-empty"),
])
def test_subset_refuses_bad_indices(indices, message):
    space = StateSpace(["a", "b", "c"], [1, 2, 3], [0.5, 0.6, 0.7])
    with pytest.raises(ValueError, match=message):
        space.subset(indices)


@pytest.mark.parametrize("arguments, message", [
    (([1, 2, 3], None), "accuracies is required"),
    ((["a", "b"], [0.5, 0.6]), "costs must be an array of numbers"),
    (([1, -2], [0.5, 0.6]), "costs must be non-negative"),
])
def test_pareto_bad_input(arguments, message):
    with pytest.raises(ValueError, match=message):
        pareto(*arguments)


def test_pareto_takes_unsorted_costs_and_keeps_one_of_identical_points():
    assert pareto([3, 1, 2], [0.9, 0.5, 0.7]).tolist() == [1, 2, 0]
    assert pareto([1, 1], [0.5, 0.5]).tolist() == [0]

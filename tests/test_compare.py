"""Routers calibrated on validation, reported on test, beside the oracle."""
import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adaptlab import cascade
from adaptlab.compare import RouterStates, compare_routers, default_tiers
from adaptlab.family import Family
from adaptlab.routers import max_probability


@pytest.fixture(scope="module")
def comparison(family):
    return compare_routers(family)


def test_every_router_and_reference_is_in_the_table(comparison):
    table = comparison.table.set_index("router")
    for name in ("max probability", "margin", "entropy", "learned router",
                 "ABC agreement", "random", "exact oracle (selection)",
                 "conservative bound (Eq 9)", "largest state alone (m4)"):
        assert name in table.index
    assert table.loc["largest state alone (m4)", "R_ratio"] == 1.0
    assert table.loc["exact oracle (selection)", "accuracy"] == comparison.oracle.accuracy


def test_calibration_reaches_the_target_on_validation(family, comparison):
    run = comparison.runs["max probability"]
    on_val = cascade.operating_point(
        max_probability(family.proba_val), family.correct_val, family.costs, run.threshold
    )
    assert on_val.accuracy >= comparison.target_accuracy
    # The default target: the largest state's accuracy on validation, counted by hand.
    right = sum(int(np.argmax(p[-1]) == y) for p, y in zip(family.proba_val, family.y_val))
    assert comparison.target_accuracy == right / len(family.y_val)


def test_confidence_beats_random_and_nobody_beats_the_oracle(comparison):
    table = comparison.table.set_index("router")
    assert table.loc["max probability", "R_ratio at A_N"] > table.loc["random", "R_ratio at A_N"]
    frontier = comparison.frontier
    for run in comparison.runs.values():
        if run.name == "ABC agreement":
            continue  # ABC's tiers vote: a different state space
        reachable = run.curve.accuracy <= frontier.accuracy[-1]
        least = np.interp(run.curve.accuracy[reachable], frontier.accuracy, frontier.cost)
        assert np.all(run.curve.cost_of(comparison.cost_kind)[reachable] >= least - 1e-9)


def test_alpha_is_measured_on_test(family, comparison):
    # alpha of the largest state, counted instance by instance on the test split.
    wrong = ~family.correct_test
    n_last_wrong = wrong[:, -1].sum()
    all_wrong = (wrong.all(axis=1)).sum()
    assert comparison.alphas[-1] == pytest.approx(all_wrong / n_last_wrong)
    assert np.isnan(comparison.alphas[0])


def test_frontier_is_priced_like_the_routers(family, comparison):
    assert comparison.frontier.cost[-1] == pytest.approx(comparison.oracle.sequential_cost)
    selection = compare_routers(family, cost_kind="selection")
    assert selection.frontier.cost[-1] == pytest.approx(selection.oracle.selection_cost)


def test_selection_costs_are_cheaper_than_sequential(family):
    sequential = compare_routers(family).table.set_index("router")
    selection = compare_routers(family, cost_kind="selection").table.set_index("router")
    assert selection.loc["max probability", "cost"] <= sequential.loc["max probability", "cost"]


def test_dominated_states_are_left_out(family):
    # Give the second-cheapest slot the third model's predictions and vice
    # versa: the third slot now costs more and is less accurate, dominated.
    order = [0, 2, 1, 3, 4]
    clumsy = dataclasses.replace(family, proba_val=family.proba_val[:, order],
                                 proba_test=family.proba_test[:, order])
    assert compare_routers(clumsy).family.names == ("m0", "m1", "m3", "m4")


@given(st.lists(st.floats(0.01, 100), min_size=1, max_size=9))
def test_default_tiers_are_ensembles_that_cost_less_than_what_follows(values):
    costs = np.sort(values)
    tiers = default_tiers(costs)
    if tiers is None:  # no voting tiers possible: fewer than 3 states, or too dear together
        assert costs.size < 3 or costs[:-1].sum() > costs[-1]
        return
    assert sorted(sum(tiers, [])) == list(range(costs.size))  # every state once, in order
    assert sum(tiers, []) == list(range(costs.size))
    assert tiers[-1] == [costs.size - 1]
    assert all(len(tier) >= 2 for tier in tiers[:-1])
    tier_costs = [costs[tier].sum() for tier in tiers]
    assert np.all(np.diff(tier_costs) >= 0)


def test_default_tiers_examples():
    assert default_tiers([1, 1, 1, 2, 2, 10]) == [[0, 1, 2], [3, 4], [5]]
    assert default_tiers([1, 2, 3, 4, 5, 6, 100]) == [[0, 1, 2], [3, 4, 5], [6]]
    assert default_tiers([1, 10]) is None


def test_bad_cost_kind(family):
    with pytest.raises(ValueError, match="cost_kind"):
        compare_routers(family, cost_kind="cheapest")


def test_family_costs_of_each_kind_and_subsets(family):
    np.testing.assert_allclose(family.cost_of("sequential"), np.cumsum(family.costs))
    np.testing.assert_array_equal(family.cost_of("selection"), family.costs)
    early_exits = dataclasses.replace(family, sequential_costs=family.costs)
    assert early_exits.shares_computation and not family.shares_computation
    np.testing.assert_array_equal(early_exits.subset([1, 3]).cost_of("sequential"),
                                  family.costs[[1, 3]])
    np.testing.assert_allclose(family.subset([1, 3]).cost_of("sequential"),
                               np.cumsum(family.costs[[1, 3]]))
    assert family.state_space().names == family.names
    with pytest.raises(ValueError, match="cost_kind"):
        family.cost_of("total")
    for indices in ([0], [1, 3], [0, 2, 4]):  # a cascade's costs without building a subset
        for kind in (family, early_exits):
            np.testing.assert_array_equal(kind.cascade_costs(indices),
                                          kind.subset(indices).cost_of("sequential"))


def test_early_exit_families_skip_abc_and_pay_once(family):
    early_exits = dataclasses.replace(family, sequential_costs=family.costs)
    compared = compare_routers(early_exits)
    assert "ABC agreement" not in compared.runs
    assert "share computation" in compared.skipped["ABC agreement"]
    assert compared.frontier.cost[-1] == pytest.approx(compared.oracle.selection_cost)
    table = compared.table.set_index("router")
    assert table.loc["exact oracle as a cascade", "cost"] == pytest.approx(
        compared.oracle.selection_cost)


def test_cascade_oracle_row_pays_every_state_run(comparison):
    table = comparison.table.set_index("router")
    # Definition 2.1 instance by instance, each paying every state up to its choice.
    correct, costs = comparison.family.correct_test, comparison.family.costs
    paid = [costs[: (row.argmax() if row.any() else 0) + 1].sum() for row in correct]
    assert table.loc["exact oracle as a cascade", "cost"] == pytest.approx(np.mean(paid))


def test_table_survives_a_tie_between_smallest_and_largest_on_test(family):
    # Chosen on validation, the end states may tie on test: APGR is then undefined.
    tied_test = family.proba_test.copy()
    tied_test[:, -1] = tied_test[:, 0]
    tied = dataclasses.replace(family, proba_test=tied_test)
    table = compare_routers(tied).table.set_index("router")
    assert np.isnan(table.loc["max probability", "APGR"])
    assert np.isfinite(table.loc["max probability", "R_ratio"])


def test_family_is_required():
    with pytest.raises(ValueError, match="family must be an adaptlab.family.Family"):
        compare_routers(None)


def test_family_subset_refuses_masks(family):
    with pytest.raises(ValueError, match="integer state indices"):
        family.subset([True, False, True, False, True])


@pytest.mark.parametrize("target", [85, "abc", np.nan, -0.5, True])
def test_a_bad_target_is_an_error_not_a_missed_target(family, target):
    with pytest.raises(ValueError, match="target_accuracy"):
        compare_routers(family, target_accuracy=target)


def test_an_unreachable_target_falls_back_and_says_so(family):
    compared = compare_routers(family, target_accuracy=0.999)
    assert all("not reached" in run.note for run in compared.runs.values())


@pytest.mark.parametrize("indices", [[3, 4], [2, 3, 4], [1, 3, 4], [0, 4]])
def test_defaults_work_on_any_subset_of_a_family(family, indices):
    compared = compare_routers(family.subset(indices))
    assert set(compared.runs) >= {"max probability", "learned router", "random"}
    assert ("ABC agreement" in compared.runs) != ("ABC agreement" in compared.skipped)
    assert np.isfinite(compared.table["R_ratio"]).all()


def test_router_states_are_named_fields(comparison):
    states = comparison.runs["ABC agreement"].states
    assert isinstance(states, RouterStates)
    assert states.scores_val.shape[1] == states.costs.size == len(states.sequential_costs)
    np.testing.assert_allclose(states.sequential_costs, np.cumsum(states.costs))


# ---------------------------------------------------------------- Family checks itself


@pytest.mark.parametrize("change, message", [
    (lambda f: {"y_test": (f.y_test + 3) % 13}, "y_test must be class indices in range\\(10\\)"),
    (lambda f: {"proba_test": np.pad(f.proba_test, ((0, 0), (0, 0), (0, 3)))},
     "proba_val covers 10 classes but proba_test covers 13"),
    (lambda f: {"names": f.names[:4]}, "costs has 5 entries but names has 4"),
    (lambda f: {"names": f.names[:4], "costs": f.costs[:4]},
     "proba_val has 5 states but names has 4"),
    (lambda f: {"costs": f.costs[::-1]}, "costs must be sorted"),
    (lambda f: {"y_val": f.y_val[:-1]}, "y_val has 1499 labels but proba_val has 1500"),
    (lambda f: {"y_val": f.y_val.astype(float)}, "y_val must be a 1-D array of integer"),
    (lambda f: {"proba_val": f.proba_val * 2}, "proba_val must"),
    (lambda f: {"sequential_costs": f.costs / 2}, "sequential_costs must be at least costs"),
    (lambda f: {"latency_ms": [1.0]}, "latency_ms has 1 entries"),
    (lambda f: {"names": ("a", "a", "b", "c", "d")}, "names must be unique"),
    (lambda f: {"unit": ""}, "unit"),
])
def test_family_names_the_field_that_does_not_fit(family, change, message):
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(family, **change(family))


def test_family_takes_keywords_only(family):
    with pytest.raises(TypeError):
        Family(family.names, family.costs, "MFLOPs", family.proba_val, family.proba_test,
               family.y_val, family.y_test)

"""design_cascade: the cheapest cascade over subsets x routers x thresholds, found on validation."""
import itertools

import numpy as np
import pytest

from adaptlab import cascade
from adaptlab.compare import CONFIDENCE_RULES, design_cascade


def brute_force_val_costs(family, target_accuracy):
    """Validation cost of every calibrated (subset, router), without any pruning."""
    family = family.pareto()
    costs = {}
    for size in range(1, len(family) + 1):
        for indices in itertools.combinations(range(len(family)), size):
            subset = family.subset(list(indices))
            rules = CONFIDENCE_RULES.items() if size > 1 else [("none", lambda p: np.ones(p.shape[:2]))]
            for name, rule in rules:
                scores = rule(subset.proba_val)
                try:
                    threshold = cascade.calibrate(scores, subset.correct_val, subset.costs,
                                                  target_accuracy=target_accuracy,
                                                  sequential_costs=subset.sequential_costs)
                except cascade.UnreachableTargetError:
                    continue
                point = cascade.operating_point(scores, subset.correct_val, subset.costs,
                                                threshold, sequential_costs=subset.sequential_costs)
                costs[(indices, name)] = point.sequential_cost
    return costs


@pytest.mark.parametrize("relative_target", [0.9, 0.97, 0.99, 1.0])
def test_the_pruned_search_finds_the_brute_force_optimum(family, relative_target):
    design = design_cascade(family, relative_target=relative_target)
    everything = brute_force_val_costs(family, design.target_accuracy)
    assert design.val_cost == pytest.approx(min(everything.values()), rel=1e-12)
    assert design.val_accuracy >= design.target_accuracy
    assert (design.candidates["status"] == "calibrated").sum() <= len(everything)


def test_the_design_is_measured_on_test_as_the_cascade_runs(family):
    design = design_cascade(family)
    subset = family.pareto().subset(list(design.indices))
    assert design.states == subset.names
    scores = CONFIDENCE_RULES[design.router](subset.proba_test)
    point = cascade.operating_point(scores, subset.correct_test, subset.costs, design.threshold,
                                    sequential_costs=subset.sequential_costs)
    assert design.test_accuracy == point.accuracy
    assert design.test_cost == pytest.approx(point.sequential_cost)
    assert design.r_ratio == pytest.approx(family.costs[-1] / design.test_cost)
    assert design.largest_accuracy == family.accuracies[-1]
    assert design.oracle_cost <= design.test_cost  # no router beats the oracle at its accuracy
    assert design.oracle_r_ratio >= design.r_ratio
    assert design.router in design.summary() and f"{design.r_ratio:.2f}" in design.summary()


def test_the_target_defaults_to_99_percent_of_the_largest_states_validation_accuracy(family):
    design = design_cascade(family)
    assert design.target_accuracy == pytest.approx(0.99 * family.correct_val[:, -1].mean())
    assert design_cascade(family, target_accuracy=0.7).target_accuracy == 0.7


def test_pruned_subsets_are_those_whose_oracle_bound_is_above_the_best(family):
    design = design_cascade(family)
    pruned = design.candidates[design.candidates["status"].str.startswith("pruned")]
    assert (pruned["oracle bound"] >= design.val_cost).all()
    calibrated = design.candidates[design.candidates["status"] == "calibrated"]
    assert (calibrated["val cost"] >= calibrated["oracle bound"] - 1e-12).all()  # a lower bound


def test_one_state_allowed_gives_the_cheapest_state_reaching_the_target(family):
    design = design_cascade(family, max_states=1, target_accuracy=0.7)
    reaching = np.flatnonzero(family.correct_val.mean(axis=0) >= 0.7)
    assert design.indices == (reaching[0],)
    assert design.router == "none (one state)"
    assert design.test_cost == pytest.approx(family.costs[reaching[0]])


def test_the_learned_router_can_join_the_search(family):
    design = design_cascade(family, routers=["margin", "learned router"], max_states=2)
    assert set(design.candidates["router"].dropna()) <= {"margin", "learned router", "none (one state)"}
    assert "learned router" in set(design.candidates["router"])


def test_an_unreachable_target_says_so(family):
    with pytest.raises(cascade.UnreachableTargetError, match="No subset"):
        design_cascade(family, target_accuracy=1.0)


@pytest.mark.parametrize("kwargs, match", [
    ({"target_accuracy": 0.8, "relative_target": 0.9}, "not both"),
    ({"relative_target": 1.5}, "relative_target"),
    ({"target_accuracy": "high"}, "target_accuracy"),
    ({"routers": ["magic"]}, "routers"),
    ({"routers": "margin"}, "routers"),
    ({"routers": []}, "routers"),
    ({"max_states": 0}, "max_states"),
])
def test_bad_options_are_named(family, kwargs, match):
    with pytest.raises(ValueError, match=match):
        design_cascade(family, **kwargs)


def test_a_family_is_required():
    with pytest.raises(ValueError, match="family must be"):
        design_cascade({"costs": [1, 2]})

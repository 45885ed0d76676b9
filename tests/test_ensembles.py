"""Tests of ABC's ensemble tiers and of the equal-cost comparison with confidence cascades."""
import numpy as np
import pytest
from conftest import simulated_proba

from adaptlab import cascade, routers
from adaptlab.compare import CONFIDENCE_RULES, compare_routers
from adaptlab.data import make_cifar_like, train_val_test_split
from adaptlab.ensembles import (
    Ensembles,
    compare_at_equal_cost,
    train_cnn_ensembles,
    train_sklearn_ensembles,
)
from adaptlab.family import Family
from adaptlab.sklearn_family import train_sklearn_family

# Five simulated states: three similar cheap ones vote in tier 0, then two single models.
COSTS = np.array([1.0, 1.0, 1.05, 4.0, 20.0])
TIERS = ((0, 1, 2), (3,), (4,))


def simulated_family(costs=COSTS):
    proba_val, y_val = simulated_proba(600, seed=11)
    proba_test, y_test = simulated_proba(600, seed=12)
    return Family(names=tuple(f"m{i}" for i in range(5)), costs=costs, unit="MFLOPs",
                  proba_val=proba_val, proba_test=proba_test, y_val=y_val, y_test=y_test)


@pytest.fixture(scope="module")
def simulated():
    return Ensembles(family=simulated_family(), tiers=TIERS)


@pytest.fixture(scope="module")
def sklearn_splits():
    return train_val_test_split(make_cifar_like(3_000, seed=1), seed=1)


@pytest.fixture(scope="module")
def sklearn_ensembles(sklearn_splits):
    return train_sklearn_ensembles(sklearn_splits, seed=1, progress=False)


# ---------------------------------------------------------------- Ensembles


def test_ensembles_single_and_agreement(simulated):
    single = simulated.single()
    assert single.names == ("m0", "m3", "m4")
    np.testing.assert_array_equal(simulated.tier_costs, [3.05, 4.0, 20.0])
    abc = simulated.agreement(split="val")
    np.testing.assert_array_equal(abc.costs, simulated.tier_costs)
    # Brute force: the share of tier 0's members voting for the tier's answer.
    votes = simulated.family.proba_val[:, [0, 1, 2]].argmax(axis=2)
    share = (votes == abc.predictions[:, [0]]).mean(axis=1)
    np.testing.assert_allclose(abc.scores[:, 0], share)
    assert set(np.round(abc.scores[:, 0], 6)) <= {0.333333, 0.666667, 1.0}
    assert np.all(abc.scores[:, 1:] == 1.0)


@pytest.mark.parametrize("tiers, says", [
    (((0, 1), (2, 3), (4,)), r"tiers\[1\] mixes unlike costs"),
    (((0, 1, 2), (4,), (3,)), "once each, cheapest first"),
    (((0, 1, 2), (3,)), "once each"),
    ("abc", "list of lists of state indices"),
])
def test_ensembles_refuse_bad_tiers(tiers, says):
    with pytest.raises(ValueError, match=says):
        Ensembles(family=simulated_family(), tiers=tiers)


def test_ensembles_refuse_a_non_family():
    with pytest.raises(ValueError, match="family must be an adaptlab.family.Family"):
        Ensembles(family="family", tiers=TIERS)
    with pytest.raises(ValueError, match="split must be 'val' or 'test'"):
        Ensembles(family=simulated_family(), tiers=TIERS).agreement(split="train")


# ---------------------------------------------------------------- scikit-learn ensembles


def test_sklearn_members_cost_the_same_and_differ(sklearn_ensembles):
    family, tiers = sklearn_ensembles.family, sklearn_ensembles.tiers
    assert tiers == ((0, 1, 2), (3,))
    assert family.names == ("mlp128-8x8 seed 1", "mlp128-8x8 seed 2", "mlp128-8x8 seed 3",
                            "mlp512-pca96-16x16 seed 1")
    assert sklearn_ensembles.tier_names == ("3 x mlp128-8x8", "mlp512-pca96-16x16")
    assert np.ptp(family.costs[:3]) == 0 and family.costs[3] > family.costs[0]
    predictions = family.proba_test[:, :3].argmax(axis=2)
    assert (predictions[:, 0] != predictions[:, 1]).any(), "members trained alike"
    scores = sklearn_ensembles.agreement().scores
    assert scores.min() >= 1 / 3 - 1e-12 and scores.max() <= 1.0


def test_member_zero_is_the_family_state(sklearn_splits, sklearn_ensembles):
    family = train_sklearn_family(sklearn_splits, seed=1, progress=False)
    for member, state in [(0, "mlp128-8x8"), (3, "mlp512-pca96-16x16")]:
        index = family.names.index(state)
        np.testing.assert_allclose(sklearn_ensembles.family.proba_test[:, member],
                                   family.proba_test[:, index])
        assert sklearn_ensembles.family.costs[member] == family.costs[index]


def test_abc_with_ensembles_beats_the_old_mixed_tiers(sklearn_splits, sklearn_ensembles):
    """The default tiers vote unlike states together; ensembles of equals route better."""
    family = train_sklearn_family(sklearn_splits, seed=1, progress=False)
    old = compare_routers(family).runs["ABC agreement"]
    new = compare_at_equal_cost(sklearn_ensembles).abc
    largest = family.pareto().costs[-1]
    assert old.point.sequential_cost > largest  # the old ABC pays for everything
    assert new.point.sequential_cost < old.point.sequential_cost
    assert new.point.accuracy >= old.point.accuracy - 0.01


def test_bootstrap_members_of_a_deterministic_state(sklearn_splits):
    ensembles = train_sklearn_ensembles(sklearn_splits, ("logistic-8x8",), n_members=2,
                                        last="mlp128-8x8", bootstrap=True, progress=False)
    proba = ensembles.family.proba_val[:, :2]
    assert not np.allclose(proba[:, 0], proba[:, 1])


@pytest.mark.parametrize("kwargs, says", [
    ({"states": ("logistic-8x8",)}, "'logistic-8x8' does not depend on the seed"),
    ({"states": ("mlp-huge",)}, r"states holds unknown states \['mlp-huge'\]"),
    ({"states": "mlp128-8x8"}, "states must be a non-empty list"),
    ({"last": "mlp128-8x8"}, "last must not be one of states"),
    ({"last": "big"}, "last holds unknown states"),
    ({"n_members": 1}, "n_members must be an integer >= 2"),
    ({"bootstrap": "yes"}, "bootstrap must be True or False"),
    ({"seed": -1}, "seed must be an integer >= 0"),
])
def test_sklearn_ensembles_refuse_bad_input(sklearn_splits, kwargs, says):
    with pytest.raises(ValueError, match=says):
        train_sklearn_ensembles(sklearn_splits, progress=False, **kwargs)


# ---------------------------------------------------------------- CNN ensembles


def test_cnn_ensembles_from_the_cached_family(tmp_path):
    pytest.importorskip("torch")
    from test_torch_family import FAST, coloured_squares

    from adaptlab.torch_family import train_cnn_family

    splits = train_val_test_split(coloured_squares(), seed=0)
    ensembles = train_cnn_ensembles(splits, ((8,),), n_members=3, last=(8, 16),
                                    cache_dir=tmp_path, **FAST)
    assert ensembles.family.names == ("cnn-8 seed 0", "cnn-8 seed 1", "cnn-8 seed 2",
                                      "cnn-8-16 seed 0")
    assert ensembles.tiers == ((0, 1, 2), (3,))
    assert np.ptp(ensembles.family.costs[:3]) == 0
    seed_1 = train_cnn_family(splits, ((8,),), seed=1, cache_dir=tmp_path, **FAST)  # cached
    np.testing.assert_allclose(ensembles.family.proba_test[:, 1], seed_1.proba_test[:, 0])
    reused = train_cnn_ensembles(splits, ((8,),), last=(8, 16), cache_dir=tmp_path,
                                 family=train_cnn_family(splits, ((8,), (8, 16)),
                                                         cache_dir=tmp_path, **FAST), **FAST)
    np.testing.assert_array_equal(reused.family.proba_val, ensembles.family.proba_val)
    assert reused.family.names == ensembles.family.names
    other = coloured_squares(n=480, seed=1)
    for kwargs, says in [({"last": (8,)}, "last must not be one of channels"),
                         ({"family": "f"}, "family must be an adaptlab.family.Family"),
                         ({"family": seed_1}, r"family lacks the CNNs \['cnn-8-16'\]"),
                         ({"family": train_cnn_family(train_val_test_split(other, seed=0),
                                                      ((8,), (8, 16)), cache_dir=tmp_path,
                                                      **FAST)}, "evaluated on splits"),
                         ({"channels": ()}, "channels must be a non-empty sequence"),
                         ({"n_members": 1}, "n_members must be an integer >= 2")]:
        with pytest.raises(ValueError, match=says):
            train_cnn_ensembles(splits, **{"channels": ((8,),), "last": (8, 16), **kwargs},
                                cache_dir=tmp_path,
                                **FAST)


# ---------------------------------------------------------------- equal cost


def brute_force_point(scores, correct, costs, threshold):
    """Exit at the first state scoring at least the threshold; pay every state run."""
    exits = np.array([next((i for i, s in enumerate(row[:-1]) if s >= threshold),
                           len(row) - 1) for row in scores])
    accuracy = correct[np.arange(len(exits)), exits].mean()
    return accuracy, np.cumsum(costs)[exits].mean()


def test_equal_cost_matches_brute_force(simulated):
    result = compare_at_equal_cost(simulated, rules=("max probability", "margin"))
    single, family = simulated.single(), simulated.family
    abc = routers.agreement(family.proba_test, TIERS, family.costs)
    abc_correct = abc.predictions == family.y_test[:, None]
    table = result.by_cost
    assert len(table) == len(result.abc.curve)
    for _, row in table.iterrows():
        accuracy, cost = brute_force_point(abc.scores, abc_correct, abc.costs, row["threshold"])
        assert row["ABC accuracy"] == pytest.approx(accuracy)
        assert row["ABC cost"] == pytest.approx(cost)
        best = -np.inf
        for name in ("max probability", "margin"):
            scores = CONFIDENCE_RULES[name](single.proba_test)
            points = [brute_force_point(scores, single.correct_test, single.costs, t)
                      for t in [*np.unique(scores), np.inf]]
            within = [a for a, c in points if c <= cost + 1e-9]
            reaching = [c for a, c in points if a >= accuracy]
            assert row[f"{name} accuracy"] == pytest.approx(max(within) if within else np.nan,
                                                            nan_ok=True)
            assert row[f"{name} cost"] == pytest.approx(min(reaching) if reaching else np.nan,
                                                        nan_ok=True)
            best = max(best, max(within, default=-np.inf))
        assert row["ABC - best (pp)"] == pytest.approx(100 * (accuracy - best))
        assert row["winner"] == ("ABC" if accuracy > best else
                                 "tie" if accuracy == best else "confidence")


def test_equal_cost_calibrates_on_validation(simulated):
    result = compare_at_equal_cost(simulated, target_accuracy=0.8)
    family = simulated.family
    abc_val = routers.agreement(family.proba_val, TIERS, family.costs)
    threshold = cascade.calibrate(abc_val.scores, abc_val.predictions == family.y_val[:, None],
                                  abc_val.costs, target_accuracy=0.8)
    assert result.abc.threshold == threshold
    single = simulated.single()
    scores = routers.max_probability(single.proba_val)
    assert result.runs["max probability"].threshold == cascade.calibrate(
        scores, single.correct_val, single.costs, target_accuracy=0.8)
    table = result.calibrated
    assert list(table["router"]) == ["ABC agreement", "max probability", "margin"]
    abc_row = table.iloc[0]
    assert abc_row["R_ratio"] == pytest.approx(20.0 / result.abc.point.sequential_cost)
    assert abc_row["Delta A (pp)"] == pytest.approx(
        100 * (result.abc.point.accuracy - single.accuracies[-1]))


def test_equal_cost_default_target_is_the_largest_models_validation_accuracy(simulated):
    result = compare_at_equal_cost(simulated)
    assert result.target_accuracy == simulated.family.correct_val[:, -1].mean()
    full = simulated.family.subset([0, 3, 4])
    assert compare_at_equal_cost(simulated, family=full).largest_cost == 20.0


@pytest.mark.parametrize("kwargs, says", [
    ({"ensembles": "abc"}, "ensembles must be an adaptlab.ensembles.Ensembles"),
    ({"rules": ("confidence",)}, r"rules holds unknown rules \['confidence'\]"),
    ({"rules": "margin"}, "rules must be a non-empty list"),
    ({"family": "f"}, "family must be an adaptlab.family.Family"),
    ({"cost_kind": "total"}, "cost_kind must be one of"),
    ({"target_accuracy": 85}, "It looks like a percentage"),
])
def test_equal_cost_refuses_bad_input(simulated, kwargs, says):
    kwargs = {"ensembles": simulated, **kwargs}
    with pytest.raises(ValueError, match=says):
        compare_at_equal_cost(kwargs.pop("ensembles"), **kwargs)


def test_equal_cost_refuses_a_family_on_other_splits(simulated):
    proba, y = simulated_proba(600, seed=5)
    other = Family(names=("a", "b", "c", "d", "e"), costs=COSTS, unit="MFLOPs", proba_val=proba,
                   proba_test=proba, y_val=y, y_test=y)
    with pytest.raises(ValueError, match="same validation and test splits"):
        compare_at_equal_cost(simulated, family=other)

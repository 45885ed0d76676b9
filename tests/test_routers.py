"""Deferral rules on tiny hand-written probabilities, ABC votes and the learned router."""
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold
from sklearn.svm import SVC, LinearSVC

from adaptlab.cascade import sweep
from adaptlab.routers import (
    LearnedRouter,
    agreement,
    margin,
    max_probability,
    negative_entropy,
    random_scores,
)

# Two instances, two states, three classes.
PROBA = np.array(
    [
        [[0.7, 0.2, 0.1], [1.0, 0.0, 0.0]],
        [[0.4, 0.4, 0.2], [1 / 3, 1 / 3, 1 / 3]],
    ]
)


def softmax(logits):
    exp = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)


@pytest.fixture
def family():
    """(proba, y, correct): 3 states whose confidence tracks a hidden difficulty."""
    rng = np.random.default_rng(0)
    n, n_classes = 400, 4
    y = rng.integers(n_classes, size=n)
    difficulty = rng.random(n)
    skill = np.array([0.4, 0.6, 0.8])
    logits = 0.5 * rng.normal(size=(n, 3, n_classes))
    logits[np.arange(n), :, y] += 4 * (skill[None, :] - difficulty[:, None]) + 1
    proba = softmax(logits)
    return proba, y, proba.argmax(axis=2) == y[:, None]


# ---------------------------------------------------------------- confidence rules


def test_max_probability_by_hand():
    np.testing.assert_allclose(max_probability(PROBA), [[0.7, 1.0], [0.4, 1 / 3]])


def test_margin_by_hand():
    np.testing.assert_allclose(margin(PROBA), [[0.5, 1.0], [0.0, 0.0]], atol=1e-12)


def test_negative_entropy_by_hand():
    expected_first = 0.7 * np.log(0.7) + 0.2 * np.log(0.2) + 0.1 * np.log(0.1)
    expected = [[expected_first, 0.0], [2 * 0.4 * np.log(0.4) + 0.2 * np.log(0.2), -np.log(3)]]
    np.testing.assert_allclose(negative_entropy(PROBA), expected)


def test_confidence_rules_rank_a_sure_state_above_a_torn_one():
    for rule in (max_probability, margin, negative_entropy):
        scores = rule(PROBA)
        assert scores[0, 1] > scores[1, 1]


def test_random_scores_are_seeded_uniform():
    scores = random_scores(1000, 3, seed=7)
    assert scores.shape == (1000, 3)
    assert np.all((scores >= 0) & (scores < 1))
    np.testing.assert_array_equal(scores, random_scores(1000, 3, seed=7))
    assert not np.array_equal(scores, random_scores(1000, 3, seed=8))


def test_random_router_on_two_states_is_the_straight_line(family):
    proba, _, correct = family
    curve = sweep(random_scores(len(proba), 2), correct[:, [0, 2]], [1.0, 10.0])
    accuracies = correct[:, [0, 2]].mean(axis=0)
    straight = accuracies[0] + curve.last_state_share * (accuracies[1] - accuracies[0])
    assert np.abs(curve.accuracy - straight).max() < 0.08


# ---------------------------------------------------------------- agreement (ABC)


def test_agreement_majority_and_vote_share():
    proba = [[[0.2, 0.8], [0.4, 0.6], [0.9, 0.1], [0.3, 0.7]]]
    abc = agreement(proba, tiers=[[0, 1, 2], [3]], costs=[1, 1, 2, 10])
    assert abc.predictions.tolist() == [[1, 1]]
    np.testing.assert_allclose(abc.scores, [[2 / 3, 1.0]])
    assert abc.costs.tolist() == [4.0, 10.0]
    assert abc.tiers == ((0, 1, 2), (3,))


def test_agreement_unanimous_tier_scores_one():
    proba = [[[0.2, 0.8], [0.4, 0.6], [0.1, 0.9]]]
    abc = agreement(proba, tiers=[[0, 1], [2]], costs=[1, 1, 5])
    assert abc.scores.tolist() == [[1.0, 1.0]]


def test_agreement_tie_goes_to_highest_mean_probability():
    proba = [[[0.6, 0.4], [0.45, 0.55], [0.5, 0.5]]]
    abc = agreement(proba, tiers=[[0, 1], [2]], costs=[1, 1, 5])
    assert abc.predictions[0, 0] == 0  # mean probabilities 0.525 vs 0.475
    assert abc.scores[0, 0] == 0.5


def test_agreement_tie_break_only_among_tied_labels():
    # Votes: one for class 0, one for class 1. Class 2 has the highest mean
    # probability but no votes, so it cannot win; 0 and 1 tie on mean
    # probability too, and the lower index wins.
    proba = [[[0.36, 0.30, 0.34], [0.30, 0.36, 0.34], [0.1, 0.1, 0.8]]]
    abc = agreement(proba, tiers=[[0, 1], [2]], costs=[1, 1, 5])
    assert abc.predictions.tolist() == [[0, 2]]


def test_agreement_plugs_into_sweep(family):
    proba, y, correct = family
    abc = agreement(proba, tiers=[[0, 1], [2]], costs=[1.0, 2.0, 10.0])
    curve = sweep(abc.scores, abc.predictions == y[:, None], abc.costs)
    assert curve.thresholds.tolist() == [0.5, 1.0, np.inf]  # two members agree or not
    assert curve.accuracy[-1] == correct[:, 2].mean()
    assert curve.selection_cost.tolist() == [3.0, 3.0 + 7.0 * curve.last_state_share[1], 10.0]


@pytest.mark.parametrize(
    "tiers",
    [
        [[0, 1], [1, 2]],  # overlap
        [[0], [5]],  # out of range
        [[0], []],  # empty tier
        [],  # no tier
        [[0.5], [1]],  # not an index
        [[2], [0, 1]],  # tiers not ordered by cost: 10 then 2
    ],
)
def test_agreement_rejects_bad_tiers(tiers):
    proba = np.full((1, 3, 2), 0.5)
    with pytest.raises(ValueError, match="tiers"):
        agreement(proba, tiers=tiers, costs=[1.0, 1.0, 10.0])


def test_agreement_rejects_costs_of_wrong_length():
    with pytest.raises(ValueError, match="costs"):
        agreement(np.full((1, 3, 2), 0.5), tiers=[[0], [1]], costs=[1.0, 2.0])


# ---------------------------------------------------------------- learned router


def test_learned_router_predicts_whether_a_state_is_right(family):
    proba, _, correct = family
    router = LearnedRouter().fit(proba, correct)
    scores = router.scores(proba)
    assert scores.shape == correct.shape
    assert np.all((scores >= 0) & (scores <= 1))
    assert np.all(scores[:, -1] == 1)
    assert len(router.estimators_) == 2
    confidence = max_probability(proba)
    for state in range(2):
        learned = roc_auc_score(correct[:, state], scores[:, state])
        assert learned > 0.75
        assert learned > roc_auc_score(correct[:, state], confidence[:, state]) - 0.02


def test_out_of_fold_scores_are_honest_and_deterministic(family):
    proba, _, correct = family
    router = LearnedRouter(cv=4)
    honest = router.out_of_fold_scores(proba, correct)
    np.testing.assert_array_equal(honest, router.out_of_fold_scores(proba, correct))
    in_sample = router.fit(proba, correct).scores(proba)
    assert honest.shape == in_sample.shape
    assert not np.allclose(honest[:, :-1], in_sample[:, :-1])
    assert np.corrcoef(honest[:, 0], in_sample[:, 0])[0, 1] > 0.9
    assert roc_auc_score(correct[:, 0], honest[:, 0]) > 0.75


def test_learned_router_uses_one_generator_of_splits_for_every_state(family):
    proba, _, correct = family
    splitter = KFold(5, shuffle=True, random_state=0)
    expected = LearnedRouter(cv=splitter).out_of_fold_scores(proba, correct)
    from_generator = LearnedRouter(cv=splitter.split(proba)).out_of_fold_scores(proba, correct)
    np.testing.assert_array_equal(from_generator, expected)
    router = LearnedRouter(cv=list(splitter.split(proba)))
    np.testing.assert_array_equal(router.out_of_fold_scores(proba, correct), expected)
    np.testing.assert_array_equal(router.out_of_fold_scores(proba, correct), expected)


def test_learned_router_names_a_used_up_generator_of_splits(family):
    proba, _, correct = family
    router = LearnedRouter(cv=KFold(5).split(proba))
    router.out_of_fold_scores(proba, correct)
    with pytest.raises(ValueError, match="cv yields no"):
        router.out_of_fold_scores(proba, correct)


def test_learned_router_features_of_one_state_only(family):
    proba, _, correct = family
    router = LearnedRouter(use_earlier_states=False).fit(proba, correct)
    assert router.estimators_[1][-1].coef_.shape == (1, 3)
    full = LearnedRouter().fit(proba, correct)
    assert full.estimators_[1][-1].coef_.shape == (1, 6)


def test_learned_router_clones_a_given_estimator(family):
    proba, _, correct = family
    estimator = LogisticRegression(C=0.01)
    router = LearnedRouter(estimator=estimator).fit(proba, correct)
    assert router.estimators_[0] is not estimator
    assert router.estimators_[0].C == 0.01
    assert not hasattr(estimator, "coef_")


def test_learned_router_state_always_right_gets_constant_score(family):
    proba, _, correct = family
    correct = correct.copy()
    correct[:, 0] = True
    router = LearnedRouter()
    assert np.all(router.fit(proba, correct).scores(proba)[:, 0] == 1)
    assert np.all(router.out_of_fold_scores(proba, correct)[:, 0] == 1)
    correct[:, 0] = False
    assert np.all(router.fit(proba, correct).scores(proba)[:, 0] == 0)


def test_learned_router_rejects_bad_use(family):
    proba, _, correct = family
    with pytest.raises(NotFittedError):
        LearnedRouter().scores(proba)
    router = LearnedRouter().fit(proba, correct)
    with pytest.raises(ValueError, match="states"):
        router.scores(proba[:, :2])
    with pytest.raises(ValueError, match="correct"):
        LearnedRouter().fit(proba, correct[:, :2])
    with pytest.raises(ValueError, match="2 states"):
        LearnedRouter().fit(proba[:, :1], correct[:, :1])


class FitRefused(LogisticRegression):
    """A classifier that fails the test if anything fits it."""

    def fit(self, X, y, sample_weight=None):
        raise AssertionError("fitted before the parameters were checked")


@pytest.mark.parametrize(
    "params, message",
    [
        ({"cv": 1}, r"^cv must be a number of folds >= 2, .* got 1\.$"),
        ({"cv": 0}, r"^cv must be a number of folds >= 2, .* got 0\.$"),
        ({"cv": "abc"}, r"^cv must be .* got 'abc'\.$"),
        ({"cv": 2.5}, r"^cv must be .* got 2\.5\.$"),
        ({"cv": True}, r"^cv must be .* got True\.$"),
        ({"cv": None}, r"^cv must be .* got None\.$"),
        ({"estimator": LinearSVC()}, r"^estimator must be a classifier .* got LinearSVC\(\)\. "),
        ({"estimator": Ridge()}, r"^estimator must be .* predict_proba, got Ridge\(\)\. "),
        ({"estimator": SVC()}, r"^estimator must be .* predict_proba, got SVC\(\)\. "),
        ({"estimator": LogisticRegression}, r"^estimator must be a classifier instance "),
        ({"use_earlier_states": "yes"}, r"^use_earlier_states must be True or False, got 'yes'"),
        ({"use_earlier_states": 1}, r"^use_earlier_states must be True or False, got 1\.$"),
    ],
)
@pytest.mark.parametrize("method", ["fit", "out_of_fold_scores"])
def test_learned_router_names_bad_parameters_before_fitting(family, method, params, message):
    proba, _, correct = family
    router = LearnedRouter(**({"estimator": FitRefused()} | params))
    with pytest.raises(ValueError, match=message):
        getattr(router, method)(proba, correct)
    assert not hasattr(router, "estimators_")


def test_learned_router_options_are_keyword_only():
    with pytest.raises(TypeError):
        LearnedRouter(None, False)
    router = LearnedRouter(use_earlier_states=False, cv=np.int64(3))
    assert router.get_params() == {"estimator": None, "use_earlier_states": False, "cv": 3}


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "proba",
    [
        PROBA[0],  # 2-D
        PROBA * 2,  # not probabilities
        PROBA - 0.5,  # negative
        np.where(PROBA > 0.5, np.nan, PROBA),  # NaN
        np.ones((2, 2, 1)),  # one class
        np.full((2, 2, 3), 0.5),  # rows do not sum to 1
    ],
)
@pytest.mark.parametrize("rule", [max_probability, margin, negative_entropy])
def test_rules_reject_bad_proba(rule, proba):
    with pytest.raises(ValueError, match="proba"):
        rule(proba)


@pytest.mark.parametrize(
    "n, n_states, seed, message",
    [
        (0, 2, 0, r"^n must be an integer >= 1, got 0\.$"),
        (2.5, 2, 0, r"^n must be an integer >= 1, got 2\.5\.$"),
        (3, 0, 0, r"^n_states must be an integer >= 1, got 0\.$"),
        (3, 2, "x", r"^seed must be an integer >= 0, got 'x'\.$"),
        (3, 2, -1, r"^seed must be an integer >= 0, got -1\.$"),
        (3, 2, 1.5, r"^seed must be an integer >= 0, got 1\.5\.$"),
        (3, 2, None, r"^seed must be an integer >= 0, got None\.$"),
        (10**12, 3, 0, r"^n \* n_states must be at most 2\*\*31 scores .* got n=10+ and "),
        (2**30 + 1, 2, 0, r"^n \* n_states .*, got n=1073741825 and n_states=2: score fewer"),
    ],
)
def test_random_scores_rejects_bad_arguments(n, n_states, seed, message):
    with pytest.raises(ValueError, match=message):
        random_scores(n, n_states, seed=seed)


def test_random_scores_takes_numpy_integers_and_a_keyword_seed():
    np.testing.assert_array_equal(
        random_scores(np.int64(4), np.int32(2), seed=np.uint8(3)), random_scores(4, 2, seed=3)
    )
    with pytest.raises(TypeError):
        random_scores(4, 2, 3)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: max_probability(row for row in PROBA), "proba"),
        (lambda: margin(iter(PROBA)), "proba"),
        (lambda: negative_entropy(map(np.asarray, PROBA)), "proba"),
        (lambda: agreement((row for row in PROBA), [[0], [1]], [1, 2]), "proba"),
        (lambda: agreement(PROBA, [[0], [1]], (cost for cost in [1, 2])), "costs"),
        (lambda: LearnedRouter().fit(PROBA, (row for row in PROBA[..., 0] > 0.5)), "correct"),
        (lambda: LearnedRouter().out_of_fold_scores(iter(PROBA), PROBA[..., 0] > 0.5), "proba"),
    ],
)
def test_generators_are_named_not_read_as_object_arrays(call, name):
    message = rf"^{name} must be an array or a list, got a \w+: pass list\(\.\.\.\) of it\.$"
    with pytest.raises(ValueError, match=message):
        call()

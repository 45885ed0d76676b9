"""Deferral rules: how sure is each state of its answer on each instance.

A rule maps class probabilities ``proba`` of shape (n, N, n_classes), states
ordered by ascending cost, to ``scores`` of shape (n, N): the higher the score
of state i on instance x, the sooner a cascade accepts state i's answer (see
:func:`adaptlab.cascade.route`). Every rule plugs into the same
:func:`adaptlab.cascade.sweep` and :func:`adaptlab.cascade.calibrate`.

* Confidence rules read one state's probabilities: :func:`max_probability`,
  :func:`margin`, :func:`negative_entropy`. Jitkrittum et al. (2023), *When
  Does Confidence-Based Cascade Deferral Suffice?* (NeurIPS), study when they
  are enough.
* :func:`random_scores` ignores the input: the baseline every rule must beat.
* :func:`agreement` is Agreement-Based Cascading (ABC): each tier is an
  ensemble, and its members' agreement decides (Kolawole et al., 2024,
  arXiv:2407.02348, first titled *Revisiting Cascaded Ensembles for Efficient
  Inference*).
* :class:`LearnedRouter` learns, per state, the probability that the state is
  right, from cheap features of the probabilities: the post-hoc deferral of
  Jitkrittum et al. (2023).

Rules never see labels, except :class:`LearnedRouter` when it is fitted.
"""
from __future__ import annotations

import numbers
import operator
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.special import xlogy
from sklearn.base import BaseEstimator, clone
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import check_cv, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from ._validation import (
    check_correct,
    check_costs_for_states,
    check_not_iterator,
    check_positive_int,
    check_proba,
)

__all__ = [
    "AgreementCascade",
    "LearnedRouter",
    "agreement",
    "margin",
    "max_probability",
    "negative_entropy",
    "random_scores",
]

_MAX_SCORES = 2**31
"""The most scores :func:`random_scores` makes in one call: 16 GiB of float64."""


# ---------------------------------------------------------------- input checks


def _check_tiers(tiers, n_states):
    """Tiers as a tuple of tuples of state indices: non-empty, disjoint, in range."""
    try:
        tiers = tuple(tuple(operator.index(state) for state in tier) for tier in tiers)
    except TypeError:
        raise ValueError(
            f"tiers must be a list of lists of state indices, got {tiers!r}."
        ) from None
    if not tiers or not all(tiers):
        raise ValueError(f"tiers must be non-empty lists of state indices, got {tiers!r}.")
    members = [state for tier in tiers for state in tier]
    if min(members) < 0 or max(members) >= n_states:
        raise ValueError(f"tiers must hold state indices in [0, {n_states - 1}], got {tiers!r}.")
    if len(set(members)) != len(members):
        raise ValueError(f"tiers must be disjoint (no state in two tiers), got {tiers!r}.")
    return tiers


# ---------------------------------------------------------------- confidence rules


def max_probability(proba):
    """Confidence as the top class probability, ``max_c p(c | x)``.

    Parameters
    ----------
    proba : array-like of shape (n, N, n_classes)
        Class probabilities of each state on each instance.

    Returns
    -------
    ndarray of shape (n, N)

    Examples
    --------
    >>> max_probability([[[0.7, 0.2, 0.1], [0.4, 0.4, 0.2]]]).tolist()
    [[0.7, 0.4]]
    """
    return check_proba(proba).max(axis=2)


def margin(proba):
    """Confidence as the gap between the two top class probabilities.

    Parameters
    ----------
    proba : array-like of shape (n, N, n_classes)

    Returns
    -------
    ndarray of shape (n, N)
        In [0, 1]; 0 when the two top classes tie.

    Examples
    --------
    >>> np.round(margin([[[0.7, 0.2, 0.1], [0.4, 0.4, 0.2]]]), 6).tolist()
    [[0.5, 0.0]]
    """
    top_two = np.partition(check_proba(proba), -2, axis=2)[..., -2:]
    return top_two[..., 1] - top_two[..., 0]


def negative_entropy(proba):
    """Confidence as minus the entropy of the prediction, ``sum_c p log p`` (nats).

    Parameters
    ----------
    proba : array-like of shape (n, N, n_classes)

    Returns
    -------
    ndarray of shape (n, N)
        In ``[-log(n_classes), 0]``; 0 for a one-hot prediction.

    Examples
    --------
    >>> np.round(negative_entropy([[[1.0, 0.0], [0.5, 0.5]]]), 4).tolist()
    [[0.0, -0.6931]]
    """
    proba = check_proba(proba)
    return xlogy(proba, proba).sum(axis=2)


def random_scores(n, n_states, *, seed=0):
    """Scores that ignore the input: uniform on [0, 1), the baseline to beat.

    A random rule defers a random share of instances; on two states its
    curve is the straight line between them (RouteLLM's random router).

    Parameters
    ----------
    n : int
        Number of instances. ``n * n_states`` may be at most 2**31 scores
        (16 GiB of float64); a larger request is refused, not allocated.
    n_states : int
        Number of states N.
    seed : int, default=0
        Seed of the generator, an integer >= 0 (numpy integers too); the same
        seed gives the same scores. None is refused: the baseline must be
        reproducible.

    Returns
    -------
    ndarray of shape (n, N)

    Examples
    --------
    >>> random_scores(2, 3, seed=0).shape
    (2, 3)
    """
    n = check_positive_int(n, "n")
    n_states = check_positive_int(n_states, "n_states")
    seed = check_positive_int(seed, "seed", minimum=0)
    if n * n_states > _MAX_SCORES:
        raise ValueError(
            "n * n_states must be at most 2**31 scores (16 GiB of float64), got "
            f"n={n} and n_states={n_states}: score fewer instances at a time."
        )
    return np.random.default_rng(seed).random((n, n_states))


def _confidence_features(proba):
    """Top-1, margin and negative entropy of every state, shape (n, N, 3)."""
    return np.stack([max_probability(proba), margin(proba), negative_entropy(proba)], axis=2)


# ---------------------------------------------------------------- agreement (ABC)


@dataclass(frozen=True)
class AgreementCascade:
    """Tiers of ensembles, ready for :func:`adaptlab.cascade.sweep`.

    Attributes
    ----------
    tiers : tuple of tuple of int, length T
        State indices of each tier's members, cheapest tier first.
    predictions : ndarray of int, shape (n, T)
        Each tier's majority-vote label.
    scores : ndarray of float, shape (n, T)
        Each tier's agreement: the share of its members voting for the
        winning label, in ``(0, 1]``. A one-member tier always agrees (1.0).
    costs : ndarray of float, shape (T,)
        Each tier's cost, the sum of its members' costs: every member runs.
        (Members may run in parallel; then latency is the slowest member's,
        but compute and money still add up.)

    Examples
    --------
    Compare with the labels to get the cascade's correctness::

        abc = agreement(proba, tiers=[[0, 1, 2], [3]], costs=costs)
        curve = sweep(abc.scores, abc.predictions == y[:, None], abc.costs)
    """

    tiers: tuple
    predictions: np.ndarray
    scores: np.ndarray
    costs: np.ndarray


def _majority_vote(member_proba):
    """Majority label and its vote share for one tier, ties to the highest mean probability.

    ``member_proba`` has shape (n, n_members, n_classes). A tie between labels
    with equal mean probability goes to the lowest class index.
    """
    n_members, n_classes = member_proba.shape[1:]
    votes = (member_proba.argmax(axis=2)[:, :, None] == np.arange(n_classes)).sum(axis=1)
    most_votes = votes.max(axis=1, keepdims=True)
    tie_break = np.where(votes == most_votes, member_proba.mean(axis=1), -np.inf)
    return tie_break.argmax(axis=1), most_votes[:, 0] / n_members


def agreement(proba, tiers, costs):
    """Agreement-Based Cascading: each tier votes, and accepts when its members agree.

    Each tier is an ensemble of states. Its prediction is the majority vote of
    its members' labels, ties broken by the highest mean probability; its
    score is the vote share of that label. With threshold t a tier accepts
    when at least a share t of its members agree, else the instance goes on to
    the next tier, and the last tier always answers. Ensemble agreement as the
    routing signal is ABC (Kolawole et al., 2024, arXiv:2407.02348: "ensemble
    agreement serves as a data-dependent routing criterion").

    Parameters
    ----------
    proba : array-like of shape (n, N, n_classes)
        Class probabilities of every state.
    tiers : list of list of int
        State indices of each tier's members: tiers disjoint, cheapest first.
        States left out are not used.
    costs : array-like of shape (N,)
        Cost of each state, ascending (Eq 2).

    Returns
    -------
    AgreementCascade

    Examples
    --------
    Three small models, two of which say class 1, then one big model:

    >>> proba = [[[0.2, 0.8], [0.4, 0.6], [0.9, 0.1], [0.3, 0.7]]]
    >>> abc = agreement(proba, tiers=[[0, 1, 2], [3]], costs=[1, 1, 1, 10])
    >>> abc.predictions.tolist(), np.round(abc.scores, 3).tolist(), abc.costs.tolist()
    ([[1, 1]], [[0.667, 1.0]], [3.0, 10.0])
    """
    proba = check_proba(proba)
    n_states = proba.shape[1]
    tiers = _check_tiers(tiers, n_states)
    costs = check_costs_for_states(check_not_iterator(costs, "costs"), n_states)
    tier_costs = np.array([costs[list(tier)].sum() for tier in tiers])
    if np.any(np.diff(tier_costs) < 0):
        raise ValueError(
            "tiers must be ordered by cost, cheapest first; "
            f"their costs are {tier_costs.tolist()}."
        )
    votes = [_majority_vote(proba[:, list(tier)]) for tier in tiers]
    return AgreementCascade(
        tiers=tiers,
        predictions=np.column_stack([label for label, _ in votes]),
        scores=np.column_stack([share for _, share in votes]),
        costs=tier_costs,
    )


# ---------------------------------------------------------------- learned router


def _probability_correct(classes, class_proba):
    """The column of ``class_proba`` for class True, or zeros if True was never seen."""
    classes = list(classes)
    if True not in classes:
        return np.zeros(len(class_proba))
    return class_proba[:, classes.index(True)]


class LearnedRouter(BaseEstimator):
    """Learned deferral: per non-final state, a classifier predicts whether that state is right.

    State i's score on x is the predicted probability that state i is right,
    learned from cheap features of the probabilities seen so far: top-1,
    margin and negative entropy of state i (and of every earlier state, with
    ``use_earlier_states``). This is post-hoc deferral (Jitkrittum et al.,
    2023, NeurIPS). The last state always accepts, so its score is 1.

    Fit it on the validation split, then calibrate the threshold on honest
    :meth:`out_of_fold_scores` of that split: in-sample scores are overfit and
    promise more than the test split will give.

    The parameters are checked when :meth:`fit` or :meth:`out_of_fold_scores`
    is called, before anything is fitted.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``, optional
        Cloned once per non-final state. Default: standardise, then logistic
        regression.
    use_earlier_states : bool, default=True
        Also give state i the features of states 0..i-1.
    cv : int, cross-validation splitter or iterable of (train, test) splits, default=5
        Folds of :meth:`out_of_fold_scores` (``sklearn.model_selection.check_cv``;
        an int is a number of stratified folds, at least 2),
        the same for every state. A state whose rarer outcome (right or wrong)
        has fewer instances than folds gets a constant score, its rate of
        being right. A generator of splits, such as ``KFold(5).split(X)``, is
        used up by one call of :meth:`fit` or :meth:`out_of_fold_scores`: pass
        ``list(...)`` of it to call both.

    Attributes
    ----------
    estimators_ : list of fitted classifiers, length N - 1
    n_states_ : int

    Examples
    --------
    ::

        router = LearnedRouter().fit(family.proba_val, family.correct_val)
        t = calibrate(router.out_of_fold_scores(family.proba_val, family.correct_val),
                      family.correct_val, family.costs, target_accuracy=0.9)
        operating_point(router.scores(family.proba_test), family.correct_test,
                        family.costs, t)
    """

    def __init__(self, estimator=None, *, use_earlier_states=True, cv=5):
        self.estimator = estimator
        self.use_earlier_states = use_earlier_states
        self.cv = cv

    def fit(self, proba, correct):
        """Fit one classifier per non-final state.

        Parameters
        ----------
        proba : array-like of shape (n, N, n_classes)
        correct : array-like of bool, shape (n, N)

        Returns
        -------
        self
        """
        self._check_params()
        features, correct = self._check_training_data(proba, correct)
        cv = self._splitter(correct)
        self.estimators_ = [
            self._new_estimator(correct[:, state], cv).fit(
                self._state_features(features, state), correct[:, state]
            )
            for state in range(correct.shape[1] - 1)
        ]
        self.n_states_ = correct.shape[1]
        return self

    def scores(self, proba):
        """Predicted probability that each state is right, shape (n, N); last column 1.

        Parameters
        ----------
        proba : array-like of shape (n, N, n_classes)

        Returns
        -------
        ndarray of shape (n, N)
        """
        check_is_fitted(self, "estimators_")
        proba = check_proba(proba)
        if proba.shape[1] != self.n_states_:
            raise ValueError(
                f"proba has {proba.shape[1]} states but the router was fitted on {self.n_states_}."
            )
        features = _confidence_features(proba)
        columns = [
            _probability_correct(
                estimator.classes_,
                estimator.predict_proba(self._state_features(features, state)),
            )
            for state, estimator in enumerate(self.estimators_)
        ]
        return np.column_stack(columns + [np.ones(len(proba))])

    def out_of_fold_scores(self, proba, correct):
        """Honest scores on the training data: each from a model that did not see it.

        ``sklearn.model_selection.cross_val_predict`` with ``cv`` folds, one
        state at a time. Calibrate thresholds on these, not on :meth:`scores`
        of the data the router was fitted on.

        Parameters
        ----------
        proba : array-like of shape (n, N, n_classes)
        correct : array-like of bool, shape (n, N)

        Returns
        -------
        ndarray of shape (n, N); last column 1.
        """
        self._check_params()
        features, correct = self._check_training_data(proba, correct)
        cv = self._splitter(correct)
        columns = [
            self._state_out_of_fold(self._state_features(features, state), correct[:, state], cv)
            for state in range(correct.shape[1] - 1)
        ]
        return np.column_stack(columns + [np.ones(len(correct))])

    def _check_params(self):
        """Refuse a bad ``estimator``, ``use_earlier_states`` or ``cv`` before any fitting."""
        estimator = self.estimator
        if estimator is not None and (
            isinstance(estimator, type)
            or not (hasattr(estimator, "fit") and hasattr(estimator, "predict_proba"))
        ):
            raise ValueError(
                f"estimator must be a classifier instance with predict_proba, got {estimator!r}. "
                "Pass e.g. LogisticRegression() or CalibratedClassifierCV(LinearSVC()), or "
                "None for the default."
            )
        if not isinstance(self.use_earlier_states, (bool, np.bool_)):
            raise ValueError(
                f"use_earlier_states must be True or False, got {self.use_earlier_states!r}."
            )
        cv = self.cv
        folds = isinstance(cv, numbers.Integral) and cv >= 2  # False for True and False
        splits = hasattr(cv, "split") or isinstance(cv, Iterable)
        if isinstance(cv, (str, bytes)) or not (folds or splits):
            raise ValueError(
                "cv must be a number of folds >= 2, a cross-validation splitter such as "
                f"KFold(5), or an iterable of (train, test) splits, got {cv!r}."
            )

    def _check_training_data(self, proba, correct):
        proba = check_proba(proba)
        correct = check_correct(check_not_iterator(correct, "correct"))
        if correct.shape != proba.shape[:2]:
            raise ValueError(
                f"correct has shape {correct.shape} but proba has {proba.shape[:2]} "
                "(instances x states)."
            )
        if correct.shape[1] < 2:
            raise ValueError("proba must have at least 2 states: there is nothing to route.")
        return _confidence_features(proba), correct

    def _state_features(self, features, state):
        first = 0 if self.use_earlier_states else state
        return features[:, first : state + 1].reshape(len(features), -1)

    def _splitter(self, correct):
        """The splitter of ``cv``, built once for every state.

        ``check_cv`` lists a one-shot iterable of splits, so each state gets
        the same folds. Every column of ``correct`` is binary, so the first
        one picks the splitter for all.
        """
        cv = check_cv(self.cv, correct[:, 0], classifier=True)
        if cv.get_n_splits(correct, correct[:, 0]) == 0:
            raise ValueError(
                "cv yields no (train, test) splits. A generator of splits is used up "
                "after one call: pass list(...) of the splits to reuse them."
            )
        return cv

    @staticmethod
    def _has_both_outcomes_per_fold(target, cv):
        rarer = min(np.count_nonzero(target), np.count_nonzero(~target))
        return rarer >= cv.get_n_splits(target[:, None], target)

    def _new_estimator(self, target, cv):
        if not self._has_both_outcomes_per_fold(target, cv):
            return DummyClassifier(strategy="prior")
        if self.estimator is None:
            return make_pipeline(StandardScaler(), LogisticRegression())
        return clone(self.estimator)

    def _state_out_of_fold(self, state_features, target, cv):
        if not self._has_both_outcomes_per_fold(target, cv):
            return np.full(len(target), target.mean())
        class_proba = cross_val_predict(
            self._new_estimator(target, cv), state_features, target, cv=cv, method="predict_proba"
        )
        return _probability_correct(np.unique(target), class_proba)

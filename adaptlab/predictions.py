"""Bring your own predictions: per-instance results of any models, compared with the bounds.

``python -m adaptlab compare predictions.csv`` reads a local CSV in a *long*
format, one row per instance and model:

==============  ==================================================================
column          what it holds
==============  ==================================================================
``instance``    an id of the input (any text); every model has one row per instance
``model``       the model's name (any text)
``cost``        what the model costs on one instance, in one unit for all models
                (GFLOPs, ms, $ ...); the same on every row of a model
``correct``     whether the model was right: ``1``/``0`` or ``true``/``false``
``confidence``  a finite number, higher when the model is surer: its top class
                probability, a log-likelihood, a reward-model score ...
==============  ==================================================================

:func:`read_predictions` checks the file and names the first problem in one
line; :func:`compare_predictions` cuts the instances into a validation and a
test split, calibrates a confidence-threshold cascade over the models (cheapest
first) on validation, naive and guarded (:mod:`adaptlab.risk`), and reports it
on test beside a random router, the exact oracle (Definition 2.1) and the
conservative bound (Eq 9), as an :class:`adaptlab.compare.Comparison`.
:func:`to_long_format` writes a trained family in this format (the course's
example, ``course/examples/predictions.csv``, is the scikit-learn family).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from . import bounds, cascade, compare, risk, routers
from ._csvfile import about_file, read_table
from ._validation import (
    check_accuracy,
    check_correct,
    check_cost_kind,
    check_costs,
    check_fraction,
    check_positive_int,
)
from .family import Family
from .statespace import StateSpace, pareto

__all__ = [
    "COLUMNS",
    "CONFIDENCE_RULES",
    "MIN_INSTANCES",
    "Predictions",
    "SplitPredictions",
    "compare_predictions",
    "read_predictions",
    "to_long_format",
]

COLUMNS = ("instance", "model", "cost", "correct", "confidence")
"""The columns of the long format, one row per instance and model."""

MIN_INSTANCES = 20
"""Fewest instances a comparison takes: 10 a split at least, so a threshold means something."""

_MIN_SPLIT = MIN_INSTANCES // 2

CONFIDENCE_RULES = {
    "max probability": routers.max_probability,
    "margin": routers.margin,
    "entropy": routers.negative_entropy,
}
"""The confidences :func:`to_long_format` can write, by name (:mod:`adaptlab.routers`)."""

_CORRECT_VALUES = {"1": True, "0": False, "true": True, "false": False, "1.0": True, "0.0": False}


@dataclass(frozen=True)
class Predictions:
    """Per-instance results of N models: correctness, confidence and cost per instance.

    Attributes
    ----------
    names : tuple of str, length N
        Models, cheapest first.
    costs : ndarray of float, shape (N,)
        Cost of one instance in each model, ascending, in ``unit``.
    instances : tuple of str, length n
        Instance ids, in the order of the file.
    correct : ndarray of bool, shape (n, N)
        Whether model i was right on instance x.
    confidence : ndarray of float, shape (n, N)
        How sure model i was on instance x; higher is surer.
    unit : str
        Unit of ``costs``.
    """

    names: tuple
    costs: np.ndarray
    instances: tuple
    correct: np.ndarray
    confidence: np.ndarray
    unit: str = "GFLOPs"

    def __post_init__(self):
        names = tuple(str(name) for name in self.names)
        costs = check_costs(self.costs, names=names)
        correct = check_correct(self.correct)
        confidence = cascade._check_scores(self.confidence)
        n, n_states = correct.shape
        if len(set(names)) != len(names) or len(names) != costs.size or costs.size != n_states:
            raise ValueError(
                f"names must be {n_states} unique model names with one cost each, got "
                f"{len(names)} names and {costs.size} costs."
            )
        if confidence.shape != correct.shape or len(self.instances) != n:
            raise ValueError(
                f"confidence has shape {confidence.shape} and there are {len(self.instances)} "
                f"instances, but correct has shape {correct.shape}: both are (instances x models)."
            )
        if not isinstance(self.unit, str) or not self.unit.strip():
            raise ValueError(f"unit must name the cost unit, e.g. GFLOPs, ms or $; got {self.unit!r}.")
        for name, value in (("names", names), ("costs", costs), ("correct", correct),
                            ("confidence", confidence), ("instances", tuple(self.instances))):
            object.__setattr__(self, name, value)

    def __len__(self) -> int:
        return len(self.instances)


@dataclass(frozen=True)
class SplitPredictions:
    """Predictions cut into validation and test: the state space a comparison reports on.

    Holds what :class:`adaptlab.compare.Comparison` and
    :func:`adaptlab.plots.router_plane` read of a family (``names``,
    ``costs``, ``unit``, test ``accuracies``, :meth:`state_space`), for
    models known only by their per-instance results.

    Attributes
    ----------
    names, costs, unit
        As in :class:`Predictions`.
    confidence_val, confidence_test : ndarray of float, shape (n, N)
    correct_val, correct_test : ndarray of bool, shape (n, N)
    """

    names: tuple
    costs: np.ndarray
    unit: str
    confidence_val: np.ndarray
    confidence_test: np.ndarray
    correct_val: np.ndarray
    correct_test: np.ndarray

    @property
    def accuracies(self):
        """Test accuracy of each model, shape (N,)."""
        return self.correct_test.mean(axis=0)

    @property
    def sequential_costs(self):
        """What a cascade that stops at each model has paid: ``cumsum(costs)``."""
        return bounds.sequential_costs(self.costs)

    def state_space(self):
        """Names, costs and test accuracies as a :class:`~adaptlab.statespace.StateSpace`."""
        return StateSpace(self.names, self.costs, self.accuracies, unit=self.unit)


# ---------------------------------------------------------------- reading


def _rows(mask):
    """Row numbers (from 1 below the header) where ``mask`` holds."""
    return (np.flatnonzero(mask) + 1).tolist()


def _parse_correct(column):
    values = column.str.lower().map(_CORRECT_VALUES)
    bad = np.flatnonzero(values.isna().to_numpy())
    if bad.size:
        raise ValueError(
            f"column 'correct' must hold 1/0 or true/false, but row {bad[0] + 1} has "
            f"{column.iloc[bad[0]]!r}."
        )
    return values.to_numpy(dtype=bool)


def _model_costs(table):
    """Each model's one cost, after checking it is the same on all its rows and not negative."""
    costs = table.groupby("model", sort=False)["cost"]
    varying = costs.nunique()
    if (varying > 1).any():
        model = varying.index[varying.to_numpy() > 1][0]
        rows = table["model"] == model
        values = sorted(set(table.loc[rows, "cost"]))
        raise ValueError(
            f"model {model!r} has the costs {values[0]:g} and {values[1]:g} (rows "
            f"{_rows(rows & (table['cost'] != values[0]))[:3]} differ from the first); "
            "a model's cost per instance must be the same on all its rows."
        )
    costs = costs.first()
    if (costs < 0).any():
        raise ValueError(f"model {costs.index[costs.to_numpy() < 0][0]!r} has a negative cost, "
                         f"{costs.min():g}; costs are non-negative.")
    return costs


def _check_complete(table, n_instances):
    """One row per (instance, model): no duplicates, no instance missing from a model."""
    pair = table[["instance", "model"]]
    repeated = pair.duplicated(keep=False).to_numpy()
    if repeated.any():
        instance, model = pair.iloc[np.flatnonzero(repeated)[0]]
        rows = _rows((pair["instance"] == instance) & (pair["model"] == model))
        raise ValueError(
            f"instance {instance!r} has {len(rows)} rows for model {model!r} (rows {rows}); "
            "give each instance one row per model."
        )
    counts = table.groupby("model", sort=False).size()
    short = counts[counts < n_instances]
    if not short.empty:
        model = short.index[0]
        seen = set(table.loc[table["model"] == model, "instance"])
        first = next(instance for instance in table["instance"].unique() if instance not in seen)
        raise ValueError(
            f"model {model!r} has no row for {n_instances - short.iloc[0]:,} of the "
            f"{n_instances:,} instances (the first: {first!r}); every model needs one row per "
            "instance."
        )


def read_predictions(path, *, unit="GFLOPs"):
    """Read per-instance results of N models from a local CSV in the long format.

    Parameters
    ----------
    path : str or path-like
        A local CSV file with the columns :data:`COLUMNS` (see the module
        docstring), read by ``adaptlab._csvfile.read_table``: no URLs.
    unit : str, default="GFLOPs"
        Unit of the ``cost`` column.

    Returns
    -------
    Predictions
        Models ordered by cost (ties by name), instances in the file's order.

    Raises
    ------
    ValueError
        With the file's name and the first problem, in one sentence: a
        missing column or blank cell, a cost or confidence that is not a
        finite number, a ``correct`` that is not 1/0 or true/false, a model
        whose cost varies or is negative, an instance listed twice for one
        model, a model missing some instances, fewer than 2 models or fewer
        than :data:`MIN_INSTANCES` instances.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "predictions.csv"
    >>> _ = file.write_text("instance,model,cost,correct,confidence\\n"
    ...                     "a,big,10,1,0.9\\na,small,1,0,0.4\\nb,small,1,1,0.8\\n")
    >>> read_predictions(file)
    Traceback (most recent call last):
    ...
    ValueError: path '...predictions.csv': model 'big' has no row for 1 of the 2 instances (the first: 'b'); every model needs one row per instance.
    """
    table = read_table(path, columns=COLUMNS, numeric=("cost", "confidence"))
    with about_file(path):
        correct = _parse_correct(table["correct"])
        costs = _model_costs(table)
        instances = table["instance"].unique()
        _check_complete(table, instances.size)
        if costs.size < 2:
            raise ValueError(f"it holds 1 model ({costs.index[0]!r}); a comparison needs at "
                             "least 2.")
        if instances.size < MIN_INSTANCES:
            raise ValueError(
                f"it holds {instances.size} instances; a comparison needs at least "
                f"{MIN_INSTANCES} ({_MIN_SPLIT} for validation, {_MIN_SPLIT} for test)."
            )
        order = sorted(costs.index, key=lambda model: (costs[model], model))
        rows = pd.Index(instances).get_indexer(table["instance"])
        columns = pd.Index(order).get_indexer(table["model"])
        matrices = np.empty((2, instances.size, len(order)))
        matrices[0, rows, columns] = correct
        matrices[1, rows, columns] = table["confidence"].to_numpy()
        return Predictions(names=tuple(order), costs=costs[order].to_numpy(),
                           instances=tuple(instances), correct=matrices[0].astype(bool),
                           confidence=matrices[1], unit=unit)


# ---------------------------------------------------------------- writing


def to_long_format(family, *, confidence="max probability"):
    """A trained family's validation and test results in the long format, one row per instance and model.

    Instances are numbered from 0: the validation split first, then the test
    split. Costs keep 4 significant digits and confidences 4 decimals, so
    that ``to_csv(index=False)`` writes a compact file that reads back the
    same.

    Parameters
    ----------
    family : adaptlab.family.Family
    confidence : {"max probability", "margin", "entropy"}
        The rule of :data:`CONFIDENCE_RULES` that turns each model's class
        probabilities into its confidence.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`; ``correct`` as 0/1.
    """
    if not isinstance(family, Family):
        raise ValueError(f"family must be an adaptlab.family.Family, got {type(family).__name__}.")
    if confidence not in CONFIDENCE_RULES:
        raise ValueError(f"confidence must be one of {list(CONFIDENCE_RULES)}, got {confidence!r}.")
    proba = np.concatenate([family.proba_val, family.proba_test])
    correct = np.concatenate([family.correct_val, family.correct_test])
    scores = CONFIDENCE_RULES[confidence](proba)
    n, n_states = correct.shape
    costs = np.array([float(f"{cost:.4g}") for cost in family.costs])
    return pd.DataFrame({
        "instance": np.repeat(np.arange(n), n_states),
        "model": np.tile(np.array(family.names, dtype=object), n),
        "cost": np.tile(costs, n),
        "correct": correct.ravel().astype(int),
        "confidence": scores.ravel().round(4),
    }, columns=list(COLUMNS))


# ---------------------------------------------------------------- comparing


def _split(predictions, val_share, seed):
    n = len(predictions)
    val_share = check_fraction(val_share, "val_share")
    n_val = int(round(val_share * n))
    if min(n_val, n - n_val) < _MIN_SPLIT:
        raise ValueError(
            f"val_share={val_share:g} leaves {n_val} of {n} instances for validation and "
            f"{n - n_val} for test; each split needs at least {_MIN_SPLIT}."
        )
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[:n_val]), np.sort(order[n_val:])


def compare_predictions(predictions, *, val_share=0.5, seed=0, target_accuracy=None,
                        epsilon=0.01, delta=0.1, cost_kind="sequential"):
    """Calibrate a confidence cascade over the models on validation, report it on test.

    The instances are shuffled (``seed``) and cut into validation
    (``val_share``) and test. Models dominated on validation (a cheaper one
    is at least as accurate) are left out, as :func:`adaptlab.compare.compare_routers`
    does, so accuracy rises with cost (Eq 3). On the rest, cheapest first,
    three routers are calibrated on validation and measured on test:

    * ``"confidence cascade"``: the cheapest threshold reaching
      ``target_accuracy`` on validation (:func:`adaptlab.cascade.calibrate`);
    * ``"confidence cascade, guarded"``: the cheapest such threshold whose
      accuracy on new data is certified to be at least ``target_accuracy -
      epsilon`` with probability ``1 - delta`` (:func:`adaptlab.risk.calibrate_guarded`);
    * ``"random"``: the random router, calibrated the same way.

    A router that cannot meet its target on validation takes its most
    accurate threshold (the guarded one: everything to the largest model),
    and says so in its note.

    Parameters
    ----------
    predictions : Predictions
        From :func:`read_predictions`.
    val_share : float in [0, 1], default=0.5
        Share of instances used for validation; each split keeps at least 10.
    seed : int, default=0
        Seed of the split and of the random router.
    target_accuracy : float in [0, 1], optional
        Defaults to the validation accuracy of the largest model kept, which
        is also the most accurate one: "as good as the big model, for less".
    epsilon, delta : float
        The guarded cascade's tolerance and risk (:func:`adaptlab.risk.calibrate_guarded`).
    cost_kind : {"sequential", "selection"}
        A cascade pays every model it ran (``"sequential"``), an ideal
        selector only the one that answers.

    Returns
    -------
    adaptlab.compare.Comparison
        Its ``family`` is a :class:`SplitPredictions` of the models kept.
    """
    if not isinstance(predictions, Predictions):
        raise ValueError("predictions must be an adaptlab.predictions.Predictions "
                         f"(from read_predictions), got {type(predictions).__name__}.")
    seed = check_positive_int(seed, "seed", minimum=0)
    cost_kind = check_cost_kind(cost_kind)
    if target_accuracy is not None:
        target_accuracy = check_accuracy(target_accuracy, "target_accuracy")
    val, test = _split(predictions, val_share, seed)
    kept = np.sort(pareto(predictions.costs, predictions.correct[val].mean(axis=0)))
    if kept.size < 2:
        raise ValueError(
            f"only {predictions.names[kept[0]]!r} is left on the validation Pareto frontier "
            "(every dearer model is less accurate): there is nothing to route between."
        )
    models = SplitPredictions(
        names=tuple(predictions.names[i] for i in kept),
        costs=predictions.costs[kept],
        unit=predictions.unit,
        confidence_val=predictions.confidence[np.ix_(val, kept)],
        confidence_test=predictions.confidence[np.ix_(test, kept)],
        correct_val=predictions.correct[np.ix_(val, kept)],
        correct_test=predictions.correct[np.ix_(test, kept)],
    )
    if target_accuracy is None:
        target_accuracy = float(models.correct_val[:, -1].mean())
    risk._check_floor(target_accuracy, epsilon)
    risk._check_delta(delta)
    same = dict(correct_val=models.correct_val, correct_test=models.correct_test,
                costs=models.costs, sequential_costs=models.sequential_costs)
    confident = compare.RouterStates(scores_val=models.confidence_val,
                                     scores_test=models.confidence_test, **same)
    random = compare.RouterStates(
        scores_val=routers.random_scores(val.size, kept.size, seed=seed),
        scores_test=routers.random_scores(test.size, kept.size, seed=seed + 1), **same)
    naive = compare._run("confidence cascade", confident, target_accuracy, cost_kind)
    runs = {run.name: run for run in (
        naive,
        _guarded_run(naive, target_accuracy=target_accuracy, epsilon=epsilon, delta=delta),
        compare._run("random", random, target_accuracy, cost_kind),
    )}
    return compare.Comparison(
        family=models,
        runs=runs,
        oracle=bounds.oracle(models.correct_test, models.costs),
        frontier=cascade.oracle_frontier(
            models.correct_test,
            models.sequential_costs if cost_kind == "sequential" else models.costs),
        alphas=bounds.alphas(models.correct_test),
        cost_kind=cost_kind,
        target_accuracy=target_accuracy,
        skipped={},
    )


def _guarded_run(naive, *, target_accuracy, epsilon, delta):
    """The naive run's router with the guarded threshold, on the same test curve."""
    states = naive.states
    note = f"P(accuracy < {target_accuracy - epsilon:.4g}) <= {delta:g} (Learn then Test)"
    try:
        threshold = risk.calibrate_guarded(states.scores_val, states.correct_val, states.costs,
                                           target_accuracy=target_accuracy, epsilon=epsilon,
                                           delta=delta)
    except cascade.UnreachableTargetError:
        threshold, note = np.inf, "nothing certified on validation: every instance to the largest"
    point = cascade.operating_point(states.scores_test, states.correct_test, states.costs,
                                    threshold, sequential_costs=states.sequential_costs)
    return replace(naive, name="confidence cascade, guarded", threshold=threshold, point=point,
                   note=note)

"""Agreement-Based Cascading as its authors build it: tiers of similar-cost ensembles.

ABC (Kolawole et al., 2024, arXiv:2407.02348) routes with the agreement of
an ensemble: each tier is several models *of about the same cost* (the same
architecture trained from different seeds), and an instance leaves a tier
when enough of its members agree on the label; the last tier always answers.
:func:`adaptlab.routers.agreement` scores any tiers; this module trains the
tiers the method needs and compares them fairly with confidence cascades.

* :func:`train_sklearn_ensembles` and :func:`train_cnn_ensembles` train
  ``n_members`` copies of chosen states of the scikit-learn and CNN families,
  seeds ``seed, seed + 1, ...``, and return :class:`Ensembles`: every member
  as a state of one :class:`~adaptlab.family.Family`, grouped in tiers. The
  largest state answers alone, last.
* :func:`compare_at_equal_cost` calibrates ABC and confidence cascades over
  the single-seed states on validation, reports them on test, and sets ABC's
  every operating point beside what each confidence rule reaches *at the same
  cost* (:class:`EqualCost`).

``compare.default_tiers`` groups the *unlike* states of one family (the
nearest-centroid classifier votes with models nearly twice as accurate),
which is not ABC: their agreement says little, and on the course's families
that ABC costs as much as the random router. Ensembles of equals are what
the method assumes.

Lecture 6 measures both on the tour's data.
"""
from __future__ import annotations

import operator
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from . import bounds, metrics, routers
from ._validation import check_accuracy, check_cost_kind, check_positive_int
from .compare import CONFIDENCE_RULES, RouterRun, RouterStates, _agreement_states, _run
from .data import check_splits
from .family import Family
from .sklearn_family import count_estimator_flops, make_sklearn_states

__all__ = [
    "EqualCost",
    "Ensembles",
    "compare_at_equal_cost",
    "train_cnn_ensembles",
    "train_sklearn_ensembles",
]

_SIMILAR_COST = 1.1
"""The dearest member of a tier may cost at most this many times its cheapest."""


# ---------------------------------------------------------------- the result of training


@dataclass(frozen=True)
class Ensembles:
    """Tiers of similar-cost ensembles over one family of member states.

    Attributes
    ----------
    family : Family
        Every member as a state, cheapest first; tier by tier, its members
        are adjacent.
    tiers : tuple of tuple of int
        Indices into ``family`` of each tier's members, cheapest tier first.
        The members of a tier cost within 10% of each other; tiers are
        disjoint and together use every state.

    Raises
    ------
    ValueError
        From the constructor, naming the tier, if its members' costs differ by
        more than 10%, or the tiers do not partition the family's states in
        order of cost.
    """

    family: Family
    tiers: tuple

    def __post_init__(self):
        if not isinstance(self.family, Family):
            raise ValueError(
                f"family must be an adaptlab.family.Family, got {type(self.family).__name__}."
            )
        try:
            tiers = tuple(tuple(operator.index(state) for state in tier) for tier in self.tiers)
        except TypeError:
            raise ValueError(
                f"tiers must be a list of lists of state indices, got {self.tiers!r}."
            ) from None
        if [state for tier in tiers for state in tier] != list(range(len(self.family))):
            raise ValueError(
                f"tiers must list the family's {len(self.family)} states once each, cheapest "
                f"first, tier by tier, got {tiers!r}."
            )
        costs = self.family.costs
        for number, tier in enumerate(tiers):
            cheapest, dearest = costs[list(tier)].min(), costs[list(tier)].max()
            if dearest > _SIMILAR_COST * cheapest:
                raise ValueError(
                    f"tiers[{number}] mixes unlike costs ({cheapest:g} to {dearest:g} "
                    f"{self.family.unit}): ABC's members must cost about the same "
                    f"(within {_SIMILAR_COST - 1:.0%})."
                )
        object.__setattr__(self, "tiers", tiers)

    @property
    def tier_names(self):
        """One name per tier, e.g. ``"3 x cnn-4-8"`` or ``"cnn-24-48-96"``."""
        return tuple(
            self.family.names[tier[0]].split(" seed ")[0] if len(tier) == 1
            else f"{len(tier)} x {self.family.names[tier[0]].split(' seed ')[0]}"
            for tier in self.tiers
        )

    @property
    def tier_costs(self):
        """What running each tier costs, the sum of its members' costs, shape (T,)."""
        return np.array([self.family.costs[list(tier)].sum() for tier in self.tiers])

    def single(self):
        """The first member of every tier (the base seed), as a family of single models.

        These are the states a confidence cascade runs one model each of.

        Returns
        -------
        Family
        """
        return self.family.subset([tier[0] for tier in self.tiers])

    def agreement(self, *, split="test"):
        """ABC on one split: tier votes, agreement scores and tier costs.

        Parameters
        ----------
        split : {"val", "test"}

        Returns
        -------
        adaptlab.routers.AgreementCascade
        """
        if split not in ("val", "test"):
            raise ValueError(f"split must be 'val' or 'test', got {split!r}.")
        proba = self.family.proba_val if split == "val" else self.family.proba_test
        return routers.agreement(proba, self.tiers, self.family.costs)


def _member_names(name, seed, n_members):
    return [f"{name} seed {seed + k}" for k in range(n_members)]


def _tiers(sizes):
    """Consecutive index tiers of the given sizes: (3, 3, 1) -> ((0, 1, 2), (3, 4, 5), (6,))."""
    edges = np.cumsum([0, *sizes])
    return tuple(tuple(range(start, stop)) for start, stop in zip(edges, edges[1:]))


# ---------------------------------------------------------------- scikit-learn ensembles


def _check_names(states, known, name):
    """A non-empty tuple of known state names."""
    if isinstance(states, str) or not hasattr(states, "__len__") or not len(states):
        raise ValueError(f"{name} must be a non-empty list of state names, got {states!r}.")
    unknown = [state for state in states if state not in known]
    if unknown:
        raise ValueError(
            f"{name} holds unknown states {unknown}; the family's states are {list(known)}."
        )
    return tuple(states)


def _seeded_params(pipeline):
    """The pipeline's ``random_state`` parameters: what a seed changes."""
    return {key: value for key, value in pipeline.get_params(deep=True).items()
            if key.endswith("random_state")}


def _pixels(dataset):
    return dataset.images.reshape(len(dataset), -1)


def train_sklearn_ensembles(splits, states=("mlp128-8x8",), *, n_members=3,
                            last="mlp512-pca96-16x16", bootstrap=False, seed=0, progress=True):
    """Train ABC's tiers from the scikit-learn family: ``n_members`` seeds of each state.

    Member k of every tier is the state's pipeline from
    :func:`adaptlab.sklearn_family.make_sklearn_states` with seed ``seed + k``;
    with ``bootstrap`` it is also fitted on its own bootstrap sample of the
    training split (seeded the same way). Member 0 without bootstrap is the
    state :func:`~adaptlab.sklearn_family.train_sklearn_family` trains with
    ``seed``. Then ``last`` is trained once, with ``seed``, and answers alone.

    Parameters
    ----------
    splits : Splits
    states : sequence of str, default=("mlp128-8x8",)
        Names of the family's states to make tiers of, cheapest first. A state
        whose pipeline ignores the seed (a logistic regression, the nearest
        centroid) needs ``bootstrap=True``, or its members would be identical.
    n_members : int, default=3
        Members per tier, at least 2 (Kolawole et al. use 3).
    last : str, default="mlp512-pca96-16x16"
        The state that answers alone, last; it must cost more than each tier.
    bootstrap : bool, default=False
        Fit each member on a bootstrap resample of the training split.
    seed : int, default=0
    progress : bool, default=True
        Show a progress bar over the members.

    Returns
    -------
    Ensembles
        Members named ``"<state> seed <s>"``, costs in MFLOPs per image.

    Examples
    --------
    >>> from adaptlab.data import make_cifar_like, train_val_test_split
    >>> splits = train_val_test_split(make_cifar_like(3_000))
    >>> ensembles = train_sklearn_ensembles(splits, progress=False)  # doctest: +SKIP
    >>> ensembles.tier_names  # doctest: +SKIP
    ('3 x mlp128-8x8', 'mlp512-pca96-16x16')
    """
    check_splits(splits)
    seed = check_positive_int(seed, "seed", minimum=0)
    n_members = check_positive_int(n_members, "n_members", minimum=2)
    if not isinstance(bootstrap, (bool, np.bool_)):
        raise ValueError(f"bootstrap must be True or False, got {bootstrap!r}.")
    image_shape = splits.train.images.shape[1:]
    by_seed = [dict(make_sklearn_states(image_shape, seed=seed + k)) for k in range(n_members)]
    states = _check_names(states, by_seed[0], "states")
    (last,) = _check_names([last], by_seed[0], "last")
    if last in states:
        raise ValueError(f"last must not be one of states, got {last!r} in both.")
    for state in states:
        if not bootstrap and _seeded_params(by_seed[0][state]) == _seeded_params(by_seed[1][state]):
            raise ValueError(
                f"states: {state!r} does not depend on the seed, so its {n_members} members "
                "would be identical and always agree. Pass bootstrap=True, or pick a seeded "
                "state (an MLP or the random features)."
            )
    jobs = [(name, by_seed[k][state], k if bootstrap else None)
            for state in states for k, name in enumerate(_member_names(state, seed, n_members))]
    jobs.append((f"{last} seed {seed}", by_seed[0][last], None))
    train = splits.train
    x_train, x_val, x_test = (_pixels(part) for part in (train, splits.val, splits.test))
    flops, proba_val, proba_test = [], [], []
    # One BLAS thread and the MLPs' fixed epochs, as in train_sklearn_family.
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        for name, pipeline, sample_seed in tqdm(jobs, desc="training members", unit="model",
                                                disable=not progress):
            rows = (slice(None) if sample_seed is None else
                    np.random.default_rng(seed + sample_seed).integers(0, len(train), len(train)))
            pipeline.fit(x_train[rows], train.labels[rows])
            flops.append(count_estimator_flops(pipeline))
            proba_val.append(pipeline.predict_proba(x_val))
            proba_test.append(pipeline.predict_proba(x_test))
    family = Family(
        names=tuple(name for name, _, _ in jobs),
        costs=np.asarray(flops, dtype=float) / 1e6,
        unit="MFLOPs",
        proba_val=np.stack(proba_val, axis=1),
        proba_test=np.stack(proba_test, axis=1),
        y_val=splits.val.labels.copy(),
        y_test=splits.test.labels.copy(),
    )
    return Ensembles(family=family, tiers=_tiers([n_members] * len(states) + [1]))


# ---------------------------------------------------------------- CNN ensembles


def _stack(families, names):
    """Families on the same splits, side by side, as one family with the given state names."""
    latency = [part.latency_ms for part in families]
    return Family(
        names=tuple(names),
        costs=np.concatenate([part.costs for part in families]),
        unit=families[0].unit,
        proba_val=np.concatenate([part.proba_val for part in families], axis=1),
        proba_test=np.concatenate([part.proba_test for part in families], axis=1),
        y_val=families[0].y_val,
        y_test=families[0].y_test,
        latency_ms=None if any(part is None for part in latency) else np.concatenate(latency),
    )


def train_cnn_ensembles(splits, channels=((4, 8), (8, 16, 32)), *, n_members=3,
                        last=(24, 48, 96), seed=0, family=None, cache_dir=None, progress=True,
                        **training):
    """Train ABC's tiers from the CNN family: ``n_members`` seeds of each architecture.

    Member k of a tier is the CNN ``channels[i]`` trained by
    :func:`adaptlab.torch_family.train_cnn_family` with seed ``seed + k``
    (initial weights and minibatch order); every member is cached on disk, so
    a second call only loads them. Member 0 and ``last`` are the CNNs of
    ``train_cnn_family(splits, seed=seed)``. Beyond those, the default trains
    ``n_members - 1`` seeds of the two smallest CNNs, once.

    Parameters
    ----------
    splits : Splits
    channels : sequence of sequences of int, default=((4, 8), (8, 16, 32))
        One CNN per tier, cheapest first (as in ``train_cnn_family``).
    n_members : int, default=3
        Members per tier, at least 2.
    last : sequence of int, default=(24, 48, 96)
        The CNN that answers alone, last: dearer than each tier's CNN.
    seed : int, default=0
    family : Family, optional
        ``train_cnn_family(splits, seed=seed)``'s family, if you have it: its
        CNNs of ``channels`` and ``last`` are member 0 and the last tier, taken
        from it instead of being evaluated again (evaluating the largest CNN
        on both splits is most of a cached call's time). It must hold them by
        name, on the same splits, trained with the same ``seed``.
    cache_dir : str or Path, optional
    progress : bool, default=True
    **training
        ``epochs``, ``batch_size``, ``lr``: as in ``train_cnn_family``.

    Returns
    -------
    Ensembles
        Members named ``"cnn-4-8 seed 1"`` and so on, costs in MFLOPs per
        image counted by torch.
    """
    from .torch_family import ConvNetConfig, train_cnn_family  # torch only when asked for

    seed = check_positive_int(seed, "seed", minimum=0)
    n_members = check_positive_int(n_members, "n_members", minimum=2)
    if isinstance(channels, (str, bytes)) or not hasattr(channels, "__len__") or not channels:
        raise ValueError("channels must be a non-empty sequence, one tuple of widths per tier.")
    channels = tuple(tuple(widths) for widths in channels)
    last = tuple(last)
    if last in channels:
        raise ValueError(f"last must not be one of channels, got {last!r} in both.")
    train = dict(cache_dir=cache_dir, progress=progress, **training)
    configs = [ConvNetConfig(widths) for widths in (*channels, last)]
    if family is None:
        first = train_cnn_family(splits, (*channels, last), seed=seed, **train)  # checks the order
    else:
        first = _base_states(family, [config.name for config in configs], splits)
    others = [train_cnn_family(splits, channels, seed=seed + k, **train)
              for k in range(1, n_members)]
    order = [(k, i) for i in range(len(channels)) for k in range(n_members)]
    members = [(first if k == 0 else others[k - 1]).subset([i]) for k, i in order]
    names = [f"{configs[i].name} seed {seed + k}" for k, i in order]
    stacked = _stack([*members, first.subset([len(channels)])],
                     [*names, f"{configs[-1].name} seed {seed}"])
    return Ensembles(family=stacked, tiers=_tiers([n_members] * len(channels) + [1]))


def _base_states(family, names, splits):
    """The states ``names`` of a CNN family evaluated on ``splits``, in that order."""
    if not isinstance(family, Family):
        raise ValueError(f"family must be an adaptlab.family.Family, got {type(family).__name__}.")
    if not (np.array_equal(family.y_val, splits.val.labels)
            and np.array_equal(family.y_test, splits.test.labels)):
        raise ValueError("family must be evaluated on splits (their labels differ).")
    missing = [name for name in names if name not in family.names]
    if missing:
        raise ValueError(f"family lacks the CNNs {missing}; it holds {list(family.names)}.")
    indices = [family.names.index(name) for name in names]
    if indices != sorted(indices):
        raise ValueError(f"channels and last must be ordered by cost, cheapest first: {names}.")
    return family.subset(indices)


# ---------------------------------------------------------------- ABC vs confidence at equal cost


def _accuracy_within(cost, accuracy, budget):
    """The best accuracy among points costing at most ``budget``; NaN if none does."""
    affordable = cost <= budget * (1 + 1e-12)
    return float(accuracy[affordable].max()) if affordable.any() else float("nan")


@dataclass(frozen=True)
class EqualCost:
    """ABC against confidence cascades, calibrated on validation, reported on test.

    Attributes
    ----------
    abc : RouterRun
        ABC over the ensembles' tiers.
    runs : dict of str to RouterRun
        One confidence cascade per rule, over single models.
    target_accuracy : float
        The validation accuracy every router was calibrated to reach.
    cost_kind : str
        ``"sequential"`` (every model run is paid) or ``"selection"``.
    largest_cost, largest_accuracy : float
        ``R_N`` and test ``A_N`` of the largest single model.
    unit : str
    """

    abc: RouterRun
    runs: dict
    target_accuracy: float
    cost_kind: str
    largest_cost: float
    largest_accuracy: float
    unit: str

    @property
    def by_cost(self):
        """One row per ABC operating point on test, each rule beside it at the same cost.

        Columns: ABC's ``threshold`` (the share of a tier's members that must
        agree), ``ABC accuracy``, ``ABC cost`` and ``share to last tier``; per
        rule, ``<rule> accuracy`` (its most accurate test point costing at most
        ABC's cost; NaN if none is that cheap) and ``<rule> cost`` (its least
        cost reaching ABC's accuracy, :func:`adaptlab.metrics.cost_at_accuracy`;
        NaN if it never does); ``ABC - best (pp)``, ABC's accuracy minus the
        best rule's at the same cost, in percentage points; and ``winner``.
        """
        curve = self.abc.curve
        rows = []
        for index, cost in enumerate(curve.cost_of(self.cost_kind)):
            accuracy = curve.accuracy[index]
            row = {"threshold": curve.thresholds[index], "ABC accuracy": accuracy,
                   "ABC cost": cost, "share to last tier": curve.last_state_share[index]}
            for name, run in self.runs.items():
                rule_cost = run.curve.cost_of(self.cost_kind)
                row[f"{name} accuracy"] = _accuracy_within(rule_cost, run.curve.accuracy, cost)
                row[f"{name} cost"] = metrics.cost_at_accuracy(
                    rule_cost, run.curve.accuracy, target_accuracy=accuracy)
            best = max((row[f"{name} accuracy"] for name in self.runs), key=np.nan_to_num)
            row["ABC - best (pp)"] = 100 * (accuracy - best)
            row["winner"] = ("ABC" if not best >= accuracy  # NaN: no rule is that cheap
                             else "tie" if best == accuracy else "confidence")
            rows.append(row)
        return pd.DataFrame(rows)

    @property
    def calibrated(self):
        """One row per router at its threshold calibrated on validation, on test.

        Columns: ``router``, ``threshold``, ``accuracy``, ``cost``,
        ``R_ratio`` (``R_N / cost``: below 1 dearer than the largest model
        alone), ``Delta A (pp)``, ``share to last``, ``note``.
        """
        return pd.DataFrame([
            {"router": run.name, "threshold": run.threshold, "accuracy": run.point.accuracy,
             "cost": run.point.cost_of(self.cost_kind),
             "R_ratio": bounds.r_ratio(self.largest_cost, run.point.cost_of(self.cost_kind)),
             "Delta A (pp)": 100 * (run.point.accuracy - self.largest_accuracy),
             "share to last": run.point.exit_share[-1], "note": run.note}
            for run in (self.abc, *self.runs.values())
        ])


def _confidence_states(family, rule):
    return RouterStates(scores_val=rule(family.proba_val), scores_test=rule(family.proba_test),
                        correct_val=family.correct_val, correct_test=family.correct_test,
                        costs=family.costs, sequential_costs=family.sequential_costs)


def compare_at_equal_cost(ensembles, *, family=None, rules=("max probability", "margin"),
                          target_accuracy=None, cost_kind="sequential"):
    """ABC over ensemble tiers against confidence cascades over single models, at equal cost.

    Every router is calibrated on validation to reach ``target_accuracy`` at
    the least cost (:func:`adaptlab.cascade.calibrate`; a router that cannot
    takes its most accurate threshold and says so in its note) and reported
    on test. :attr:`EqualCost.by_cost` then sets each of ABC's test points
    against each rule's whole test curve at the same cost, so that neither
    side is judged at a threshold the other was not offered.

    Parameters
    ----------
    ensembles : Ensembles
    family : Family, optional
        The single models the confidence cascades run, cheapest first, on the
        same splits; by default ``ensembles.single()``, one model per tier.
    rules : sequence of str, default=("max probability", "margin")
        Keys of :data:`adaptlab.compare.CONFIDENCE_RULES`.
    target_accuracy : float in [0, 1], optional
        Default: the validation accuracy of the last model of ``family``,
        "as good as the largest model".
    cost_kind : {"sequential", "selection"}, default="sequential"

    Returns
    -------
    EqualCost
    """
    if not isinstance(ensembles, Ensembles):
        raise ValueError(
            f"ensembles must be an adaptlab.ensembles.Ensembles, got {type(ensembles).__name__}."
        )
    if family is None:
        family = ensembles.single()
    elif not isinstance(family, Family):
        raise ValueError(f"family must be an adaptlab.family.Family, got {type(family).__name__}.")
    elif not (np.array_equal(family.y_val, ensembles.family.y_val)
              and np.array_equal(family.y_test, ensembles.family.y_test)):
        raise ValueError("family must be evaluated on the same validation and test splits as "
                         "ensembles (their labels differ).")
    if isinstance(rules, str) or not hasattr(rules, "__len__") or not len(rules):
        raise ValueError(f"rules must be a non-empty list of rule names, got {rules!r}.")
    unknown = [rule for rule in rules if rule not in CONFIDENCE_RULES]
    if unknown:
        raise ValueError(f"rules holds unknown rules {unknown}; choose from "
                         f"{list(CONFIDENCE_RULES)}.")
    cost_kind = check_cost_kind(cost_kind)
    if target_accuracy is None:
        target_accuracy = float(family.correct_val[:, -1].mean())
    target_accuracy = check_accuracy(target_accuracy, "target_accuracy")
    abc = _run("ABC agreement", _agreement_states(ensembles.family, ensembles.tiers),
               target_accuracy, cost_kind)
    runs = {rule: _run(rule, _confidence_states(family, CONFIDENCE_RULES[rule]),
                       target_accuracy, cost_kind) for rule in rules}
    return EqualCost(abc=abc, runs=runs, target_accuracy=target_accuracy, cost_kind=cost_kind,
                     largest_cost=float(family.costs[-1]),
                     largest_accuracy=float(family.accuracies[-1]), unit=family.unit)

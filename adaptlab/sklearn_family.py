"""A state space you train yourself: scikit-learn models of growing cost on images.

:func:`train_sklearn_family` fits six scikit-learn pipelines, cheapest first,
and returns their predicted probabilities on the validation and test splits
as a :class:`~adaptlab.family.Family`, ready for the bounds and the routers:

======================  ==========================================================
state                   pipeline (input: raw pixels, flattened)
======================  ==========================================================
``centroid-4x4``        4x4 block means -> standardise -> nearest centroid
``logistic-8x8``        8x8 block means -> standardise -> logistic regression
``rff500-8x8``          8x8 -> PCA 16 -> standardise -> 500 random Fourier
                        features (RBF kernel) -> logistic regression
``mlp128-8x8``          8x8 -> standardise -> MLP, one hidden layer of 128
``mlp128-pca32-16x16``  16x16 -> PCA 32 -> standardise -> MLP, 128 hidden
``mlp512-pca96-16x16``  16x16 -> PCA 96 -> standardise -> MLP, 512 hidden
======================  ==========================================================

Smaller images keep their own resolution (on 8x8 digits, "16x16" is 8x8),
and the family is always returned sorted by cost. On ``make_cifar_like(20_000)``
split 60/20/20, test accuracy climbs from about 36% to 86% as the cost grows
62-fold (0.004 to 0.26 MFLOPs); training all six takes about 10 s on two
cores. On other data the ladder need not be monotone: keep its Pareto
frontier (``adaptlab.statespace.pareto``) before computing bounds.

Training runs with one BLAS thread: on matrices this small more threads only
wait for each other, and on a busy 2-core machine the family took 140 s with
two threads against 8 s with one.

How FLOPs are counted
---------------------
The cost of a state is the number of floating-point operations it needs to
classify one image, read off the fitted model's shapes by
:func:`count_estimator_flops`:

- a matrix-vector product with a ``d_in x d_out`` matrix costs
  ``2 * d_in * d_out`` (one multiply and one add per weight);
- every other elementwise operation costs 1 per element: adding a bias,
  centring, scaling, a ReLU, a cosine;
- a softmax over ``C`` scores costs ``3 * C`` (exponential, sum, divide), a
  sigmoid (two classes, one score) 3;
- block-mean downsampling costs 1 per input value (``f*f - 1`` adds and one
  scaling per ``f x f`` block, which also maps 0-255 to [0, 1]).

Memory traffic, the argmax and Python overhead are not counted: FLOPs are a
model of cost, which is why the family also reports measured latency.
"""
from __future__ import annotations

import warnings
from functools import singledispatch

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.kernel_approximation import RBFSampler
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_array, check_is_fitted, check_X_y
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from ._validation import check_positive_int
from .costs import measure_latency_ms
from .data import check_splits
from .family import Family

__all__ = [
    "Downsample",
    "SoftmaxNearestCentroid",
    "count_estimator_flops",
    "make_sklearn_states",
    "train_sklearn_family",
]

_LATENCY_BATCH = 1_000  # test images timed per state
_BLAS_THREADS = 1  # see the module docstring


def _check_image_shape(image_shape):
    """``(height, width, channels)`` as a tuple of three positive ints."""
    shape = tuple(image_shape) if isinstance(image_shape, (tuple, list)) else ()
    if len(shape) != 3 or any(
        isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1
        for size in shape
    ):
        raise ValueError(
            f"image_shape must be (height, width, channels), three positive integers, "
            f"got {image_shape!r}."
        )
    return tuple(int(size) for size in shape)


class Downsample(TransformerMixin, BaseEstimator):
    """Average non-overlapping pixel blocks and scale 0-255 pixels to [0, 1].

    Parameters
    ----------
    image_shape : tuple of int
        ``(height, width, channels)`` of the images, which arrive flattened
        (one row of ``height * width * channels`` pixel values per image).
    side : int
        Height and width after downsampling; must divide ``height`` and
        ``width``.

    Examples
    --------
    >>> import numpy as np
    >>> pixels = np.full((2, 32 * 32 * 3), 255, dtype=np.uint8)
    >>> Downsample((32, 32, 3), side=8).fit_transform(pixels).shape
    (2, 192)
    """

    def __init__(self, image_shape=(32, 32, 3), side=8):
        self.image_shape = image_shape
        self.side = side

    def fit(self, X, y=None):
        """Check the parameters against X; nothing is learned."""
        height, width, _ = _check_image_shape(self.image_shape)
        side = check_positive_int(self.side, "side")
        if height % side or width % side:
            raise ValueError(
                f"side must divide the image's height and width {height}x{width}, got {side}."
            )
        X = check_array(X, dtype=None)
        if X.shape[1] != np.prod(self.image_shape):
            raise ValueError(
                f"X must have one column per pixel value of an image of shape "
                f"{tuple(self.image_shape)}, i.e. {np.prod(self.image_shape)}, got {X.shape[1]}."
            )
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        """Block means of the flattened images X, scaled to [0, 1], as float32."""
        check_is_fitted(self)
        X = _check_features(self, X, dtype=None)
        height, width, channels = self.image_shape
        rows, cols = height // self.side, width // self.side
        blocks = X.reshape(len(X), self.side, rows, self.side, cols, channels)
        means = blocks.mean(axis=(2, 4), dtype=np.float32) / np.float32(255)
        return means.reshape(len(X), -1)

    def __sklearn_is_fitted__(self):
        return hasattr(self, "n_features_in_")


def _check_features(estimator, X, dtype):
    """X as a 2-D array with as many columns as the estimator was fitted on."""
    X = check_array(X, dtype=dtype)
    if X.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but {type(estimator).__name__} was fitted "
            f"with {estimator.n_features_in_}."
        )
    return X


class SoftmaxNearestCentroid(ClassifierMixin, BaseEstimator):
    """Nearest-centroid classifier with probabilities: a softmax over distances.

    ``P(c | x)`` is proportional to ``exp(-scale_ * ||x - centroid_c||^2)``: a
    Gaussian model with one shared, isotropic covariance. The centroids are the
    class means; the single number ``scale_`` is fitted by maximum likelihood
    on the training data (temperature scaling), so the probabilities are
    neither sharpened nor flattened arbitrarily.

    The predicted class is the nearest centroid. Because ``||x||^2`` is the same
    for every class, the scores are linear in ``x`` (``2 <x, c> - ||c||^2``):
    the classifier costs what a linear layer costs.

    Attributes
    ----------
    classes_ : ndarray, shape (n_classes,)
    centroids_ : ndarray, shape (n_classes, n_features)
    scale_ : float
    """

    def fit(self, X, y):
        """Class means, then the scale that maximises the training likelihood."""
        X, y = check_X_y(X, y, dtype=[np.float64, np.float32])
        self.n_features_in_ = X.shape[1]
        self.classes_, index = np.unique(y, return_inverse=True)
        self.centroids_ = np.stack([X[index == k].mean(axis=0) for k in range(len(self.classes_))])
        scores = self._scores(X)
        rows = np.arange(len(X))

        def mean_negative_log_likelihood(log_scale):
            return -log_softmax(np.exp(log_scale) * scores, axis=1)[rows, index].mean()

        fitted = minimize_scalar(
            mean_negative_log_likelihood, bounds=(-12.0, 6.0), method="bounded"
        )
        self.scale_ = float(np.exp(fitted.x))
        return self

    def _scores(self, X):
        """``-||x - c||^2`` up to a constant per instance: ``2 <x, c> - ||c||^2``."""
        centroids = self.centroids_
        return 2.0 * X @ centroids.T - (centroids**2).sum(axis=1)

    def predict_proba(self, X):
        """Class probabilities, shape (n, n_classes), in the order of ``classes_``."""
        check_is_fitted(self)
        X = _check_features(self, X, dtype=[np.float64, np.float32])
        return softmax(self.scale_ * self._scores(X), axis=1)

    def predict(self, X):
        """The class of the nearest centroid."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


@singledispatch
def count_estimator_flops(estimator):
    """FLOPs one instance costs in a fitted scikit-learn estimator or pipeline.

    Counted from the fitted shapes, with the convention in this module's
    docstring; nothing is run (a torch forward pass is counted by running it:
    ``adaptlab.torch_family.count_forward_flops``). Supports
    :class:`Downsample`, :class:`SoftmaxNearestCentroid`, ``Pipeline``,
    ``StandardScaler``, ``PCA``, ``RBFSampler``, ``LogisticRegression`` and
    ``MLPClassifier``.

    Parameters
    ----------
    estimator : fitted estimator

    Returns
    -------
    int

    Examples
    --------
    Logistic regression on 8x8x3 block means of 32x32x3 images, 10 classes:

    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> pixels = np.random.default_rng(0).integers(0, 256, (50, 3072), dtype=np.uint8)
    >>> model = make_pipeline(
    ...     Downsample((32, 32, 3), side=8), StandardScaler(), LogisticRegression()
    ... ).fit(pixels, np.arange(50) % 10)
    >>> count_estimator_flops(model)  # 3072 + 2 * 192 + (2 * 192 * 10 + 10) + 3 * 10
    7336
    """
    supported = sorted(kind.__name__ for kind in count_estimator_flops.registry
                       if kind is not object)
    raise ValueError(
        f"estimator must be one of {', '.join(supported)} (fitted) for count_estimator_flops, "
        f"got {type(estimator).__name__}."
    )


def _softmax_flops(n_scores):
    """Softmax over n scores (exponential, sum, divide), or a sigmoid over one."""
    return 3 * n_scores


def _linear_flops(n_in, n_out):
    """A dense layer: matrix-vector product plus bias."""
    return 2 * n_in * n_out + n_out


@count_estimator_flops.register
def _(estimator: Pipeline):
    return sum(count_estimator_flops(step) for _, step in estimator.steps)


@count_estimator_flops.register
def _(estimator: Downsample):
    check_is_fitted(estimator)
    return int(np.prod(estimator.image_shape))


@count_estimator_flops.register
def _(estimator: StandardScaler):
    check_is_fitted(estimator)
    return 2 * estimator.n_features_in_


@count_estimator_flops.register
def _(estimator: PCA):
    check_is_fitted(estimator)
    n_components, n_features = estimator.components_.shape
    whitening = n_components if estimator.whiten else 0
    return n_features + 2 * n_features * n_components + whitening


@count_estimator_flops.register
def _(estimator: RBFSampler):
    # cos(x @ W + b) * sqrt(2 / k): the product, the offset, the cosine, the scaling.
    check_is_fitted(estimator)
    n_features, n_components = estimator.random_weights_.shape
    return 2 * n_features * n_components + 3 * n_components


@count_estimator_flops.register
def _(estimator: LogisticRegression):
    check_is_fitted(estimator)
    n_outputs, n_features = estimator.coef_.shape  # one output for two classes
    return _linear_flops(n_features, n_outputs) + _softmax_flops(n_outputs)


@count_estimator_flops.register
def _(estimator: SoftmaxNearestCentroid):
    # Linear scores (the scale folded into the weights), then a softmax.
    check_is_fitted(estimator)
    n_classes, n_features = estimator.centroids_.shape
    return _linear_flops(n_features, n_classes) + _softmax_flops(n_classes)


@count_estimator_flops.register
def _(estimator: MLPClassifier):
    check_is_fitted(estimator)
    *hidden, output = estimator.coefs_
    # Each hidden layer: dense, then the activation (ReLU) on each of its units.
    flops = sum(_linear_flops(*weights.shape) + weights.shape[1] for weights in hidden)
    return flops + _linear_flops(*output.shape) + _softmax_flops(output.shape[1])


def _random_fourier_features(n_pca, n_components, seed):
    """PCA, standardise, then random Fourier features of an RBF kernel (gamma = 1 / 2d)."""
    return [
        PCA(n_pca, random_state=seed),
        StandardScaler(),
        RBFSampler(gamma=1.0 / (2 * n_pca), n_components=n_components, random_state=seed),
    ]


def _mlp(n_hidden, seed):
    # A fixed budget of epochs, not "until converged", keeps training time predictable.
    return MLPClassifier(
        (n_hidden,), batch_size=512, learning_rate_init=3e-3, max_iter=30, random_state=seed
    )


def make_sklearn_states(image_shape, *, seed=0):
    """The family's unfitted pipelines, in the order of the module docstring's table.

    Parameters
    ----------
    image_shape : tuple of int
        ``(height, width, channels)`` of the square images; each pipeline takes
        them flattened, raw pixel values 0-255.
    seed : int, default=0
        Seeds PCA, the random features and the MLPs.

    Returns
    -------
    list of (str, Pipeline)
        Name and pipeline of each state. Images smaller than a state's
        resolution keep their own.
    """
    image_shape = _check_image_shape(image_shape)
    height, width, channels = image_shape
    if height != width:
        raise ValueError(f"image_shape must be square, got {height}x{width}.")
    seed = check_positive_int(seed, "seed", minimum=0)
    coarse, medium, fine = (min(side, height) for side in (4, 8, 16))
    n_medium, n_fine = medium * medium * channels, fine * fine * channels
    n_pca_rff, n_pca_small, n_pca_large = min(16, n_medium), min(32, n_fine), min(96, n_fine)

    def downsample(side):
        return Downsample(image_shape, side)

    return [
        (
            f"centroid-{coarse}x{coarse}",
            make_pipeline(downsample(coarse), StandardScaler(), SoftmaxNearestCentroid()),
        ),
        (
            f"logistic-{medium}x{medium}",
            make_pipeline(downsample(medium), StandardScaler(), LogisticRegression(C=0.1)),
        ),
        (
            f"rff500-{medium}x{medium}",
            make_pipeline(
                downsample(medium),
                *_random_fourier_features(n_pca_rff, 500, seed),
                LogisticRegression(C=1.0),
            ),
        ),
        (
            f"mlp128-{medium}x{medium}",
            make_pipeline(downsample(medium), StandardScaler(), _mlp(128, seed)),
        ),
        (
            f"mlp128-pca{n_pca_small}-{fine}x{fine}",
            make_pipeline(
                downsample(fine), PCA(n_pca_small, random_state=seed), StandardScaler(),
                _mlp(128, seed),
            ),
        ),
        (
            f"mlp512-pca{n_pca_large}-{fine}x{fine}",
            make_pipeline(
                downsample(fine), PCA(n_pca_large, random_state=seed), StandardScaler(),
                _mlp(512, seed),
            ),
        ),
    ]


def _fewest_training_images(states):
    """(name, n): the state that needs the most training images, and how many.

    PCA finds at most as many components as it has training images.
    """
    return max(
        ((name, step.n_components) for name, pipeline in states for _, step in pipeline.steps
         if isinstance(step, PCA)),
        key=lambda state: state[1],
    )


def _pixels(dataset):
    """Raw pixels, one flattened image per row: a view, no float copy."""
    return dataset.images.reshape(len(dataset), -1)


def train_sklearn_family(splits, *, seed=0, progress=True):
    """Train the scikit-learn state space and evaluate it on validation and test.

    Parameters
    ----------
    splits : Splits
        From :func:`adaptlab.data.train_val_test_split`. Train fits the
        models; validation and test are only predicted.
    seed : int, default=0
        Seeds every model; the same seed and splits give the same family.
    progress : bool, default=True
        Show a progress bar over the states.

    Returns
    -------
    Family
        Names, costs (MFLOPs per image, from :func:`count_estimator_flops`),
        class probabilities on validation and test, labels, and measured
        latency (ms per image, batches of up to 1,000 test images).

    Raises
    ------
    ValueError
        If ``splits`` is not usable (:func:`adaptlab.data.check_splits`), or
        its training split holds fewer images than the largest PCA has
        components: 96 for images of 16x16 pixels or more, so 160 images
        split by :func:`~adaptlab.data.train_val_test_split`'s defaults.

    Examples
    --------
    >>> from adaptlab.data import make_cifar_like, train_val_test_split
    >>> splits = train_val_test_split(make_cifar_like(3_000))
    >>> family = train_sklearn_family(splits, progress=False)
    >>> family.proba_test.shape
    (600, 6, 10)
    """
    check_splits(splits)
    seed = check_positive_int(seed, "seed", minimum=0)
    states = make_sklearn_states(splits.train.images.shape[1:], seed=seed)
    name, fewest = _fewest_training_images(states)
    if len(splits.train) < fewest:
        raise ValueError(
            f"splits.train has {len(splits.train)} images, but the state {name!r} projects them "
            f"onto {fewest} principal components, which takes at least {fewest} training "
            "images: use a larger data set."
        )
    x_train, x_val, x_test = (_pixels(part) for part in (splits.train, splits.val, splits.test))
    names, flops, proba_val, proba_test, latency = [], [], [], [], []
    bar = tqdm(states, desc="training states", unit="state", disable=not progress)
    with threadpool_limits(limits=_BLAS_THREADS), warnings.catch_warnings():
        # The MLPs train for a fixed number of epochs on purpose.
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        for name, pipeline in bar:
            bar.set_postfix_str(name)
            pipeline.fit(x_train, splits.train.labels)
            names.append(name)
            flops.append(count_estimator_flops(pipeline))
            proba_val.append(pipeline.predict_proba(x_val))
            proba_test.append(pipeline.predict_proba(x_test))
            latency.append(measure_latency_ms(pipeline.predict_proba, x_test[:_LATENCY_BATCH]))
    order = np.argsort(flops, kind="stable")  # on small images the table's order can change
    return Family(
        names=tuple(names[i] for i in order),
        costs=np.asarray(flops, dtype=float)[order] / 1e6,
        unit="MFLOPs",
        proba_val=np.stack(proba_val, axis=1)[:, order],
        proba_test=np.stack(proba_test, axis=1)[:, order],
        y_val=splits.val.labels.copy(),
        y_test=splits.test.labels.copy(),
        latency_ms=np.asarray(latency)[order],
    )

"""The data type of the course: images with labels, and their three splits.

- :class:`Dataset` holds uint8 images (n, height, width, channels), their
  labels and class names, and for generated data each image's difficulty.
- :func:`train_val_test_split` cuts a data set into the :class:`Splits` the
  course uses: train the models, calibrate the routers on validation, report
  on test; :func:`check_splits` is what the model families ask of them.
- :func:`load_digits_dataset` wraps scikit-learn's bundled 8x8 digits.
"""
from __future__ import annotations

import bisect
import math
import reprlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from .._validation import check_number, check_positive_int

__all__ = [
    "Dataset",
    "Splits",
    "check_splits",
    "load_digits_dataset",
    "train_val_test_split",
]


@dataclass(frozen=True)
class Dataset:
    """Images with labels, stored like CIFAR-10.

    Every field is checked when the data set is made; a wrong one is a
    ValueError that names it.

    Attributes
    ----------
    images : ndarray of uint8, shape (n, height, width, channels)
        Pixel values 0-255, channels last.
    labels : ndarray of int, shape (n,)
        Class index of each image, in ``range(len(class_names))`` (int64 from
        every loader here).
    class_names : tuple of str
        Human-readable name of each class (any sequence of str).
    difficulty : ndarray of float, shape (n,), or None
        Latent per-instance difficulty in [0, 1] (generated data only; None for
        real data, whose difficulty nobody knows).
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: tuple
    difficulty: np.ndarray | None = None

    def __post_init__(self):
        images, labels, class_names = self.images, self.labels, self.class_names
        if not (isinstance(images, np.ndarray) and images.dtype == np.uint8 and images.ndim == 4):
            raise ValueError(
                "images must be a uint8 array of shape (n, height, width, channels), got "
                f"{_describe_array(images)}: give grayscale images a channel axis "
                "(images[..., None]) and pixel values 0-255 as np.uint8."
            )
        n = len(images)
        if not (isinstance(labels, np.ndarray) and labels.ndim == 1 and labels.dtype.kind in "iu"):
            raise ValueError(
                f"labels must be a 1-D integer array (one class index per image), "
                f"got {_describe_array(labels)}."
            )
        if len(labels) != n:
            raise ValueError(f"labels has {len(labels)} entries, but there are {n} images.")
        if (
            isinstance(class_names, str)
            or not isinstance(class_names, Sequence)
            or not all(isinstance(name, str) for name in class_names)
        ):
            raise ValueError(
                f"class_names must be a sequence of str, one per class, "
                f"got {reprlib.repr(class_names)}."
            )
        if n and (labels.min() < 0 or labels.max() >= len(class_names)):
            raise ValueError(
                f"labels must be class indices in range({len(class_names)}) "
                f"(one per class name), got {labels.min()} to {labels.max()}."
            )
        difficulty = self.difficulty
        if difficulty is None:
            return
        if not (
            isinstance(difficulty, np.ndarray)
            and difficulty.dtype.kind == "f"
            and difficulty.shape == (n,)
        ):
            raise ValueError(
                f"difficulty must be None or a float array of shape ({n},), one per image, "
                f"got {_describe_array(difficulty)}."
            )
        if not np.all((difficulty >= 0) & (difficulty <= 1)):
            raise ValueError(
                "difficulty must lie in [0, 1], got values from "
                f"{np.nanmin(difficulty)} to {np.nanmax(difficulty)} or NaN."
            )

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    def features(self) -> np.ndarray:
        """Flattened pixels scaled to [0, 1], shape (n, height * width * channels)."""
        return self.images.reshape(len(self), -1).astype(np.float32) / 255.0

    def subset(self, index) -> "Dataset":
        """The instances at ``index`` (an integer array or a boolean mask)."""
        difficulty = None if self.difficulty is None else self.difficulty[index]
        return Dataset(self.images[index], self.labels[index], self.class_names, difficulty)


def _describe_array(value):
    """"uint8 of shape (3, 32, 32)" for an array, else the type's name."""
    if isinstance(value, np.ndarray):
        return f"{value.dtype} of shape {value.shape}"
    return type(value).__name__


@dataclass(frozen=True)
class Splits:
    """The three splits: ``train`` fits models, ``val`` calibrates routers, ``test`` reports."""

    train: Dataset
    val: Dataset
    test: Dataset


def _check_open_fraction(value, name):
    """A number strictly between 0 and 1, as a float."""
    value = check_number(value, name)
    if not 0 < value < 1:
        raise ValueError(f"{name} must be a fraction in (0, 1), got {value!r}.")
    return value


def check_splits(splits):
    """Splits that a model family can train on and be evaluated on.

    Every split is a non-empty :class:`Dataset` (so its images, labels and
    class names are consistent) with the images of one shape and the class
    names of ``splits.train``, which holds every class. Each failure is a
    ValueError naming the split.
    """
    if not isinstance(splits, Splits):
        raise ValueError(
            "splits must be an adaptlab.data.Splits (from train_val_test_split), "
            f"got {type(splits).__name__}."
        )
    train = splits.train
    for part in ("train", "val", "test"):
        dataset = getattr(splits, part)
        if not isinstance(dataset, Dataset):
            raise ValueError(
                f"splits.{part} must be an adaptlab.data.Dataset, got {type(dataset).__name__}."
            )
        if len(dataset) == 0:
            raise ValueError(f"splits.{part} is empty: every split needs images.")
        if dataset.images.shape[1:] != train.images.shape[1:]:
            raise ValueError(
                f"splits.{part} holds images of shape {dataset.images.shape[1:]}, "
                f"but splits.train holds {train.images.shape[1:]}."
            )
        if tuple(dataset.class_names) != tuple(train.class_names):
            raise ValueError(
                f"splits.{part}.class_names {reprlib.repr(dataset.class_names)} differ from "
                f"splits.train.class_names {reprlib.repr(train.class_names)}: every split "
                "must name the same classes."
            )
    missing = np.setdiff1d(np.arange(train.n_classes), train.labels)
    if missing.size:
        raise ValueError(
            f"splits.train must hold every class to train on; missing classes {missing.tolist()}."
        )
    return splits


_SIZES_TRIED = 10_000  # below a size that surely splits, in search of the fewest


def _ceil_div(numerator, denominator):
    return -(-numerator // denominator)


def _split_sizes(n_instances, val_size, test_size):
    """(train, validation, test) sizes, rounded as scikit-learn's train_test_split rounds."""
    n_test = math.ceil(test_size * n_instances)
    n_rest = n_instances - n_test
    n_val = math.ceil(val_size / (1 - test_size) * n_rest)
    return n_rest - n_val, n_val, n_test


def _fewest_per_class(n_instances, val_size, test_size):
    """Fewest images a class needs for every split of n_instances images to surely get one.

    Stratifying, scikit-learn gives a class of c images out of n at least
    floor(c * s / n) of a split of s images. The test split is cut first;
    train and validation then share the rest, r images, of which the class has
    at least floor(c * r / n).
    """
    n_train, n_val, n_test = _split_sizes(n_instances, val_size, test_size)
    n_rest = n_train + n_val
    in_rest = max(_ceil_div(n_rest, n_train), _ceil_div(n_rest, n_val))
    return max(_ceil_div(n_instances, n_test), _ceil_div(in_rest * n_instances, n_rest))


def _splits(n_instances, n_classes, val_size, test_size):
    """Whether n_instances images of n_classes balanced classes surely give every split every class.

    The smallest class has n_instances // n_classes images.
    """
    return (
        min(_split_sizes(n_instances, val_size, test_size)) >= n_classes
        and n_instances // n_classes >= _fewest_per_class(n_instances, val_size, test_size)
    )


def _fewest_images(n_classes, val_size, test_size):
    """A number of images from which on every data set of n_classes balanced classes splits.

    It is the fewest unless a split's share is tiny. Rounding makes
    :func:`_splits` go back and forth near the limit, so the sizes below one
    that surely splits are tried downwards, from the smallest size at which
    a looser condition, monotone in the size, holds: each split is within 3
    images of its share, and a class of c images out of n surely reaches
    every split if c >= n / n_test and c >= n / n_rest + n / n_split for
    train and validation (:func:`_fewest_per_class`, as ceil(x) < x + 1).
    """

    def inverse_share(fraction, n):  # n over the size of a split of that fraction, at most
        return n / (fraction * n - 3) if fraction * n > 3 else math.inf

    def surely_splits(n):
        rest = inverse_share(1 - test_size, n)
        train = inverse_share(1 - test_size - val_size, n)
        need = max(inverse_share(test_size, n), rest + inverse_share(val_size, n), rest + train)
        return n // n_classes >= need

    sure = n_classes
    while not surely_splits(sure):
        sure *= 2
    sure = bisect.bisect_left(range(sure + 1), True, lo=sure // 2, key=surely_splits)
    lowest_tried = max(sure - _SIZES_TRIED, 0)
    tried = range(sure - 1, lowest_tried, -1)
    failing = (n for n in tried if not _splits(n, n_classes, val_size, test_size))
    return next(failing, lowest_tried) + 1


def _check_split_sizes(dataset, val_size, test_size):
    """Raise a ValueError unless stratification surely gives every split every class."""
    n_instances = len(dataset)
    if n_instances == 0:
        raise ValueError("dataset is empty: there is nothing to split.")
    classes, counts = np.unique(dataset.labels, return_counts=True)
    n_classes = len(classes)

    def use_more():
        fewest = _fewest_images(n_classes, val_size, test_size)
        return f"use at least {fewest} images (in balanced classes)."

    train, val, test = _split_sizes(n_instances, val_size, test_size)
    for size, part, cause in [
        (val, "validation", f"val_size={val_size:g}"),
        (test, "test", f"test_size={test_size:g}"),
        (train, "training", f"val_size + test_size = {val_size + test_size:g}"),
    ]:
        if size < n_classes:
            raise ValueError(
                f"dataset has {n_instances} images of {n_classes} classes; {cause} leaves {size} "
                f"{part} images, but a stratified split needs at least {n_classes} (one per "
                f"class): {use_more()}"
            )
    need, fewest = _fewest_per_class(n_instances, val_size, test_size), int(counts.min())
    if fewest < need:
        rarest = dataset.class_names[classes[counts.argmin()]]
        balanced = counts.max() - fewest <= 1
        raise ValueError(
            f"dataset has only {fewest} image{'s' * (fewest > 1)} of class {rarest!r} "
            f"({n_instances} images of {n_classes} classes), but with val_size={val_size:g} and "
            f"test_size={test_size:g} a stratified split can leave a class of fewer than {need} "
            "images out of a split: "
            + (use_more() if balanced else f"give class {rarest!r} more images, or leave it out.")
        )


def train_val_test_split(dataset, *, val_size=0.2, test_size=0.2, seed=0):
    """Cut a dataset into stratified train / validation / test splits.

    Parameters
    ----------
    dataset : Dataset
    val_size, test_size : float, default=0.2
        Fractions of the whole data set, each in (0, 1), summing to less than 1.
    seed : int, default=0
        Seed of the shuffle, an integer >= 0; the same seed gives the same splits.

    Returns
    -------
    Splits
        Every split holds at least one image of every class in ``dataset``.

    Raises
    ------
    ValueError
        If an argument is wrong, or if ``dataset`` is too small (or a class
        too rare) for every split to surely get an image of every class; the
        message says how many images would do.

    Notes
    -----
    The test split is cut first, then validation from the rest, each
    stratified by scikit-learn, which rounds a split's size up
    (``ceil(test_size * n)``) and gives a class of ``c`` images out of ``n``
    at least ``floor(c * s / n)`` images of a split of ``s``. With the
    defaults, 10 balanced classes need 60 images or more (and
    :func:`~adaptlab.sklearn_family.train_sklearn_family` more: 160).
    """
    if not isinstance(dataset, Dataset):
        raise ValueError(
            f"dataset must be an adaptlab.data.Dataset, got {type(dataset).__name__}."
        )
    val_size = _check_open_fraction(val_size, "val_size")
    test_size = _check_open_fraction(test_size, "test_size")
    seed = check_positive_int(seed, "seed", minimum=0)
    if val_size + test_size >= 1:
        raise ValueError(
            f"val_size + test_size must leave data to train on, got {val_size} + {test_size} >= 1."
        )
    _check_split_sizes(dataset, val_size, test_size)
    index = np.arange(len(dataset))
    rest, test = train_test_split(
        index, test_size=test_size, random_state=seed, stratify=dataset.labels
    )
    train, val = train_test_split(
        rest,
        test_size=val_size / (1 - test_size),
        random_state=seed,
        stratify=dataset.labels[rest],
    )
    return Splits(dataset.subset(train), dataset.subset(val), dataset.subset(test))


def load_digits_dataset():
    """scikit-learn's bundled handwritten digits as a :class:`Dataset` (no download).

    1,797 grayscale 8x8 images of the digits 0-9, their values 0-16 scaled to
    0-255.

    Returns
    -------
    Dataset
        uint8 images (1797, 8, 8, 1), int64 labels, class names "0" to "9";
        ``difficulty`` is None.
    """
    digits = load_digits()
    images = np.rint(digits.images * (255 / 16)).astype(np.uint8)[..., None]
    class_names = tuple(str(name) for name in digits.target_names)
    return Dataset(images, digits.target.astype(np.int64), class_names)

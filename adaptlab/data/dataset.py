"""The data type of the course: images with labels, and their three splits.

- :class:`Dataset` holds uint8 images (n, height, width, channels), their
  labels and class names, and for generated data each image's difficulty.
- :func:`train_val_test_split` cuts a data set into the :class:`Splits` the
  course uses: train the models, calibrate the routers on validation, report
  on test; :func:`check_splits` is what the model families ask of them.
- :func:`load_digits_dataset` wraps scikit-learn's bundled 8x8 digits.
"""
from __future__ import annotations

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

    Attributes
    ----------
    images : ndarray of uint8, shape (n, height, width, channels)
        Pixel values 0-255, channels last.
    labels : ndarray of int64, shape (n,)
        Class index of each image, in ``range(len(class_names))``.
    class_names : tuple of str
        Human-readable name of each class.
    difficulty : ndarray of float, shape (n,), or None
        Latent per-instance difficulty in [0, 1] (generated data only; None for
        real data, whose difficulty nobody knows).
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: tuple
    difficulty: np.ndarray | None = None

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

    Every split is non-empty and holds uint8 images of one shape, with one
    label per image in ``range(n_classes)``; the training split holds every
    class. Each failure is a ValueError naming the split.
    """
    if not isinstance(splits, Splits):
        raise ValueError(
            "splits must be an adaptlab.data.Splits (from train_val_test_split), "
            f"got {type(splits).__name__}."
        )
    train = splits.train
    for part in ("train", "val", "test"):
        dataset = getattr(splits, part)
        if len(dataset) == 0:
            raise ValueError(f"splits.{part} is empty: every split needs images.")
        if dataset.images.ndim != 4 or dataset.images.dtype != np.uint8:
            raise ValueError(
                f"splits.{part}.images must be uint8 of shape (n, height, width, channels), "
                f"got {dataset.images.dtype} of shape {dataset.images.shape}."
            )
        if dataset.images.shape[1:] != train.images.shape[1:]:
            raise ValueError(
                f"splits.{part} holds images of shape {dataset.images.shape[1:]}, "
                f"but splits.train holds {train.images.shape[1:]}."
            )
        if len(dataset.labels) != len(dataset.images):
            raise ValueError(
                f"splits.{part} has {len(dataset.images)} images "
                f"but {len(dataset.labels)} labels."
            )
        if dataset.labels.min() < 0 or dataset.labels.max() >= train.n_classes:
            raise ValueError(
                f"splits.{part}.labels must be class indices in "
                f"range({train.n_classes}) (splits.train.class_names)."
            )
    missing = np.setdiff1d(np.arange(train.n_classes), train.labels)
    if missing.size:
        raise ValueError(
            f"splits.train must hold every class to train on; missing classes {missing.tolist()}."
        )
    return splits


def train_val_test_split(dataset, val_size=0.2, test_size=0.2, seed=0):
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

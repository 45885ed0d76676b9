"""Image data for the course: a CIFAR-like generator, real CIFAR-10, and digits.

- :func:`make_cifar_like` (:mod:`.synthetic`) draws 32x32 colour images of 10
  classes with a known per-image difficulty, offline and in seconds: the
  course's default data.
- :func:`load_cifar10` (:mod:`.cifar10`) reads the real CIFAR-10 archive that
  you downloaded (by hand, or with the opt-in :func:`download_cifar10`).
- :func:`load_digits_dataset` (:mod:`.dataset`) wraps scikit-learn's bundled
  8x8 digits.

Every loader returns a :class:`Dataset`; :func:`train_val_test_split` cuts it
into the three splits the course uses (train the models, calibrate the routers
on validation, report on test).
"""
from .cifar10 import CIFAR10_MD5, CIFAR10_URL, download_cifar10, load_cifar10
from .dataset import Dataset, Splits, check_splits, load_digits_dataset, train_val_test_split
from .synthetic import CIFAR_LIKE_CLASSES, make_cifar_like

__all__ = [
    "CIFAR10_MD5",
    "CIFAR10_URL",
    "CIFAR_LIKE_CLASSES",
    "Dataset",
    "Splits",
    "check_splits",
    "download_cifar10",
    "load_cifar10",
    "load_digits_dataset",
    "make_cifar_like",
    "train_val_test_split",
]

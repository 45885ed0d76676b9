"""Tests of adaptlab.data.dataset: the Dataset type, the three splits and the digits."""
import numpy as np
import pytest

from adaptlab.data import load_digits_dataset, make_cifar_like, train_val_test_split


@pytest.fixture(scope="module")
def cifar_like():
    return make_cifar_like(3_000, seed=0)


def test_split_sizes_are_stratified_disjoint_and_seeded(cifar_like):
    splits = train_val_test_split(cifar_like, val_size=0.2, test_size=0.3, seed=1)
    sizes = np.array([len(splits.train), len(splits.val), len(splits.test)])
    assert np.all(np.abs(sizes - [1_500, 600, 900]) <= 1)  # sklearn rounds the counts
    for part in (splits.train, splits.val, splits.test):
        assert np.ptp(np.bincount(part.labels, minlength=10)) <= 1  # the classes are balanced
    pixels = [{image.tobytes() for image in part.images} for part in splits.__dict__.values()]
    assert sum(map(len, pixels)) == len(set.union(*pixels)) == len(cifar_like)
    again = train_val_test_split(cifar_like, val_size=0.2, test_size=0.3, seed=1)
    np.testing.assert_array_equal(again.test.images, splits.test.images)


@pytest.mark.parametrize(
    ("arguments", "name"),
    [
        ({"val_size": None}, "val_size"),
        ({"val_size": "a fifth"}, "val_size"),
        ({"val_size": 0}, "val_size"),
        ({"test_size": 1.0}, "test_size"),
        ({"test_size": np.nan}, "test_size"),
        ({"val_size": 0.5, "test_size": 0.5}, "val_size \\+ test_size"),
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
    ],
)
def test_split_rejects_bad_arguments(cifar_like, arguments, name):
    with pytest.raises(ValueError, match=f"^{name} "):
        train_val_test_split(cifar_like, **arguments)


def test_split_needs_a_dataset(cifar_like):
    with pytest.raises(ValueError, match="^dataset "):
        train_val_test_split(list(cifar_like.images))


def test_digits():
    digits = load_digits_dataset()
    assert digits.images.shape == (1797, 8, 8, 1)
    assert digits.images.dtype == np.uint8
    assert digits.images.max() == 255 and digits.images.min() == 0
    assert digits.class_names == tuple("0123456789")
    assert set(digits.labels.tolist()) == set(range(10))
    assert digits.difficulty is None

"""Tests of adaptlab.data.dataset: the Dataset type, the three splits and the digits."""
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import adaptlab.data
from adaptlab.data import (
    Dataset,
    Splits,
    check_splits,
    load_digits_dataset,
    make_cifar_like,
    train_val_test_split,
)


@pytest.fixture(scope="module")
def cifar_like():
    return make_cifar_like(3_000, seed=0)


def tiny(n=6, n_classes=3, difficulty=True):
    """n distinct 2x2 RGB images, labels 0, 1, ..., n_classes - 1, 0, 1, ..."""
    images = np.arange(n * 12, dtype=np.uint8).reshape(n, 2, 2, 3)
    labels = np.arange(n) % n_classes
    names = tuple(f"class {k}" for k in range(n_classes))
    return Dataset(images, labels, names, np.linspace(0, 1, n) if difficulty else None)


def test_the_package_reexports_every_public_name_of_its_modules():
    modules = (adaptlab.data.dataset, adaptlab.data.synthetic, adaptlab.data.cifar10)
    assert sorted(adaptlab.data.__all__) == sorted(name for m in modules for name in m.__all__)
    for module in modules:
        for name in module.__all__:
            assert getattr(adaptlab.data, name) is getattr(module, name)


# --------------------------------------------------------------------------
# Dataset
# --------------------------------------------------------------------------


def test_dataset_subset_keeps_every_field_in_step():
    data = tiny()
    part = data.subset(np.array([4, 1]))
    np.testing.assert_array_equal(part.images, data.images[[4, 1]])
    np.testing.assert_array_equal(part.labels, [1, 1])
    np.testing.assert_array_equal(part.difficulty, [0.8, 0.2])
    assert part.class_names == data.class_names and part.n_classes == 3 and len(part) == 2
    mask = data.labels == 2
    np.testing.assert_array_equal(data.subset(mask).images, data.images[[2, 5]])
    assert len(data.subset(np.zeros(6, bool))) == 0  # an empty data set is still a data set
    assert tiny(difficulty=False).subset(mask).difficulty is None


def test_dataset_features_scale_pixels_to_the_unit_interval():
    features = tiny().features()
    assert features.shape == (6, 12) and features.dtype == np.float32
    np.testing.assert_allclose(features[1], np.arange(12, 24) / 255)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("images", np.zeros((6, 2, 2), np.uint8),
         r"images must be a uint8 array of shape \(n, height, width, channels\), "
         r"got uint8 of shape \(6, 2, 2\): give grayscale images a channel axis"),
        ("images", np.zeros((6, 2, 2, 3)), r"images must be a uint8 array .* got float64 of shape"),
        ("images", [[[[0]]]] * 6, r"images must be a uint8 array .* got list"),
        ("labels", np.zeros(6), r"labels must be a 1-D integer array \(one class index per "
                                r"image\), got float64 of shape \(6,\)\."),
        ("labels", np.zeros(6, bool), r"labels must be a 1-D integer array .* got bool"),
        ("labels", [0, 1, 2, 0, 1, 2], r"labels must be a 1-D integer array .* got list\."),
        ("labels", np.zeros((6, 1), int), r"labels must be a 1-D integer array .* shape \(6, 1\)"),
        ("labels", np.zeros(5, int), r"labels has 5 entries, but there are 6 images\."),
        ("labels", np.array([0, 1, 2, 3, 1, 2]),
         r"labels must be class indices in range\(3\) \(one per class name\), got 0 to 3\."),
        ("labels", np.array([0, 1, -1, 0, 1, 2]), r"labels must be class indices .* got -1 to 2\."),
        ("class_names", "abc", r"class_names must be a sequence of str, .* got 'abc'\."),
        ("class_names", (0, 1, 2), r"class_names must be a sequence of str, .* got \(0, 1, 2\)\."),
        ("class_names", {"a", "b", "c"}, r"class_names must be a sequence of str"),
        ("class_names", ("a", "b"), r"labels must be class indices in range\(2\)"),
        ("difficulty", np.zeros(5), r"difficulty must be None or a float array of shape \(6,\), "
                                    r"one per image, got float64 of shape \(5,\)\."),
        ("difficulty", np.zeros(6, int), r"difficulty must be None or a float array .* got int64"),
        ("difficulty", [0.5] * 6, r"difficulty must be None or a float array .* got list"),
        ("difficulty", np.full(6, 1.5), r"difficulty must lie in \[0, 1\], got values from 1.5 to"),
        ("difficulty", np.array([0.1, np.nan, 0, 0, 0, 0]), r"difficulty must lie in \[0, 1\]"),
    ],
)
def test_dataset_checks_every_field(field, value, message):
    with pytest.raises(ValueError, match=f"^{message}"):
        replace(tiny(), **{field: value})


def test_dataset_accepts_any_integer_labels_and_sequence_of_names():
    data = Dataset(np.zeros((2, 1, 1, 1), np.uint8), np.array([1, 0], np.uint8), ["no", "yes"])
    assert data.n_classes == 2 and data.difficulty is None


# --------------------------------------------------------------------------
# check_splits
# --------------------------------------------------------------------------


def test_check_splits_accepts_and_returns_good_splits():
    splits = Splits(tiny(), tiny(3), tiny(3))
    assert check_splits(splits) is splits


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"val": "not a dataset"}, r"splits.val must be an adaptlab.data.Dataset, got str\."),
        ({"test": tiny().subset(np.zeros(6, bool))}, r"splits.test is empty: every split needs"
                                                      r" images\."),
        ({"val": Dataset(np.zeros((3, 4, 4, 3), np.uint8), np.arange(3), ("a", "b", "c"))},
         r"splits.val holds images of shape \(4, 4, 3\), but splits.train holds \(2, 2, 3\)\."),
        ({"test": replace(tiny(), class_names=("x", "y", "z"))},
         r"splits.test.class_names \('x', 'y', 'z'\) differ from splits.train.class_names "
         r"\('class 0', 'class 1', 'class 2'\): every split must name the same classes\."),
        ({"train": tiny().subset(np.array([0, 1, 3, 4]))},
         r"splits.train must hold every class to train on; missing classes \[2\]\."),
    ],
)
def test_check_splits_names_the_split(change, message):
    splits = replace(Splits(tiny(), tiny(), tiny()), **change)
    with pytest.raises(ValueError, match=f"^{message}$"):
        check_splits(splits)


def test_check_splits_needs_splits():
    with pytest.raises(ValueError, match=r"^splits must be an adaptlab.data.Splits "):
        check_splits(tiny())


# --------------------------------------------------------------------------
# train_val_test_split
# --------------------------------------------------------------------------


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


def balanced(n_instances, n_classes=10):
    """n_instances 1x1 images in n_classes classes, balanced as make_cifar_like balances them."""
    labels = np.arange(n_instances) % n_classes
    names = tuple("abcdefghijkl"[:n_classes])
    return Dataset(np.zeros((n_instances, 1, 1, 1), np.uint8), labels, names)


def holds_every_class(splits, n_classes):
    return all(len(np.unique(part.labels)) == n_classes for part in splits.__dict__.values())


def test_split_of_too_few_images_says_how_many_would_do():
    with pytest.raises(ValueError, match=(
        r"^dataset has 10 images of 10 classes; val_size=0.2 leaves 2 validation images, but a "
        r"stratified split needs at least 10 \(one per class\): use at least 60 images "
        r"\(in balanced classes\)\.$"
    )):
        train_val_test_split(make_cifar_like(10))


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ({"val_size": 0.5, "test_size": 0.1}, "test_size=0.1 leaves 2 test images, .* 40 "),
        ({"val_size": 0.1, "test_size": 0.5}, "val_size=0.1 leaves 2 validation images, .* 44 "),
        ({"val_size": 0.45, "test_size": 0.45}, "val_size \\+ test_size = 0.9 leaves 2 training "
                                                "images, .* at least 51 "),
    ],
)
def test_split_names_the_size_that_leaves_too_few_images(sizes, message):
    with pytest.raises(ValueError, match=f"^dataset has 20 images of 4 classes; {message}"):
        train_val_test_split(balanced(20, n_classes=4), **sizes)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([30] * 9 + [1], "only 1 image of class 'j' \\(271 images of 10 classes\\), but with "
                         "val_size=0.2 and test_size=0.2 a stratified split can leave a class of "
                         "fewer than 6 images out of a split: give class 'j' more images, or "
                         "leave it out\\."),
        ([6] * 3 + [5] * 7, "only 5 images of class 'd' \\(53 images of 10 classes\\), .* "
                            "fewer than 6 images .*: use at least 60 images \\(in balanced"),
    ],
)
def test_split_names_a_class_too_rare_to_reach_every_split(counts, message):
    labels = np.repeat(np.arange(len(counts)), counts)
    data = replace(balanced(len(labels)), labels=labels)
    with pytest.raises(ValueError, match=f"^dataset has {message}"):
        train_val_test_split(data)


def test_split_of_nothing():
    with pytest.raises(ValueError, match="^dataset is empty: there is nothing to split\\.$"):
        train_val_test_split(tiny().subset(np.zeros(6, bool)))


@pytest.mark.parametrize(
    ("n_classes", "val_size", "test_size"),
    [(10, 0.2, 0.2), (10, 0.2, 0.3), (3, 0.1, 0.1), (2, 0.45, 0.45), (7, 0.05, 0.5)],
)
def test_split_works_from_the_size_it_asks_for(n_classes, val_size, test_size):
    sizes = {"val_size": val_size, "test_size": test_size}
    with pytest.raises(ValueError) as error:
        train_val_test_split(balanced(n_classes, n_classes), **sizes)
    fewest = int(error.value.args[0].split("use at least ")[1].split()[0])
    with pytest.raises(ValueError, match="^dataset has "):
        train_val_test_split(balanced(fewest - 1, n_classes), **sizes)
    for n_instances in range(fewest, fewest + 20 * n_classes):
        splits = train_val_test_split(balanced(n_instances, n_classes), **sizes)
        assert holds_every_class(splits, n_classes)


@given(
    counts=st.lists(st.integers(1, 40), min_size=1, max_size=8),
    val_size=st.floats(0.01, 0.6),
    test_size=st.floats(0.01, 0.6),
    seed=st.integers(0, 2**16),
)
def test_split_gives_every_split_every_class_or_says_why(counts, val_size, test_size, seed):
    if val_size + test_size >= 0.95:
        val_size, test_size = val_size / 2, test_size / 2
    labels = np.repeat(np.arange(len(counts)), counts)
    data = replace(balanced(len(labels), len(counts)), labels=labels)
    try:
        splits = train_val_test_split(data, val_size=val_size, test_size=test_size, seed=seed)
    except ValueError as error:
        assert str(error).startswith("dataset has ")
    else:
        assert holds_every_class(splits, len(counts))


# --------------------------------------------------------------------------
# load_digits_dataset
# --------------------------------------------------------------------------


def test_digits():
    digits = load_digits_dataset()
    assert digits.images.shape == (1797, 8, 8, 1)
    assert digits.images.dtype == np.uint8
    assert digits.images.max() == 255 and digits.images.min() == 0
    assert digits.class_names == tuple("0123456789")
    assert set(digits.labels.tolist()) == set(range(10))
    assert digits.difficulty is None

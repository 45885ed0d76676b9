"""Tests of adaptlab.data.synthetic: the CIFAR-like generator."""
import numpy as np
import pytest

from adaptlab.data import CIFAR_LIKE_CLASSES, make_cifar_like


@pytest.fixture(scope="module")
def cifar_like():
    return make_cifar_like(3_000, seed=0)


def test_generator_shapes_and_dtypes(cifar_like):
    assert cifar_like.images.shape == (3_000, 32, 32, 3)
    assert cifar_like.images.dtype == np.uint8
    assert cifar_like.labels.shape == (3_000,)
    assert cifar_like.labels.dtype == np.int64
    assert cifar_like.class_names == CIFAR_LIKE_CLASSES
    assert len(set(CIFAR_LIKE_CLASSES)) == 10
    assert cifar_like.difficulty.shape == (3_000,)
    assert np.all((cifar_like.difficulty >= 0) & (cifar_like.difficulty <= 1))


def test_generator_same_seed_same_bytes(cifar_like):
    again = make_cifar_like(3_000, seed=0)
    assert again.images.tobytes() == cifar_like.images.tobytes()
    np.testing.assert_array_equal(again.labels, cifar_like.labels)
    np.testing.assert_array_equal(again.difficulty, cifar_like.difficulty)


def test_generator_different_seed_different_images(cifar_like):
    other = make_cifar_like(3_000, seed=1)
    assert other.images.tobytes() != cifar_like.images.tobytes()


@pytest.mark.parametrize("n_instances", [1, 7, 513])
def test_generator_any_size(n_instances):
    # Sizes that leave a small last block, where clutter may be absent.
    tiny = make_cifar_like(n_instances, seed=2)
    assert tiny.images.shape == (n_instances, 32, 32, 3)


def test_generator_classes_balanced(cifar_like):
    counts = np.bincount(cifar_like.labels, minlength=10)
    assert counts.max() - counts.min() <= 1


def test_generator_difficulty_long_tailed(cifar_like):
    # Most images are easy, a tail is hard: the median is under a third of the
    # mean of the hardest decile, and half the images are easier than 0.25.
    difficulty = cifar_like.difficulty
    hardest_decile = np.sort(difficulty)[-len(difficulty) // 10 :]
    assert np.median(difficulty) < hardest_decile.mean() / 3
    assert np.median(difficulty) < 0.25
    assert hardest_decile.mean() > 0.4


def test_difficulty_makes_images_noisier(cifar_like):
    # Noise grows with difficulty: pixel-to-pixel jumps are larger in hard images.
    jumps = np.abs(np.diff(cifar_like.images.astype(np.int16), axis=2)).mean(axis=(1, 2, 3))
    easy = cifar_like.difficulty < np.quantile(cifar_like.difficulty, 0.25)
    hard = cifar_like.difficulty > np.quantile(cifar_like.difficulty, 0.75)
    assert jumps[hard].mean() > 1.5 * jumps[easy].mean()


def test_generator_uses_the_whole_pixel_range(cifar_like):
    assert cifar_like.images.min() == 0 and cifar_like.images.max() == 255
    assert 60 < cifar_like.images.mean() < 200


@pytest.mark.parametrize(
    ("arguments", "name"),
    [({"n_instances": 0}, "n_instances"), ({"n_instances": 2.5}, "n_instances"), ({"seed": -1}, "seed")],
)
def test_generator_rejects_bad_arguments(arguments, name):
    with pytest.raises(ValueError, match=name):
        make_cifar_like(**{"n_instances": 10, **arguments})

"""Tests of adaptlab.data: the CIFAR-like generator and the real-data loaders."""
import io
import pickle
import tarfile
import urllib.error

import numpy as np
import pytest

from adaptlab import data
from adaptlab.data import (
    CIFAR_LIKE_CLASSES,
    download_cifar10,
    load_cifar10,
    load_digits_dataset,
    make_cifar_like,
    train_val_test_split,
)


@pytest.fixture(scope="module")
def cifar_like():
    return make_cifar_like(3_000, seed=0)


# --------------------------------------------------------------------------
# make_cifar_like
# --------------------------------------------------------------------------


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


@pytest.mark.parametrize("n_samples", [1, 7, 513])
def test_generator_any_size(n_samples):
    # Sizes that leave a small last block, where clutter may be absent.
    tiny = make_cifar_like(n_samples, seed=2)
    assert tiny.images.shape == (n_samples, 32, 32, 3)


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
    [({"n_samples": 0}, "n_samples"), ({"n_samples": 2.5}, "n_samples"), ({"seed": -1}, "seed")],
)
def test_generator_rejects_bad_arguments(arguments, name):
    with pytest.raises(ValueError, match=name):
        make_cifar_like(**{"n_samples": 10, **arguments})


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


# --------------------------------------------------------------------------
# load_cifar10, on a tiny archive written in the real format
# --------------------------------------------------------------------------

LABEL_NAMES = [b"airplane", b"automobile", b"bird", b"cat", b"deer",
               b"dog", b"frog", b"horse", b"ship", b"truck"]


def _batch(n, seed):
    rng = np.random.default_rng(seed)
    return {
        b"batch_label": f"batch {seed}".encode(),
        b"labels": rng.integers(0, 10, n).tolist(),
        b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
        b"filenames": [f"img_{i}.png".encode() for i in range(n)],
    }


@pytest.fixture()
def cifar_batches():
    return {
        "data_batch_1": _batch(6, seed=1),
        "data_batch_2": _batch(4, seed=2),
        "test_batch": _batch(5, seed=3),
        "batches.meta": {b"label_names": LABEL_NAMES, b"num_vis": 3072},
    }


def _write_archive(path, files):
    with tarfile.open(path, "w:gz") as archive:
        for name, content in files.items():
            payload = content if isinstance(content, bytes) else pickle.dumps(content)
            member = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            member.size = len(payload)
            archive.addfile(member, io.BytesIO(payload))
    return path


@pytest.fixture()
def cifar_archive(tmp_path, cifar_batches):
    return _write_archive(tmp_path / "cifar-10-python.tar.gz", cifar_batches)


@pytest.fixture()
def cifar_folder(tmp_path, cifar_batches):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    for name, content in cifar_batches.items():
        (folder / name).write_bytes(pickle.dumps(content))
    return folder


def _expected_images(batch):
    # Row = 1024 red values, then 1024 green, then 1024 blue, each row by row.
    red, green, blue = batch[b"data"].reshape(-1, 3, 1024).transpose(1, 0, 2)
    return np.stack([red, green, blue], axis=-1).reshape(-1, 32, 32, 3)


@pytest.mark.parametrize("source", ["cifar_archive", "cifar_folder"])
def test_load_cifar10_train_and_test(source, cifar_batches, request):
    path = request.getfixturevalue(source)
    train = load_cifar10(path, split="train")
    assert train.images.shape == (10, 32, 32, 3) and train.images.dtype == np.uint8
    assert train.labels.dtype == np.int64
    assert train.class_names == tuple(name.decode() for name in LABEL_NAMES)
    assert train.difficulty is None
    first, second = cifar_batches["data_batch_1"], cifar_batches["data_batch_2"]
    np.testing.assert_array_equal(
        train.images, np.concatenate([_expected_images(first), _expected_images(second)])
    )
    np.testing.assert_array_equal(train.labels, first[b"labels"] + second[b"labels"])

    test = load_cifar10(path, split="test")
    np.testing.assert_array_equal(test.images, _expected_images(cifar_batches["test_batch"]))
    np.testing.assert_array_equal(test.labels, cifar_batches["test_batch"][b"labels"])


def test_load_cifar10_channel_order(tmp_path, cifar_batches):
    # A pure red first image: its red plane is 255, green and blue are 0.
    cifar_batches["test_batch"][b"data"][0] = np.repeat([255, 0, 0], 1024)
    path = _write_archive(tmp_path / "red.tar.gz", cifar_batches)
    image = load_cifar10(path, split="test").images[0]
    assert np.all(image[..., 0] == 255) and np.all(image[..., 1:] == 0)


def test_load_cifar10_accepts_the_folder_holding_the_batches(cifar_folder):
    assert len(load_cifar10(cifar_folder.parent, split="test")) == 5


def test_load_cifar10_missing_path(tmp_path):
    missing = tmp_path / "nowhere.tar.gz"
    with pytest.raises(FileNotFoundError, match="nowhere.tar.gz"):
        load_cifar10(missing)


def test_load_cifar10_not_an_archive(tmp_path):
    path = tmp_path / "cifar-10-python.tar.gz"
    path.write_bytes(b"this is not a tarball")
    with pytest.raises(ValueError, match="not a readable CIFAR-10 archive"):
        load_cifar10(path)


def test_load_cifar10_truncated_archive(tmp_path, cifar_archive):
    path = tmp_path / "truncated.tar.gz"
    path.write_bytes(cifar_archive.read_bytes()[:300])
    with pytest.raises(ValueError, match="truncated.tar.gz"):
        load_cifar10(path)


def test_load_cifar10_missing_batches(tmp_path, cifar_batches):
    del cifar_batches["test_batch"]
    path = _write_archive(tmp_path / "no-test.tar.gz", cifar_batches)
    with pytest.raises(ValueError, match="test_batch"):
        load_cifar10(path, split="test")
    del cifar_batches["batches.meta"]
    path = _write_archive(tmp_path / "no-meta.tar.gz", cifar_batches)
    with pytest.raises(ValueError, match="batches.meta"):
        load_cifar10(path)


def test_load_cifar10_wrong_data_shape(tmp_path, cifar_batches):
    cifar_batches["data_batch_2"][b"data"] = np.zeros((4, 100), dtype=np.uint8)
    path = _write_archive(tmp_path / "bad-shape.tar.gz", cifar_batches)
    with pytest.raises(ValueError, match="data_batch_2.*3072"):
        load_cifar10(path)


def test_load_cifar10_refuses_pickles_that_run_code(tmp_path, cifar_batches):
    class Exploit:
        def __reduce__(self):
            return (print, ("this must never run",))

    cifar_batches["test_batch"] = pickle.dumps(Exploit())
    path = _write_archive(tmp_path / "evil.tar.gz", cifar_batches)
    with pytest.raises(ValueError, match="test_batch.*not a CIFAR-10 pickle"):
        load_cifar10(path, split="test")


def test_load_cifar10_rejects_unknown_split(cifar_archive):
    with pytest.raises(ValueError, match="split"):
        load_cifar10(cifar_archive, split="validation")


def test_download_cifar10_offline(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr(data.urllib.request, "urlopen", no_network)
    with pytest.raises(ConnectionError, match="no network: download the archive by hand"):
        download_cifar10(tmp_path / "cache")
    assert not list((tmp_path / "cache").iterdir())


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

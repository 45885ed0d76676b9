"""Tests of adaptlab.data.cifar10: loading CIFAR-10 from tiny archives in the real format."""
import io
import pickle
import tarfile
import urllib.error

import numpy as np
import pytest

from adaptlab.data import cifar10, download_cifar10, load_cifar10


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

    monkeypatch.setattr(cifar10.urllib.request, "urlopen", no_network)
    with pytest.raises(ConnectionError, match="no network: download the archive by hand"):
        download_cifar10(tmp_path / "cache")
    assert not list((tmp_path / "cache").iterdir())

"""Tests of adaptlab.data.cifar10: loading CIFAR-10 from tiny archives in the real format.

The archives are written here: by this Python in pickle protocols 2, 4 and 5,
byte for byte as Python 2 wrote the real files, and crafted to attack the
loader (code to run, numpy arrays of object pointers that crash Python).
"""
import io
import os
import pickle
import re
import struct
import subprocess
import sys
import tarfile
import urllib.error
from functools import partial
from pathlib import Path

import numpy as np
import pytest

import adaptlab
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


def _write_archive(path, files, dumps=pickle.dumps):
    """A .tar.gz of cifar-10-batches-py/; each file pickled with ``dumps`` unless already bytes."""
    with tarfile.open(path, "w:gz") as archive:
        for name, content in files.items():
            payload = content if isinstance(content, bytes) else dumps(content)
            member = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            member.size = len(payload)
            archive.addfile(member, io.BytesIO(payload))
    return path


@pytest.fixture()
def cifar_archive(tmp_path, cifar_batches):
    return _write_archive(tmp_path / "cifar-10-python.tar.gz", cifar_batches)


def _write_folder(folder, files, dumps=pickle.dumps):
    """The extracted cifar-10-batches-py/ folder, each file pickled with ``dumps``."""
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(dumps(content))
    return folder


@pytest.fixture()
def cifar_folder(tmp_path, cifar_batches):
    return _write_folder(tmp_path / "cifar-10-batches-py", cifar_batches)


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


# --------------------------------------------------------------------------
# Pickle formats: Python 2 (the real files), protocols 2, 4 and 5
# --------------------------------------------------------------------------


def _python2_pickle(value):
    """``value`` pickled as Python 2's cPickle (protocol 2) and numpy 1 wrote the real files.

    Strings are STRING opcodes (bytes when read with encoding="bytes"), and an
    array is numpy 1's ``_reconstruct`` call with its state, dtype arguments
    ``("u1", 0, 1)`` as Python 2 ints.
    """
    return b"\x80\x02" + _python2_value(value) + pickle.STOP


def _python2_value(value):
    if isinstance(value, bytes):  # SHORT_BINSTRING or BINSTRING
        if len(value) < 256:
            return b"U" + bytes([len(value)]) + value
        return b"T" + struct.pack("<i", len(value)) + value
    if isinstance(value, int):
        return pickle.BININT + struct.pack("<i", value)
    if isinstance(value, list):
        items = b"".join(map(_python2_value, value))
        return pickle.EMPTY_LIST + pickle.MARK + items + pickle.APPENDS
    if isinstance(value, dict):
        items = b"".join(_python2_value(key) + _python2_value(item) for key, item in value.items())
        return pickle.EMPTY_DICT + pickle.MARK + items + pickle.SETITEMS
    assert value.dtype == np.uint8 and value.flags.c_contiguous
    shape = pickle.MARK + b"".join(map(_python2_value, value.shape)) + pickle.TUPLE
    dtype = (
        b"cnumpy\ndtype\n" + _python2_value(b"u1") + _python2_value(0) + _python2_value(1)
        + pickle.TUPLE3 + pickle.REDUCE + pickle.MARK + _python2_value(3) + _python2_value(b"|")
        + pickle.NONE * 3 + _python2_value(-1) + _python2_value(-1) + _python2_value(0)
        + pickle.TUPLE + pickle.BUILD
    )
    state = (
        pickle.MARK + _python2_value(1) + shape + dtype + pickle.NEWFALSE
        + _python2_value(value.tobytes()) + pickle.TUPLE
    )
    return (
        b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n" + _python2_value(0)
        + pickle.TUPLE1 + _python2_value(b"b") + pickle.TUPLE3 + pickle.REDUCE
        + state + pickle.BUILD
    )


WRITERS = {
    "python 2": _python2_pickle,
    "protocol 2": partial(pickle.dumps, protocol=2),
    "protocol 4": partial(pickle.dumps, protocol=4),
    "protocol 5": partial(pickle.dumps, protocol=5),
}


def test_python2_pickle_is_what_numpy_reads(cifar_batches):
    batch = cifar_batches["test_batch"]
    again = pickle.loads(_python2_pickle(batch), encoding="bytes")
    assert again[b"data"].dtype == np.uint8
    np.testing.assert_array_equal(again[b"data"], batch[b"data"])
    assert again[b"labels"] == batch[b"labels"] and again[b"filenames"] == batch[b"filenames"]


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("write", [_write_archive, _write_folder])
def test_load_cifar10_every_pickle_format(writer, write, tmp_path, cifar_batches):
    path = write(tmp_path / "cifar-10-batches-py", cifar_batches, WRITERS[writer])
    test = load_cifar10(path, split="test")
    np.testing.assert_array_equal(test.images, _expected_images(cifar_batches["test_batch"]))
    np.testing.assert_array_equal(test.labels, cifar_batches["test_batch"][b"labels"])
    assert test.class_names[:2] == ("airplane", "automobile")


@pytest.mark.parametrize("protocol", [2, 5])
def test_load_cifar10_fortran_ordered_data(protocol, tmp_path, cifar_batches):
    batch = cifar_batches["test_batch"]
    batch[b"data"] = np.asfortranarray(batch[b"data"])
    assert not batch[b"data"].flags.c_contiguous  # pickled in Fortran order
    dumps = partial(pickle.dumps, protocol=protocol)
    path = _write_archive(tmp_path / "fortran.tar.gz", cifar_batches, dumps)
    np.testing.assert_array_equal(load_cifar10(path, split="test").images, _expected_images(batch))


@pytest.mark.parametrize("protocol", [2, 5])
@pytest.mark.parametrize("dtype", ["<i8", "<i4", ">i2", "u1"])
def test_load_cifar10_labels_as_an_integer_array(protocol, dtype, tmp_path, cifar_batches):
    labels = cifar_batches["test_batch"][b"labels"]
    cifar_batches["test_batch"][b"labels"] = np.array(labels, dtype=dtype)
    dumps = partial(pickle.dumps, protocol=protocol)
    path = _write_archive(tmp_path / "labels.tar.gz", cifar_batches, dumps)
    test = load_cifar10(path, split="test")
    assert test.labels.dtype == np.int64
    np.testing.assert_array_equal(test.labels, labels)


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


# --------------------------------------------------------------------------
# Archives crafted to attack the loader
# --------------------------------------------------------------------------

RECONSTRUCT = np.zeros(1).__reduce__()[0]  # numpy's rebuilders, only to be named in pickles
FROMBUFFER = np.zeros(1).__reduce_ex__(5)[0]


class Forged:
    """Pickles as ``function(*args)``, then ``__setstate__(state)``: what an attacker writes."""

    def __init__(self, function, args, state=None):
        self.function, self.args, self.state = function, args, state

    def __reduce__(self):
        return self.function, self.args, self.state


def _forged_array(dtype, shape, raw):
    """An array as numpy pickles it (protocols 2 to 4), with any dtype and bytes."""
    return Forged(RECONSTRUCT, (np.ndarray, (0,), b"b"), (1, shape, dtype, False, raw))


# A structured dtype whose one field holds object pointers, its flags zeroed
# so that numpy does not know: reading the field dereferences the bytes.
HIDDEN_OBJECTS = Forged(
    np.dtype, ("V8", False, True), (3, "|", None, ("a",), {"a": (np.dtype(object), 0)}, 8, 1, 0)
)
# The same fields behind the type string of uint8.
FIELDS_AS_UINT8 = Forged(
    np.dtype, ("u1", False, True), (3, "|", None, ("a",), {"a": (np.dtype(object), 0)}, 8, 1, 0)
)
POINTERS = b"\x41" * 8 * 3072  # "addresses" 0x4141414141414141

# Case: (batch data, pickle protocol, what the error says).
CRASHERS = {
    "object dtype": (_forged_array(np.dtype(object), (1, 3072), POINTERS), 2, "dtype 'O8'"),
    "object dtype, protocol 5": (
        Forged(FROMBUFFER, (bytearray(POINTERS), np.dtype(object), (1, 3072), "C")),
        5,
        "dtype 'O8'",
    ),
    "hidden object field": (_forged_array(HIDDEN_OBJECTS, (1, 3072), POINTERS), 2, "dtype 'V8'"),
    "fields behind uint8": (
        _forged_array(FIELDS_AS_UINT8, (1, 3072), POINTERS[:3072]),
        4,
        "dtype 'u1' with state .*'a'",
    ),
    "array subclass": (
        Forged(RECONSTRUCT, (np.ma.MaskedArray, (0,), b"b"), None),
        2,
        "refused numpy.ma.MaskedArray",
    ),
}

_LOAD_IN_A_FRESH_PYTHON = """
import sys
from adaptlab.data import load_cifar10
for path in sys.argv[1:]:
    try:
        load_cifar10(path, split="test")
    except ValueError as error:
        print(error, flush=True)
    else:
        print("loaded", flush=True)
"""


@pytest.fixture(scope="module")
def crafted_messages(tmp_path_factory):
    """What load_cifar10 says of each crafted archive, loaded in a fresh Python.

    A crash (the danger) fails the tests instead of killing pytest.
    """
    folder = tmp_path_factory.mktemp("crafted")
    meta = pickle.dumps({b"label_names": LABEL_NAMES})
    paths = []
    for number, (data, protocol, _) in enumerate(CRASHERS.values()):
        batch = pickle.dumps({b"data": data, b"labels": [0]}, protocol=protocol)
        paths.append(str(folder / f"crafted-{number}.tar.gz"))
        _write_archive(paths[-1], {"batches.meta": meta, "test_batch": batch})
    source_root = str(Path(adaptlab.__file__).parents[1])
    python_path = os.pathsep.join([source_root, os.environ.get("PYTHONPATH", "")])
    result = subprocess.run(
        [sys.executable, "-c", _LOAD_IN_A_FRESH_PYTHON, *paths],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": python_path}, timeout=300,
    )
    assert result.returncode == 0, f"Python died ({result.returncode}): {result.stderr}"
    return dict(zip(CRASHERS, zip(paths, result.stdout.splitlines())))


@pytest.mark.parametrize("case", CRASHERS)
def test_load_cifar10_builds_no_numpy_object_from_a_crafted_pickle(case, crafted_messages):
    path, message = crafted_messages[case]
    problem = CRASHERS[case][2]
    assert re.fullmatch(rf"test_batch in {re.escape(path)}:? .*{problem}.*", message), message


def test_load_cifar10_refuses_pickles_that_run_code(tmp_path, cifar_batches):
    class Exploit:
        def __reduce__(self):
            return (print, ("this must never run",))

    cifar_batches["test_batch"] = pickle.dumps(Exploit())
    path = _write_archive(tmp_path / "evil.tar.gz", cifar_batches)
    with pytest.raises(ValueError, match="test_batch.*not a CIFAR-10 pickle"):
        load_cifar10(path, split="test")


def _code_runners(marker):
    """Pickles that run code (create ``marker``) or reach into the loader if loaded as is."""

    class Evaluate:
        def __reduce__(self):
            return eval, (f"open({str(marker)!r}, 'w')",)

    return {
        "os.system": f"cos\nsystem\n(S'touch {marker}'\ntR.".encode(),
        "builtins.eval": pickle.dumps(Evaluate(), protocol=4),
        "builtins.eval, deep in the labels": pickle.dumps(
            {b"data": np.zeros((1, 3072), np.uint8), b"labels": [Evaluate()]}, protocol=2
        ),
        "codecs with any codec": b"c_codecs\nencode\n(Vx\nVzlib\ntR.",
        "changing a stand-in": b"cnumpy\ndtype\n}b.",
    }


@pytest.mark.parametrize(
    ("case", "problem"),
    [
        ("os.system", "refused os.system"),
        ("builtins.eval", "refused builtins.eval"),
        ("builtins.eval, deep in the labels", "refused __builtin__.eval"),  # protocol 2
        ("codecs with any codec", "_codecs.encode is allowed only on text, to latin1 bytes"),
        ("changing a stand-in", "a pickle may not change numpy.dtype"),
    ],
)
def test_load_cifar10_runs_no_code(case, problem, tmp_path, cifar_batches):
    marker = tmp_path / "pwned"
    cifar_batches["test_batch"] = _code_runners(marker)[case]
    path = _write_archive(tmp_path / "evil.tar.gz", cifar_batches)
    message = f"^test_batch in .*evil.tar.gz is not a CIFAR-10 pickle: {problem}"
    with pytest.raises(ValueError, match=message):
        load_cifar10(path, split="test")
    assert not marker.exists()


# --------------------------------------------------------------------------
# Plain data of the wrong kind
# --------------------------------------------------------------------------


FIVE_IMAGES = {b"data": np.zeros((5, 3072), np.uint8), b"labels": [0, 1, 2, 3, 4]}


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {b"data": _forged_array(np.dtype(np.uint8), (5, 3072), bytes(100))},
            r"b'data' has 100 bytes of data, but shape \(5, 3072\) of uint8 takes 15360",
        ),
        (
            {b"data": np.zeros((5, 3072), np.float32)},
            r"b'data' has dtype 'f4' with state \(3, '<', None, .*\): "
            r"only plain integer dtypes are read \(no objects, fields or subarrays\)",
        ),
        (
            {b"data": np.zeros((5, 3, 1024), np.uint8)},
            r"expected uint8 data of shape \(n, 3072\), got uint8 \(5, 3, 1024\)",
        ),
        ({b"data": [[0] * 3072] * 5}, r"b'data' is a list, not a numpy array"),
        ({b"labels": [0.0] * 5}, r"b'labels' must be class indices \(ints\), got float"),
        ({b"labels": [0, 1, True, 3, 4]}, r"b'labels' must be class indices \(ints\), got bool"),
        ({b"labels": np.zeros(5)}, r"b'labels' has dtype 'f8' with state .*: only plain integer.*"),
        (
            {b"labels": np.zeros((5, 1), int)},
            r"b'labels' must be one-dimensional, got shape \(5, 1\)",
        ),
        ({b"labels": [2**70] * 5}, r"b'labels' holds ints too large for class indices"),
        ({b"labels": [0] * 4}, r"5 images but 4 labels"),
        ({b"labels": [0, 1, 2, 3, 10]}, r"labels must be class indices in range\(10\) .* 0 to 10"),
        ({b"labels": [0, 1, -1, 3, 4]}, r"labels must be class indices in range\(10\) .* -1 to 4"),
    ],
)
def test_load_cifar10_rejects_wrong_content(changes, problem, tmp_path, cifar_batches):
    cifar_batches["test_batch"] = {**FIVE_IMAGES, **changes}
    dumps = partial(pickle.dumps, protocol=2)
    path = _write_archive(tmp_path / "wrong.tar.gz", cifar_batches, dumps)
    with pytest.raises(ValueError, match=rf"^test_batch in {re.escape(str(path))}: {problem}\.$"):
        load_cifar10(path, split="test")


@pytest.mark.parametrize(
    ("batch", "problem"),
    [
        (["not", "a", "dict"], "is not a CIFAR-10 pickle: expected a dict, got a list"),
        ({b"labels": [0] * 5}, "has no b'data' and b'labels'"),
    ],
)
def test_load_cifar10_rejects_what_is_not_a_batch(batch, problem, tmp_path, cifar_batches):
    cifar_batches["test_batch"] = batch
    path = _write_archive(tmp_path / "wrong.tar.gz", cifar_batches)
    with pytest.raises(ValueError, match=rf"^test_batch in {re.escape(str(path))} {problem}\.$"):
        load_cifar10(path, split="test")


@pytest.mark.parametrize(
    "meta",
    [{b"label_names": "cat dog"}, {b"label_names": [1, 2]}, {b"names": []}, {b"label_names": []}],
)
def test_load_cifar10_rejects_wrong_class_names(meta, tmp_path, cifar_batches):
    cifar_batches["batches.meta"] = meta
    path = _write_archive(tmp_path / "meta.tar.gz", cifar_batches)
    message = (
        r"^batches.meta in .*meta.tar.gz must hold b'label_names', a non-empty list of "
        r"class names \(bytes or str\), got (a str|a list|nothing)\.$"
    )
    with pytest.raises(ValueError, match=message):
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

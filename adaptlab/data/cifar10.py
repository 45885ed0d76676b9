"""Real CIFAR-10: load the python archive that you downloaded, or download it (opt-in).

:func:`load_cifar10` reads ``cifar-10-python.tar.gz`` (or its extracted
folder) without extracting it to disk; :func:`download_cifar10` fetches it
once, by choice, and checks its MD5 checksum.
"""
from __future__ import annotations

import codecs
import hashlib
import io
import pickle
import re
import tarfile
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from .dataset import Dataset

__all__ = ["CIFAR10_MD5", "CIFAR10_URL", "download_cifar10", "load_cifar10"]

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_MD5 = "c58f30108f718f92721af3b95e74349a"
_CIFAR10_FOLDER = "cifar-10-batches-py"
_TRAIN_BATCH = re.compile(r"data_batch_(\d+)")


# What a CIFAR-10 pickle may refer to: numpy's array rebuilders, under their
# numpy 1 and numpy 2 module names (taken from numpy itself, not imported).
_PICKLE_GLOBALS = {
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("numpy.core.multiarray", "_reconstruct"): np.zeros(1).__reduce__()[0],
    ("numpy._core.multiarray", "_reconstruct"): np.zeros(1).__reduce__()[0],
    ("numpy.core.numeric", "_frombuffer"): np.zeros(1).__reduce_ex__(5)[0],
    ("numpy._core.numeric", "_frombuffer"): np.zeros(1).__reduce_ex__(5)[0],
    ("_codecs", "encode"): codecs.encode,  # bytes, in protocol-2 pickles
}


class _ArrayUnpickler(pickle.Unpickler):
    """Unpickles only dicts, lists, strings, numbers and numpy arrays.

    A pickle can run any code when loaded; a CIFAR-10 batch needs nothing but
    numpy's own array rebuilders, so nothing else is let through.
    """

    def find_class(self, module, name):
        try:
            return _PICKLE_GLOBALS[module, name]
        except KeyError:
            raise pickle.UnpicklingError(f"unexpected object {module}.{name}") from None


def _cifar_files(path, wanted):
    """Yield (file name, bytes) of the CIFAR-10 files at ``path`` whose name is wanted.

    ``path`` is the archive (read member by member, never extracted to disk)
    or a folder; one file at a time is held in memory.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"No CIFAR-10 data at {path}: give the path of cifar-10-python.tar.gz or of "
            f"its extracted {_CIFAR10_FOLDER}/ folder (download_cifar10 fetches it)."
        )
    if path.is_dir():
        folder = path / _CIFAR10_FOLDER if (path / _CIFAR10_FOLDER).is_dir() else path
        for file in sorted(folder.iterdir()):
            if file.is_file() and wanted(file.name):
                yield file.name, file.read_bytes()
        return
    try:
        with tarfile.open(path, "r:*") as archive:
            for member in archive:
                name = Path(member.name).name
                if member.isfile() and wanted(name):
                    yield name, archive.extractfile(member).read()
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise ValueError(
            f"{path} is not a readable CIFAR-10 archive (a .tar.gz of {_CIFAR10_FOLDER}/): {error}"
        ) from error


def _batch_number(name):
    """1 for data_batch_1, ..., so that data_batch_10 follows data_batch_9; 0 for test_batch."""
    match = _TRAIN_BATCH.fullmatch(name)
    return int(match.group(1)) if match else 0


def _unpickle(content, name, path):
    try:
        unpickled = _ArrayUnpickler(io.BytesIO(content), encoding="bytes").load()
    except Exception as error:  # a damaged pickle can raise almost anything
        raise ValueError(f"{name} in {path} is not a CIFAR-10 pickle: {error}") from error
    if not isinstance(unpickled, dict):
        raise ValueError(f"{name} in {path} is not a CIFAR-10 pickle: expected a dict.")
    return unpickled


def _class_names(meta, path):
    try:
        return tuple(name.decode() for name in meta[b"label_names"])
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"batches.meta in {path} has no list of label_names.") from error


def _batch_images_labels(batch, name, path):
    """A batch's images, channels last (n, 32, 32, 3), and its labels."""
    try:
        data = np.asarray(batch[b"data"])
        labels = np.asarray(batch[b"labels"], dtype=np.int64)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{name} in {path} has no b'data' and b'labels'.") from error
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        raise ValueError(
            f"{name} in {path}: expected uint8 data of shape (n, 3072), "
            f"got {data.dtype} {data.shape}."
        )
    if labels.shape != (len(data),):
        raise ValueError(f"{name} in {path}: {len(data)} images but {labels.size} labels.")
    # Each row is the red plane, then green, then blue, each 32x32 row by row.
    return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), labels


def load_cifar10(path, split="train"):
    """Load CIFAR-10 from its python archive, without extracting it to disk.

    Parameters
    ----------
    path : str or Path
        ``cifar-10-python.tar.gz`` as downloaded from
        https://www.cs.toronto.edu/~kriz/cifar.html, its extracted
        ``cifar-10-batches-py/`` folder, or the folder that contains it.
    split : {"train", "test"}, default="train"
        The 50,000 training images (``data_batch_1`` to ``data_batch_5``) or the
        10,000 test images (``test_batch``).

    Returns
    -------
    Dataset
        uint8 images (n, 32, 32, 3), int64 labels, the ten class names from
        ``batches.meta``; ``difficulty`` is None.

    Raises
    ------
    FileNotFoundError
        If nothing is at ``path``.
    ValueError
        If ``path`` is not a CIFAR-10 archive or folder, or ``split`` is unknown.

    Notes
    -----
    Each batch is a pickled dict: ``b"data"``, uint8 of shape (n, 3072) -- per
    image the 1024 red values row by row, then green, then blue -- and
    ``b"labels"``, a list of n class indices. Only plain data and numpy arrays
    are unpickled, so a tampered archive cannot run code.
    """
    if split not in ("train", "test"):
        raise ValueError(f'split must be "train" or "test", got {split!r}.')

    def is_batch(name):
        return name == "test_batch" if split == "test" else bool(_TRAIN_BATCH.fullmatch(name))

    class_names, batches = None, {}
    for name, content in _cifar_files(path, lambda name: name == "batches.meta" or is_batch(name)):
        unpickled = _unpickle(content, name, path)
        if name == "batches.meta":
            class_names = _class_names(unpickled, path)
        else:
            batches[name] = _batch_images_labels(unpickled, name, path)
    if class_names is None:
        raise ValueError(f"{path} holds no batches.meta: is it the CIFAR-10 python version?")
    if not batches:
        expected = "test_batch" if split == "test" else "data_batch_1 ... data_batch_5"
        raise ValueError(f"{path} holds no {expected}: is it the CIFAR-10 python version?")
    order = sorted(batches, key=_batch_number)
    images = np.concatenate([batches[name][0] for name in order])
    labels = np.concatenate([batches[name][1] for name in order])
    if labels.min() < 0 or labels.max() >= len(class_names):
        raise ValueError(f"{path}: labels must lie in range({len(class_names)}).")
    return Dataset(images, labels, class_names)


def download_cifar10(directory):
    """Download the CIFAR-10 python archive (163 MB) and check its MD5 checksum.

    Nothing in the course calls this for you: run it once, by choice, on a
    machine with network access.

    Parameters
    ----------
    directory : str or Path
        Where to save ``cifar-10-python.tar.gz``; created if missing. An archive
        already there with the right checksum is not downloaded again.

    Returns
    -------
    Path
        The archive, to pass to :func:`load_cifar10`.

    Raises
    ------
    ConnectionError
        If the server cannot be reached.
    ValueError
        If the downloaded file's checksum is wrong (the file is deleted).
    """
    target = Path(directory) / "cifar-10-python.tar.gz"
    if target.is_file() and _md5(target) == CIFAR10_MD5:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(CIFAR10_URL, timeout=60) as response:
            size = int(response.headers.get("Content-Length") or 0) or None
            with open(partial, "wb") as out, tqdm(
                total=size, unit="B", unit_scale=True, desc="CIFAR-10"
            ) as bar:
                while chunk := response.read(1 << 20):
                    out.write(chunk)
                    bar.update(len(chunk))
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        partial.unlink(missing_ok=True)
        raise ConnectionError(
            f"no network: download the archive by hand and pass its path to load_cifar10 "
            f"(could not fetch {CIFAR10_URL}: {error})."
        ) from error
    checksum = _md5(partial)
    if checksum != CIFAR10_MD5:
        partial.unlink()
        raise ValueError(
            f"The download from {CIFAR10_URL} is damaged: MD5 {checksum}, expected "
            f"{CIFAR10_MD5}. Try again, or download the archive by hand."
        )
    partial.replace(target)
    return target


def _md5(path):
    digest = hashlib.md5()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()

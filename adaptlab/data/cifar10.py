"""Real CIFAR-10: load the python archive that you downloaded, or download it (opt-in).

:func:`load_cifar10` reads ``cifar-10-python.tar.gz`` (or its extracted
folder) without extracting it to disk; :func:`download_cifar10` fetches it
once, by choice, and checks its MD5 checksum.
"""
from __future__ import annotations

import hashlib
import re
import tarfile
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ._unpickle import decode_integer_array, describe, load_pickle
from .dataset import Dataset

__all__ = ["CIFAR10_MD5", "CIFAR10_URL", "download_cifar10", "load_cifar10"]

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_MD5 = "c58f30108f718f92721af3b95e74349a"
_CIFAR10_FOLDER = "cifar-10-batches-py"
_TRAIN_BATCH = re.compile(r"data_batch_(\d+)")


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
    """A batch file's dict, its numpy arrays left as records (see ``_unpickle.py``)."""
    try:
        unpickled = load_pickle(content)
    except Exception as error:  # a damaged pickle can raise almost anything
        raise ValueError(f"{name} in {path} is not a CIFAR-10 pickle: {error}") from error
    if not isinstance(unpickled, dict):
        raise ValueError(
            f"{name} in {path} is not a CIFAR-10 pickle: expected a dict, "
            f"got {describe(unpickled)}."
        )
    return unpickled


def _class_names(meta, path):
    """The class names in batches.meta: a non-empty list of (byte) strings."""
    names = meta.get(b"label_names")
    if not (
        isinstance(names, list) and names and all(isinstance(name, (bytes, str)) for name in names)
    ):
        raise ValueError(
            f"batches.meta in {path} must hold b'label_names', a non-empty list of class "
            f"names (bytes or str), got {describe(names)}."
        )
    try:
        return tuple(name.decode() if isinstance(name, bytes) else name for name in names)
    except UnicodeDecodeError as error:
        raise ValueError(f"batches.meta in {path}: a label name is not UTF-8: {error}.") from None


def _labels(value, where):
    """A batch's labels as int64: a list of Python ints, or a pickled integer array."""
    if isinstance(value, list):
        if not all(type(label) is int for label in value):
            kinds = sorted({type(label).__name__ for label in value} - {"int"})
            raise ValueError(
                f"{where}: b'labels' must be class indices (ints), got {', '.join(kinds)}."
            )
        try:
            return np.array(value, dtype=np.int64)
        except OverflowError:
            raise ValueError(
                f"{where}: b'labels' holds ints too large for class indices."
            ) from None
    try:
        labels = decode_integer_array(value)
    except ValueError as error:
        raise ValueError(f"{where}: b'labels' {error}.") from None
    if labels.ndim != 1:
        raise ValueError(f"{where}: b'labels' must be one-dimensional, got shape {labels.shape}.")
    return labels.astype(np.int64)


def _batch_images_labels(batch, name, path):
    """A batch's images, channels last (n, 32, 32, 3), and its labels."""
    where = f"{name} in {path}"
    if b"data" not in batch or b"labels" not in batch:
        raise ValueError(f"{where} has no b'data' and b'labels'.")
    try:
        data = decode_integer_array(batch[b"data"])
    except ValueError as error:
        raise ValueError(f"{where}: b'data' {error}.") from None
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        raise ValueError(
            f"{where}: expected uint8 data of shape (n, 3072), got {data.dtype} {data.shape}."
        )
    labels = _labels(batch[b"labels"], where)
    if labels.shape != (len(data),):
        raise ValueError(f"{where}: {len(data)} images but {labels.size} labels.")
    # Each row is the red plane, then green, then blue, each 32x32 row by row.
    return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), labels


def load_cifar10(path, *, split="train"):
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
        If ``path`` is not a CIFAR-10 archive or folder, if one of its files
        holds anything but the plain data described below (the message names
        the file), or if ``split`` is unknown.

    Notes
    -----
    Each batch is a pickled dict: ``b"data"``, uint8 of shape (n, 3072) -- per
    image the 1024 red values row by row, then green, then blue -- and
    ``b"labels"``, a list of n class indices. A pickle can run code and build
    any object when loaded, so none of it is trusted: numpy's array rebuilders
    are replaced by stand-ins that only record their arguments, every other
    global is refused, and the pixels are read with ``np.frombuffer`` only if
    the record describes a plain uint8 array of the right size. A tampered
    archive can neither run code nor build numpy objects (say, arrays of
    object pointers, which crash Python).
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
    for name in order:
        labels = batches[name][1]
        if np.any((labels < 0) | (labels >= len(class_names))):
            raise ValueError(
                f"{name} in {path}: labels must be class indices in range({len(class_names)}) "
                f"(batches.meta names {len(class_names)} classes), got {labels.min()} to "
                f"{labels.max()}."
            )
    images = np.concatenate([batches[name][0] for name in order])
    labels = np.concatenate([batches[name][1] for name in order])
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

"""Image data for the course: a CIFAR-like generator, real CIFAR-10, and digits.

- :func:`make_cifar_like` draws 32x32 colour images of 10 classes with a known
  per-image difficulty, offline and in seconds: the course's default data.
- :func:`load_cifar10` reads the real CIFAR-10 archive that you downloaded
  (by hand, or with the opt-in :func:`download_cifar10`).
- :func:`load_digits_dataset` wraps scikit-learn's bundled 8x8 digits.

Every loader returns a :class:`Dataset`; :func:`train_val_test_split` cuts it
into the three splits the course uses (train the models, calibrate the routers
on validation, report on test).
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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tqdm.auto import tqdm

from adaptlab._validation import check_number, check_positive_int

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


# --------------------------------------------------------------------------
# The CIFAR-like generator
# --------------------------------------------------------------------------

CIFAR_LIKE_CLASSES = (
    "disc", "ring", "square", "triangle", "cross",
    "bar", "crescent", "stripes", "checks", "dots",
)

_SIDE = 32
_CHUNK_SIZE = 512  # images drawn at a time: small arrays stay in cache
_PIXEL_CENTRES = np.arange(_SIDE, dtype=np.float32) + 0.5

# Each class has a typical colour; difficulty mixes it with a random one.
_CLASS_COLOURS = np.array(
    [
        [0.90, 0.20, 0.15], [0.95, 0.60, 0.10], [0.95, 0.90, 0.20], [0.45, 0.80, 0.20],
        [0.15, 0.70, 0.55], [0.20, 0.75, 0.95], [0.20, 0.35, 0.90], [0.55, 0.25, 0.85],
        [0.90, 0.35, 0.70], [0.85, 0.85, 0.85],
    ],
    dtype=np.float32,
)


def _coverage(signed_distance):
    """Anti-aliased coverage in [0, 1] from a signed distance in pixels (negative inside).

    Overwrites its argument, which is always a fresh temporary.
    """
    np.subtract(0.5, signed_distance, out=signed_distance)
    return np.clip(signed_distance, 0.0, 1.0, out=signed_distance)


def _radial(u, v):
    return np.sqrt(u * u + v * v)


# Solid shapes: signed distance (pixels) of a point (u, v) in the shape's own
# frame, for a shape of radius r.
def _disc(u, v, r):
    return _radial(u, v) - r


def _ring(u, v, r):
    return np.abs(_radial(u, v) - 0.72 * r) - 0.28 * r


def _square(u, v, r):
    return np.maximum(np.abs(u), np.abs(v)) - 0.8 * r


def _triangle(u, v, r):
    return np.maximum(0.866 * np.abs(u) + 0.5 * v, -v) - 0.5 * r


def _cross(u, v, r):
    u, v = np.abs(u), np.abs(v)
    return np.minimum(np.maximum(u - r, v - 0.3 * r), np.maximum(v - r, u - 0.3 * r))


def _bar(u, v, r):
    return np.maximum(np.abs(u) - r, np.abs(v) - 0.35 * r)


def _crescent(u, v, r):
    return np.maximum(_radial(u, v) - r, 0.8 * r - _radial(u - 0.5 * r, v))


# Textures: a periodic pattern in [0, 1] painted inside a disc of radius r.
def _stripes(u, v, period, phase):
    wave = np.sin(u * (2 * np.pi / period) + phase)
    return np.clip(0.5 + 2.0 * wave, 0.0, 1.0)


def _checks(u, v, period, phase):
    wave = np.sin(u * (2 * np.pi / period) + phase) * np.sin(v * (2 * np.pi / period) + phase)
    return np.clip(0.5 + 3.0 * wave, 0.0, 1.0)


def _dots(u, v, period, phase):
    wave = np.cos(u * (2 * np.pi / period) + phase) * np.cos(v * (2 * np.pi / period) + phase)
    return np.clip(3.0 * (wave - 0.35), 0.0, 1.0)


_SHAPES = {
    "disc": _disc, "ring": _ring, "square": _square, "triangle": _triangle,
    "cross": _cross, "bar": _bar, "crescent": _crescent,
}
_TEXTURES = {"stripes": _stripes, "checks": _checks, "dots": _dots}


def _render(classes, centre_x, centre_y, radius, angle, rng):
    """Coverage of one object per image, shape (n, 32 * 32), values in [0, 1].

    Instances are drawn class by class on contiguous slices (sorted by class),
    so every class is one vectorised call.
    """
    n = len(classes)
    period = rng.uniform(3.5, 5.0, n).astype(np.float32)
    phase = rng.uniform(0.0, 2 * np.pi, n).astype(np.float32)
    order = np.argsort(classes, kind="stable")
    bounds = np.searchsorted(classes[order], np.arange(len(CIFAR_LIKE_CLASSES) + 1))
    drawn = np.empty((n, _SIDE, _SIDE), np.float32)
    for k, name in enumerate(CIFAR_LIKE_CLASSES):
        lo, hi = bounds[k], bounds[k + 1]
        if lo == hi:
            continue
        picked = order[lo:hi]
        x, y, turn, r = (
            values[picked, None, None] for values in (centre_x, centre_y, angle, radius)
        )
        dx, dy = _PIXEL_CENTRES[None, None, :] - x, _PIXEL_CENTRES[None, :, None] - y
        cos, sin = np.cos(turn), np.sin(turn)
        u, v = dx * cos + dy * sin, dy * cos - dx * sin  # the object's own frame
        if name in _SHAPES:
            drawn[lo:hi] = _coverage(_SHAPES[name](u, v, r))
        else:
            pattern = _TEXTURES[name](u, v, period[picked, None, None], phase[picked, None, None])
            drawn[lo:hi] = _coverage(_disc(u, v, r)) * pattern
    coverage = np.empty_like(drawn)
    coverage[order] = drawn
    return coverage.reshape(n, _SIDE * _SIDE)


def _composite(background, layers):
    """Paint flat-coloured layers over a background, in 0-255 float units.

    Parameters
    ----------
    background : ndarray, shape (n, 3)
        Colour in [0, 1] under everything.
    layers : list of (coverage, colour)
        Bottom to top; coverage (n, pixels) in [0, 1], colour (n, 3) in [0, 1].

    Returns
    -------
    ndarray of float32, shape (n, pixels, 3)
        The "over" operator: each pixel is a weighted sum of the layer colours,
        with weight coverage times whatever the layers above leave visible.
    """
    n, n_pixels = layers[0][0].shape
    weights = np.empty((n, len(layers) + 1, n_pixels), np.float32)
    colours = np.empty((n, 3, len(layers) + 1), np.float32)
    visible = np.ones((n, n_pixels), np.float32)
    for j in range(len(layers), 0, -1):
        coverage, colour = layers[j - 1]
        np.multiply(coverage, visible, out=weights[:, j])
        visible -= weights[:, j]
        colours[:, :, j] = colour
    weights[:, 0] = visible
    colours[:, :, 0] = background
    colours *= 255
    return np.matmul(weights.transpose(0, 2, 1), colours.transpose(0, 2, 1))


def _clutter(rng, labels, difficulty, radius, background, contrast, onset):
    """A layer with one object of another class per image, seen once difficulty passes onset.

    Past ``onset`` it grows, becomes opaque and, half the time, takes the
    colour of the true class: clutter that looks like the answer.
    """
    f32 = np.float32
    n, n_classes = len(labels), len(CIFAR_LIKE_CLASSES)
    opacity = np.clip(1.3 * (difficulty - onset) + rng.uniform(-0.2, 0.2, n), 0.0, 0.95)
    others = (labels + rng.integers(1, n_classes, n)) % n_classes
    other_radius = np.maximum(radius * (0.35 + 0.6 * difficulty) + rng.uniform(-1, 1, n), 2.5)
    other_x, other_y = rng.uniform(4.0, 28.0, (2, n)).astype(f32)
    other_angle = rng.uniform(-np.pi, np.pi, n).astype(f32)
    confusing = rng.random((n, 1)) < 0.5
    colour = np.where(confusing, _CLASS_COLOURS[labels], rng.random((n, 3), dtype=f32))
    colour = background + contrast * (colour - background)
    coverage = np.zeros((n, _SIDE * _SIDE), f32)
    shown = opacity > 0
    coverage[shown] = opacity[shown, None] * _render(
        others[shown], other_x[shown], other_y[shown], other_radius[shown],
        other_angle[shown], rng,
    )
    return coverage, colour


def _draw_chunk(rng, labels):
    """Images and difficulties for ``labels``; everything that gets harder is set here."""
    f32 = np.float32
    n = len(labels)
    # Long-tailed difficulty: Beta(1, 4) has median 0.16, but 10% of it above 0.44.
    difficulty = rng.beta(1.0, 4.0, n).astype(f32)

    def jitter(scale, size=n):
        return rng.uniform(-scale, scale, size).astype(f32)

    # The object: smaller, further off-centre and more rotated when hard.
    radius = np.clip(10.5 - 5.0 * difficulty + jitter(1.5), 4.0, 12.0)
    spread = 1.0 + 8.0 * difficulty
    centre_x = 16.0 + jitter(1.0) * spread
    centre_y = 16.0 + jitter(1.0) * spread
    angle = jitter(np.pi) * np.minimum(1.0, 0.1 + 1.2 * difficulty)

    # Colours: the class colour fades into a random one, and contrast drops.
    mix = np.clip(-0.1 + 3.5 * difficulty + jitter(0.15), 0.0, 1.0)[:, None]
    foreground = (1 - mix) * _CLASS_COLOURS[labels] + mix * rng.random((n, 3), dtype=f32)
    dark = foreground.mean(axis=1, keepdims=True) < 0.5
    background = rng.uniform(0.0, 0.45, (n, 3)).astype(f32) + 0.55 * dark
    contrast = np.clip(1.0 - 0.8 * difficulty + jitter(0.1), 0.1, 1.0)[:, None]
    foreground = background + contrast * (foreground - background)

    # A soft lighting gradient across the background.
    light = rng.uniform(0.0, 2 * np.pi, n).astype(f32)
    offset = _PIXEL_CENTRES / _SIDE - 0.5
    gradient = 0.5 + offset[None, None, :] * np.cos(light)[:, None, None]
    gradient = np.clip(gradient + offset[None, :, None] * np.sin(light)[:, None, None], 0, 1)
    layers = [(gradient.reshape(n, -1), np.clip(background + jitter(0.25, (n, 3)), 0, 1))]

    # Clutter under the object, the object, and clutter over it.
    layers.append(_clutter(rng, labels, difficulty, radius, background, contrast, onset=0.25))
    layers.append((_render(labels, centre_x, centre_y, radius, angle, rng), foreground))
    layers.append(_clutter(rng, labels, difficulty, radius, background, contrast, onset=0.5))

    # Occlusion: an opaque rectangle near the object, large only when hard.
    half_side = (9.0 * difficulty**2 * rng.uniform(0.6, 1.2, n).astype(f32))[:, None, None]
    occluder_x = (centre_x + jitter(1.0) * radius)[:, None, None]
    occluder_y = (centre_y + jitter(1.0) * radius)[:, None, None]
    occluder = _coverage(np.abs(_PIXEL_CENTRES[None, None, :] - occluder_x) - half_side)
    occluder = occluder * _coverage(np.abs(_PIXEL_CENTRES[None, :, None] - occluder_y) - half_side)
    layers.append((occluder.reshape(n, -1), rng.random((n, 3), dtype=f32)))

    image = _composite(background, layers)

    # Sensor noise: uniform, its amplitude growing fast with difficulty.
    amplitude = 255.0 * (0.04 + 0.5 * difficulty**2) / 127.5
    noise = rng.integers(0, 256, image.shape, dtype=np.uint8).astype(f32)
    noise -= 127.5
    noise *= amplitude[:, None, None]
    image += noise
    image += 0.5  # round, not truncate, in the cast below
    np.clip(image, 0.0, 255.0, out=image)
    images = image.astype(np.uint8).reshape(n, _SIDE, _SIDE, 3)
    return images, difficulty.astype(np.float64)


def make_cifar_like(n_samples=50_000, seed=0):
    """Draw a CIFAR-like data set of 32x32 colour images in 10 classes.

    Each image shows one object -- a solid shape (disc, ring, square, triangle,
    cross, bar, crescent) or a textured disc (stripes, checks, dots) -- on a
    lit background. Every image also has a latent ``difficulty`` in [0, 1],
    drawn long-tailed from Beta(1, 4): most images are easy, a tail is hard.
    Difficulty is what makes an image hard, not a label put on afterwards; as
    it grows:

    - the object shrinks, moves off-centre and turns away from its usual pose;
    - its colour drifts from its class's colour to a random one, and its
      contrast with the background falls;
    - clutter appears: objects of other classes, partly in the object's own
      colour, under and over it;
    - an opaque rectangle occludes more of it;
    - sensor noise grows.

    Colour goes first (it is random from a difficulty of about 0.3), the
    others later (clutter from 0.25, heavy noise and occlusion near 1). So a
    cheap model that reads colour is right on the easy images only, a bigger
    one that reads shape copes further into the tail, and the hardest images
    defeat them all -- the premise of adaptive inference. Drawing is
    vectorised, in blocks of 512: 50,000 images take about 3 s.

    Parameters
    ----------
    n_samples : int, default=50_000
        Number of images. Classes are balanced (counts differ by at most one).
    seed : int, default=0
        The same seed and ``n_samples`` give the same bytes.

    Returns
    -------
    Dataset
        uint8 images (n_samples, 32, 32, 3), int64 labels, the class names
        :data:`CIFAR_LIKE_CLASSES` and the float ``difficulty`` of each image.

    Examples
    --------
    >>> data = make_cifar_like(1_000, seed=0)
    >>> data.images.shape, data.images.dtype
    ((1000, 32, 32, 3), dtype('uint8'))
    """
    n_samples = check_positive_int(n_samples, "n_samples")
    seed = check_positive_int(seed, "seed", minimum=0)
    starts = range(0, n_samples, _CHUNK_SIZE)
    chunk_seeds = np.random.SeedSequence(seed).spawn(len(starts))
    images = np.empty((n_samples, _SIDE, _SIDE, 3), np.uint8)
    labels = np.empty(n_samples, np.int64)
    difficulty = np.empty(n_samples, np.float64)
    for start, chunk_seed in zip(starts, chunk_seeds):
        stop = min(start + _CHUNK_SIZE, n_samples)
        rng = np.random.default_rng(chunk_seed)
        # Class i, i + 10, i + 20, ... over the whole set: balanced to within one image.
        labels[start:stop] = rng.permutation(np.arange(start, stop) % len(CIFAR_LIKE_CLASSES))
        images[start:stop], difficulty[start:stop] = _draw_chunk(rng, labels[start:stop])
    return Dataset(images, labels, CIFAR_LIKE_CLASSES, difficulty)


# --------------------------------------------------------------------------
# Real data: CIFAR-10 and scikit-learn's digits
# --------------------------------------------------------------------------

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

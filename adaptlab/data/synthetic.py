"""A CIFAR-like generator: 32x32 colour images of 10 classes with a known difficulty.

:func:`make_cifar_like` draws the course's default data offline and in
seconds; the private helpers below draw the shapes, textures, clutter,
occlusion and noise that make an image harder as its difficulty grows.
"""
from __future__ import annotations

import numpy as np

from .._validation import check_positive_int
from .dataset import Dataset

__all__ = ["CIFAR_LIKE_CLASSES", "make_cifar_like"]

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


def make_cifar_like(n_instances=50_000, *, seed=0):
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
    n_instances : int, default=50_000
        Number of images. Classes are balanced (counts differ by at most one).
    seed : int, default=0
        The same seed and ``n_instances`` give the same bytes.

    Returns
    -------
    Dataset
        uint8 images (n_instances, 32, 32, 3), int64 labels, the class names
        :data:`CIFAR_LIKE_CLASSES` and the float ``difficulty`` of each image.

    Examples
    --------
    >>> data = make_cifar_like(1_000, seed=0)
    >>> data.images.shape, data.images.dtype
    ((1000, 32, 32, 3), dtype('uint8'))
    """
    n_instances = check_positive_int(n_instances, "n_instances")
    seed = check_positive_int(seed, "seed", minimum=0)
    starts = range(0, n_instances, _CHUNK_SIZE)
    chunk_seeds = np.random.SeedSequence(seed).spawn(len(starts))
    images = np.empty((n_instances, _SIDE, _SIDE, 3), np.uint8)
    labels = np.empty(n_instances, np.int64)
    difficulty = np.empty(n_instances, np.float64)
    for start, chunk_seed in zip(starts, chunk_seeds):
        stop = min(start + _CHUNK_SIZE, n_instances)
        rng = np.random.default_rng(chunk_seed)
        # Class i, i + 10, i + 20, ... over the whole set: balanced to within one image.
        labels[start:stop] = rng.permutation(np.arange(start, stop) % len(CIFAR_LIKE_CLASSES))
        images[start:stop], difficulty[start:stop] = _draw_chunk(rng, labels[start:stop])
    return Dataset(images, labels, CIFAR_LIKE_CLASSES, difficulty)

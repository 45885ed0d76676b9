"""Torch state spaces: a CNN width/depth family and one early-exit network.

Lecture 5 trains two kinds of state space on the course images:

- a *family* of separate CNNs, one architecture made wider and deeper, each
  net one state (:func:`train_cnn_family`);
- one *early-exit* network, a backbone with a classifier head after every
  block, each exit one state (:func:`train_early_exit`). Exit k costs the
  backbone up to block k plus heads 1 to k, and a cascade that goes on from
  exit k to exit k + 1 reuses the work already done.

Both are built from the same conv block and trained by the same loop
(:func:`fit`), which sums the cross-entropy of every exit; a plain CNN is the
special case with one exit. Costs are FLOPs per instance counted by torch's
own :class:`torch.utils.flop_counter.FlopCounterMode`
(:func:`count_forward_flops`).

Trained weights are cached on disk, keyed by the architecture, the training
settings and a fingerprint of the training data, so a notebook run twice
trains once. They go to ``<cache_dir>/torch/<name>-<hash>.pt``; each state's
FLOPs, predicted probabilities and latency on the validation and test images
go next to them (``<name>-<hash>-eval-<hash>.npz``, keyed by the weights file
and the images, read without pickle), so a warm start predicts nothing. Here
``cache_dir`` is the argument of :func:`train_cnn_family` and
:func:`train_early_exit`, by default :func:`default_cache_dir`: the
``ADAPTLAB_CACHE`` environment variable if it is set, else
``~/.cache/adaptlab``. To clear the cache, delete that ``torch`` folder, e.g.
``shutil.rmtree(default_cache_dir() / "torch")``: the next call trains again.
A file that cannot be loaded (damaged, or holding other or NaN weights) is
trained again and overwritten, with a warning naming it.

This is the only module of adaptlab that imports torch.
"""
from __future__ import annotations

import hashlib
import json
import numbers
import os
import warnings
from dataclasses import asdict, dataclass
from functools import partial
from itertools import pairwise
from pathlib import Path

import numpy as np

try:
    import torch
except ModuleNotFoundError as error:  # a course environment built with `make lab TORCH=none`
    raise ModuleNotFoundError(
        "adaptlab.torch_family needs torch 2.13.0, which this environment does not have "
        "(lectures 5-7 and assignment a05 use it). Install the CPU build: `make clean`, then "
        "`make lab TORCH=cpu`; or `pip install 'adaptlab[torch]'`.", name="torch") from error
from torch import nn
from torch.nn import functional as F
from torch.utils.flop_counter import FlopCounterMode
from tqdm.auto import tqdm

from ._validation import check_positive_int
from .costs import measure_latency_ms
from .data import check_splits
from .family import Family

__all__ = [
    "CNN_FAMILY",
    "EARLY_EXIT",
    "ConvNet",
    "ConvNetConfig",
    "conv_block",
    "count_forward_flops",
    "default_cache_dir",
    "exit_head",
    "fit",
    "predict_proba",
    "train_cnn_family",
    "train_early_exit",
]

#: Output channels per block of the four CNNs of the default family: (4, 8) at
#: depth 2, then (4, 8, 16) at depth 3 made 2, 4 and 6 times wider. On 32x32
#: images they cost 0.37 to 12 MFLOPs (32x) and train in about 25 s on 2 cores.
CNN_FAMILY = ((4, 8), (8, 16, 32), (16, 32, 64), (24, 48, 96))
#: Output channels per block of the default early-exit backbone (one exit per block).
EARLY_EXIT = (16, 32, 64)

_LATENCY_BATCH = 256  # test images timed per state; latency is per image in this batch
_CACHE_FORMAT = 1  # bump when the architecture or the file layout changes
_EVALUATION_KEYS = ("cost", "proba_val", "proba_test", "latency")
_MAX_LR = float(np.finfo(np.float32).max)  # Adam's step must fit the float32 weights


# ---------------------------------------------------------------- architecture


@dataclass(frozen=True)
class ConvNetConfig:
    """A small CNN: conv blocks, and a classifier head after the last or after every block.

    Attributes
    ----------
    channels : tuple of int
        Output channels of each block; the length is the depth.
    early_exit : bool, default=False
        Put a head after every block (an early-exit network) instead of only
        after the last one (a plain CNN).
    """

    channels: tuple
    early_exit: bool = False

    def __post_init__(self):
        try:
            channels = tuple(self.channels)
        except TypeError:
            raise ValueError(
                f"channels must be a sequence of positive ints, got {self.channels!r}."
            ) from None
        if not channels:
            raise ValueError("channels must hold at least one block, got ().")
        for width in channels:
            check_positive_int(width, "channels")
        object.__setattr__(self, "channels", tuple(int(width) for width in channels))

    @property
    def exits(self) -> tuple:
        """The blocks (1-based) followed by a classifier head."""
        depth = len(self.channels)
        return tuple(range(1 if self.early_exit else depth, depth + 1))

    @property
    def name(self) -> str:
        """E.g. ``"cnn-8-16-32"`` or ``"exit-16-32-64"``."""
        prefix = "exit" if self.early_exit else "cnn"
        return "-".join([prefix, *map(str, self.channels)])


def conv_block(in_channels, out_channels):
    """3x3 convolution, 2x2 max-pooling, batch norm and ReLU: halves height and width.

    Pooling comes before batch norm and ReLU, so that they work on a quarter
    of the pixels: the block trains about a third faster on a CPU than
    conv-BN-ReLU-pool, and the FLOPs counted (the convolution's) are the same.
    """
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=False),
        nn.MaxPool2d(2),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(),
    )


def exit_head(in_channels, n_classes):
    """Global average pooling and a linear layer: class logits from a feature map."""
    return nn.Sequential(
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(in_channels, n_classes)
    )


def _check_n_exits(n_exits, available):
    """``n_exits`` as an int from 1 to ``available``; None means ``available``."""
    if n_exits is None:
        return available
    n_exits = check_positive_int(n_exits, "n_exits")
    if n_exits > available:
        raise ValueError(
            f"n_exits must be at most {available}, the number of exits, got {n_exits}."
        )
    return n_exits


class ConvNet(nn.Module):
    """Conv blocks with a classifier head after some of them.

    With one head (after the last block) it is a plain CNN; with a head after
    every block it is an early-exit network whose k-th exit is a state.

    Parameters
    ----------
    config : ConvNetConfig
    in_channels : int
        Channels of the input images (3 for colour).
    n_classes : int

    Attributes
    ----------
    config : ConvNetConfig
    in_channels : int
    """

    def __init__(self, config, in_channels, n_classes):
        super().__init__()
        self.config = config
        self.in_channels = in_channels
        widths = (in_channels, *config.channels)
        self.blocks = nn.ModuleList(
            conv_block(c_in, c_out) for c_in, c_out in pairwise(widths)
        )
        self.heads = nn.ModuleList(exit_head(widths[k], n_classes) for k in self.exits)

    @property
    def exits(self):
        """The blocks (1-based) followed by a classifier head, as in ``config.exits``."""
        return self.config.exits

    def forward(self, x, *, n_exits=None):
        """Class logits of the first ``n_exits`` exits (all by default), cheapest first.

        Parameters
        ----------
        x : Tensor of float, shape (batch, channels, height, width)
            Pixels scaled to [0, 1].
        n_exits : int, optional
            Stop after this many exits, from 1 to the number of exits (the
            default): the blocks behind them are not run.

        Returns
        -------
        list of Tensor, each (batch, n_classes)
        """
        n_exits = _check_n_exits(n_exits, len(self.exits))
        logits = []
        for depth, block in enumerate(self.blocks, start=1):
            if len(logits) == n_exits:
                break
            x = block(x)
            if depth in self.exits:
                logits.append(self.heads[len(logits)](x))
        return logits


def count_forward_flops(forward, inputs):
    """FLOPs of one forward pass, counted by torch's ``FlopCounterMode``.

    The counter counts the multiply-adds of convolutions and matrix products
    (2 FLOPs each); batch norm, activations and pooling are not counted.

    Parameters
    ----------
    forward : callable
        A module or function of a tensor, e.g. ``partial(net, n_exits=2)``.
    inputs : Tensor
        Pass one instance (batch of 1) to get FLOPs per instance.

    Returns
    -------
    int

    Examples
    --------
    >>> net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.Flatten(), nn.Linear(4 * 8 * 8, 10))
    >>> flops = count_forward_flops(net, torch.zeros(1, 3, 8, 8))
    >>> flops == 2 * 3 * 3 * 3 * 4 * 8 * 8 + 2 * 256 * 10
    True
    """
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        forward(inputs)
    return counter.get_total_flops()


# ---------------------------------------------------------------- training


def _to_tensor(images):
    """uint8 images (n, height, width, channels) as floats in [0, 1], channels first."""
    return torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float() / 255.0


def fit(model, dataset, *, epochs=3, batch_size=128, lr=2e-2, seed=0, progress=True, desc=None):
    """Train a :class:`ConvNet` with Adam on the sum of its exits' cross-entropies.

    The learning rate follows a one-cycle schedule (warm up to ``lr``, then
    anneal), which gets far in few epochs. Minibatches are drawn in a seeded
    order, so the same seed (and the same initial weights) gives the same
    trained model.

    Training stops with a ValueError as soon as the loss is NaN or inf, or an
    epoch leaves NaN or inf in the weights (batch norm's running statistics
    included): a learning rate too high for the model.

    Parameters
    ----------
    model : ConvNet
    dataset : Dataset
        The training split.
    epochs : int, default=3
    batch_size : int, default=128
        Integers >= 1 (numpy integers too).
    lr : float, default=0.02
        Peak learning rate: a finite number > 0.
    seed : int, default=0
        Seed of the minibatch order, an integer >= 0.
    progress : bool, default=True
        Show a tqdm progress bar.
    desc : str, optional
        The progress bar's label, and the model's name in error messages.

    Returns
    -------
    ConvNet
        ``model``, trained in place and left in evaluation mode.
    """
    training = _check_training(epochs, batch_size, lr, seed)
    epochs, batch_size, lr = training["epochs"], training["batch_size"], training["lr"]
    labels = torch.from_numpy(np.asarray(dataset.labels, dtype=np.int64))
    order = torch.Generator().manual_seed(training["seed"])
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    n_batches = -(-len(dataset) // batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, lr, total_steps=epochs * n_batches)
    name = desc or "the model"
    model.train()
    with tqdm(total=epochs * n_batches, desc=desc, disable=not progress) as bar:
        for epoch in range(1, epochs + 1):
            batches = torch.randperm(len(dataset), generator=order).split(batch_size)
            for number, batch in enumerate(batches, start=1):
                logits = model(_to_tensor(dataset.images[batch.numpy()]))
                loss = sum(F.cross_entropy(exit_logits, labels[batch]) for exit_logits in logits)
                if not torch.isfinite(loss):
                    raise _diverged(
                        name, f"at epoch {epoch}, batch {number}: the loss is {loss.item()}", lr
                    )
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                schedule.step()
                bar.update()
            if not all(torch.isfinite(tensor).all() for tensor in model.state_dict().values()):
                raise _diverged(name, f"in epoch {epoch}: the weights hold NaN or inf", lr)
            bar.set_postfix(epoch=epoch, loss=f"{loss.item():.3f}")
    return model.eval()


def _diverged(name, where, lr):
    """The error of a training run that blew up: lower the learning rate."""
    return ValueError(
        f"training {name} diverged {where}. Lower lr (now {lr:g}), e.g. to the default 0.02."
    )


def predict_proba(model, images, *, n_exits=None, batch_size=512):
    """Softmax probabilities of exit ``n_exits`` (the last by default) on uint8 images.

    Parameters
    ----------
    model : ConvNet
    images : ndarray of uint8, shape (n, height, width, channels)
        Pixels 0-255, as in :class:`adaptlab.data.Dataset`; they are scaled
        to [0, 1] here. Anything else, floats already in [0, 1] included, is
        refused.
    n_exits : int, optional
        Which exit, from 1 to the number of exits (the default); the blocks
        after it are not run.
    batch_size : int, default=512

    Returns
    -------
    ndarray of float64, shape (n, n_classes)
    """
    if not isinstance(model, ConvNet):
        raise ValueError(f"model must be a ConvNet, got {type(model).__name__}.")
    images = _check_images(images, model)
    n_exits = _check_n_exits(n_exits, len(model.exits))
    batch_size = check_positive_int(batch_size, "batch_size")
    model.eval()
    chunks = []
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            batch = _to_tensor(images[start : start + batch_size])
            logits = model(batch, n_exits=n_exits)[-1]
            chunks.append(torch.softmax(logits.double(), dim=1).numpy())
    return np.concatenate(chunks)


def _check_images(images, model):
    """uint8 images (n, height, width, channels) with the model's channels, big enough for it."""
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim != 4:
        raise ValueError(
            "images must be uint8 pixels 0-255 of shape (n, height, width, channels), got "
            f"{images.dtype} of shape {images.shape}. Pass the uint8 pixels, e.g. "
            "(images * 255).round().astype(np.uint8) if they were scaled to [0, 1]."
        )
    if len(images) == 0:
        raise ValueError(f"images is empty, shape {images.shape}: pass at least one image.")
    if images.shape[3] != model.in_channels:
        raise ValueError(
            f"images must have {model.in_channels} channels (the last axis), as the model "
            f"takes, got shape {images.shape}."
        )
    _check_depth(model.config, images.shape[1:], "images")
    return images


# ---------------------------------------------------------------- disk cache


def default_cache_dir():
    """Where trained weights go by default: ``$ADAPTLAB_CACHE`` or else ``~/.cache/adaptlab``.

    The weights and their predictions are in its ``torch`` subfolder; delete that folder
    to clear the cache.

    Returns
    -------
    Path
    """
    return Path(os.environ.get("ADAPTLAB_CACHE", Path.home() / ".cache" / "adaptlab"))


def _check_cache_dir(cache_dir):
    """The folder of the weights, ``<cache_dir>/torch``, created now, before any training.

    ``cache_dir`` is None for :func:`default_cache_dir`, or a directory that
    exists or can be created.
    """
    origin = "cache_dir"
    if cache_dir is None:
        cache_dir, origin = default_cache_dir(), "cache_dir (default_cache_dir(), $ADAPTLAB_CACHE)"
    try:
        folder = Path(cache_dir) / "torch"
    except TypeError:
        raise ValueError(f"cache_dir must be a path (str or Path), got {cache_dir!r}.") from None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(
            f"{origin} {str(cache_dir)!r} cannot hold the weights: making the folder "
            f"{str(folder)!r} fails ({error.strerror}). Pass a cache_dir that is a "
            "directory or can be made one."
        ) from None
    return folder


def _fingerprint(dataset):
    """SHA-256 of a data set's pixels, labels and class names."""
    digest = hashlib.sha256()
    digest.update(repr((dataset.images.shape, tuple(dataset.class_names))).encode())
    digest.update(np.ascontiguousarray(dataset.images).tobytes())
    digest.update(np.ascontiguousarray(dataset.labels, dtype=np.int64).tobytes())
    return digest.hexdigest()


def _cache_path(folder, config, training, fingerprint):
    """``<folder>/<name>-<hash>.pt``, the hash over everything that shapes the weights."""
    key = {
        "format": _CACHE_FORMAT,
        "config": asdict(config),
        "training": training,
        "data": fingerprint,
    }
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]
    return folder / f"{config.name}-{digest}.pt"


def _load_cached(path, model):
    """``model`` with the weights cached at ``path``; None, with a warning, if they are unusable.

    Unusable is a file that torch cannot load with ``weights_only=True``, a
    state dict of another architecture, or NaN or inf weights.
    """
    try:
        state = torch.load(path, weights_only=True)
        model.load_state_dict(state)
    except Exception:  # unpickling a damaged file can raise almost any error
        problem = "cannot be loaded (the file is damaged, or holds another architecture)"
    else:
        if all(torch.isfinite(tensor).all() for tensor in state.values()):
            return model.eval()
        problem = "hold NaN or inf"
    warnings.warn(
        f"The cached weights {path} {problem}: training {model.config.name} again "
        "and overwriting the file."
    )
    return None


def _trained(config, train, training, folder, progress):
    """A ConvNet trained on ``train``, or loaded from ``folder`` if it was trained before."""
    new_model = partial(ConvNet, config, train.images.shape[3], train.n_classes)
    path = _cache_path(folder, config, training, _fingerprint(train))
    model = _load_cached(path, new_model()) if path.exists() else None
    if model is not None:
        return model, path
    torch.manual_seed(training["seed"])
    model = fit(new_model(), train, progress=progress, desc=config.name, **training)
    _save_atomically(path, lambda partial_path: torch.save(model.state_dict(), partial_path))
    return model, path


def _save_atomically(path, save):
    """``save(partial_path)``, then rename: a reader never sees half a file."""
    partial_path = path.with_name(f"{path.name}.{os.getpid()}.part")
    save(partial_path)
    os.replace(partial_path, path)


def _evaluation_path(weights_path, n_exits, splits):
    """``<weights>-eval-<hash>.npz``: the hash over the weights file, the exit and the data."""
    digest = hashlib.sha256(weights_path.read_bytes())
    digest.update(repr((_CACHE_FORMAT, n_exits)).encode())
    for dataset in (splits.val, splits.test):
        digest.update(_fingerprint(dataset).encode())
    return weights_path.with_name(f"{weights_path.stem}-eval-{digest.hexdigest()[:16]}.npz")


def _load_evaluation(path, splits, n_classes):
    """Cached (cost, probabilities on val and test, latency), or None if absent or unusable."""
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as cached:
            evaluation = {key: cached[key] for key in _EVALUATION_KEYS}
    except Exception:  # a damaged file can raise almost any error
        evaluation = None
    shapes = {"proba_val": (len(splits.val.labels), n_classes),
              "proba_test": (len(splits.test.labels), n_classes), "cost": (), "latency": ()}
    if evaluation is not None and all(
        evaluation[key].shape == shape and np.isfinite(evaluation[key]).all()
        for key, shape in shapes.items()
    ):
        return evaluation
    warnings.warn(f"The cached predictions {path} are unusable: computing them again.")
    return None


def _evaluation(model, n_exits, weights_path, splits):
    """A state's MFLOPs per instance, probabilities on val and test, and latency per instance.

    Computed once per trained model and data, then read from the cache next
    to the weights: predicting 8,000 images per state is most of a warm start.
    The latency is the one measured then.
    """
    path = _evaluation_path(weights_path, n_exits, splits)
    evaluation = _load_evaluation(path, splits, splits.test.n_classes)
    if evaluation is not None:
        return evaluation
    model.eval()
    forward = partial(model, n_exits=n_exits)
    with torch.no_grad():
        latency = measure_latency_ms(forward, _to_tensor(splits.test.images[:_LATENCY_BATCH]))
    evaluation = {
        "cost": np.array(count_forward_flops(forward, _to_tensor(splits.test.images[:1])) / 1e6),
        "proba_val": predict_proba(model, splits.val.images, n_exits=n_exits),
        "proba_test": predict_proba(model, splits.test.images, n_exits=n_exits),
        "latency": np.array(latency),
    }
    _save_atomically(path, lambda partial_path: np.savez(partial_path.open("wb"), **evaluation))
    return evaluation


# ---------------------------------------------------------------- families


def _check_training(epochs, batch_size, lr, seed):
    """The training settings as a dict of Python numbers, the way they enter the cache key."""
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not 0 < lr <= _MAX_LR:
        raise ValueError(
            f"lr must be a finite positive number (at most {_MAX_LR:.3g}, the largest "
            f"float32), got {lr!r}. The default is 0.02."
        )
    return {
        "epochs": check_positive_int(epochs, "epochs"),
        "batch_size": check_positive_int(batch_size, "batch_size"),
        "lr": float(lr),
        "seed": check_positive_int(seed, "seed", minimum=0),
    }


def _check_depth(config, image_shape, name):
    """Each block halves the image: it must stay at least one pixel."""
    depth, (height, width) = len(config.channels), image_shape[:2]
    if min(height, width) < 2**depth:
        raise ValueError(
            f"{name}: the {depth} blocks of {config.name} halve height and width {depth} "
            f"times, so they need images of at least {2**depth}x{2**depth} pixels, got "
            f"{height}x{width}. Use fewer blocks or larger images."
        )


def _check_ascending(configs, image_shape, n_classes):
    """The configs' FLOPs on one image must rise strictly, cheapest first."""
    one_image = torch.zeros((1, image_shape[2], *image_shape[:2]))
    flops = [
        count_forward_flops(ConvNet(c, image_shape[2], n_classes), one_image) for c in configs
    ]
    not_rising = np.flatnonzero(np.diff(flops) <= 0)
    if not_rising.size:
        i = not_rising[0]
        raise ValueError(
            f"channels must be ordered by cost, cheapest first: {configs[i + 1].channels} "
            f"({flops[i + 1] / 1e6:.2f} MFLOPs) does not cost more than "
            f"{configs[i].channels} ({flops[i] / 1e6:.2f} MFLOPs) before it."
        )


def _evaluate(states, splits, shared_backbone=False):
    """A :class:`Family` from (name, model, exit, weights path) states.

    With ``shared_backbone`` the states are exits of one network: running up
    to exit k computes every earlier exit too, so the counted cost of exit k
    is what a cascade stopping there pays (``Family.sequential_costs``).
    """
    evaluations = [_evaluation(model, n_exits, path, splits) for _, model, n_exits, path in states]
    costs = np.array([float(e["cost"]) for e in evaluations])
    return Family(
        names=tuple(name for name, _, _, _ in states),
        costs=costs,
        unit="MFLOPs",
        proba_val=np.stack([e["proba_val"] for e in evaluations], axis=1),
        proba_test=np.stack([e["proba_test"] for e in evaluations], axis=1),
        y_val=splits.val.labels,
        y_test=splits.test.labels,
        latency_ms=np.array([float(e["latency"]) for e in evaluations]),
        sequential_costs=costs if shared_backbone else None,
    )


def train_cnn_family(
    splits,
    channels=CNN_FAMILY,
    *,
    epochs=3,
    batch_size=128,
    lr=2e-2,
    seed=0,
    cache_dir=None,
    progress=True,
):
    """Train a family of CNNs of growing width and depth, one state per CNN.

    Each CNN is trained on ``splits.train`` -- or loaded from the disk cache
    when the same architecture was trained with the same settings on the same
    data before -- then evaluated on ``splits.val`` and ``splits.test``.

    Parameters
    ----------
    splits : Splits
        uint8 images, channels last.
    channels : sequence of sequences of int, default=CNN_FAMILY
        Output channels of each block, one sequence per CNN, cheapest first.
    epochs : int, default=3
    batch_size : int, default=128
        Integers >= 1 (numpy integers too).
    lr : float, default=0.02
        Peak learning rate of Adam's one-cycle schedule, a finite number > 0.
        Training that diverges stops with a ValueError, and nothing is cached.
    seed : int, default=0
        Seeds the initial weights and the minibatch order, an integer >= 0.
    cache_dir : str or Path, optional
        Where the trained weights are cached, in its ``torch`` subfolder: a
        directory, or a path where one can be made. Default
        :func:`default_cache_dir`. A cached file that cannot be loaded is
        trained again and overwritten, with a warning.
    progress : bool
        Show a progress bar per CNN trained.

    Returns
    -------
    Family
        Costs in MFLOPs per instance (ascending), softmax probabilities on
        validation and test, and measured latency per instance.

    Examples
    --------
    >>> from adaptlab.data import make_cifar_like, train_val_test_split
    >>> splits = train_val_test_split(make_cifar_like(20_000))  # doctest: +SKIP
    >>> family = train_cnn_family(splits)  # doctest: +SKIP
    >>> family.costs, family.accuracies  # doctest: +SKIP
    """
    splits = check_splits(splits)
    training = _check_training(epochs, batch_size, lr, seed)
    if isinstance(channels, (str, bytes)) or not hasattr(channels, "__len__") or not channels:
        raise ValueError("channels must be a non-empty sequence, one tuple of widths per CNN.")
    configs = [ConvNetConfig(widths) for widths in channels]
    image_shape = splits.train.images.shape[1:]
    for config in configs:
        _check_depth(config, image_shape, "channels")
    _check_ascending(configs, image_shape, splits.train.n_classes)
    folder = _check_cache_dir(cache_dir)
    trained = [_trained(c, splits.train, training, folder, progress) for c in configs]
    return _evaluate([(c.name, model, 1, path) for c, (model, path) in zip(configs, trained)],
                     splits)


def train_early_exit(
    splits,
    channels=EARLY_EXIT,
    *,
    epochs=3,
    batch_size=128,
    lr=2e-2,
    seed=0,
    cache_dir=None,
    progress=True,
):
    """Train one early-exit network; its exits are the states, cheapest first.

    A classifier head follows every block, and training minimizes the sum of
    all exits' cross-entropies. Exit k's cost is counted on a forward pass to
    exit k, which computes the earlier heads too: the backbone up to block k
    plus heads 1 to k. So the costs rise with k.

    A cascade through the exits runs each block and each head once, so exit
    k's cost is exactly what a cascade stopping at exit k pays; the family
    records it as ``sequential_costs``, not the sum of the states' costs that
    a cascade of separate models pays.

    Parameters
    ----------
    splits : Splits
        uint8 images, channels last.
    channels : sequence of int, default=EARLY_EXIT
        Output channels of each backbone block; one exit per block.
    epochs, batch_size, lr, seed, cache_dir, progress
        As in :func:`train_cnn_family`.

    Returns
    -------
    Family
        States ``"exit-1"``, ``"exit-2"``, ... with costs in MFLOPs per
        instance, probabilities on validation and test, and measured latency.
    """
    splits = check_splits(splits)
    training = _check_training(epochs, batch_size, lr, seed)
    config = ConvNetConfig(channels, early_exit=True)
    _check_depth(config, splits.train.images.shape[1:], "channels")
    folder = _check_cache_dir(cache_dir)
    model, path = _trained(config, splits.train, training, folder, progress)
    return _evaluate([(f"exit-{k}", model, k, path) for k in config.exits], splits,
                     shared_backbone=True)

"""The whole story, headless: ``python -m adaptlab tour``.

Generate CIFAR-like data, train the scikit-learn family (and the torch
families), measure alpha per state, compute the exact oracle and the bounds,
evaluate every router calibrated on validation and reported on test, print
one comparison per family, then the cascade :func:`~adaptlab.compare.design_cascade` designs
for each, and save the figures.
"""
from __future__ import annotations

import time
from pathlib import Path

import matplotlib
import pandas as pd

from .compare import compare_routers, design_cascade
from .data import make_cifar_like, train_val_test_split

__all__ = ["run_tour", "state_table", "design_table"]


def state_table(comparison):
    """Per-state cost, accuracy and alpha of a comparison's family, as a DataFrame."""
    family = comparison.family
    table = family.state_space().to_frame().rename(
        columns={"cost": f"cost ({family.unit})", "accuracy": "test accuracy"}
    )
    table.insert(2, "val accuracy", family.correct_val.mean(axis=0))
    if family.latency_ms is not None:
        table.insert(2, "latency (ms)", family.latency_ms)
    table["alpha"] = comparison.alphas
    return table


def design_table(designs):
    """One row per family: the cascade :func:`~adaptlab.compare.design_cascade` found, on test.

    Parameters
    ----------
    designs : dict of str to CascadeDesign
        Keyed by family label.

    Returns
    -------
    pandas.DataFrame
        Columns ``family``, ``states``, ``router``, ``accuracy``, ``of largest``
        (test accuracy over the largest state's), ``cost`` (sequential, on
        test), ``R_ratio`` and ``oracle R_ratio`` (the exact oracle's at the
        same accuracy: what a perfect router would gain).
    """
    return pd.DataFrame([
        {
            "family": label,
            "states": " -> ".join(design.states),
            "router": design.router,
            "accuracy": design.test_accuracy,
            "of largest": design.relative_accuracy,
            "cost": design.test_cost,
            "R_ratio": design.r_ratio,
            "oracle R_ratio": design.oracle_r_ratio,
        }
        for label, design in designs.items()
    ])


def _families(splits, with_torch, seed, progress, cache_dir):
    from .sklearn_family import train_sklearn_family

    yield "scikit-learn", train_sklearn_family(splits, seed=seed, progress=progress)
    if with_torch:  # imported here: the rest of the tour never needs torch
        try:
            from .torch_family import train_cnn_family, train_early_exit
        except ImportError:
            raise ValueError(
                "torch is not installed: pip install 'adaptlab[torch]' (torch==2.13.0), "
                "or run the tour with --no-torch."
            ) from None

        yield "torch CNNs", train_cnn_family(
            splits, seed=seed, cache_dir=cache_dir, progress=progress
        )
        yield "torch early exits", train_early_exit(
            splits, seed=seed, cache_dir=cache_dir, progress=progress
        )


def _output_folder(output_dir):
    """The folder for the figures, created now: a bad path fails before any work."""
    output = Path(output_dir)
    if output.exists() and not output.is_dir():
        raise ValueError(f"output_dir {str(output)!r} is a file, not a folder: choose another path.")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"output_dir {str(output)!r} cannot be created: {error.strerror}.") from None
    return output


def run_tour(*, n_instances=20_000, with_torch=True, output_dir="tour-output", seed=0,
             progress=True, cache_dir=None, echo=print):
    """Run the course's main experiment end to end and save its figures.

    Parameters
    ----------
    n_instances : int
        Images to generate (split 60 / 20 / 20 into train, validation, test).
    with_torch : bool
        Also train the torch CNN family and the early-exit network.
    output_dir : str or path-like
        Where the figures go; created if missing.
    seed : int
        One seed for data, models and the random router.
    progress : bool
        Show progress bars.
    cache_dir : str or path-like, optional
        Where trained torch weights are cached.
    echo : callable
        Receives each block of text to print.

    Returns
    -------
    dict of str to Comparison
        One comparison per family.
    """
    matplotlib.use("Agg")  # headless: figures go to files
    import matplotlib.pyplot as plt

    from . import plots

    started = time.perf_counter()
    output = _output_folder(output_dir)
    data = make_cifar_like(n_instances, seed=seed)
    splits = train_val_test_split(data, seed=seed)
    echo(f"Generated {len(data):,} CIFAR-like images in {time.perf_counter() - started:.1f} s: "
         f"{len(splits.train):,} train, {len(splits.val):,} validation, {len(splits.test):,} test.")
    plots.image_grid(splits.test, title="CIFAR-like test images, easiest to hardest")
    plt.savefig(output / "data.png", dpi=110)
    plt.close("all")
    comparisons, designs = {}, {}
    for label, family in _families(splits, with_torch, seed, progress, cache_dir):
        comparison = compare_routers(family, seed=seed)
        comparisons[label] = comparison
        safe = comparison.conservative
        echo(f"\n== {label}: {len(comparison.family)} states on the frontier ==\n"
             + state_table(comparison).to_string(index=False, float_format="{:.4g}".format))
        echo(f"conservative bound (Eq 9): R_ratio {safe.r_ratio:.2f}; exact oracle: "
             f"R_ratio {comparison.oracle.r_ratio:.2f} at accuracy {comparison.oracle.accuracy:.3f}")
        echo(comparison.table.to_string(index=False, float_format="{:.3f}".format))
        stem = label.replace(" ", "-").lower()
        plots.router_plane(comparison, title=f"{label}: routers vs the oracle (test)")
        plt.savefig(output / f"{stem}-routers.png", dpi=110)
        plots.alphas_per_state(comparison.alphas, comparison.family.names,
                               title=f"{label}: alpha per state (test)")
        plt.savefig(output / f"{stem}-alphas.png", dpi=110)
        plt.close("all")
        designs[label] = design_cascade(family)
    echo("\n== cascades designed on validation (design_cascade: states x router x threshold, "
         "target 99% of the largest state's validation accuracy), on test ==\n"
         + design_table(designs).to_string(index=False, float_format="{:.3f}".format))
    echo(f"\nFigures saved in {output}/. Whole tour: {time.perf_counter() - started:.0f} s.")
    return comparisons

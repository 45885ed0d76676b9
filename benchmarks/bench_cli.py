"""Speed of ``python -m adaptlab bounds``, measured as ratios within one run.

    python benchmarks/bench_cli.py [--models 10000] [--compare-models 1000] [--k 4]

Writes two CSVs of models to a temporary folder: a *frontier* family, every
model on the Pareto frontier (the worst case for the best-subset search), and
a *random* family, costs and accuracies drawn at random (a handful of models on
the frontier). Times the command line in this process (output discarded) with
``--k`` and ``--classes 1000`` against the approach it took before it computed
only what it was asked: the best subset of every size, ``best_subsets`` on the
frontier, O(N^3), timed reading the file and searching only, without the
report. That baseline runs today's block-wise search; the code before also
built an N x N matrix per step, so it was slower still. On the frontier family
the baseline cannot run on ``--models`` rows: the head-to-head runs on
``--compare-models`` rows and the figure for ``--models`` rows is extrapolated
as N^3, and said so. Prints seconds and ratios; asserts nothing.
"""
import argparse
import contextlib
import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from adaptlab.__main__ import LARGE_FRONTIER_SIZES, main as cli
from adaptlab.statespace import read_csv
from bench_bounds import best_time  # this folder is on the path when run as a script


def write_models(path, n_models, *, on_frontier, seed=0):
    """A CSV of ``n_models`` models in shuffled order; all on the frontier or drawn at random."""
    rng = np.random.default_rng(seed)
    if on_frontier:
        costs = np.geomspace(0.1, 1000.0, n_models)
        accuracies = np.linspace(0.5, 0.95, n_models)
    else:
        costs = rng.uniform(0.1, 1000.0, n_models)
        accuracies = rng.uniform(0.3, 0.95, n_models)
    order = rng.permutation(n_models)
    names = [f"model_{i:05d}" for i in order]
    pd.DataFrame({"name": names, "cost": costs[order], "accuracy": accuracies[order]}).to_csv(
        path, index=False, float_format="%.9g"
    )
    return path


def run_cli(path, k):
    """``python -m adaptlab bounds path --k k --classes 1000``, printing into a discarded buffer."""
    arguments = ["bounds", str(path), "--classes", "1000"]
    if k is not None:
        arguments += ["--k", str(k)]
    with contextlib.redirect_stdout(io.StringIO()):
        cli(arguments)


def every_k(path):
    """The old approach's search: the best subset of every size on the frontier."""
    read_csv(path).pareto().best_subsets()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=10_000)
    parser.add_argument("--compare-models", type=int, default=1_000)
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        small_frontier = write_models(
            folder / "frontier-small.csv", args.compare_models, on_frontier=True
        )
        frontier = write_models(folder / "frontier.csv", args.models, on_frontier=True)
        scattered = write_models(folder / "random.csv", args.models, on_frontier=False)
        print(f"bounds --k {args.k} --classes 1000 against the best subset of every size "
              f"(best of {args.repeats} runs, seconds)\n")
        rows = []
        for label, path in [
            (f"frontier, {args.compare_models:,} models", small_frontier),
            (f"random, {args.models:,} models", scattered),
        ]:
            new = best_time(lambda: run_cli(path, args.k), args.repeats)
            old = best_time(lambda: every_k(path), args.repeats)
            rows.append({"CSV": label, f"--k {args.k}": new, "every k": old, "ratio": old / new})
        new = best_time(lambda: run_cli(frontier, args.k), args.repeats)
        old = rows[0]["every k"] * (args.models / args.compare_models) ** 3
        rows.append({"CSV": f"frontier, {args.models:,} models", f"--k {args.k}": new,
                     "every k": old, "ratio": old / new})
        print(pd.DataFrame(rows).to_string(index=False, float_format=lambda value: f"{value:.3g}"))
        print(f"(every k on {args.models:,} frontier models: extrapolated as N^3 from "
              f"{args.compare_models:,}, not run)")
        default = best_time(lambda: run_cli(frontier, None), args.repeats)
        print(f"\nbounds without --k on {args.models:,} frontier models "
              f"(k = 1..{LARGE_FRONTIER_SIZES} shown): {default:.3g} s")


if __name__ == "__main__":
    main()

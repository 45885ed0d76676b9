"""Command line.

``python -m adaptlab bounds models.csv`` prints, for a practitioner's own
model family, what an adaptive agent could at best gain before anything is
built: the oracle bounds, the best subsets of models and the smallest-state
rule. ``python -m adaptlab tour`` runs the course's main experiment headless.
"""
from __future__ import annotations

import argparse
import sys

import pandas as pd

from .statespace import read_csv

DESCRIPTION = """\
Adaptive-inference bounds for your own model family.

MODELS.csv has one row per model with columns name, cost, accuracy (accuracy
as a fraction in [0, 1], cost in one unit, e.g. GFLOPs, ms or $ per call).
Dominated models (a cheaper one is at least as accurate) are left out, and
said so. The table gives the adaptive oracle's cost and accuracy:
  conservative     alpha = 1 (Eq 9): no accuracy gain, the safe estimate
  constant alpha   Eq 8 at --alpha (measure alpha on your data to choose it)
  continuous       Eq 13: the limit if states filled the curve between yours
  best k of N      Eq 9 on the k models that minimise it (Fig 5-6)
with R_ratio = R_N / R_oracle, Delta R = R_N - R_oracle, Delta A = A_oracle - A_N.
"""


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m adaptlab",
        description="adaptlab: adaptive inference, taught.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    bounds_parser = commands.add_parser(
        "bounds",
        help="print the oracle bounds for a CSV of models (name, cost, accuracy)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    bounds_parser.add_argument("models", metavar="MODELS.csv", help="CSV: name, cost, accuracy")
    bounds_parser.add_argument(
        "--alpha", type=float, default=0.5, help="alpha for the constant-alpha row (default 0.5)"
    )
    bounds_parser.add_argument(
        "--k", type=int, default=None, help="size of the best subset (default: every size)"
    )
    bounds_parser.add_argument(
        "--classes", type=int, default=None, metavar="C",
        help="number of classes, for the smallest-state rule (Eq 11)",
    )
    bounds_parser.add_argument("--unit", default="GFLOPs", help="unit of the cost column")
    tour_parser = commands.add_parser(
        "tour",
        help="train model families on generated data and compare routers with the bounds",
        description="The whole course in one run: data, model families, alpha, the exact "
        "oracle and bounds, every router calibrated on validation and reported on test; "
        "prints the comparison and saves the figures.",
    )
    tour_parser.add_argument("--samples", type=int, default=20_000, help="images to generate")
    tour_parser.add_argument("--no-torch", action="store_true", help="skip the torch families")
    tour_parser.add_argument("--output", default="tour-output", help="folder for the figures")
    tour_parser.add_argument("--seed", type=int, default=0)
    tour_parser.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


def _row(label, point):
    return {
        "bound": label,
        "R_oracle": point.selection_cost,
        "A_oracle": point.accuracy,
        "R_ratio": point.r_ratio,
        "Delta R": point.delta_r,
        "Delta A": point.delta_a,
    }


def bounds_report(space, alpha=0.5, k=None, n_classes=None):
    """The text that ``python -m adaptlab bounds`` prints for a state space."""
    frontier = space.pareto()
    lines = [f"{len(space)} models, costs in {space.unit}."]
    dropped = [name for name in space.names if name not in frontier.names]
    if dropped:
        lines.append(f"Dominated, left out: {', '.join(dropped)}.")
    lines += ["", frontier.to_frame().rename_axis("#").to_string(), ""]
    subsets = frontier.best_subsets()
    rows = [
        _row("conservative (alpha = 1)", frontier.conservative()),
        _row(f"constant alpha = {alpha:g}", frontier.constant_alpha(alpha)),
        _row("continuous (Eq 13)", frontier.continuous()),
    ]
    sizes = range(1, len(frontier) + 1) if k is None else [k]
    for size in sizes:
        if not 1 <= size <= len(frontier):
            raise ValueError(f"--k must be between 1 and {len(frontier)}, got {size}.")
        states = list(subsets.loc[size - 1, "states"])
        rows.append(
            _row(f"best {size} of {len(frontier)}", frontier.subset(states).conservative())
            | {"states (#)": " ".join(map(str, states))}
        )
    table = pd.DataFrame(rows).fillna("")
    lines.append(table.to_string(index=False, float_format=lambda value: f"{value:.4g}"))
    if n_classes is not None:
        limit = frontier.smallest_state_limit(n_classes)
        verdict = "pays off" if frontier.costs[0] < limit else "does NOT pay off"
        lines += [
            "",
            f"Smallest-state rule (Eq 11, with R_2): R_1 must be below {limit:.4g} {space.unit}; "
            f"{frontier.names[0]} costs {frontier.costs[0]:.4g}, so it {verdict}.",
        ]
    return "\n".join(lines)


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "tour":
            from .tour import run_tour

            run_tour(n_samples=args.samples, with_torch=not args.no_torch,
                     output_dir=args.output, seed=args.seed, progress=not args.quiet)
        else:
            space = read_csv(args.models, unit=args.unit)
            print(bounds_report(space, alpha=args.alpha, k=args.k, n_classes=args.classes))
    except ValueError as error:
        parser.exit(2, f"adaptlab: error: {error}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

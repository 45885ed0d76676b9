"""Command line.

``python -m adaptlab bounds models.csv`` prints, for a practitioner's own
model family, what an adaptive agent could at best gain before anything is
built: the oracle bounds, the best subsets of models and the smallest-state
rule. ``python -m adaptlab tour`` runs the course's main experiment headless.

Every mistake in the input (an option out of range, a file that is not a
local CSV of models) ends the program with one line on stderr starting
``adaptlab: error:`` and exit status 2.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import pandas as pd

from .bounds import MAX_CLASSES
from ._validation import check_fraction, check_positive_int
from .statespace import StateSpace, best_subset, read_csv

LIST_LIMIT = 12
"""Longest list the report gives in full: frontier states, subset sizes, dominated models."""

LARGE_FRONTIER_SIZES = 5
"""Without ``--k``, a frontier of more than :data:`LIST_LIMIT` states gets k = 1..5."""

_SIZES = f"every k up to {LIST_LIMIT} states on the frontier, else k = 1..{LARGE_FRONTIER_SIZES}"

DESCRIPTION = f"""\
Adaptive-inference bounds for your own model family.

MODELS.csv is a local file with one row per model and columns name, cost,
accuracy (accuracy as a fraction in [0, 1], cost in one unit, e.g. GFLOPs, ms
or $ per call). Dominated models (a cheaper one is at least as accurate) are
left out, and said so. The table gives the adaptive oracle's cost and accuracy:
  conservative     alpha = 1 (Eq 9): no accuracy gain, the safe estimate
  constant alpha   Eq 8 at --alpha (measure alpha on your data to choose it)
  continuous       Eq 13: the limit if states filled the curve between yours
  best k of N      Eq 9 on the k models that minimise it (Fig 5-6), for
                   {_SIZES} (or --k)
with R_ratio = R_N / R_oracle, Delta R = R_N - R_oracle, Delta A = A_oracle - A_N.
"""


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors on one line and exit status 2, like every other error."""

    def error(self, message):
        self.exit(2, f"adaptlab: error: {message}; see '{self.prog} --help'.\n")


def _parser():
    parser = _Parser(
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
        "--alpha", type=float, default=0.5,
        help="alpha in [0, 1] for the constant-alpha row (default 0.5)",
    )
    bounds_parser.add_argument(
        "--k", type=int, default=None,
        help=f"size of the one best subset to show (default: {_SIZES})",
    )
    bounds_parser.add_argument(
        "--classes", type=int, default=None, metavar="C",
        help="number of classes, 2 to 10**9, for the smallest-state rule (Eq 11)",
    )
    bounds_parser.add_argument("--unit", default="GFLOPs", help="unit of the cost column")
    tour_parser = commands.add_parser(
        "tour",
        help="train model families on generated data and compare routers with the bounds",
        description="The whole course in one run: data, model families, alpha, the exact "
        "oracle and bounds, every router calibrated on validation and reported on test; "
        "prints the comparison and saves the figures.",
    )
    tour_parser.add_argument("--instances", type=int, default=20_000, help="images to generate")
    tour_parser.add_argument("--no-torch", action="store_true", help="skip the torch families")
    tour_parser.add_argument(
        "--output", default="tour-output", help="folder for the figures (created if missing)"
    )
    tour_parser.add_argument("--seed", type=int, default=0)
    tour_parser.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


def _check_options(args):
    """Check the options before any work, naming each as it is typed.

    The tour checks its own sizes and seed; only its output folder is checked here.
    """
    if args.command == "bounds":
        check_fraction(args.alpha, "--alpha")
        if args.k is not None:
            check_positive_int(args.k, "--k")
        if args.classes is not None:
            check_positive_int(args.classes, "--classes", minimum=2, maximum=MAX_CLASSES)
        if not args.unit.strip():
            raise ValueError("--unit must name the cost unit, e.g. GFLOPs, ms or $; got ''.")
    elif os.path.exists(args.output) and not os.path.isdir(args.output):
        raise ValueError(
            f"--output {args.output!r} is an existing file; give a folder for the figures."
        )


def _operating_points(frontier, *, alpha, sizes):
    """``(label, point, states)`` per row of the table: every call to the bounds but Eq 11's."""
    n_states = len(frontier)
    points = [
        ("conservative (alpha = 1)", frontier.conservative(), None),
        (f"constant alpha = {alpha:g}", frontier.constant_alpha(alpha), None),
        ("continuous (Eq 13)", frontier.continuous(), None),
    ]
    for size in sizes:
        # Best N of N is the whole frontier: nothing to search for.
        states = (np.arange(n_states) if size == n_states
                  else best_subset(frontier.costs, frontier.accuracies, size))
        point = frontier.subset(states).conservative()
        points.append((f"best {size} of {n_states}", point, states))
    return points


def _row(label, point, states):
    row = {
        "bound": label,
        "R_oracle": point.selection_cost,
        "A_oracle": point.accuracy,
        "R_ratio": point.r_ratio,
        "Delta R": point.delta_r,
        "Delta A": point.delta_a,
    }
    if states is not None:
        row["states (#)"] = " ".join(map(str, states))
    return row


def _smallest_state_rule(frontier, n_classes):
    """The line on Eq 11: does the cheapest state on the frontier pay off?"""
    if len(frontier) < 2:
        return "Smallest-state rule (Eq 11): needs two states on the frontier; there is one."
    limit = frontier.smallest_state_limit(n_classes)
    verdict = "pays off" if frontier.costs[0] < limit else "does NOT pay off"
    return (
        f"Smallest-state rule (Eq 11, with R_2): R_1 must be below {limit:.4g} {frontier.unit}; "
        f"{frontier.names[0]} costs {frontier.costs[0]:.4g}, so it {verdict}."
    )


def bounds_report(space, *, alpha=0.5, k=None, n_classes=None):
    """The text that ``python -m adaptlab bounds`` prints for a state space.

    Parameters
    ----------
    space : StateSpace
        The models; the dominated ones are named and left out.
    alpha : float in [0, 1], default=0.5
        Alpha of the constant-alpha row (Eq 8).
    k : int, optional
        Size of the one best subset to show, 1 to the number of states on the
        Pareto frontier. Without it, every size when the frontier has at most
        :data:`LIST_LIMIT` states, else sizes 1 to :data:`LARGE_FRONTIER_SIZES`
        (the best of all N states is the conservative row), said in one line.
        Only the sizes shown are computed, each in O(k N^2) time.
    n_classes : int, optional
        Number of classes C, 2 to :data:`MAX_CLASSES`, for the smallest-state
        rule (Eq 11); without it the rule is left out.

    Returns
    -------
    str
        A frontier of more than :data:`LIST_LIMIT` states is listed by the
        states the best subsets use, the cheapest and the largest.
    """
    if not isinstance(space, StateSpace):
        raise ValueError(
            f"space must be a StateSpace (adaptlab.statespace.read_csv reads one from a CSV), "
            f"got {type(space).__name__}."
        )
    alpha = check_fraction(alpha, "alpha")
    if n_classes is not None:
        n_classes = check_positive_int(n_classes, "n_classes", minimum=2, maximum=MAX_CLASSES)
    frontier = space.pareto()
    n_states = len(frontier)
    if k is not None:
        sizes = [check_positive_int(k, "k", maximum=n_states)]
    elif n_states <= LIST_LIMIT:
        sizes = range(1, n_states + 1)
    else:
        sizes = range(1, LARGE_FRONTIER_SIZES + 1)
    points = _operating_points(frontier, alpha=alpha, sizes=sizes)

    lines = [f"{len(space):,} models, costs in {space.unit}."]
    kept = set(frontier.names)
    dropped = [name for name in space.names if name not in kept]
    if dropped:
        more = f" and {len(dropped) - LIST_LIMIT:,} more" if len(dropped) > LIST_LIMIT else ""
        lines.append(f"Dominated, left out: {', '.join(dropped[:LIST_LIMIT])}{more}.")
    listing = frontier.to_frame().rename_axis("#")
    if n_states > LIST_LIMIT:
        used = {0, n_states - 1}.union(*(chosen for _, _, chosen in points if chosen is not None))
        listing = listing.iloc[sorted(used)]
        lines.append(
            f"Pareto frontier: {n_states:,} states; listed: the cheapest, the largest and "
            "those the best subsets use."
        )
    lines += ["", listing.to_string(), ""]
    table = pd.DataFrame([_row(*point) for point in points]).fillna("")
    lines.append(table.to_string(index=False, float_format=lambda value: f"{value:.4g}"))
    if k is None and n_states > LIST_LIMIT:
        lines.append(
            f"Best subsets shown for k = 1..{LARGE_FRONTIER_SIZES} of {n_states:,} (all "
            f"{n_states:,} is the conservative row); ask for another size with --k."
        )
    if n_classes is not None:
        lines += ["", _smallest_state_rule(frontier, n_classes)]
    return "\n".join(lines)


def main(argv=None):
    """Run the command line: 0 on success; on bad input, one line on stderr and exit 2."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        _check_options(args)
        if args.command == "tour":
            from .tour import run_tour

            run_tour(n_instances=args.instances, with_torch=not args.no_torch,
                     output_dir=args.output, seed=args.seed, progress=not args.quiet)
        else:
            space = read_csv(args.models, unit=args.unit)
            print(bounds_report(space, alpha=args.alpha, k=args.k, n_classes=args.classes))
    except ValueError as error:
        parser.exit(2, f"adaptlab: error: {' '.join(str(error).split())}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Command line.

``python -m adaptlab bounds models.csv`` prints, for a practitioner's own
model family, what an adaptive agent could at best gain before anything is
built: the oracle bounds, the best subsets of models and the smallest-state
rule. ``python -m adaptlab compare predictions.csv`` takes the per-instance
results of any models and compares a confidence cascade over them, naive and
guarded, with the oracle and the bounds. ``python -m adaptlab tour`` runs the
course's main experiment headless.

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
from .predictions import MIN_INSTANCES, compare_predictions, read_predictions
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


COMPARE_DESCRIPTION = f"""\
Compare a confidence cascade over your own models with the oracle and the bounds.

PREDICTIONS.csv is a local file in long format, one row per instance and model,
with the columns
  instance    an id of the input (any text)
  model       the model's name (any text)
  cost        the model's cost on one instance, in one unit (see --unit); the
              same on every row of a model
  correct     1/0 or true/false: was the model right on this instance?
  confidence  a finite number, higher when the model is surer (e.g. its top
              class probability)
Every model needs one row per instance; at least 2 models and {MIN_INSTANCES} instances.

The instances are shuffled (--seed) and cut into validation (--val-share) and
test. Models dominated on validation are left out. On validation, a cascade
over the models, cheapest first, is calibrated to --target (default: the
validation accuracy of the largest model): it answers with the first model
whose confidence reaches the threshold. The guarded cascade is the cheapest
threshold that also has, with probability >= 1 - --delta, an accuracy of at
least target - --epsilon on new data (Learn then Test, exact binomial test).
Every row of the table is measured on test: the largest model alone, the
exact oracle (Definition 2.1) as a selector and as a cascade, the conservative
bound (Eq 9), both cascades and a random router. R_ratio = R_N / cost.
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
    compare_parser = commands.add_parser(
        "compare",
        help="compare a cascade over your models' per-instance predictions with the bounds",
        description=COMPARE_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    compare_parser.add_argument(
        "predictions", metavar="PREDICTIONS.csv",
        help="CSV: instance, model, cost, correct, confidence",
    )
    compare_parser.add_argument(
        "--val-share", type=float, default=0.5, help="share of instances for validation (0.5)"
    )
    compare_parser.add_argument("--seed", type=int, default=0, help="seed of the split (0)")
    compare_parser.add_argument(
        "--target", type=float, default=None,
        help="validation accuracy the cascades must reach (default: the largest model's)",
    )
    compare_parser.add_argument(
        "--epsilon", type=float, default=0.01,
        help="accuracy the guarded cascade may lose on new data (0.01)",
    )
    compare_parser.add_argument(
        "--delta", type=float, default=0.1, help="chance the guarantee may fail (0.1)"
    )
    compare_parser.add_argument(
        "--cost-kind", choices=("sequential", "selection"), default="sequential",
        help="a cascade pays every model it runs (sequential) or only the answering one",
    )
    compare_parser.add_argument("--unit", default="GFLOPs", help="unit of the cost column")
    compare_parser.add_argument(
        "--output", default=None, metavar="FIGURE.png",
        help="save the routers-against-the-oracle figure there",
    )
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
    elif args.command == "compare":
        check_fraction(args.val_share, "--val-share")
        check_positive_int(args.seed, "--seed", minimum=0)
        if args.target is not None:
            check_fraction(args.target, "--target")
        check_fraction(args.epsilon, "--epsilon")
        if not 0 < check_fraction(args.delta, "--delta") < 1:
            raise ValueError(f"--delta must be strictly between 0 and 1, got {args.delta!r}.")
        if not args.unit.strip():
            raise ValueError("--unit must name the cost unit, e.g. GFLOPs, ms or $; got ''.")
        if args.output is not None and os.path.isdir(args.output):
            raise ValueError(f"--output {args.output!r} is a folder; give a file name such as "
                             "figure.png.")
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


COMPARE_COLUMNS = ["router", "accuracy", "cost", "R_ratio", "Delta A", "share to largest",
                   "R_ratio at A_N", "note"]
"""The columns of :attr:`adaptlab.compare.Comparison.table` that ``compare`` prints."""


def compare_report(predictions, comparison):
    """The text that ``python -m adaptlab compare`` prints for a comparison of predictions.

    Parameters
    ----------
    predictions : adaptlab.predictions.Predictions
        What was read.
    comparison : adaptlab.compare.Comparison
        :func:`adaptlab.predictions.compare_predictions` of it.

    Returns
    -------
    str
    """
    models = comparison.family
    n, n_val = len(predictions), len(models.correct_val)
    lines = [
        f"{len(predictions.names)} models, {n:,} instances, costs in {predictions.unit}; "
        f"validation {n_val:,}, test {n - n_val:,}.",
    ]
    dropped = [name for name in predictions.names if name not in models.names]
    if dropped:
        lines.append(f"Dominated on validation, left out: {', '.join(dropped)}.")
    lines += ["", models.state_space().to_frame().rename_axis("#").to_string(), ""]
    lines.append(
        f"Cascades calibrated on validation to accuracy {comparison.target_accuracy:.4g}; "
        f"{comparison.cost_kind} cost. Measured on test:"
    )
    lines.append(comparison.table[COMPARE_COLUMNS].to_string(
        index=False, na_rep="", float_format=lambda value: f"{value:.4g}"))
    return "\n".join(lines)


def _compare(args):
    """Read, compare, print and (with --output) save the figure."""
    predictions = read_predictions(args.predictions, unit=args.unit)
    comparison = compare_predictions(
        predictions, val_share=args.val_share, seed=args.seed, target_accuracy=args.target,
        epsilon=args.epsilon, delta=args.delta, cost_kind=args.cost_kind,
    )
    print(compare_report(predictions, comparison))
    if args.output is not None:
        import matplotlib

        matplotlib.use("Agg")  # headless: the figure goes to a file
        import matplotlib.pyplot as plt

        from .plots import router_plane

        router_plane(comparison, title=f"{os.path.basename(args.predictions)}: "
                     "cascades against the oracle (test)")
        try:
            plt.savefig(args.output, dpi=110)
        except OSError as error:
            raise ValueError(f"--output {args.output!r} cannot be written: "
                             f"{error.strerror or error}.") from None
        finally:
            plt.close("all")
        print(f"Figure saved to {args.output}.")


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
        elif args.command == "compare":
            _compare(args)
        else:
            space = read_csv(args.models, unit=args.unit)
            print(bounds_report(space, alpha=args.alpha, k=args.k, n_classes=args.classes))
    except ValueError as error:
        parser.exit(2, f"adaptlab: error: {' '.join(str(error).split())}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

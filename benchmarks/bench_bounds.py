"""Speed of the exact oracle (Eq 4-5), measured as ratios within one run.

    python benchmarks/bench_bounds.py [--instances 1000000] [--states 8]

Compares ``adaptlab.bounds.oracle`` on an n x N correctness matrix with
* ``correct.any(axis=1)``: one pass over the matrix, the memory-bandwidth floor;
* Python loops over instances, the definition written out: over numpy rows
  (as a learner first writes it) and over Python lists (the fastest plain loop).
Prints milliseconds and ratios; asserts nothing (speed is not a test).
"""
import argparse
import time

import numpy as np

from adaptlab import bounds
from adaptlab.simulate import correlated_models


def best_time(function, repeats):
    """Fastest of ``repeats`` runs, in seconds (the least disturbed by the machine)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def numpy_rows_oracle(correct, costs):
    """Definition 2.1, one instance (numpy row) at a time: the textbook loop."""
    total_cost, n_right = 0.0, 0
    for row in correct:
        correct_states = np.flatnonzero(row)
        choice = correct_states[0] if correct_states.size else 0
        total_cost += costs[choice]
        n_right += row[choice]
    return total_cost / len(correct), n_right / len(correct)


def python_lists_oracle(correct, costs):
    """The same loop over Python lists: the fastest a pure-Python loop gets."""
    total_cost, n_right = 0.0, 0
    for row in correct.tolist():
        choice = row.index(True) if True in row else 0
        total_cost += costs[choice]
        n_right += row[choice]
    return total_cost / len(correct), n_right / len(correct)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=1_000_000)
    parser.add_argument("--states", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    accuracies = np.linspace(0.55, 0.9, args.states)
    correct = correlated_models(accuracies, n_instances=args.instances, correlation=0.7, seed=0).correct
    costs = np.geomspace(1.0, 100.0, args.states).tolist()

    floor = best_time(lambda: correct.any(axis=1), args.repeats)
    vectorised = best_time(lambda: bounds.oracle(correct, costs), args.repeats)
    result = bounds.oracle(correct, costs)
    loops = {}
    for name, loop in (("loop over numpy rows", numpy_rows_oracle),
                       ("loop over Python lists", python_lists_oracle)):
        loops[name] = best_time(lambda: loop(correct, costs), 1)
        assert np.isclose(loop(correct, costs)[0], result.selection_cost)

    print(f"oracle on a {args.instances:,} x {args.states} correctness matrix")
    print(f"  correct.any(axis=1)   {floor * 1e3:9.1f} ms   (memory-bandwidth floor)")
    print(f"  bounds.oracle         {vectorised * 1e3:9.1f} ms   {vectorised / floor:6.2f}x the floor")
    for name, seconds in loops.items():
        print(f"  {name:22}{seconds * 1e3:9.1f} ms   {seconds / vectorised:6.0f}x slower than oracle")


if __name__ == "__main__":
    main()

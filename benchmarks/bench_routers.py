"""Speed of the router machinery and of training, as figures from one run.

    python benchmarks/bench_routers.py [--instances 1000000] [--samples 20000] [--no-torch]

* ``cascade.sweep`` evaluates a rule at every threshold at once; the baseline
  is a loop calling ``cascade.operating_point`` once per threshold. The loop
  is timed on a sample of thresholds and both are reported per threshold.
* Training time of each model family on the tour's default data size.
Prints; asserts nothing (speed is not a test).
"""
import argparse
import time

import numpy as np

from adaptlab import cascade
from adaptlab.data import make_cifar_like, train_val_test_split
from adaptlab.simulate import correlated_models


def seconds(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def bench_sweep(n_instances, n_states, n_loop_thresholds=50):
    rng = np.random.default_rng(0)
    accuracies = np.linspace(0.6, 0.9, n_states)
    correct = correlated_models(accuracies, n_instances=n_instances, correlation=0.7, seed=0).correct
    scores = rng.random((n_instances, n_states))
    costs = np.geomspace(1.0, 100.0, n_states)
    sweep_time, curve = seconds(lambda: cascade.sweep(scores, correct, costs))
    sample = rng.choice(curve.thresholds[:-1], n_loop_thresholds, replace=False)
    loop_time, _ = seconds(
        lambda: [cascade.operating_point(scores, correct, costs, t) for t in sample]
    )
    per_sweep = sweep_time / len(curve)
    per_loop = loop_time / n_loop_thresholds
    print(f"  N = {n_states}: sweep {sweep_time:.2f} s for {len(curve):,} thresholds "
          f"({per_sweep * 1e6:.2f} us each); loop {per_loop * 1e3:.1f} ms per threshold; "
          f"{per_loop / per_sweep:,.0f}x faster per threshold; the loop would need "
          f"{per_loop * len(curve) / 3600:.1f} h for the whole curve")


def bench_training(n_instances, with_torch):
    from adaptlab.sklearn_family import train_sklearn_family

    splits = train_val_test_split(make_cifar_like(n_instances, seed=0), seed=0)
    families = {"scikit-learn": lambda: train_sklearn_family(splits, progress=False)}
    if with_torch:
        import tempfile

        from adaptlab.torch_family import train_cnn_family, train_early_exit

        cache = tempfile.mkdtemp()  # an empty cache: time real training
        families["torch CNNs"] = lambda: train_cnn_family(splits, cache_dir=cache, progress=False)
        families["torch early exits"] = lambda: train_early_exit(
            splits, cache_dir=cache, progress=False
        )
    for name, train in families.items():
        elapsed, family = seconds(train)
        accuracies = ", ".join(f"{a:.2f}" for a in family.accuracies)
        print(f"  {name:18} {elapsed:6.1f} s   test accuracy per state: {accuracies}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=1_000_000)
    parser.add_argument("--images", type=int, default=20_000)
    parser.add_argument("--no-torch", action="store_true")
    args = parser.parse_args()
    print(f"threshold sweep on {args.instances:,} instances, random scores")
    for n_states in (2, 5):
        bench_sweep(args.instances, n_states)
    print(f"training on {args.images:,} generated images (60% train), 2 threads")
    bench_training(args.images, with_torch=not args.no_torch)


if __name__ == "__main__":
    main()

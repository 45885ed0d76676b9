"""Speed of one update of the router explorer, kernel side, against rebuilding the figure.

    python benchmarks/bench_widgets.py [--images 6000] [--moves 200] [--rebuilds 30]

On the start page's comparison (scikit-learn family on generated images):
* a threshold move of ``threshold_explorer``: the point, the readout, the
  marker repainted over the saved figure and the changed pixels encoded as
  the PNG sent to the browser (as with a browser connected: no copy of the
  whole image for the notebook file);
* a router change: the curves restyled, then one full draw of the figure;
* the old way, every move: the figure rebuilt with ``plots.router_plane``,
  drawn, and encoded as the PNG an Output widget showed.
Slider moves step back and forth over neighbouring stops, as a drag does.
Prints median and 95th percentile in milliseconds; asserts nothing (speed is
not a test). ``benchmarks/browser_widgets.py`` times the same in JupyterLab.
"""
import argparse
import io
import os
import time

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from adaptlab import plots
from adaptlab.compare import compare_routers
from adaptlab.data import make_cifar_like, train_val_test_split
from adaptlab.sklearn_family import train_sklearn_family
from adaptlab.widgets import describe_point, threshold_explorer


def milliseconds(function, repeats):
    """Each run of ``function(i)`` for i in range(repeats), in milliseconds."""
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        function(i)
        times.append(1e3 * (time.perf_counter() - start))
    return np.array(times)


def summary(name, times):
    median, p95 = np.median(times), np.percentile(times, 95)
    print(f"  {name:44} median {median:7.1f} ms   p95 {p95:7.1f} ms   ({len(times)} runs)")
    return median


def drag(stops, moves):
    """Stop indices of a slider dragged back and forth, a few stops per event."""
    path = np.arange(0, len(stops), 3)
    path = np.concatenate([path, path[::-1]])
    return [stops[path[i % len(path)]] for i in range(moves)]


def rebuild(comparison, router, index):
    """The old explorer's work per move: a new figure, drawn and sent as a PNG."""
    figure = Figure(figsize=(9, 5), layout="constrained")
    FigureCanvasAgg(figure)
    ax = plots.router_plane(comparison, ax=figure.subplots())
    point = describe_point(comparison, router, index)
    ax.plot(point.cost, point.accuracy, "o", ms=16, mfc="none", mec="black", mew=2.5,
            label="the slider's operating point")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1))
    figure.savefig(io.BytesIO(), format="png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=6000)
    parser.add_argument("--moves", type=int, default=200)
    parser.add_argument("--rebuilds", type=int, default=30)
    args = parser.parse_args()
    start = time.perf_counter()
    splits = train_val_test_split(make_cifar_like(args.images, seed=0), seed=0)
    comparison = compare_routers(train_sklearn_family(splits, seed=0, progress=False))
    print(f"comparison of {len(comparison.runs)} routers on {args.images:,} generated images "
          f"built in {time.perf_counter() - start:.1f} s; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    explorer = threshold_explorer(comparison)
    explorer.canvas.syncing_data_url = False  # as when a browser shows the canvas
    explorer.canvas.draw()  # the browser's first request: one full draw
    router = explorer.picker.value
    stops = [index for _, index in explorer.slider.options]
    print(f"{router!r}: {len(comparison.runs[router].curve):,} thresholds, "
          f"{len(stops)} slider stops")
    path = drag(stops, args.moves)

    def move(i):
        explorer.slider.value = path[i]

    new = summary("threshold move, figure kept (repaint)", milliseconds(move, args.moves))
    routers = list(comparison.runs)

    def switch(i):
        explorer.picker.value = routers[(routers.index(router) + 1 + i) % len(routers)]
        explorer.canvas.draw()  # what the browser asks for after a restyle

    summary("router change, figure kept (full draw)", milliseconds(switch, len(routers)))
    old = summary("threshold move, figure rebuilt (old)",
                  milliseconds(lambda i: rebuild(comparison, router, path[i]), args.rebuilds))
    print(f"  a threshold move is {old / new:.0f}x faster than a rebuild (medians)")


if __name__ == "__main__":
    main()

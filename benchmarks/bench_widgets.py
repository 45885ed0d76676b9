"""Speed of one update of each explorer, kernel side, against rebuilding its figure.

    python benchmarks/bench_widgets.py [--images 6000] [--instances 20000] [--moves 200]
                                       [--rebuilds 30]

Router explorer, on the start page's comparison (scikit-learn family on
generated images):
* a threshold move of ``threshold_explorer``: the point, the readout, the
  marker repainted over the saved figure and the changed pixels encoded as
  the PNG sent to the browser (as with a browser connected: no copy of the
  whole image for the notebook file);
* a router change: the curves restyled, then one full draw of the figure;
* the old way, every move: the figure rebuilt with ``plots.router_plane``,
  drawn, and encoded as the PNG an Output widget showed.
α explorer, on EfficientNet B0-B7 simulated on ``--instances`` instances:
* a move of the constant α, and of the correlation (a look-up among the
  simulations made at build time), each repainted as above;
* the old way: the figure rebuilt with ``plots.cost_accuracy_plane`` and
  ``plots.alphas_per_state``, drawn and encoded, without and with the
  simulation that lecture 3's cell reruns for a new correlation.
State-space designer, on timm's 37-state ImageNet envelope:
* a tick (one state unticked or ticked again) and a move of k, repainted;
* a change of state space (one full draw);
* the old way: ``plots.cost_accuracy_plane`` of the ticked states with the
  best subset circled, drawn and encoded.
Slider moves step back and forth over neighbouring stops, as a drag does.
Prints median and 95th percentile in milliseconds; asserts nothing (speed is
not a test). ``benchmarks/browser_widgets.py`` times the router explorer in
JupyterLab.
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
from adaptlab.published import family_state_space, timm_state_space
from adaptlab.sklearn_family import train_sklearn_family
from adaptlab.widgets import (
    alpha_explorer,
    describe_alpha,
    describe_design,
    describe_point,
    state_space_designer,
    threshold_explorer,
)


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


def new_figure(figsize):
    figure = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def rebuild(comparison, router, index):
    """The old explorer's work per move: a new figure, drawn and sent as a PNG."""
    figure = new_figure((9, 5))
    ax = plots.router_plane(comparison, ax=figure.subplots())
    point = describe_point(comparison, router, index)
    ax.plot(point.cost, point.accuracy, "o", ms=16, mfc="none", mec="black", mew=2.5,
            label="the slider's operating point")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1))
    figure.savefig(io.BytesIO(), format="png")


def rebuild_alpha(space, point, *, simulate=False):
    """The old α figure: the plane with both points and the α_i panel, drawn and sent as a PNG.

    With ``simulate``, also the simulation a new correlation needs.
    """
    if simulate:
        point = describe_alpha(space, point.correlation, point.alpha,
                               n_instances=point.n_instances)
    figure = new_figure((9, 6.5))
    plane, panel = figure.subplots(2, 1, height_ratios=[3, 1.3])
    plots.cost_accuracy_plane(space, alpha=point.alpha, ax=plane)
    plane.plot(point.oracle_cost, point.oracle_accuracy, "*", color="tab:red", ms=16)
    plots.alphas_per_state([np.nan, *point.measured_alphas], space.names, ax=panel)
    figure.savefig(io.BytesIO(), format="png")


def rebuild_design(space, ticked, k):
    """The old designer figure: the ticked states' plane, best subset circled, sent as a PNG."""
    design = describe_design(space, ticked, k, n_classes=1000)
    figure = new_figure((9, 5))
    chosen = space.subset([space.names.index(name) for name in design.states])
    ax = plots.cost_accuracy_plane(chosen, ax=figure.subplots())
    best = space.subset([space.names.index(name) for name in design.best])
    ax.plot(best.costs, best.accuracies, "o", ms=15, mfc="none", mec="tab:orange", mew=2.5)
    figure.savefig(io.BytesIO(), format="png")


def shown(explorer):
    """As when a browser shows the canvas: no image copy for the notebook, one full draw."""
    explorer.canvas.syncing_data_url = False
    explorer.canvas.draw()
    return explorer


def router_explorer(args):
    start = time.perf_counter()
    splits = train_val_test_split(make_cifar_like(args.images, seed=0), seed=0)
    comparison = compare_routers(train_sklearn_family(splits, seed=0, progress=False))
    print(f"Router explorer: comparison of {len(comparison.runs)} routers on {args.images:,} "
          f"generated images built in {time.perf_counter() - start:.1f} s")
    explorer = shown(threshold_explorer(comparison))
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


def alpha(args):
    space = family_state_space("EfficientNet")
    start = time.perf_counter()
    explorer = shown(alpha_explorer(space, n_instances=args.instances))
    print(f"α explorer: EfficientNet B0-B7, {len(explorer.correlation_slider.options)} "
          f"correlations of {args.instances:,} instances simulated and drawn in "
          f"{time.perf_counter() - start:.1f} s")
    alphas = drag(np.round(np.linspace(0, 1, 101), 2).tolist(), args.moves)
    correlations = drag([value for _, value in explorer.correlation_slider.options] * 3,
                        args.moves)

    def move_alpha(i):
        explorer.alpha_slider.value = alphas[i]

    def move_correlation(i):
        explorer.correlation_slider.value = correlations[i]

    new_alpha = summary("α move, figure kept (repaint)", milliseconds(move_alpha, args.moves))
    new_correlation = summary("correlation move, figure kept (repaint)",
                              milliseconds(move_correlation, args.moves))
    point = explorer.point
    old = summary("either move, figure rebuilt (old)",
                  milliseconds(lambda i: rebuild_alpha(space, point), args.rebuilds))
    old_simulated = summary(
        "correlation move, rebuilt + simulated (old)",
        milliseconds(lambda i: rebuild_alpha(space, point, simulate=True), args.rebuilds))
    print(f"  an α move is {old / new_alpha:.0f}x and a correlation move "
          f"{old_simulated / new_correlation:.0f}x faster than a rebuild (medians)")


def designer(args):
    space = timm_state_space()
    explorer = shown(state_space_designer(
        {"timm envelope": space, "EfficientNet": family_state_space("EfficientNet")},
        n_classes=1000, k=5))
    print(f"State-space designer: timm's ImageNet envelope, {len(space)} states, k = 5")
    rng = np.random.default_rng(0)
    untick = rng.integers(0, len(space) - 1, args.moves)
    ticks = [tuple(name for j, name in enumerate(space.names) if j != untick[i] or i % 2)
             for i in range(args.moves)]
    ks = drag(list(range(1, 13)) * 3, args.moves)

    def tick(i):
        explorer.ticks.value = ticks[i]

    def move_k(i):
        explorer.k_slider.value = ks[i]

    new_tick = summary("tick, figure kept (repaint)", milliseconds(tick, args.moves))
    new_k = summary("k move, figure kept (repaint)", milliseconds(move_k, args.moves))
    spaces = list(explorer.picker.options)

    def switch(i):
        explorer.picker.value = spaces[(i + 1) % len(spaces)]
        explorer.canvas.draw()  # what the browser asks for after the axes changed

    summary("state space change (full draw)", milliseconds(switch, 4))
    old = summary("tick or k move, figure rebuilt (old)",
                  milliseconds(lambda i: rebuild_design(space, ticks[i], 5), args.rebuilds))
    print(f"  a tick is {old / new_tick:.0f}x and a k move {old / new_k:.0f}x faster than a "
          f"rebuild (medians)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=6000)
    parser.add_argument("--instances", type=int, default=20_000)
    parser.add_argument("--moves", type=int, default=200)
    parser.add_argument("--rebuilds", type=int, default=30)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    router_explorer(args)
    alpha(args)
    designer(args)


if __name__ == "__main__":
    main()

"""Time the router explorer in JupyterLab, in headless Chromium: slider change to new figure.

    python benchmarks/browser_widgets.py [--presses 60] [--drag-seconds 2] [--inline]
                                         [--screenshot PNG] [--images 6000]

Starts JupyterLab on a free port of 127.0.0.1 (this Python's, with this
checkout on PYTHONPATH, as ``tests/browser/browser_lab.py`` does for the
browser suite) in a temporary folder, opens a notebook that shows
``threshold_explorer`` (after ``%matplotlib widget``, or without it with
``--inline``, as the start page does) and in Chromium:
* presses the arrow keys on the threshold slider, one stop at a time, and
  times each from the key press to the new figure image's arrival, to the
  animation frame after the visible figure canvas was repainted, and to the
  readout's change;
* drags the slider with the mouse, paced at 60 moves a second (fewer get
  through on a loaded machine), and counts the figure frames;
* changes router, and times the full redraw that follows.
Counts the figures shown (one, also after the router changes), looks for
"Error displaying widget", saves screenshots (by default
adaptlab-explorer.png and adaptlab-explorer-after.png in the temporary
folder), then shuts the kernel and the server down. Prints; asserts nothing.
Needs Debian's chromium (``apt-get install chromium``) and the ``playwright``
package; skips when either is missing.
"""
import argparse
import json
import os
import pathlib
import pickle
import sys
import tempfile

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "browser"))
from browser_lab import (FIGURE_PROBES, JupyterLab, latencies, launch_chromium,  # noqa: E402
                         missing_browser, open_notebook, run_all_cells)


def notebook(inline):
    cells = [] if inline else ["%matplotlib widget"]
    cells += [
        "import pickle\ncomparison = pickle.load(open('comparison.pkl', 'rb'))",
        "from adaptlab.widgets import threshold_explorer\n\nthreshold_explorer(comparison)",
    ]
    return {
        "cells": [{"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
                   "execution_count": None} for source in cells],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


def summary(name, times):
    print(f"  {name:46} median {np.median(times):6.1f} ms   "
          f"p95 {np.percentile(times, 95):6.1f} ms   ({len(times)} changes)")


def measure(page, lab, args):
    open_notebook(page, lab, "explorer.ipynb")
    run_all_cells(page)
    page.wait_for_selector(".jupyter-matplotlib-canvas-div canvas", timeout=120_000)
    page.wait_for_selector(".widget-html-content:has-text('at threshold')", timeout=60_000)
    page.wait_for_timeout(3000)  # the first full draw
    text = page.inner_text("body")
    figures = page.locator(".jupyter-matplotlib-figure").count()
    images = page.locator(".jp-OutputArea-output img").count()
    print(f"  figures shown: {figures} (ipympl) + {images} (images); "
          f"'Error displaying widget' {'SHOWN' if 'Error displaying' in text else 'absent'}")
    page.screenshot(path=args.screenshot, full_page=True)
    page.evaluate(FIGURE_PROBES)

    handle = page.locator(".noUi-handle").first
    handle.focus()
    for i in range(args.presses):
        frames = page.evaluate("window.probe.frames.length")
        handle.press("ArrowLeft" if (i // 10) % 2 == 0 else "ArrowRight")
        page.wait_for_function(f"window.probe.frames.length > {frames}", timeout=10_000)
        page.wait_for_timeout(50)
    probe = page.evaluate("window.probe")
    summary("key press to figure image received", latencies(probe["keys"], probe["images"]))
    summary("key press to repainted figure", latencies(probe["keys"], probe["frames"]))
    summary("key press to new readout", latencies(probe["keys"], probe["readouts"]))

    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.evaluate("window.probe.frames = []")
    page.mouse.move(x, y)
    page.mouse.down()
    moves = int(60 * args.drag_seconds)
    start = page.evaluate("performance.now()")
    for i in range(moves):
        page.mouse.move(x + 150 * np.sin(2 * np.pi * i / moves), y)
        page.wait_for_timeout(1000 / 60)
    released = page.evaluate("performance.now()")
    page.mouse.up()
    page.wait_for_timeout(3000)
    frames = np.array(page.evaluate("window.probe.frames"))
    seconds = (released - start) / 1e3
    during = np.count_nonzero(frames <= released)
    print(f"  drag: {moves} mouse moves in {seconds:.1f} s ({moves / seconds:.0f} a second), "
          f"{during} figure frames meanwhile ({during / seconds:.0f} a second), the last "
          f"{frames.max() - released:.0f} ms after release" if len(frames) else "  drag: no frame")

    routers = page.locator(".widget-dropdown select option").all_inner_texts()
    changes = []
    for router in routers[1:4]:
        frames = page.evaluate("window.probe.frames.length")
        start = page.evaluate("performance.now()")
        page.select_option(".widget-dropdown select", label=router)
        page.wait_for_function(f"window.probe.frames.length > {frames}", timeout=30_000)
        changes.append(page.evaluate(f"window.probe.frames[{frames}]") - start)
    summary("router change to restyled figure (full draw)", np.array(changes))
    print(f"  figures shown after the router changes: "
          f"{page.locator('.jupyter-matplotlib-figure').count()}")
    page.wait_for_timeout(500)
    after = pathlib.Path(args.screenshot)
    page.screenshot(path=after.with_name(f"{after.stem}-after{after.suffix}"), full_page=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=60)
    parser.add_argument("--drag-seconds", type=float, default=2.0)
    parser.add_argument("--inline", action="store_true",
                        help="no %%matplotlib widget in the notebook, as on the start page")
    parser.add_argument("--screenshot",
                        default=os.path.join(tempfile.gettempdir(), "adaptlab-explorer.png"))
    parser.add_argument("--images", type=int, default=6000)
    args = parser.parse_args()
    if missing_browser():
        print(f"skipped: {missing_browser()}")
        return
    from playwright.sync_api import sync_playwright

    from adaptlab.compare import compare_routers
    from adaptlab.data import make_cifar_like, train_val_test_split
    from adaptlab.sklearn_family import train_sklearn_family

    args.screenshot = str(pathlib.Path(args.screenshot).resolve())
    with tempfile.TemporaryDirectory() as name:
        folder = pathlib.Path(name)
        splits = train_val_test_split(make_cifar_like(args.images, seed=0), seed=0)
        comparison = compare_routers(train_sklearn_family(splits, seed=0, progress=False))
        (folder / "comparison.pkl").write_bytes(pickle.dumps(comparison))
        (folder / "explorer.ipynb").write_text(json.dumps(notebook(args.inline)))
        with JupyterLab(folder, state_dir=folder) as lab, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            print(f"JupyterLab in Chromium, {'without' if args.inline else 'with'} "
                  f"%matplotlib widget, {args.images:,} images; load average "
                  f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            measure(page, lab, args)
            browser.close()
    print(f"  screenshots: {args.screenshot} and its -after twin")


if __name__ == "__main__":
    main()

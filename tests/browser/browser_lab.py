"""JupyterLab on 127.0.0.1 and Debian's Chromium under Playwright, for the browser tests.

Shared by ``tests/browser/test_course_in_browser.py`` and
``benchmarks/browser_widgets.py``:

* :class:`JupyterLab` starts ``jupyter lab`` as ``make lab`` does (this
  Python's, this checkout on ``PYTHONPATH``, no browser, a token) on a free
  port, with its own settings and workspaces so that a learner's own never
  leak in, and shuts its kernels and itself down;
* :func:`launch_chromium` starts headless Chromium from ``/usr/bin/chromium``
  (``playwright install`` cannot download browsers here);
* :func:`open_notebook` and :func:`run_all_cells` drive JupyterLab as a
  learner does, through its menus;
* :func:`notebook_problems` and :func:`screenshot_notebook` check and keep
  what the learner sees;
* :func:`explorers`, :func:`controls` and :func:`time_move` find a
  notebook's explorers and time their figures' answer to each control;
  :data:`FIGURE_PROBES` and :func:`latencies` time many moves in a row.
"""
import contextlib
import json
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np

REPO = pathlib.Path(__file__).resolve().parents[2]
#: Where screenshots go (``build/`` is ignored by git).
SCREENSHOTS = REPO / "build" / "browser-screenshots"
#: Debian's Chromium (``apt-get install chromium``); None when it is missing.
CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

# Lab settings for a repeatable, headless session: every cell of a notebook is
# in the page (no windowing) and no blank space follows the last one, so that a
# screenshot and a search see them all; no news or update prompts over the notebook.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none", "scrollPastEnd": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}


def missing_browser():
    """Why no browser can be driven here, in one line; None with Chromium and Playwright."""
    if CHROMIUM is None:
        return "no chromium on PATH (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401 (only whether it imports)
    except ImportError:
        return "no playwright (pip install -r requirements.txt)"
    return None


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class JupyterLab:
    """``jupyter lab`` serving ``root_dir`` on 127.0.0.1, started and stopped as a context manager.

    Parameters
    ----------
    root_dir : path
        The folder the lab shows (``--ServerApp.root_dir``).
    state_dir : path
        Where the lab's log, settings and workspaces go.
    port : int, optional
        A free one by default.

    Attributes
    ----------
    url : str
        ``http://127.0.0.1:<port>``.
    token : str
        The server's token, a fresh random one.
    log : pathlib.Path
        The server's output.
    """

    def __init__(self, root_dir, *, state_dir, port=None):
        self.root_dir = pathlib.Path(root_dir)
        self.state_dir = pathlib.Path(state_dir)
        self.port = free_port() if port is None else port
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(16)
        self.log = self.state_dir / "jupyter.log"
        self._server = None

    def api(self, method, path):
        """Call the server's REST API; the answer as JSON (None if empty)."""
        request = urllib.request.Request(f"{self.url}{path}?token={self.token}", method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def page_url(self, path):
        """The lab's address of ``path`` (relative to ``root_dir``), with the token."""
        return f"{self.url}/lab/tree/{pathlib.PurePath(path).as_posix()}?token={self.token}"

    def __enter__(self):
        settings = self.state_dir / "settings"
        for name, values in LAB_SETTINGS.items():
            file = settings / name
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(json.dumps(values))
        root_flag = ["--allow-root"] if os.getuid() == 0 else []  # as `make lab`
        with open(self.log, "w") as log:
            self._server = subprocess.Popen(
                [sys.executable, "-m", "jupyter", "lab", *root_flag, "--no-browser",
                 f"--ServerApp.root_dir={self.root_dir}", "--ServerApp.ip=127.0.0.1",
                 f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                 f"--IdentityProvider.token={self.token}",
                 f"--LabApp.user_settings_dir={settings}",
                 f"--LabApp.workspaces_dir={self.state_dir / 'workspaces'}",
                 "--LabApp.expose_app_in_browser=True"],
                cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                stdout=log, stderr=subprocess.STDOUT,
            )
        for _ in range(240):
            if self._server.poll() is not None:
                break
            try:
                self.api("GET", "/api/status")
                return self
            except OSError:
                time.sleep(0.5)
        self._server.terminate()
        raise RuntimeError(f"JupyterLab did not start; see {self.log}")

    def __exit__(self, *exc_info):
        try:
            for kernel in self.api("GET", "/api/kernels"):
                self.api("DELETE", f"/api/kernels/{kernel['id']}")
        finally:
            self._server.terminate()
            self._server.wait(timeout=30)


def launch_chromium(playwright):
    """Headless Chromium from the system's package, under Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS)


def open_notebook(page, lab, path, *, timeout_s=120):
    """Open ``path`` (relative to the lab's root) and wait until its kernel is ready; its name.

    The first notebook loads the lab in the page; later ones open in the
    loaded lab (File → Open), without loading it again.
    """
    path = pathlib.PurePath(path).as_posix()
    if page.evaluate("() => Boolean(window.jupyterapp)"):
        page.evaluate("async path => {"
                      " await window.jupyterapp.commands.execute('docmanager:open', {path}); }",
                      path)
    else:
        page.goto(lab.page_url(path))
    page.wait_for_function("""path => {
        const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
        return panel && panel.context && panel.context.path === path
            && panel.sessionContext && panel.sessionContext.session
            && panel.sessionContext.session.kernel;
    }""", arg=path, timeout=timeout_s * 1000)
    return page.evaluate("""async () => {
        const context = window.jupyterapp.shell.currentWidget.sessionContext;
        await context.ready;
        return context.session.kernel.name;
    }""")


def close_notebook(page):
    """Shut the open notebook's kernel down and close its tab, unsaved (Close and Shut Down)."""
    page.evaluate("""async () => {
        const panel = window.jupyterapp.shell.currentWidget;
        await panel.sessionContext.shutdown();
        panel.dispose();
    }""")


def run_all_cells(page, *, timeout_s=120):
    """Run → Run All Cells, as a learner does; wait until the kernel is idle, nothing queued.

    Returns
    -------
    float
        Seconds from the click to the kernel's going idle with no cell waiting.

    Raises
    ------
    playwright.sync_api.TimeoutError
        If that takes more than ``timeout_s``.
    """
    started = time.perf_counter()
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    # Idle with no prompt showing [*] (running or queued), twice in a row 0.5 s apart.
    page.wait_for_function("""() => {
        const panel = window.jupyterapp.shell.currentWidget;
        const busy = panel.sessionContext.session.kernel.status !== 'idle'
            || [...panel.node.querySelectorAll('.jp-InputPrompt')]
                   .some(prompt => prompt.textContent.includes('*'));
        const now = performance.now();
        if (busy) { window.idleSince = undefined; return false; }
        window.idleSince = window.idleSince || now;
        return now - window.idleSince > 500;
    }""", polling=100, timeout=timeout_s * 1000)
    return time.perf_counter() - started - 0.5


# A canvas's picture, reduced to one number: enough to tell that it changed.
CHECKSUM = """canvas => {
    const context = canvas.getContext('2d');
    const pixels = new Uint32Array(
        context.getImageData(0, 0, canvas.width, canvas.height).data.buffer);
    let sum = 0;
    for (let i = 0; i < pixels.length; i++) sum = (Math.imul(sum, 31) + pixels[i]) | 0;
    return sum;
}"""

# Timestamps, in the page's clock: key presses, figure images received (ipympl
# makes a blob URL of each), canvas repaints (at the animation frame after the
# visible ipympl canvas is drawn on) and changes of the first readout.
FIGURE_PROBES = """() => {
    window.probe = {keys: [], images: [], frames: [], readouts: []};
    document.addEventListener('keydown', e => window.probe.keys.push(e.timeStamp), true);
    const createObjectURL = URL.createObjectURL;
    URL.createObjectURL = function (blob) {
        if (blob.type === 'image/png') window.probe.images.push(performance.now());
        return createObjectURL.call(URL, blob);
    };
    const drawImage = CanvasRenderingContext2D.prototype.drawImage;
    CanvasRenderingContext2D.prototype.drawImage = function (...args) {
        if (this.canvas.closest && this.canvas.closest('.jupyter-matplotlib-canvas-div')) {
            requestAnimationFrame(t => window.probe.frames.push(performance.now()));
        }
        return drawImage.apply(this, args);
    };
    const readout = document.querySelector('.widget-html-content');
    new MutationObserver(() => window.probe.readouts.push(performance.now()))
        .observe(readout, {childList: true, subtree: true, characterData: true});
}"""


def latencies(starts, ends):
    """For each start, the time to the first end after it, in ms."""
    ends = np.sort(ends)
    firsts = np.searchsorted(ends, starts)
    return np.array([ends[i] - s for s, i in zip(starts, firsts) if i < len(ends)])


def notebook_problems(page):
    """What a learner would see go wrong in the open notebook, one string each.

    Error outputs (their ``ename: evalue``), stderr that shows ``Error`` or
    ``Traceback``, "Error displaying widget", and code cells left unrun (Run
    All stops at an error).
    """
    return page.evaluate("""() => {
        const panel = window.jupyterapp.shell.currentWidget;
        const problems = [];
        panel.content.widgets.forEach((cell, index) => {
            if (cell.model.type !== 'code') return;
            const where = `cell ${index + 1}`;
            if (cell.model.executionCount === null) problems.push(`${where}: not run`);
            for (const output of cell.model.outputs.toJSON()) {
                if (output.output_type === 'error') {
                    problems.push(`${where}: ${output.ename}: ${output.evalue}`);
                }
            }
            for (const node of cell.node.querySelectorAll(
                    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')) {
                if (/Error|Traceback/.test(node.textContent)) {
                    problems.push(`${where}: stderr: ${node.textContent.slice(0, 300)}`);
                }
            }
            if (cell.node.textContent.includes('Error displaying widget')) {
                problems.push(`${where}: Error displaying widget`);
            }
        });
        return [...new Set(problems)];
    }""")


@contextlib.contextmanager
def whole_notebook_in_view(page, *, most_pixels=30_000):
    """Stretch the viewport until the open notebook needs no scrolling, for screenshots."""
    viewport = page.viewport_size
    height = page.evaluate("""() => {
        const notebook = window.jupyterapp.shell.currentWidget.content.node;
        const scroller = notebook.querySelector('.jp-WindowedPanel-outer') || notebook;
        scroller.scrollTop = 0;
        return scroller.scrollHeight;
    }""")
    page.set_viewport_size({"width": viewport["width"],
                            "height": min(viewport["height"] + height, most_pixels)})
    page.wait_for_timeout(1000)  # layout, and the canvases' redraw at the new size
    try:
        yield
    finally:
        page.set_viewport_size(viewport)


def screenshot_notebook(page, folder):
    """Save the open notebook whole and each of its figures (images, ipympl canvases) as PNGs.

    Returns
    -------
    list of pathlib.Path
        ``folder / "notebook.png"``, then ``folder / "figure-01.png"`` and so
        on in the notebook's order.
    """
    folder = pathlib.Path(folder)
    figures = page.locator(".jp-OutputArea-output:has(> img), .jupyter-matplotlib-figure")
    paths = [folder / "notebook.png"]
    with whole_notebook_in_view(page):
        page.screenshot(path=paths[0])
        for index in range(figures.count()):
            paths.append(folder / f"figure-{index + 1:02d}.png")
            figures.nth(index).screenshot(path=paths[-1])
    return paths


# An explorer: an output holding widget controls and a figure. Each is
# marked data-explorer="<n>" (0, 1, ... in the notebook's order).
MARK_EXPLORERS = """selector => {
    const outputs = [...window.jupyterapp.shell.currentWidget.node.querySelectorAll(
        '.jp-OutputArea-output')];
    const explorers = outputs.filter(output =>
        output.querySelector('.jupyter-matplotlib-canvas-div, img')
        && [...output.querySelectorAll(selector)].some(control => control.offsetParent));
    explorers.forEach((output, index) => output.setAttribute('data-explorer', index));
    return explorers.length;
}"""

#: ipywidgets controls a learner moves: sliders (their noUiSlider handle),
#: dropdowns and selects (single or multiple), checkboxes.
CONTROLS = (".widget-slider .noUi-handle, .widget-dropdown select, .widget-select select, "
            ".widget-select-multiple select, .widget-checkbox input[type=checkbox]")

# The figure (ipympl canvases' pixels, images' addresses) and the readouts
# (HTML widgets' text) of an explorer, and the control's label.
LOOKS = """explorer => {
    const canvases = [...explorer.querySelectorAll(
        '.jupyter-matplotlib-canvas-div canvas:first-child')];
    const figure = canvases.map(canvas => (""" + CHECKSUM + """)(canvas)).join(' ')
        + [...explorer.querySelectorAll('img')].map(img => img.src).join(' ');
    const readout = [...explorer.querySelectorAll('.widget-html-content')]
        .map(node => node.textContent).join(' ');
    return {figure, readout};
}"""

LABEL = """control => {
    const box = control.closest('.widget-inline-hbox, .widget-checkbox');
    const label = box && box.querySelector('.widget-label, label');
    return (label && label.textContent.trim()) || control.tagName.toLowerCase();
}"""

# Stamp the page's clock at the next key press, change or click (the move).
STAMP_MOVE = """() => {
    window.movedAt = undefined;
    if (window.stampsMoves) return;
    window.stampsMoves = true;
    for (const type of ['keydown', 'change', 'click']) {
        document.addEventListener(type, () => {
            if (window.movedAt === undefined) window.movedAt = performance.now();
        }, true);
    }
}"""

# Wait, frame by frame, until the explorer's figure and readout differ from
# ``before``; the ms from the move to each (null if it did not change in time).
AWAIT_CHANGE = """async ([explorer, before, timeout]) => {
    const looks = """ + LOOKS + """;
    const start = window.movedAt ?? performance.now();
    let figure = null, readout = null;
    while (performance.now() - start < timeout && (figure === null || readout === null)) {
        await new Promise(resolve => requestAnimationFrame(resolve));
        const now = looks(explorer);
        if (figure === null && now.figure !== before.figure) figure = performance.now() - start;
        if (readout === null && now.readout !== before.readout) readout = performance.now() - start;
        if (figure !== null && before.readout === '') break;
    }
    return {figure, readout};
}"""


def explorers(page):
    """The open notebook's explorers (outputs with visible controls and a figure), as locators."""
    count = page.evaluate(MARK_EXPLORERS, CONTROLS)
    return [page.locator(f'[data-explorer="{index}"]') for index in range(count)]


def controls(explorer):
    """The explorer's visible controls, in the page's order."""
    return explorer.locator(CONTROLS).filter(visible=True)


def move(control):
    """Move one control a step, as a learner does; its label.

    A slider's handle gets Page Down at its top, else Page Up (5 stops: one
    stop of a fine slider can move a figure's marker by less than a pixel); a
    dropdown chooses its next option; a multiple select drops its first
    option (or, with it already dropped, takes them all); a checkbox is ticked
    or unticked.
    """
    label = control.evaluate(LABEL)
    kind = control.evaluate("c => c.tagName === 'SELECT' ? (c.multiple ? 'multiple' : 'one') "
                            ": c.type || 'slider'")
    if kind == "slider":
        at_top = control.evaluate("h => +h.getAttribute('aria-valuenow') "
                                  ">= +h.getAttribute('aria-valuemax')")
        control.focus()
        control.press("PageDown" if at_top else "PageUp")
    elif kind == "one":
        options = control.evaluate("s => [...s.options].map(o => o.value)")
        current = control.evaluate("s => s.value")
        control.select_option(options[(options.index(current) + 1) % len(options)])
    elif kind == "multiple":
        options = control.evaluate("s => [...s.options].map(o => o.value)")
        chosen = control.evaluate("s => [...s.selectedOptions].map(o => o.value)")
        control.select_option(options if chosen == options[1:] else options[1:])
    else:
        control.click()
    return label


def time_move(page, explorer, control, *, timeout_s=10):
    """Move ``control`` and time the explorer's answer.

    Returns
    -------
    label : str
        The control's label.
    figure_s, readout_s : float or None
        Seconds from the move (the page's key press, change or click) to the
        first animation frame at which the figure, and the readout, differ;
        None if they did not within ``timeout_s``.
    """
    before = explorer.evaluate(LOOKS)
    page.evaluate(STAMP_MOVE)
    label = move(control)
    changed = page.evaluate(AWAIT_CHANGE, [explorer.element_handle(), before, timeout_s * 1000])
    return label, *(None if changed[key] is None else changed[key] / 1000
                    for key in ("figure", "readout"))

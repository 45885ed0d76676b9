"""The lectures, used as a learner uses them: in JupyterLab, in Chromium.

Each lecture notebook (``notebooks/0*.ipynb``) is opened in JupyterLab on the
course kernel and run with Run → Run All Cells; it must finish within
``RUN_TIMEOUT_S`` and show no error (an error output, ``Error`` or
``Traceback`` on stderr, "Error displaying widget"). Then every explorer it
shows (an output with ipywidgets controls and a figure: the router explorer,
the α explorer, the state-space designer, or any later one) is found in the
page, and each of its controls is moved as a learner would (a slider by
Page Up or Down, 5 stops; a dropdown to another option; a box ticked): the
figure must change within ``UPDATE_LIMIT_S`` (a move over it, on a busy
machine, is timed again, up to ``MOVES`` moves; the fastest counts). Run and
update times are printed at the end of the session; screenshots of each notebook, each of its
figures and each explorer after each move go into
``build/browser-screenshots/``. The lab serves a copy of the checkout, so
that nothing is written into the repository.

Needs Debian's Chromium and Playwright; skipped (once) without them.
"""
import re

import nbformat
import pytest

import adaptlab.widgets
from .browser_lab import (REPO, SCREENSHOTS, close_notebook, controls, explorers, missing_browser,
                         notebook_problems, open_notebook, run_all_cells, screenshot_notebook,
                         time_move)

if missing_browser():
    pytest.skip(f"the course in a browser: {missing_browser()}", allow_module_level=True)

LECTURES = sorted((REPO / "notebooks").glob("0*.ipynb"))
RUN_TIMEOUT_S = 120
UPDATE_LIMIT_S = 1.0
MOVES = 3  # moves of a control over the limit before it fails: the fastest counts
#: adaptlab's explorers, by the functions that build them.
EXPLORER_CALL = re.compile(r"\b(%s)\(" % "|".join(
    name for name in adaptlab.widgets.__all__ if name.endswith(("_explorer", "_designer"))))

pytestmark = pytest.mark.browser


def explorers_called(path):
    """How many of adaptlab's explorers the notebook's code builds."""
    return sum(len(EXPLORER_CALL.findall(cell.source))
               for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code")


def file_name(text):
    return re.sub(r"[^\w.-]+", "-", text).strip("-")


@pytest.mark.parametrize("path", LECTURES, ids=lambda path: path.stem)
def test_lecture_runs_and_its_explorers_respond(path, lab_page, browser_report):
    lab, page = lab_page
    folder = SCREENSHOTS / path.stem
    folder.mkdir()
    kernel = open_notebook(page, lab, path.relative_to(REPO))
    try:
        assert kernel == "adaptlab", f"{path.name} opened on kernel {kernel!r}, not the course's"
        run_as_a_learner(path, page, folder, browser_report)
        move_every_control(path, page, folder, browser_report)
    finally:
        close_notebook(page)


def run_as_a_learner(path, page, folder, browser_report):
    """Run All Cells, screenshot the notebook and its figures, fail on what shows an error."""
    seconds = run_all_cells(page, timeout_s=RUN_TIMEOUT_S)
    browser_report.append((path.stem, "Run All Cells", seconds))
    page.wait_for_timeout(2000)  # widgets' first draws
    screenshot_notebook(page, folder)
    problems = notebook_problems(page)
    assert not problems, f"{path.name} in the browser:\n" + "\n".join(problems)


def move_every_control(path, page, folder, browser_report):
    """Move each control of each explorer a step; its figure must change within the limit.

    Only explorers' figures may be ipympl widgets: a pyplot figure shown as
    one (with a "Figure n" header) fails too.
    """
    shown = explorers(page)
    assert len(shown) == explorers_called(path), (
        f"{path.name} builds {explorers_called(path)} explorers, the page shows {len(shown)}")
    problems = []
    for number, explorer in enumerate(shown, start=1):
        for index in range(controls(explorer).count()):
            label, figure_s, readout_s = time_move(page, explorer, controls(explorer).nth(index))
            for _ in range(MOVES - 1):  # a move slowed by a busy machine is timed again
                if figure_s is None or figure_s <= UPDATE_LIMIT_S:
                    break
                page.wait_for_timeout(500)
                _, again, _ = time_move(page, explorer, controls(explorer).nth(index))
                figure_s = min(figure_s, again) if again is not None else figure_s
            what = f"explorer {number}, {label}"
            browser_report.append((path.stem, f"{what}: figure", figure_s))
            if readout_s is not None:
                browser_report.append((path.stem, f"{what}: readout", readout_s))
            page.wait_for_timeout(500)  # the last frames, before the screenshot
            name = f"explorer-{number}-{index + 1}-{file_name(label)}.png"
            explorer.screenshot(path=folder / name)
            if figure_s is None or figure_s > UPDATE_LIMIT_S:
                problems.append(f"{what}: the figure " + (
                    "did not change" if figure_s is None else
                    f"took {figure_s:.2f} s to change (limit {UPDATE_LIMIT_S} s)"))
    loose = page.locator(".jupyter-matplotlib-figure:not([data-explorer] *)").count()
    if loose:
        problems.append(f"{loose} pyplot figures show as interactive ipympl figures (a 'Figure n' "
                        "header), not images: building an explorer switched pyplot's backend")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)

"""One JupyterLab server and one Chromium page for the whole browser session.

The lab serves a copy of the checkout (:func:`checkout_copy`): the lectures
run and autosave there, never in the repository. Each test's measurements go
into ``browser_report`` and are printed at the end of the session.
"""
import os
import shutil
import time

import pytest

from .browser_lab import REPO, SCREENSHOTS, JupyterLab, launch_chromium

VIEWPORT = {"width": 1400, "height": 1000}


def checkout_copy(folder):
    """``folder`` laid out as the checkout: ``notebooks/`` copied, every other entry linked.

    The copy keeps the lectures' relative paths (``../course/examples``,
    ``../exercises``) working while their outputs and checkpoints land in
    ``folder``: a JupyterLab autosave never writes into the repository.
    """
    for entry in REPO.iterdir():
        if entry.name in {".git", ".venv", "build"}:
            continue
        if entry.name == "notebooks":
            shutil.copytree(entry, folder / entry.name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        else:
            os.symlink(entry, folder / entry.name)
    return folder


_REPORT = []


@pytest.fixture(scope="session")
def browser_report():
    """Rows of the session's summary, ``(notebook, what, seconds or None)``: printed at its end."""
    return _REPORT


@pytest.fixture(scope="session")
def lab_page(tmp_path_factory, tour_splits, browser_report):
    """``(lab, page)``: JupyterLab on a copy of the checkout and a Chromium page, once a session.

    The lectures' torch models are trained (or loaded) into the cache first,
    as ``tests/test_notebooks.py`` does, so that no notebook pays for training.
    """
    from playwright.sync_api import sync_playwright

    from test_notebooks import train_course_models

    started = time.perf_counter()
    train_course_models(tour_splits)
    browser_report.append(("(before the lectures)", "torch models trained or loaded",
                           time.perf_counter() - started))
    root = checkout_copy(tmp_path_factory.mktemp("checkout"))
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    with JupyterLab(root, state_dir=tmp_path_factory.mktemp("lab")) as lab, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport=VIEWPORT)
        yield lab, page
        browser.close()


def pytest_terminal_summary(terminalreporter):
    if not _REPORT:
        return
    terminalreporter.section("lectures in Chromium: run times and widget updates")
    for notebook, what, seconds in _REPORT:
        if seconds is None:
            shown = "no change"
        else:
            shown = f"{seconds:7.1f} s " if seconds >= 1 else f"{1000 * seconds:7.0f} ms"
        terminalreporter.write_line(f"{notebook:28s} {what:44s} {shown}")
    terminalreporter.write_line(f"screenshots: {SCREENSHOTS}")

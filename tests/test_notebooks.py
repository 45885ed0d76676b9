"""Every lecture notebook runs as a learner runs it, within the course's budget.

Each notebook in ``notebooks/`` is executed top to bottom in a fresh kernel
(the course kernel ``adaptlab`` that ``make lab`` and ``make test``
register), offline. It must finish without an error and without a warning
on stderr, in at most 60 s of wall time, with the kernel's peak resident
memory (``VmHWM``) at most 1.5 GB: Binder gives about 2 GB. The time and
peak memory of each notebook are printed at the end of the test run.

The torch lectures train their CNNs once and then load them from the disk
cache, as a learner's second run does. Before the first of them is timed, the
models they use are trained into that cache (``course_models_trained``); the
training time is printed with the notebook table, so the cost of a learner's
first run is on record too. Without torch they are skipped; the others run.

The ``.py`` file next to each notebook is its reviewable source (jupytext's
percent format); the two must hold the same cells.
"""
import time
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
TIME_BUDGET_S = 60
MEMORY_BUDGET_BYTES = 1.5e9


def train_course_models(splits):
    """Train every torch model the lectures use, on the lectures' data, into the cache.

    Keep this in step with the notebooks: a model trained here is loaded from
    the cache there (same data, same settings).
    """
    from adaptlab.ensembles import train_cnn_ensembles
    from adaptlab.torch_family import train_cnn_family, train_early_exit

    train_cnn_family(splits, seed=0, progress=False)
    train_early_exit(splits, seed=0, progress=False)
    train_cnn_ensembles(splits, seed=0, progress=False)  # lecture 6: seeds 1 and 2 of two CNNs


def needs_torch(path):
    """Whether a lecture uses torch (through adaptlab.torch_family)."""
    return "adaptlab.torch_family" in path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def course_models_trained(notebook_report, tour_splits):
    """The lectures' torch models, trained once (or found in the cache) before timing."""
    started = time.perf_counter()
    train_course_models(tour_splits)
    notebook_report.append(("(torch models trained or loaded once)", time.perf_counter() - started,
                            None))


def peak_memory_bytes(pid):
    """The peak resident set size of a process, from Linux's /proc (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def run_notebook(path):
    """Execute a notebook in a fresh kernel; its cells, wall time and kernel peak memory."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=2 * TIME_BUDGET_S,
                            resources={"metadata": {"path": str(path.parent)}})
    started = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        peak = peak_memory_bytes(client.km.provisioner.pid)
    return notebook.cells, time.perf_counter() - started, peak


def warnings_shown(cells):
    """Text a learner would see on stderr that looks like a warning."""
    return [
        output["text"]
        for cell in cells if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("name") == "stderr" and "Warning" in output.get("text", "")
    ]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_within_budget(path, notebook_report, request):
    if needs_torch(path):  # without torch (make lab TORCH=none) the other lectures still run
        pytest.importorskip("torch")
        request.getfixturevalue("course_models_trained")
    cells, seconds, peak = run_notebook(path)  # an error in a cell fails here, naming it
    notebook_report.append((path.name, seconds, peak))
    assert not warnings_shown(cells), f"{path.name} shows warnings: {warnings_shown(cells)}"
    assert seconds <= TIME_BUDGET_S, f"{path.name} took {seconds:.0f} s (budget {TIME_BUDGET_S} s)"
    assert peak <= MEMORY_BUDGET_BYTES, f"{path.name} peaked at {peak / 1e9:.2f} GB (budget 1.5 GB)"


def cell_sources(notebook):
    return [(cell.cell_type, cell.source.strip()) for cell in notebook.cells]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_matches_its_source(path):
    source = path.with_suffix(".py")
    if not source.exists():
        pytest.skip(f"{path.name} has no jupytext source")
    assert cell_sources(jupytext.read(source)) == cell_sources(nbformat.read(path, as_version=4)), (
        f"{path.name} and {source.name} differ: run `jupytext --sync {source}`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    with_outputs = [i for i, cell in enumerate(notebook.cells)
                    if cell.cell_type == "code" and (cell.outputs or cell.execution_count)]
    assert not with_outputs, f"{path.name}: clear the outputs of cells {with_outputs}"
    assert notebook.metadata.kernelspec.name == "adaptlab", "use the course kernel, adaptlab"

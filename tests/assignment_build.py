"""The graded assignments built once per test session, for test_assignments and test_grading.

``built()`` runs ``course/grading/assign.py --no-run-tests`` into a temporary folder (deleted at
exit) and returns it: ``exercises/<name>/<name>.ipynb``, ``solutions/<name>/<name>.ipynb`` and
``autograder/<name>-autograder.zip``. Every subprocess gets ``course_env()``: this checkout first
on PYTHONPATH, so the kernels that run the notebooks import the adaptlab under test.
"""
import atexit
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSIGN = ROOT / "course" / "grading" / "assign.py"
GRADE = ROOT / "course" / "grading" / "grade.py"
NAMES = sorted(path.stem for path in (ROOT / "course" / "assignments").glob("a[0-9][0-9]_*.py"))


def course_env():
    """os.environ with this checkout first on PYTHONPATH."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return dict(os.environ, PYTHONPATH=path)


def run(script, *args, timeout=600):
    """Run a course tool with the venv's Python; return the CompletedProcess."""
    return subprocess.run([sys.executable, str(script), *map(str, args)], capture_output=True,
                          text=True, env=course_env(), cwd=ROOT, timeout=timeout)


@functools.lru_cache(maxsize=None)
def built():
    """Build every assignment once (no solution check: test_grading grades the solution)."""
    out = Path(tempfile.mkdtemp(prefix="adaptlab-assignments-"))
    atexit.register(shutil.rmtree, out, True)
    done = run(ASSIGN, "--no-run-tests", "--exercises", out / "exercises",
               "--solutions", out / "solutions", "--autograder", out / "autograder")
    assert done.returncode == 0, f"assign.py failed:\n{done.stderr}"
    return out

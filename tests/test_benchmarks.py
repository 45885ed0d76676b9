"""The benchmark scripts run (on small inputs): speed is reported by them, never asserted here."""
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"
SMALL = {
    "bench_bounds.py": ["--instances", "2000", "--repeats", "1"],
    "bench_routers.py": ["--instances", "2000", "--images", "1000", "--no-torch"],
    "bench_cli.py": ["--models", "300", "--compare-models", "100", "--repeats", "1"],
    "bench_widgets.py": ["--images", "1000", "--instances", "2000", "--moves", "5",
                         "--rebuilds", "2"],
}


def test_every_benchmark_has_a_small_run():
    assert {path.name for path in BENCHMARKS.glob("bench_*.py")} == set(SMALL)


@pytest.mark.parametrize("script", sorted(SMALL))
def test_benchmark_runs(script):
    run = subprocess.run([sys.executable, str(BENCHMARKS / script), *SMALL[script]],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "x" in run.stdout  # every script prints its ratios as "<n>x"

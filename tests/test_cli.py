"""python -m adaptlab bounds models.csv"""
import subprocess
import sys

import pytest

from adaptlab.__main__ import main


@pytest.fixture
def models_csv(tmp_path):
    path = tmp_path / "models.csv"
    path.write_text(
        "name,cost,accuracy\n"
        "tiny,0.4,0.62\nsmall,1.1,0.71\nclumsy,2.0,0.70\nmedium,4.4,0.80\nlarge,37.7,0.84\n"
    )
    return path


def test_bounds_table(models_csv, capsys):
    assert main(["bounds", str(models_csv), "--alpha", "0.6", "--classes", "10"]) == 0
    out = capsys.readouterr().out
    assert "Dominated, left out: clumsy." in out
    for label in ("conservative (alpha = 1)", "constant alpha = 0.6", "continuous (Eq 13)",
                  "best 1 of 4", "best 4 of 4", "Smallest-state rule"):
        assert label in out
    assert "pays off" in out


def test_single_k(models_csv, capsys):
    main(["bounds", str(models_csv), "--k", "2"])
    out = capsys.readouterr().out
    assert "best 2 of 4" in out and "best 3 of 4" not in out


@pytest.mark.parametrize("content, message", [
    ("name,cost,accuracy\na,1,62\nb,2,80\n", "looks like a percentage"),
    ("name,price\na,1\n", "lacks column"),
])
def test_bad_csv_is_one_line_and_exit_2(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    run = subprocess.run(
        [sys.executable, "-m", "adaptlab", "bounds", str(path)], capture_output=True, text=True
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and message in run.stderr
    assert "Traceback" not in run.stderr


def test_bad_k_is_refused(models_csv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["bounds", str(models_csv), "--k", "9"])
    assert exit_info.value.code == 2
    assert "--k must be between 1 and 4" in capsys.readouterr().err


def test_help_explains_the_columns():
    run = subprocess.run(
        [sys.executable, "-m", "adaptlab", "bounds", "--help"], capture_output=True, text=True
    )
    assert run.returncode == 0 and "name, cost, accuracy" in run.stdout
